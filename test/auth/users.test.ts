// /api/v1/me and /api/v1/users: self-service, owners managing accounts, the last owner kept, audit without secrets.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditLog, users, type Role } from '../../db/schema.ts';
import { ACCOUNT_POLICY } from '../../api/identity/login-limits.ts';
import { bearer, json, makeTestApp, ORIGIN, userWithSession, type TestApp } from '../support/app.ts';
import { cookieHeaders, login, PASSWORD, sessionsOf, sessionTokenOf, snapshot, userWithPassword } from './fixtures.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

type ErrorBody = { error: { code: string; message: string; fields?: Record<string, string> } };
const errorOf = async (res: Response) => ((await res.json()) as ErrorBody).error;

describe('/api/v1/me', () => {
  it('shows the signed-in user, by session or by token', async () => {
    const u = await userWithSession(t, 'editor');
    const bySession = await t.app.request('/api/v1/me', { headers: u.headers });
    expect(await bySession.json()).toMatchObject({ id: u.id, email: u.email, name: 'editor user', role: 'editor', via: 'session' });
    const byToken = await t.app.request('/api/v1/me', { headers: await bearer(t, u.id, 'read') });
    expect(await byToken.json()).toMatchObject({ id: u.id, role: 'editor', via: 'token', scope: 'read' });
  });

  it('changes the name; a new password needs the current one and signs out other sessions', async () => {
    const u = await userWithPassword(t, 'viewer');
    const here = sessionTokenOf(await login(t, u.email, PASSWORD))!;
    const elsewhere = sessionTokenOf(await login(t, u.email, PASSWORD))!;

    const renamed = await t.app.request('/api/v1/me', json('PATCH', { name: '  Vera Viewer ' }, cookieHeaders(here)));
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toMatchObject({ name: 'Vera Viewer' });

    const noCurrent = await t.app.request('/api/v1/me', json('PATCH', { password: 'a brand new password' }, cookieHeaders(here)));
    expect(noCurrent.status).toBe(400);
    expect((await errorOf(noCurrent)).fields).toHaveProperty('current_password');

    const wrongCurrent = await t.app.request(
      '/api/v1/me',
      json('PATCH', { password: 'a brand new password', current_password: 'not it at all' }, cookieHeaders(here)),
    );
    expect(wrongCurrent.status).toBe(400);
    expect((await login(t, u.email, PASSWORD)).status).toBe(200);

    const changed = await t.app.request(
      '/api/v1/me',
      json('PATCH', { password: 'a brand new password', current_password: PASSWORD }, cookieHeaders(here)),
    );
    expect(changed.status).toBe(200);
    expect((await t.app.request('/api/v1/me', { headers: cookieHeaders(here) })).status).toBe(200);
    expect((await t.app.request('/api/v1/me', { headers: cookieHeaders(elsewhere) })).status).toBe(401);
    expect((await login(t, u.email, PASSWORD)).status).toBe(401);
    expect((await login(t, u.email, 'a brand new password')).status).toBe(200);
  });

  it('counts wrong current passwords like failed sign-ins', async () => {
    const u = await userWithPassword(t, 'viewer');
    const session = sessionTokenOf(await login(t, u.email, PASSWORD))!;
    const attempt = (current: string) =>
      t.app.request('/api/v1/me', json('PATCH', { password: 'a brand new password', current_password: current }, cookieHeaders(session)));
    for (let i = 0; i < ACCOUNT_POLICY.limit; i++) expect((await attempt(`guess number ${i}`)).status).toBe(400);
    const locked = await attempt(PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBeTruthy();
    expect((await login(t, u.email, PASSWORD)).status).toBe(429);
  });

  it('refuses bad input and changes nothing', async () => {
    const u = await userWithSession(t, 'viewer');
    const before = await snapshot(t);
    for (const body of [{}, { name: '' }, { name: 5 }, { role: 'owner' }, { password: 'short', current_password: 'x' }, 'text']) {
      const res = await t.app.request('/api/v1/me', json('PATCH', body, u.headers));
      expect(res.status).toBe(400);
      expect((await errorOf(res)).message.length).toBeGreaterThan(5);
    }
    expect(await snapshot(t)).toEqual(before);
  });
});

describe('/api/v1/users', () => {
  it('lists users to anyone signed in, never with password hashes', async () => {
    const owner = await userWithPassword(t, 'owner');
    const viewer = await userWithSession(t, 'viewer');
    const res = await t.app.request('/api/v1/users', { headers: viewer.headers });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { users: Record<string, unknown>[] };
    expect(body.users.map((u) => u.id).sort()).toEqual([owner.id, viewer.id].sort());
    expect(JSON.stringify(body)).not.toMatch(/argon2|password_hash|passwordHash/);
    expect(Object.keys(body.users[0]!).sort()).toEqual(['created_at', 'disabled', 'email', 'has_password', 'id', 'name', 'role', 'updated_at']);
    const one = await t.app.request(`/api/v1/users/${owner.id}`, { headers: viewer.headers });
    expect(await one.json()).toMatchObject({ id: owner.id, role: 'owner' });
    expect((await t.app.request('/api/v1/users/nope', { headers: viewer.headers })).status).toBe(404);
  });

  it('lets an owner create a user with a password, who can then sign in', async () => {
    const owner = await userWithSession(t, 'owner');
    const res = await t.app.request(
      '/api/v1/users',
      json('POST', { email: 'Pub@Example.com', name: 'Pub', role: 'publisher', password: 'publisher password' }, owner.headers),
    );
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ email: 'pub@example.com', role: 'publisher', has_password: true, invitation_url: null });
    expect((await login(t, 'pub@example.com', 'publisher password')).status).toBe(200);
  });

  it('refuses a taken email (any case) with 409 and bad input with 400, writing nothing', async () => {
    const owner = await userWithSession(t, 'owner', 'taken@example.com');
    const before = await snapshot(t);
    const dup = await t.app.request('/api/v1/users', json('POST', { email: 'TAKEN@example.com', name: 'Dup', role: 'viewer' }, owner.headers));
    expect(dup.status).toBe(409);
    expect((await errorOf(dup)).code).toBe('conflict');
    for (const body of [
      { email: 'x@example.com', name: 'X', role: 'admin' },
      { email: 'x@example.com', name: 'X' },
      { email: 'x', name: 'X', role: 'viewer' },
      { email: 'x@example.com', name: 'X', role: 'viewer', password: 'short' },
      { email: 'x@example.com', name: 'X', role: 'viewer', is_admin: true },
      null,
    ]) {
      const res = await t.app.request('/api/v1/users', json('POST', body, owner.headers));
      expect(res.status).toBe(400);
    }
    const malformed = await t.app.request('/api/v1/users', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...owner.headers },
      body: '{"email":',
    });
    expect(malformed.status).toBe(400);
    const other = await userWithSession(t, 'viewer');
    const afterOther = await snapshot(t);
    const taken = await t.app.request(`/api/v1/users/${other.id}`, json('PATCH', { email: 'taken@example.com' }, owner.headers));
    expect(taken.status).toBe(409);
    expect((await t.app.request('/api/v1/users/missing', json('PATCH', { name: 'N' }, owner.headers))).status).toBe(404);
    expect((await t.app.request('/api/v1/users/missing', { method: 'DELETE', headers: owner.headers })).status).toBe(404);
    expect(await snapshot(t)).toEqual(afterOther);
    expect(afterOther.users).toHaveLength(before.users.length + 1);
  });

  it('changes role, disables (ending sessions and tokens) and re-enables', async () => {
    const owner = await userWithSession(t, 'owner');
    const u = await userWithPassword(t, 'editor');
    const session = sessionTokenOf(await login(t, u.email, PASSWORD))!;
    const token = await bearer(t, u.id, 'write');

    const promoted = await t.app.request(`/api/v1/users/${u.id}`, json('PATCH', { role: 'publisher' }, owner.headers));
    expect(await promoted.json()).toMatchObject({ role: 'publisher', disabled: false });
    expect(await (await t.app.request('/api/v1/me', { headers: cookieHeaders(session) })).json()).toMatchObject({ role: 'publisher' });

    const disabled = await t.app.request(`/api/v1/users/${u.id}`, json('PATCH', { disabled: true }, owner.headers));
    expect(await disabled.json()).toMatchObject({ disabled: true });
    expect(await sessionsOf(t, u.id)).toHaveLength(0);
    expect((await t.app.request('/api/v1/me', { headers: token })).status).toBe(401);
    expect((await login(t, u.email, PASSWORD)).status).toBe(401);

    await t.app.request(`/api/v1/users/${u.id}`, json('PATCH', { disabled: false }, owner.headers));
    expect((await login(t, u.email, PASSWORD)).status).toBe(200);
    // Re-enabling does not bring the old tokens back: they were revoked when the account was disabled.
    expect((await t.app.request('/api/v1/me', { headers: token })).status).toBe(401);
    const tokens = (await (await t.app.request('/api/v1/tokens', { headers: cookieHeaders(sessionTokenOf(await login(t, u.email, PASSWORD))!) })).json()) as { tokens: { revoked_at: string | null }[] };
    expect(tokens.tokens.every((k) => k.revoked_at !== null)).toBe(true);
    expect(JSON.stringify(await t.database.db.select().from(auditLog).where(eq(auditLog.entityId, u.id)))).toContain('"tokens_revoked":1');
  });

  it('a password reset by an owner ends the user’s sessions', async () => {
    const owner = await userWithSession(t, 'owner');
    const u = await userWithPassword(t, 'viewer');
    const session = sessionTokenOf(await login(t, u.email, PASSWORD))!;
    const res = await t.app.request(`/api/v1/users/${u.id}`, json('PATCH', { password: 'reset by the owner' }, owner.headers));
    expect(res.status).toBe(200);
    expect((await t.app.request('/api/v1/me', { headers: cookieHeaders(session) })).status).toBe(401);
    expect((await login(t, u.email, 'reset by the owner')).status).toBe(200);
  });

  it('a password reset by an owner revokes the user’s API tokens; their own password change keeps them', async () => {
    const owner = await userWithSession(t, 'owner');
    const u = await userWithPassword(t, 'publisher');
    const token = await bearer(t, u.id, 'write');
    const session = sessionTokenOf(await login(t, u.email, PASSWORD))!;
    const own = await t.app.request('/api/v1/me', json('PATCH', { password: 'my own new password', current_password: PASSWORD }, { ...cookieHeaders(session), ...ORIGIN }));
    expect(own.status).toBe(200);
    expect((await t.app.request('/api/v1/me', { headers: token })).status).toBe(200);
    const reset = await t.app.request(`/api/v1/users/${u.id}`, json('PATCH', { password: 'reset by the owner' }, owner.headers));
    expect(reset.status).toBe(200);
    expect((await t.app.request('/api/v1/me', { headers: token })).status).toBe(401);
  });

  it('keeps at least one owner who can sign in', async () => {
    const owner = await userWithSession(t, 'owner');
    for (const change of [{ role: 'publisher' }, { disabled: true }]) {
      const res = await t.app.request(`/api/v1/users/${owner.id}`, json('PATCH', change, owner.headers));
      expect(res.status).toBe(409);
    }
    const second = await userWithSession(t, 'owner');
    expect((await t.app.request(`/api/v1/users/${owner.id}`, { method: 'DELETE', headers: owner.headers })).status).toBe(409);
    const demoted = await t.app.request(`/api/v1/users/${owner.id}`, json('PATCH', { role: 'viewer' }, second.headers));
    expect(demoted.status).toBe(200);
    expect((await t.app.request(`/api/v1/users/${second.id}`, json('PATCH', { disabled: true }, second.headers))).status).toBe(409);
  });

  it('deletes a user (not yourself), whose sessions go too', async () => {
    const owner = await userWithSession(t, 'owner');
    const u = await userWithSession(t, 'publisher');
    const res = await t.app.request(`/api/v1/users/${u.id}`, { method: 'DELETE', headers: owner.headers });
    expect(res.status).toBe(204);
    expect((await t.app.request('/api/v1/me', { headers: u.headers })).status).toBe(401);
    expect(await t.database.db.select().from(users).where(eq(users.id, u.id))).toHaveLength(0);
  });

  it('is owners-only for every write', async () => {
    const target = await userWithSession(t, 'viewer');
    for (const role of ['publisher', 'editor', 'viewer'] as Role[]) {
      const u = await userWithSession(t, role);
      const before = await snapshot(t);
      const attempts = [
        t.app.request('/api/v1/users', json('POST', { email: `x-${role}@example.com`, name: 'X', role: 'owner' }, u.headers)),
        t.app.request(`/api/v1/users/${target.id}`, json('PATCH', { role: 'owner' }, u.headers)),
        t.app.request(`/api/v1/users/${u.id}`, json('PATCH', { role: 'owner' }, u.headers)),
        t.app.request(`/api/v1/users/${target.id}/invitation`, { method: 'POST', headers: u.headers }),
        t.app.request(`/api/v1/users/${target.id}`, { method: 'DELETE', headers: u.headers }),
      ];
      for (const res of await Promise.all(attempts)) {
        expect(res.status).toBe(403);
        expect((await errorOf(res)).code).toBe('forbidden');
      }
      expect(await snapshot(t)).toEqual(before);
    }
  });

  it('records every account write in the audit log, without password hashes', async () => {
    const owner = await userWithSession(t, 'owner');
    const created = (await (
      await t.app.request('/api/v1/users', json('POST', { email: 'a@example.com', name: 'A', role: 'viewer', password: 'a fine password' }, owner.headers))
    ).json()) as { id: string };
    await t.app.request(`/api/v1/users/${created.id}`, json('PATCH', { role: 'editor', password: 'another fine one' }, owner.headers));
    await t.app.request(`/api/v1/users/${created.id}`, { method: 'DELETE', headers: owner.headers });
    const rows = await t.database.db.select().from(auditLog).where(eq(auditLog.entityId, created.id));
    expect(rows.map((r) => r.action)).toEqual(['user.create', 'user.update', 'user.delete']);
    expect(rows.every((r) => r.userId === owner.id)).toBe(true);
    expect(rows[1]!.before).toMatchObject({ role: 'viewer' });
    expect(rows[1]!.after).toMatchObject({ role: 'editor' });
    expect(JSON.stringify(rows)).not.toMatch(/argon2|passwordHash/);
  });

  it('lets an owner’s write-scoped token manage users (automation), but not a read-scoped one', async () => {
    const owner = await userWithSession(t, 'owner');
    const write = await bearer(t, owner.id, 'write');
    const read = await bearer(t, owner.id, 'read');
    const body = { email: 'bot@example.com', name: 'Bot', role: 'viewer' };
    expect((await t.app.request('/api/v1/users', json('POST', body, read))).status).toBe(403);
    expect((await t.app.request('/api/v1/users', json('POST', body, write))).status).toBe(201);
    expect((await t.app.request('/api/v1/users', { headers: { ...read, ...ORIGIN } })).status).toBe(200);
  });
});
