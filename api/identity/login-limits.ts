// Sign-in rate limits and lockout: failures counted per account and per client address.
import type { Context } from 'hono';
import { and, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { DB, Executor } from '../../db/client.ts';
import { loginFailures } from '../../db/schema.ts';
import type { AppEnv } from '../http/access.ts';
import { ApiError } from '../http/errors.ts';
import { hashSecret } from './sessions.ts';

export interface FailurePolicy {
  /** Failures within `windowMs` that lock the key. */
  limit: number;
  windowMs: number;
  /** How long a locked key refuses every attempt, right password or not. */
  lockoutMs: number;
}

const MINUTE = 60_000;

/** Five wrong passwords for one account lock it for a quarter of an hour. */
export const ACCOUNT_POLICY: FailurePolicy = { limit: 5, windowMs: 15 * MINUTE, lockoutMs: 15 * MINUTE };
/** One address may fail more often (a shared office NAT), but not spray many accounts. */
export const ADDRESS_POLICY: FailurePolicy = { limit: 20, windowMs: 15 * MINUTE, lockoutMs: 15 * MINUTE };

/** Password reset requests from one client address: a few, then a quarter of an hour's wait. */
export const RESET_ADDRESS_POLICY: FailurePolicy = { limit: 5, windowMs: 15 * MINUTE, lockoutMs: 15 * MINUTE };
/** Requests for one email address, from anywhere: a handful an hour (each sends at most one email per 5 minutes). */
export const RESET_ACCOUNT_POLICY: FailurePolicy = { limit: 5, windowMs: 60 * MINUTE, lockoutMs: 60 * MINUTE };

export interface LimitKey {
  key: string;
  policy: FailurePolicy;
}

/**
 * The keys one attempt counts against. Stored hashed: people type passwords into the email field,
 * and addresses are personal data; neither needs to be readable here.
 */
export function loginKeys(email: string, address: string): LimitKey[] {
  return [
    { key: `account:${hashSecret(email.toLowerCase())}`, policy: ACCOUNT_POLICY },
    { key: `address:${hashSecret(address)}`, policy: ADDRESS_POLICY },
  ];
}

/**
 * The client's address: the socket's, or, behind a trusted proxy, the last X-Forwarded-For entry,
 * the one that proxy appended. Entries before it come from the client and could be anything, so
 * trusting the first would let one client rotate made-up addresses past the per-address limit.
 */
export function clientAddress(c: Context<AppEnv>): string {
  if (c.get('deps').trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (forwarded) return forwarded.slice(0, 100);
  }
  // @hono/node-server puts the Node request in env; app.request() and `astro dev` have none.
  const env: unknown = c.env;
  if (env && typeof env === 'object' && 'incoming' in env) {
    const incoming = (env as { incoming?: { socket?: { remoteAddress?: string } } }).incoming;
    const address = incoming?.socket?.remoteAddress;
    if (address) return address;
  }
  return 'unknown';
}

/** Milliseconds until the first of `keys` unlocks, or 0 when none is locked. */
async function lockedFor(db: Executor, keys: LimitKey[], now: Date): Promise<number> {
  const rows = await db
    .select({ lockedUntil: loginFailures.lockedUntil })
    .from(loginFailures)
    .where(inArray(loginFailures.key, keys.map((k) => k.key)));
  let wait = 0;
  for (const row of rows) {
    if (row.lockedUntil && row.lockedUntil.getTime() > now.getTime()) wait = Math.max(wait, row.lockedUntil.getTime() - now.getTime());
  }
  return wait;
}

/** Rows untouched this long are forgotten; longer than any policy's window. */
const FORGET_AFTER_MS = 24 * 60 * MINUTE;

/**
 * Adds one to each key's count in its window and locks the keys whose count passed their limit
 * (`atLimit`: reaching the limit locks; otherwise only going past it does). One upsert per key,
 * so concurrent requests are all counted. A lockout starts a fresh window for after it ends.
 */
async function countAgainst(db: Executor, keys: LimitKey[], now: Date, atLimit: boolean): Promise<void> {
  const t = now.getTime();
  for (const { key, policy } of keys) {
    const windowExpired = sql`${loginFailures.windowStart} <= ${t - policy.windowMs}`;
    await db
      .insert(loginFailures)
      .values({ key, count: 1, windowStart: now, lockedUntil: null })
      .onConflictDoUpdate({
        target: loginFailures.key,
        set: {
          count: sql`CASE WHEN ${windowExpired} THEN 1 ELSE ${loginFailures.count} + 1 END`,
          windowStart: sql`CASE WHEN ${windowExpired} THEN ${t} ELSE ${loginFailures.windowStart} END`,
        },
      });
    const passed = atLimit ? sql`${loginFailures.count} >= ${policy.limit}` : sql`${loginFailures.count} > ${policy.limit}`;
    await db
      .update(loginFailures)
      .set({ count: 0, windowStart: now, lockedUntil: new Date(t + policy.lockoutMs) })
      .where(and(eq(loginFailures.key, key), passed));
  }
  // Forget keys whose window and lockout are long over, so the table stays small.
  await db
    .delete(loginFailures)
    .where(
      and(
        lt(loginFailures.windowStart, new Date(t - FORGET_AFTER_MS)),
        or(isNull(loginFailures.lockedUntil), lt(loginFailures.lockedUntil, now)),
      ),
    );
}

/**
 * Counts an attempt against each key *before* the password is checked, so a burst of parallel
 * guesses cannot all slip past the lock: at most `limit` attempts per window get a password check,
 * and the next one locks the key. Returns the milliseconds to wait; 0 means go ahead and check.
 */
export async function beginAttempt(db: DB, keys: LimitKey[], now: Date): Promise<number> {
  const wait = await lockedFor(db, keys, now);
  if (wait > 0) return wait;
  await db.transaction((tx) => countAgainst(tx, keys, now, false));
  return lockedFor(db, keys, now);
}

/**
 * The password was right, so the attempt was no failure: the account's count is forgotten, the
 * address's only loses this attempt (one good account must not reset a spray over many others).
 */
export async function attemptSucceeded(db: Executor, keys: LimitKey[]): Promise<void> {
  for (const { key } of keys) {
    if (key.startsWith('account:')) await db.delete(loginFailures).where(eq(loginFailures.key, key));
    else await db.update(loginFailures).set({ count: sql`MAX(${loginFailures.count} - 1, 0)` }).where(eq(loginFailures.key, key));
  }
}

/** The 429 for a locked key, with Retry-After in seconds. */
export function rateLimited(waitMs: number): ApiError {
  const seconds = Math.ceil(waitMs / 1000);
  return new ApiError(429, 'rate_limited', `Too many failed attempts. Try again in ${Math.ceil(seconds / 60)} minutes.`, undefined, {
    'Retry-After': String(seconds),
  });
}
