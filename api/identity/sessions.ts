// Sessions as lucia-auth.com teaches them today: token "id.secret", only SHA-256(secret) stored,
// constant-time comparison, inactivity expiry with sliding renewal. No `lucia` package (deprecated).
import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { encodeHexLowerCase } from '@oslojs/encoding';
import { and, eq, isNull, lte, ne } from 'drizzle-orm';
import type { DB, Executor } from '../../db/client.ts';
import { apiTokens, sessions, users, type TokenScope } from '../../db/schema.ts';
import { newId, newSecret } from '../core/ids.ts';
import { SESSION_COOKIE, type User } from '../core/actor.ts';

/** A session unused for this long is expired. */
export const SESSION_INACTIVITY_MS = 10 * 24 * 60 * 60 * 1000;
/** How often `last_used_at` is written (and the cookie set again) while a session is in use. */
export const SESSION_RENEW_INTERVAL_MS = 60 * 60 * 1000;

export type Session = typeof sessions.$inferSelect;
export type ApiToken = typeof apiTokens.$inferSelect;

export function hashSecret(secret: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(secret)));
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const a = new TextEncoder().encode(hashSecret(secret));
  const b = new TextEncoder().encode(storedHash);
  return a.length === b.length && constantTimeEqual(a, b);
}

export function splitToken(token: string): [string, string] | null {
  const parts = token.split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1] || parts[0].length > 64 || parts[1].length > 128) return null;
  return [parts[0], parts[1]];
}

export async function createSession(db: Executor, userId: string, now: Date, userAgent?: string): Promise<{ token: string; session: Session }> {
  const id = newId();
  const secret = newSecret();
  const session: Session = {
    id,
    userId,
    secretHash: hashSecret(secret),
    createdAt: now,
    lastUsedAt: now,
    userAgent: userAgent?.slice(0, 300) ?? null,
  };
  await db.insert(sessions).values(session);
  return { token: `${id}.${secret}`, session };
}

export interface ValidSession {
  session: Session;
  user: User;
  /** True when last_used_at was moved forward: the cookie should be set again. */
  renewed: boolean;
}

/** Checks a session token; expired sessions and sessions of disabled users are deleted / refused. */
export async function validateSessionToken(db: DB, token: string, now: Date): Promise<ValidSession | null> {
  const parts = splitToken(token);
  if (!parts) return null;
  const [id, secret] = parts;
  const rows = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, id))
    .limit(1);
  const row = rows[0];
  if (!row || !secretMatches(secret, row.session.secretHash)) return null;
  if (now.getTime() - row.session.lastUsedAt.getTime() >= SESSION_INACTIVITY_MS) {
    await db.delete(sessions).where(eq(sessions.id, id));
    return null;
  }
  if (row.user.disabledAt) return null;
  let renewed = false;
  if (now.getTime() - row.session.lastUsedAt.getTime() >= SESSION_RENEW_INTERVAL_MS) {
    row.session.lastUsedAt = now;
    await db.update(sessions).set({ lastUsedAt: now }).where(eq(sessions.id, id));
    renewed = true;
  }
  return { session: row.session, user: row.user, renewed };
}

/** Deletes sessions past their inactivity expiry (a session nobody presents again is never checked). */
export async function purgeExpiredSessions(db: Executor, now: Date): Promise<void> {
  await db.delete(sessions).where(lte(sessions.lastUsedAt, new Date(now.getTime() - SESSION_INACTIVITY_MS)));
}

export async function invalidateSession(db: Executor, sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}

/** Signs a user out everywhere, except (when given) the session making the change. */
export async function invalidateUserSessions(db: Executor, userId: string, exceptSessionId?: string): Promise<void> {
  const mine = eq(sessions.userId, userId);
  await db.delete(sessions).where(exceptSessionId ? and(mine, ne(sessions.id, exceptSessionId)) : mine);
}

/**
 * Revokes every live API token of a user (disabling the account, an owner's password reset): revoked for good, so
 * re-enabling the account does not bring them back. Returns how many were revoked.
 */
export async function revokeUserTokens(db: Executor, userId: string, now: Date): Promise<number> {
  const res = await db.update(apiTokens).set({ revokedAt: now }).where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)));
  return res.rowsAffected;
}

/** Set-Cookie value for a session token; `Secure` when the public URL is https. */
export function sessionCookie(token: string, secure: boolean, now: Date): string {
  const expires = new Date(now.getTime() + SESSION_INACTIVITY_MS);
  return `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Lax; Path=/; Expires=${expires.toUTCString()}${secure ? '; Secure' : ''}`;
}

export function blankSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0${secure ? '; Secure' : ''}`;
}

/** API tokens look like `hrld_<id>.<secret>`; the prefix makes leaked tokens easy to grep for. */
export const TOKEN_PREFIX = 'hrld_';

export async function createApiToken(
  db: Executor,
  input: { userId: string; name: string; scope: TokenScope },
  now: Date,
): Promise<{ token: string; row: ApiToken }> {
  const id = newId();
  const secret = newSecret();
  const row: ApiToken = {
    id,
    name: input.name,
    userId: input.userId,
    scope: input.scope,
    secretHash: hashSecret(secret),
    createdAt: now,
    lastUsedAt: null,
    revokedAt: null,
  };
  await db.insert(apiTokens).values(row);
  return { token: `${TOKEN_PREFIX}${id}.${secret}`, row };
}

/** Checks a bearer token; records its last use (at most once a minute). */
export async function validateApiToken(db: DB, token: string, now: Date): Promise<{ token: ApiToken; user: User } | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const parts = splitToken(token.slice(TOKEN_PREFIX.length));
  if (!parts) return null;
  const [id, secret] = parts;
  const rows = await db
    .select({ token: apiTokens, user: users })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
    .limit(1);
  const row = rows[0];
  if (!row || !secretMatches(secret, row.token.secretHash) || row.user.disabledAt) return null;
  if (!row.token.lastUsedAt || now.getTime() - row.token.lastUsedAt.getTime() >= 60_000) {
    row.token.lastUsedAt = now;
    await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, id));
  }
  return row;
}
