// One-time links: the first-run setup link and user invitations. Token "id.secret", only a hash kept.
import { and, eq, gt, isNull, lte, or } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { oneTimeLinks } from '../../db/schema.ts';
import { countUsers } from './accounts.ts';
import { newId, newSecret } from '../core/ids.ts';
import { hashSecret, secretMatches, splitToken } from './sessions.ts';

export type LinkPurpose = 'setup' | 'invite' | 'reset';
export type OneTimeLink = typeof oneTimeLinks.$inferSelect;

const HOUR = 60 * 60 * 1000;
export const LINK_TTL_MS: Record<LinkPurpose, number> = { setup: 24 * HOUR, invite: 7 * 24 * HOUR, reset: HOUR };

/** A link to the page at `path` (the console's, given by whoever serves it) with the token in the query string. */
export function linkUrl(baseUrl: string, path: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${path}?token=${encodeURIComponent(token)}`;
}

/** Makes a link; any earlier unused link for the same purpose (and user) stops working. */
export async function createOneTimeLink(
  db: Executor,
  purpose: LinkPurpose,
  userId: string | null,
  now: Date,
): Promise<{ token: string; link: OneTimeLink }> {
  await db
    .delete(oneTimeLinks)
    .where(
      or(
        and(
          eq(oneTimeLinks.purpose, purpose),
          userId ? eq(oneTimeLinks.userId, userId) : isNull(oneTimeLinks.userId),
          isNull(oneTimeLinks.usedAt),
        ),
        // Expired links are dead weight: nothing can use them any more.
        lte(oneTimeLinks.expiresAt, now),
      ),
    );
  const id = newId();
  const secret = newSecret();
  const link: OneTimeLink = {
    id,
    purpose,
    secretHash: hashSecret(secret),
    userId,
    createdAt: now,
    expiresAt: new Date(now.getTime() + LINK_TTL_MS[purpose]),
    usedAt: null,
  };
  await db.insert(oneTimeLinks).values(link);
  return { token: `${id}.${secret}`, link };
}

/** The link a token names, when it is of this purpose, unused and unexpired; else null. */
export async function findOneTimeLink(db: Executor, token: string, purpose: LinkPurpose, now: Date): Promise<OneTimeLink | null> {
  const parts = splitToken(token);
  if (!parts) return null;
  const [id, secret] = parts;
  const rows = await db
    .select()
    .from(oneTimeLinks)
    .where(and(eq(oneTimeLinks.id, id), eq(oneTimeLinks.purpose, purpose), isNull(oneTimeLinks.usedAt), gt(oneTimeLinks.expiresAt, now)))
    .limit(1);
  const link = rows[0];
  if (!link || !secretMatches(secret, link.secretHash)) return null;
  return link;
}

/** Marks a link used; false when another request used it first (the caller then refuses). */
export async function consumeOneTimeLink(db: Executor, id: string, now: Date): Promise<boolean> {
  const result = await db
    .update(oneTimeLinks)
    .set({ usedAt: now })
    .where(and(eq(oneTimeLinks.id, id), isNull(oneTimeLinks.usedAt)))
    .returning({ id: oneTimeLinks.id });
  return result.length === 1;
}

/**
 * At start: when no user exists yet, a fresh setup link (URL) for the first owner, to the page at `setupPath`; else null.
 * Each start makes a new one and retires the previous, so only the newest printed link works.
 */
export async function issueSetupLink(db: Executor, now: Date, baseUrl: string, setupPath: string): Promise<string | null> {
  if ((await countUsers(db)) > 0) return null;
  const { token } = await createOneTimeLink(db, 'setup', null, now);
  return linkUrl(baseUrl, setupPath, token);
}
