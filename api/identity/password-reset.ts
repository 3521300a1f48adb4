// Password reset by email: a one-time link (purpose `reset`) that expires in an hour and works once. Its token is
// `<link id>.<HMAC of the id>` with the database's signing key, so the email can be made when it is sent (or shown
// held in the outbox) while only a hash of the token's secret is stored, as for every one-time link.
import { createHmac } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { oneTimeLinks, users } from '../../db/schema.ts';
import type { Write } from '../audit/write.ts';
import { newId } from '../core/ids.ts';
import { linkKey } from '../core/signing-key.ts';
import { findUser, findUserByEmail, userAudit } from './accounts.ts';
import { consumeOneTimeLink, findOneTimeLink, type OneTimeLink } from './one-time-links.ts';
import { hashSecret, invalidateUserSessions } from './sessions.ts';

const MINUTE = 60_000;
/** How long a reset link works. */
export const RESET_TTL_MS = 60 * MINUTE;
/** At most one reset email per account in this long, however often it is asked for: no mailbox flooding. */
export const RESET_EMAIL_INTERVAL_MS = 5 * MINUTE;

function secretFor(key: Buffer, linkId: string): string {
  return createHmac('sha256', key).update(`password-reset.${linkId}`).digest('base64url').slice(0, 32);
}

/** The token for a reset link: made again from the link's id whenever its email is composed. */
export async function resetToken(db: Executor, linkId: string): Promise<string> {
  return `${linkId}.${secretFor(await linkKey(db), linkId)}`;
}

/**
 * A reset was asked for `email`. When an active account has that address and none was asked for in the last few
 * minutes, a new link replaces any earlier unused one and the write announces it (notify/ emails it). Nothing
 * tells the caller which happened: the answer is the same for every address.
 */
export async function requestPasswordReset(w: Write, email: string): Promise<void> {
  const { tx, now } = w;
  const user = await findUserByEmail(tx, email);
  if (!user || user.disabledAt) return;
  const recent = await tx
    .select({ id: oneTimeLinks.id })
    .from(oneTimeLinks)
    .where(and(eq(oneTimeLinks.purpose, 'reset'), eq(oneTimeLinks.userId, user.id), gt(oneTimeLinks.createdAt, new Date(now.getTime() - RESET_EMAIL_INTERVAL_MS))))
    .limit(1);
  if (recent.length) return;
  await tx.delete(oneTimeLinks).where(and(eq(oneTimeLinks.purpose, 'reset'), eq(oneTimeLinks.userId, user.id), isNull(oneTimeLinks.usedAt)));
  const id = newId();
  await tx.insert(oneTimeLinks).values({
    id,
    purpose: 'reset',
    secretHash: hashSecret(secretFor(await linkKey(tx), id)),
    userId: user.id,
    createdAt: now,
    expiresAt: new Date(now.getTime() + RESET_TTL_MS),
    usedAt: null,
  });
  await w.audit({ action: 'user.password_reset_requested', entityType: 'user', entityId: user.id }, { as: null });
  await w.events.passwordResetRequested(tx, { userId: user.id, linkId: id, now });
}

/** The reset link a token names, with its account, when it is unused, unexpired and the account still active. */
export async function usableResetLink(db: Executor, token: string, now: Date): Promise<{ link: OneTimeLink; user: NonNullable<Awaited<ReturnType<typeof findUser>>> } | null> {
  const link = await findOneTimeLink(db, token, 'reset', now);
  if (!link?.userId) return null;
  const user = await findUser(db, link.userId);
  if (!user || user.disabledAt) return null;
  return { link, user };
}

/**
 * Sets the new password and uses the link up, once: every session of the account ends (whoever knew the old
 * password is signed out) and its other reset links stop working. API tokens stay, as with a password change.
 * False when the link was used meanwhile.
 */
export async function completePasswordReset(w: Write, link: OneTimeLink, userId: string, passwordHash: string): Promise<boolean> {
  const { tx, now } = w;
  if (!(await consumeOneTimeLink(tx, link.id, now))) return false;
  await tx.delete(oneTimeLinks).where(and(eq(oneTimeLinks.purpose, 'reset'), eq(oneTimeLinks.userId, userId), isNull(oneTimeLinks.usedAt)));
  await invalidateUserSessions(tx, userId);
  const [after] = await tx.update(users).set({ passwordHash, updatedAt: now }).where(eq(users.id, userId)).returning();
  if (after) await w.audit({ action: 'user.password_reset', entityType: 'user', entityId: userId, after: { hasPassword: userAudit(after).hasPassword } });
  return true;
}
