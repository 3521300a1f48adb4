// Test fixtures: a freshly migrated libSQL database, the real app, and signed-in users of each role.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, openMigratedDatabase, type Database } from '../../db/client.ts';
import { users, type Role } from '../../db/schema.ts';
import { createApp } from '../../api/app.ts';
import { ManualClock, type AppDeps } from '../../api/core/deps.ts';
import { newId } from '../../api/core/ids.ts';
import { createApiToken, createSession } from '../../api/identity/sessions.ts';
import { SESSION_COOKIE } from '../../api/core/actor.ts';
import { notifyingEvents } from '../../api/notify/events.ts';
import { CONSOLE_PATHS, RESPONSE_LINKS } from '../../admin/paths.ts';

export const PUBLIC_URL = 'http://127.0.0.1:4321';
export const ORIGIN = { Origin: PUBLIC_URL };

export interface TestApp {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  database: Database;
  clock: ManualClock;
  close(): void;
}

let template: Promise<Buffer> | null = null;

/**
 * The bytes of a freshly migrated database file, made once per process (a vitest worker): each file-based
 * test database starts as a copy of them instead of running the migrations again. Kept in memory, so no
 * template file is left behind.
 */
function migratedTemplate(): Promise<Buffer> {
  template ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-template-'));
    try {
      const path = join(dir, 'template.db');
      const database = await openMigratedDatabase(`file:${path}`);
      try {
        // Move everything from the WAL into the main file: that file alone is then the whole database.
        await database.client.execute('PRAGMA wal_checkpoint(TRUNCATE)');
      } finally {
        database.close();
      }
      return readFileSync(path);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  })().catch((err: unknown) => {
    template = null;
    throw err;
  });
  return template;
}

/**
 * A new app on its own fresh, empty, migrated database: a temp file by default, copied from the migrated
 * template (`memory: true` for :memory:, which cannot be copied and is migrated each time; that takes ~3 ms).
 */
export async function makeTestApp(opts: { memory?: boolean; deps?: Partial<AppDeps> } = {}): Promise<TestApp> {
  let dir: string | null = null;
  let database: Database;
  if (opts.memory) {
    database = await openMigratedDatabase(':memory:');
  } else {
    const bytes = await migratedTemplate();
    dir = mkdtempSync(join(tmpdir(), 'herald-test-'));
    const path = join(dir, 'test.db');
    writeFileSync(path, bytes);
    database = await openDatabase(`file:${path}`);
  }
  const clock = new ManualClock();
  const deps: AppDeps = { db: database.db, clock, events: notifyingEvents, publicUrl: PUBLIC_URL, invitationPath: CONSOLE_PATHS.invitation, passwordResetPath: CONSOLE_PATHS.passwordReset, responseLinks: RESPONSE_LINKS, ...opts.deps };
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
export async function bearer(t: TestApp, userId: string, scope: 'read' | 'write' | 'alerts'): Promise<Record<string, string>> {
  const { token } = await createApiToken(t.database.db, { userId, name: 'test', scope }, t.clock.now());
  return { Authorization: `Bearer ${token}` };
}

/** JSON request init helper. */
export function json(method: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/** An API answer: its status and its body parsed as JSON (null when empty). */
export interface CallResult {
  status: number;
  body: any;
}

/**
 * One request to the test app. `body`: undefined sends none, a string is sent as it is (as JSON, for
 * malformed-body cases), anything else is JSON-encoded.
 */
async function call(t: TestApp, method: string, path: string, body: unknown, headers: Record<string, string>): Promise<CallResult> {
  const init: RequestInit =
    body === undefined
      ? { method, headers }
      : typeof body === 'string'
        ? { method, headers: { 'Content-Type': 'application/json', ...headers }, body }
        : json(method, body, headers);
  const res = await t.app.request(path, init);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/**
 * `call` bound to a spec's current app and default headers (getters, since both are made afresh per test):
 * `const call = caller(() => t, () => publisher.headers);` then `call('POST', '/api/v1/components', { name })`.
 */
export function caller(app: () => TestApp, defaultHeaders: () => Record<string, string> = () => ({})) {
  return (method: string, path: string, body?: unknown, headers: Record<string, string> = defaultHeaders()): Promise<CallResult> =>
    call(app(), method, path, body, headers);
}
