// Internal recipients of the outbox (escalation contacts, stakeholders, Herald users): one row per address, kept while messages refer to it.
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../../db/client.ts';
import { recipients, users, type RecipientKind } from '../../db/schema.ts';
import { newId, newSigningSecret } from '../core/ids.ts';

export type RecipientRow = typeof recipients.$inferSelect;

export const KIND_LABELS: Record<RecipientKind | 'user', string> = {
  user: 'Herald user',
  email: 'Email',
  slack: 'Slack',
  teams: 'Microsoft Teams',
  discord: 'Discord',
  webhook: 'Webhook',
};

/** An email address, lower-cased: what a recipient row holds. */
export const emailAddress = z.string().trim().toLowerCase().max(254).email('An email address, e.g. oncall@example.com.');


/**
 * A chat or webhook URL for people to read: the origin and the first path segment. The rest of such URLs is
 * the secret that lets anyone post to the channel (Slack, Teams and Discord alike).
 */
export function maskedUrl(url: string): string {
  try {
    const u = new URL(url);
    const parts = u.pathname.split('/').filter(Boolean);
    return `${u.origin}/${parts.slice(0, 1).join('/')}${parts.length > 1 || u.search ? '/…' : ''}`;
  } catch {
    return '(invalid URL)';
  }
}

/** One recipient as a person reads it: "Ada Lovelace <ada@example.com>", "oncall@example.com", "Slack https://hooks.slack.com/services/…". */
export function recipientLabel(r: Pick<RecipientRow, 'kind' | 'address' | 'userId'>, userName?: string | null): string {
  if (r.userId) return userName ? `${userName} <${r.address}>` : r.address;
  if (r.kind === 'email') return r.address;
  return `${KIND_LABELS[r.kind]} ${maskedUrl(r.address)}`;
}

/** The recipient for a Herald user: messages go to their email as it is when each one is sent. */
export async function userRecipient(tx: Executor, user: { id: string; email: string }, now: Date): Promise<RecipientRow> {
  await tx
    .insert(recipients)
    .values({ id: newId(), kind: 'email', address: user.email.toLowerCase(), userId: user.id, signingSecret: null, createdAt: now })
    .onConflictDoNothing();
  const [row] = await tx.select().from(recipients).where(eq(recipients.userId, user.id));
  if (!row) throw new Error('unreachable: a user recipient was just made');
  if (row.address !== user.email.toLowerCase()) await tx.update(recipients).set({ address: user.email.toLowerCase() }).where(eq(recipients.id, row.id));
  return { ...row, address: user.email.toLowerCase() };
}

/** The recipients of active users by id (disabled and unknown users are left out). */
export async function userRecipients(tx: Executor, userIds: string[], now: Date): Promise<RecipientRow[]> {
  const ids = [...new Set(userIds)];
  if (!ids.length) return [];
  const found = await tx.select({ id: users.id, email: users.email, disabledAt: users.disabledAt }).from(users).where(inArray(users.id, ids));
  const out: RecipientRow[] = [];
  for (const u of found) if (!u.disabledAt) out.push(await userRecipient(tx, u, now));
  return out;
}

export interface AddressRecipient {
  row: RecipientRow;
  /** The signing secret of a plain webhook made just now: shown once, never again. */
  newSecret: string | null;
}

/** The recipient for an address (an email, or a chat/webhook URL), made on first use; a plain webhook gets a signing secret. */
export async function addressRecipient(tx: Executor, kind: RecipientKind, address: string, now: Date): Promise<AddressRecipient> {
  const normalized = kind === 'email' ? address.trim().toLowerCase() : address.trim();
  const secret = kind === 'webhook' ? newSigningSecret() : null;
  const inserted = await tx
    .insert(recipients)
    .values({ id: newId(), kind, address: normalized, userId: null, signingSecret: secret, createdAt: now })
    .onConflictDoNothing()
    .returning({ id: recipients.id });
  const [row] = await tx
    .select()
    .from(recipients)
    .where(and(eq(recipients.kind, kind), eq(recipients.address, normalized), isNull(recipients.userId)));
  if (!row) throw new Error('unreachable: an address recipient was just made');
  return { row, newSecret: inserted.length ? secret : null };
}

/** Recipients by id with their users' names, for labels. */
export async function recipientsWithNames(db: Executor, ids: string[]): Promise<Map<string, { row: RecipientRow; name: string | null }>> {
  const out = new Map<string, { row: RecipientRow; name: string | null }>();
  const unique = [...new Set(ids)];
  if (!unique.length) return out;
  const rows = await db
    .select({ row: recipients, name: users.name })
    .from(recipients)
    .leftJoin(users, eq(users.id, recipients.userId))
    .where(inArray(recipients.id, unique));
  for (const r of rows) out.set(r.row.id, { row: r.row, name: r.name });
  return out;
}
