// Fixtures for the sign-in and account tests: users with real passwords, cookies out of responses.
import { eq } from 'drizzle-orm';
import { auditLog, sessions, users, type Role } from '../../db/schema.ts';
import { newId } from '../../api/core/ids.ts';
import { hashPassword } from '../../api/identity/passwords.ts';
import { SESSION_COOKIE } from '../../api/core/actor.ts';
import { json, ORIGIN, type TestApp } from '../support/app.ts';

export const PASSWORD = 'correct horse battery staple';

/** Inserts a user who signs in with `password`. */
export async function userWithPassword(t: TestApp, role: Role, opts: { email?: string; password?: string } = {}) {
  const now = t.clock.now();
  const id = newId();
  const email = opts.email ?? `${role}-${id}@example.com`;
  const passwordHash = await hashPassword(opts.password ?? PASSWORD);
  await t.database.db.insert(users).values({ id, email, name: `${role} person`, role, passwordHash, createdAt: now, updatedAt: now });
  return { id, email };
}

export function login(t: TestApp, email: string, password: string, headers: Record<string, string> = {}) {
  return t.app.request('/api/auth/login', json('POST', { email, password }, { ...ORIGIN, ...headers }));
}

/** The session token a response sets, or null. */
export function sessionTokenOf(res: Response): string | null {
  for (const line of res.headers.getSetCookie()) {
    const m = new RegExp(`^${SESSION_COOKIE}=([^;]*)`).exec(line);
    if (m) return m[1] || null;
  }
  return null;
}

/** Same-origin cookie headers for a token. */
export const cookieHeaders = (token: string) => ({ Cookie: `${SESSION_COOKIE}=${token}`, ...ORIGIN });

/** Row counts of the tables these tests write, to prove a refused request changed nothing. */
export async function snapshot(t: TestApp) {
  const db = t.database.db;
  return {
    users: await db.select().from(users),
    sessions: (await db.select().from(sessions)).length,
    audit: (await db.select().from(auditLog)).length,
  };
}

export async function sessionsOf(t: TestApp, userId: string) {
  return t.database.db.select().from(sessions).where(eq(sessions.userId, userId));
}
