// `npm run admin:create`: the real command on a temp database, then a sign-in through the API.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedDatabase, type Database } from '../../db/client.ts';
import { auditLog, users } from '../../db/schema.ts';
import { createApp } from '../../api/app.ts';
import { putSettings } from '../../api/core/settings.ts';
import { ManualClock } from '../../api/core/deps.ts';
import { json, ORIGIN, PUBLIC_URL } from '../support/app.ts';
import { notifyingEvents } from '../../api/notify/events.ts';
import { CONSOLE_PATHS, RESPONSE_LINKS } from '../../admin/paths.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
let dir: string;
let url: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'herald-cli-'));
  url = `file:${join(dir, 'cli.db')}`;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function adminCreate(args: string[], stdin: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', 'api/cli/admin-create.ts', ...args],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: url }, timeout: 30_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(stdin);
  });
}

async function signIn(database: Database, email: string, password: string): Promise<number> {
  const app = createApp({ db: database.db, clock: new ManualClock(), events: notifyingEvents, publicUrl: PUBLIC_URL, invitationPath: CONSOLE_PATHS.invitation, passwordResetPath: CONSOLE_PATHS.passwordReset, responseLinks: RESPONSE_LINKS });
  return (await app.request('/api/auth/login', json('POST', { email, password }, ORIGIN))).status;
}

describe('admin:create', () => {
  it('creates an owner from a piped password, who can sign in; refuses a second time; resets on request', async () => {
    const made = await adminCreate(['--email', 'Root@Example.com', '--name', 'Root Person'], 'piped password 1\n');
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    expect(made.stdout).toMatch(/Created owner root@example\.com/);

    const again = await adminCreate(['--email', 'root@example.com', '--name', 'Root Person'], 'piped password 2\n');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);

    const reset = await adminCreate(['--email', 'root@example.com', '--reset-password'], 'piped password 3\n');
    expect(reset.code).toBe(0);

    const database = await openMigratedDatabase(url);
    try {
      const rows = await database.db.select().from(users);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ email: 'root@example.com', role: 'owner', name: 'Root Person' });
      expect(rows[0]!.passwordHash).toMatch(/^\$argon2id\$/);
      expect((await database.db.select().from(auditLog)).map((a) => a.action)).toEqual(['user.create_cli', 'user.reset_password_cli']);
      expect(await signIn(database, 'root@example.com', 'piped password 1')).toBe(401);
      expect(await signIn(database, 'root@example.com', 'piped password 3')).toBe(200);
    } finally {
      database.close();
    }
  });

  it("points to the sign-in page at the page's public URL when the console set one", async () => {
    const database = await openMigratedDatabase(url);
    try {
      await putSettings(database.db, { publicUrl: 'https://status.example.com/' }, new Date());
    } finally {
      database.close();
    }
    const made = await adminCreate(['--email', 'second@example.com', '--name', 'Second'], 'piped password 4\n');
    expect(made.code).toBe(0);
    expect(made.stdout).toContain('Sign in at https://status.example.com/admin/login');
  });

  it('refuses bad arguments and a short password without touching the database', async () => {
    const usage = await adminCreate(['--email', 'not-an-email', '--name', 'X'], 'long enough password\n');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--email/);
    const unknown = await adminCreate(['--mail', 'x@example.com'], '');
    expect(unknown.code).toBe(2);
    const short = await adminCreate(['--email', 'short@example.com', '--name', 'Short'], 'short\n');
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/at least 10/);
    const role = await adminCreate(['--email', 'r@example.com', '--name', 'R', '--role', 'admin'], 'long enough password\n');
    expect(role.code).toBe(2);

    const database = await openMigratedDatabase(url);
    try {
      const emails = (await database.db.select().from(users)).map((u) => u.email);
      expect(emails).not.toContain('short@example.com');
      expect(emails).not.toContain('r@example.com');
    } finally {
      database.close();
    }
  });
});
