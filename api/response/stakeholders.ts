// Internal stakeholders (email or chat): who gets the internal story of every incident. Never public subscribers.
import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../../db/client.ts';
import { RECIPIENT_KINDS, recipients, stakeholders } from '../../db/schema.ts';
import { conflict, notFound } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import { iso } from '../core/iso.ts';
import { addressRecipient, emailAddress, maskedUrl, recipientLabel, type RecipientRow } from './internal-recipients.ts';
import { webhookUrl } from '../http/validate.ts';

export const createStakeholderSchema = z
  .object({
    kind: z.enum(RECIPIENT_KINDS),
    address: z.string().trim().max(2000),
    name: z.string().trim().max(100, 'At most 100 characters.').optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    const parsed = (s.kind === 'email' ? emailAddress : webhookUrl).safeParse(s.address);
    if (!parsed.success) ctx.addIssue({ code: 'custom', path: ['address'], message: parsed.error.issues[0]?.message ?? 'Not valid.' });
  });

export interface StakeholderOut {
  id: string;
  kind: RecipientRow['kind'];
  /** The email address, or the URL masked after its first path segment. */
  address: string;
  name: string | null;
  label: string;
  created_at: string;
  /** A new plain webhook's signing secret, in the answer that made it only. */
  secret?: string;
}

type StakeholderRow = typeof stakeholders.$inferSelect;

function stakeholderJson(s: StakeholderRow, r: RecipientRow, secret?: string | null): StakeholderOut {
  return {
    id: s.id,
    kind: r.kind,
    address: r.kind === 'email' ? r.address : maskedUrl(r.address),
    name: s.name,
    label: s.name ? `${s.name} (${recipientLabel(r)})` : recipientLabel(r),
    created_at: iso(s.createdAt),
    ...(secret ? { secret } : {}),
  };
}

export async function listStakeholders(db: Executor): Promise<StakeholderOut[]> {
  const rows = await db
    .select({ s: stakeholders, r: recipients })
    .from(stakeholders)
    .innerJoin(recipients, eq(recipients.id, stakeholders.recipientId))
    .orderBy(asc(stakeholders.createdAt), asc(stakeholders.id));
  return rows.map((x) => stakeholderJson(x.s, x.r));
}

/** The recipient ids every stakeholder message goes to. */
export async function stakeholderRecipientIds(db: Executor): Promise<string[]> {
  const rows = await db.select({ id: stakeholders.recipientId }).from(stakeholders);
  return rows.map((r) => r.id);
}

export async function addStakeholder(tx: Executor, input: z.infer<typeof createStakeholderSchema>, now: Date): Promise<StakeholderOut> {
  const made = await addressRecipient(tx, input.kind, input.address, now);
  const [existing] = await tx.select().from(stakeholders).where(eq(stakeholders.recipientId, made.row.id));
  if (existing) throw conflict('This address is a stakeholder already.');
  const row: StakeholderRow = { id: newId(), recipientId: made.row.id, name: input.name || null, createdAt: now };
  await tx.insert(stakeholders).values(row);
  return stakeholderJson(row, made.row, made.newSecret);
}

/** Removes a stakeholder; its recipient stays (the delivery log refers to it). Returns what was removed. */
export async function removeStakeholder(tx: Executor, id: string): Promise<StakeholderOut> {
  const [found] = await tx
    .select({ s: stakeholders, r: recipients })
    .from(stakeholders)
    .innerJoin(recipients, eq(recipients.id, stakeholders.recipientId))
    .where(eq(stakeholders.id, id));
  if (!found) throw notFound('stakeholder');
  await tx.delete(stakeholders).where(eq(stakeholders.id, id));
  return stakeholderJson(found.s, found.r);
}
