// The escalation path as configured: each level's name and contacts, ack timeouts and paging on open per severity, the reminder lead time.
import { asc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../../db/client.ts';
import { ESCALATION_LEVELS, RECIPIENT_KINDS, escalationContacts, users, type RecipientKind, type Severity } from '../../db/schema.ts';
import { badRequest } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import { getSettings, putSettings, type Settings } from '../core/settings.ts';
import { addressRecipient, emailAddress, maskedUrl, recipientLabel, recipientsWithNames, userRecipient, type RecipientRow } from './internal-recipients.ts';
import { webhookUrl } from '../http/validate.ts';

/** Levels are numbered as the path reads: 1 on-call engineer … 4 CTO/VP engineering. */
const LEVELS = [1, 2, 3, 4] as const;
export const MAX_PAGE_LEVEL = ESCALATION_LEVELS.length;

type ContactKind = 'user' | RecipientKind;

interface ContactOut {
  id: string;
  kind: ContactKind;
  user_id: string | null;
  /** The email address or URL; for a user, their email. URLs are masked after the first path segment. */
  address: string;
  /** The user's name (user contacts). */
  name: string | null;
  /** How the console shows it. */
  label: string;
  /** A new plain webhook's signing secret, in the answer that made it only. */
  secret?: string;
}

interface LevelOut {
  level: number;
  name: string;
  contacts: ContactOut[];
}

export interface EscalationOut {
  levels: LevelOut[];
  ack_timeout_minutes: Record<Severity, number | null>;
  page_on_open: Record<Severity, boolean>;
  update_reminder_minutes: number;
}

const severityRecord = <T extends z.ZodTypeAny>(value: T) => z.object({ P1: value, P2: value, P3: value, P4: value }).partial().strict();

const contactSchema = z
  .object({
    kind: z.enum(['user', ...RECIPIENT_KINDS]),
    user_id: z.string().min(1).max(100).nullable().optional(),
    address: z.string().trim().max(2000).nullable().optional(),
    // what GET answers, so a GET → edit → PUT round trip is taken as it is
    id: z.string().max(100).optional(),
    name: z.string().nullable().optional(),
    label: z.string().optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.kind === 'user') {
      if (!c.user_id) ctx.addIssue({ code: 'custom', path: ['user_id'], message: 'Choose a Herald user.' });
      return;
    }
    // An existing contact (by id) may come back with its masked URL, or none: it is kept as it is.
    if (c.id && (c.address == null || c.address.includes('…'))) return;
    const parsed = (c.kind === 'email' ? emailAddress : webhookUrl).safeParse(c.address ?? '');
    if (!parsed.success) ctx.addIssue({ code: 'custom', path: ['address'], message: parsed.error.issues[0]?.message ?? 'Not valid.' });
  });

export const putEscalationSchema = z
  .object({
    levels: z
      .array(
        z
          .object({
            level: z.number().int().min(1).max(MAX_PAGE_LEVEL),
            name: z.string().trim().min(1, 'Required.').max(100, 'At most 100 characters.').optional(),
            contacts: z.array(contactSchema).max(20, 'At most 20 contacts per level.'),
          })
          .strict(),
      )
      .max(MAX_PAGE_LEVEL)
      .refine((ls) => new Set(ls.map((l) => l.level)).size === ls.length, 'Each level once.')
      .optional(),
    ack_timeout_minutes: severityRecord(z.number().int().min(1).max(7 * 24 * 60).nullable()).optional(),
    page_on_open: severityRecord(z.boolean()).optional(),
    update_reminder_minutes: z.number().int().min(0).max(24 * 60).optional(),
  })
  .strict();

export type PutEscalation = z.infer<typeof putEscalationSchema>;

export interface LevelContact {
  contactId: string;
  level: number;
  recipient: RecipientRow;
  /** The user's name for a user contact. */
  userName: string | null;
  /** False for a user who has been disabled: not paged. */
  active: boolean;
}

/** The contacts of every level (or one), in order. */
export async function levelContacts(db: Executor, level?: number): Promise<LevelContact[]> {
  const rows = await db
    .select()
    .from(escalationContacts)
    .where(level === undefined ? undefined : eq(escalationContacts.level, level))
    .orderBy(asc(escalationContacts.level), asc(escalationContacts.position));
  const recips = await recipientsWithNames(db, rows.map((r) => r.recipientId));
  const userIds = [...recips.values()].map((r) => r.row.userId).filter((id): id is string => !!id);
  const disabled = new Set(
    userIds.length
      ? (await db.select({ id: users.id, disabledAt: users.disabledAt }).from(users).where(inArray(users.id, userIds))).filter((u) => u.disabledAt).map((u) => u.id)
      : [],
  );
  const out: LevelContact[] = [];
  for (const r of rows) {
    const found = recips.get(r.recipientId);
    if (!found) continue;
    out.push({ contactId: r.id, level: r.level, recipient: found.row, userName: found.name, active: !found.row.userId || !disabled.has(found.row.userId) });
  }
  return out;
}

