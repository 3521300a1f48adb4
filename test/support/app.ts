// Test fixtures: a freshly migrated libSQL database, the real app, and signed-in users of each role.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMigratedDatabase, type Database } from '../../db/client.ts';
import { users, type Role } from '../../db/schema.ts';
import { createApp } from '../../api/app.ts';
import { ManualClock, type AppDeps } from '../../api/core/deps.ts';
import { newId } from '../../api/core/ids.ts';
import { createApiToken, createSession } from '../../api/identity/sessions.ts';
import { SESSION_COOKIE } from '../../api/core/actor.ts';
import { notifyingEvents } from '../../api/notify/events.ts';
import { CONSOLE_PATHS } from '../../admin/paths.ts';

export const PUBLIC_URL = 'http://127.0.0.1:4321';
export const ORIGIN = { Origin: PUBLIC_URL };

export interface TestApp {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  database: Database;
  clock: ManualClock;
  close(): void;
}

/** A new app on its own database: a temp file by default (`memory: true` for :memory:). */
export async function makeTestApp(opts: { memory?: boolean; deps?: Partial<AppDeps> } = {}): Promise<TestApp> {
  let dir: string | null = null;
  let url = ':memory:';
  if (!opts.memory) {
    dir = mkdtempSync(join(tmpdir(), 'herald-test-'));
    url = `file:${join(dir, 'test.db')}`;
  }
  const database = await openMigratedDatabase(url);
  const clock = new ManualClock();
  const deps: AppDeps = { db: database.db, clock, events: notifyingEvents, publicUrl: PUBLIC_URL, invitationPath: CONSOLE_PATHS.invitation, ...opts.deps };
  const app = createApp(deps);
  return {
    app,
    deps,
    database,
    clock,
    close() {
      database.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TestUser {
  id: string;
  email: string;
  role: Role;
  /** Headers for a cookie-authenticated, same-origin request. */
  headers: Record<string, string>;
}

/** Inserts a user of `role` with a session (no password needed) and returns its request headers. */
export async function userWithSession(t: TestApp, role: Role, email = `${role}-${newId()}@example.com`): Promise<TestUser> {
  const now = t.clock.now();
  const id = newId();
  await t.database.db.insert(users).values({ id, email, name: `${role} user`, role, createdAt: now, updatedAt: now });
  const { token } = await createSession(t.database.db, id, now);
  return { id, email, role, headers: { Cookie: `${SESSION_COOKIE}=${token}`, ...ORIGIN } };
}

/** An API token for an existing user; returns the Authorization header. */
export async function bearer(t: TestApp, userId: string, scope: 'read' | 'write'): Promise<Record<string, string>> {
  const { token } = await createApiToken(t.database.db, { userId, name: 'test', scope }, t.clock.now());
  return { Authorization: `Bearer ${token}` };
}

/** JSON request init helper. */
export function json(method: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) };
}