function contactJson(c: LevelContact, secret?: string | null): ContactOut {
  const r = c.recipient;
  return {
    id: c.contactId,
    kind: r.userId ? 'user' : r.kind,
    user_id: r.userId,
    address: r.userId || r.kind === 'email' ? r.address : maskedUrl(r.address),
    name: c.userName,
    label: recipientLabel(r, c.userName),
    ...(secret ? { secret } : {}),
  };
}

function escalationOf(settings: Settings, contacts: LevelContact[], secrets = new Map<string, string>()): EscalationOut {
  return {
    levels: LEVELS.map((level) => ({
      level,
      name: settings.escalationLevelNames[level - 1] || ESCALATION_LEVELS[level - 1] || `Level ${level}`,
      contacts: contacts.filter((c) => c.level === level).map((c) => contactJson(c, secrets.get(c.recipient.id))),
    })),
    ack_timeout_minutes: settings.ackTimeoutMinutes,
    page_on_open: settings.pageOnOpen,
    update_reminder_minutes: settings.updateReminderMinutes,
  };
}

export async function escalationJson(db: Executor): Promise<EscalationOut> {
  const [settings, contacts] = await Promise.all([getSettings(db), levelContacts(db)]);
  return escalationOf(settings, contacts);
}

/**
 * Writes the escalation settings in the caller's transaction. A level that is listed has its contacts replaced
 * (recipients are kept: the delivery log refers to them); unlisted levels keep theirs. Returns the settings with
 * the signing secrets of plain webhooks made by this write (shown once).
 */
export async function putEscalation(tx: Executor, body: PutEscalation, now: Date): Promise<EscalationOut> {
  const settings = await getSettings(tx);
  const values: Partial<Settings> = {};
  const secrets = new Map<string, string>();
  if (body.levels) {
    const names = [...settings.escalationLevelNames];
    const wantedUsers = [...new Set(body.levels.flatMap((l) => l.contacts.filter((c) => c.kind === 'user').map((c) => c.user_id!)))];
    const found = wantedUsers.length
      ? await tx.select({ id: users.id, email: users.email, disabledAt: users.disabledAt }).from(users).where(inArray(users.id, wantedUsers))
      : [];
    const active = new Map(found.filter((u) => !u.disabledAt).map((u) => [u.id, u]));
    const fields: Record<string, string> = {};
    body.levels.forEach((l, i) =>
      l.contacts.forEach((c, j) => {
        if (c.kind === 'user' && !active.has(c.user_id!)) fields[`levels.${i}.contacts.${j}.user_id`] = `No active user "${c.user_id}".`;
      }),
    );
    // contacts sent back by id keep their recipient (their URL is only ever shown masked)
    const existing = new Map((await levelContacts(tx)).map((c) => [c.contactId, c]));
    body.levels.forEach((l, i) =>
      l.contacts.forEach((c, j) => {
        if (c.kind === 'user' || !c.id || (c.address != null && !c.address.includes('…'))) return;
        const old = existing.get(c.id);
        if (!old || old.recipient.userId || old.recipient.kind !== c.kind) fields[`levels.${i}.contacts.${j}.address`] = 'Give the address: this contact is not known.';
      }),
    );
    if (Object.keys(fields).length) throw badRequest('Some contacts are not valid.', fields);
    for (const l of body.levels) {
      if (l.name) names[l.level - 1] = l.name;
      await tx.delete(escalationContacts).where(eq(escalationContacts.level, l.level));
      const seen = new Set<string>();
      let position = 0;
      for (const c of l.contacts) {
        let recipient: RecipientRow;
        const kept = c.id && c.kind !== 'user' && (c.address == null || c.address.includes('…')) ? existing.get(c.id) : undefined;
        if (kept) recipient = kept.recipient;
        else if (c.kind === 'user') recipient = await userRecipient(tx, active.get(c.user_id!)!, now);
        else {
          const made = await addressRecipient(tx, c.kind, c.address!, now);
          recipient = made.row;
          if (made.newSecret) secrets.set(recipient.id, made.newSecret);
        }
        // the same contact twice on one level would be paged twice
        if (seen.has(recipient.id)) continue;
        seen.add(recipient.id);
        await tx.insert(escalationContacts).values({ id: newId(), level: l.level, position: position++, recipientId: recipient.id, createdAt: now });
      }
    }
    values.escalationLevelNames = names;
  }
  if (body.ack_timeout_minutes) values.ackTimeoutMinutes = { ...settings.ackTimeoutMinutes, ...body.ack_timeout_minutes };
  if (body.page_on_open) values.pageOnOpen = { ...settings.pageOnOpen, ...body.page_on_open };
  if (body.update_reminder_minutes !== undefined) values.updateReminderMinutes = body.update_reminder_minutes;
  await putSettings(tx, values, now);
  const [after, contacts] = await Promise.all([getSettings(tx), levelContacts(tx)]);
  return escalationOf(after, contacts, secrets);
}
