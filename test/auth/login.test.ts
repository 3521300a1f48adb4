// Sign-in: cookies, one answer for every bad credential, rate limits per account and address, lockout.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { loginFailures, sessions, users } from '../../db/schema.ts';
import { ACCOUNT_POLICY, ADDRESS_POLICY } from '../../api/identity/login-limits.ts';
import { hashSecret } from '../../api/identity/sessions.ts';
import { json, makeTestApp, ORIGIN, type TestApp } from '../support/app.ts';
import { cookieHeaders, login, PASSWORD, sessionTokenOf, snapshot, userWithPassword } from './fixtures.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

describe('POST /api/auth/login', () => {
  it('signs in, sets an HttpOnly SameSite=Lax cookie, and /api/v1/me answers with the user', async () => {
    const u = await userWithPassword(t, 'publisher');
    const res = await login(t, u.email.toUpperCase(), PASSWORD);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: u.id, email: u.email, name: 'publisher person', role: 'publisher' });
    const cookie = res.headers.getSetCookie().join('\n');
    expect(cookie).toMatch(/herald_session=[a-z2-9]+\.[a-z2-9]+;/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain('Path=/');
    expect(cookie).not.toContain('Secure');

    const token = sessionTokenOf(res)!;
    const me = await t.app.request('/api/v1/me', { headers: cookieHeaders(token) });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ id: u.id, email: u.email, name: 'publisher person', role: 'publisher' });
  });

  it('replaces the session a browser already had, and tells caches to keep nothing', async () => {
    const first = await userWithPassword(t, 'viewer');
    const second = await userWithPassword(t, 'owner');
    const old = sessionTokenOf(await login(t, first.email, PASSWORD))!;
    const res = await login(t, second.email, PASSWORD, cookieHeaders(old));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect((await t.app.request('/api/v1/me', { headers: cookieHeaders(old) })).status).toBe(401);
    const failed = await login(t, second.email, 'wrong password!');
    expect(failed.headers.get('cache-control')).toBe('no-store');
  });

  it('stores only a SHA-256 hash of the session secret', async () => {
    const u = await userWithPassword(t, 'viewer');
    const token = sessionTokenOf(await login(t, u.email, PASSWORD))!;
    const [id, secret] = token.split('.');
    const rows = await t.database.db.select().from(sessions).where(eq(sessions.id, id!));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.secretHash).toBe(hashSecret(secret!));
    expect(rows[0]!.secretHash).not.toContain(secret!);
    expect(secret!.length * 5).toBeGreaterThanOrEqual(120);
  });

  it('marks the cookie Secure when the public URL is https', async () => {
    t.close();
    t = await makeTestApp({ deps: { publicUrl: 'https://status.example.com' } });
    const u = await userWithPassword(t, 'viewer');
    const res = await login(t, u.email, PASSWORD, { Origin: 'https://status.example.com' });
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie().join('\n')).toContain('Secure');
  });

  it('answers the same for an unknown email, a wrong password, a disabled account and one with no password yet', async () => {
    const u = await userWithPassword(t, 'owner');
    const disabled = await userWithPassword(t, 'publisher');
    await t.database.db.update(users).set({ disabledAt: t.clock.now() }).where(eq(users.id, disabled.id));
    const invited = await userWithPassword(t, 'editor');
    await t.database.db.update(users).set({ passwordHash: null }).where(eq(users.id, invited.id));

    const answers = [
      await login(t, 'nobody@example.com', PASSWORD),
      await login(t, u.email, 'wrong password, quite long'),
      await login(t, disabled.email, PASSWORD),
      await login(t, invited.email, PASSWORD),
    ];
    const bodies = await Promise.all(answers.map(async (r) => ({ status: r.status, body: await r.text(), cookie: r.headers.get('set-cookie') })));
    for (const b of bodies) expect(b).toEqual(bodies[0]);
    expect(bodies[0]!.status).toBe(401);
    expect(JSON.parse(bodies[0]!.body)).toEqual({ error: { code: 'invalid_credentials', message: expect.any(String) } });
    expect(bodies[0]!.cookie).toBeNull();
    expect(await t.database.db.select().from(sessions)).toHaveLength(0);
  });

  it('refuses bad input with 400 and field messages, and writes nothing', async () => {
    await userWithPassword(t, 'owner');
    const before = await snapshot(t);
    const cases: RequestInit[] = [
      { method: 'POST', headers: { 'Content-Type': 'application/json', ...ORIGIN }, body: '{"email": ' },
      json('POST', { email: 'not-an-email', password: 'x' }, ORIGIN),
      json('POST', { email: 42, password: ['x'] }, ORIGIN),
      json('POST', { email: 'a@example.com' }, ORIGIN),
      json('POST', [], ORIGIN),
    ];
    for (const init of cases) {
      const res = await t.app.request('/api/auth/login', init);
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('invalid_input');
      expect(body.error.message.length).toBeGreaterThan(5);
    }
    const fields = await (await t.app.request('/api/auth/login', json('POST', { email: 'x', password: '' }, ORIGIN))).json();
    expect(Object.keys((fields as { error: { fields: object } }).error.fields).sort()).toEqual(['email', 'password']);
    expect(await snapshot(t)).toEqual(before);
  });

  it('says so when the body is not sent as JSON (curl -d without a Content-Type)', async () => {
    const res = await t.app.request('/api/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...ORIGIN },
      body: 'email=a@example.com&password=x',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/Content-Type: application\/json/);
  });

  it('refuses an oversized body with 413', async () => {
    const res = await t.app.request('/api/auth/login', json('POST', { email: 'a@example.com', password: 'x'.repeat(300 * 1024) }, ORIGIN));
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('body_too_large');
  });

  it('refuses a sign-in posted from another site (login CSRF)', async () => {
    const u = await userWithPassword(t, 'owner');
    const res = await login(t, u.email, PASSWORD, { Origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('csrf');
    expect(sessionTokenOf(res)).toBeNull();
  });
});

describe('lockout and rate limits', () => {
  it(`locks an account after ${ACCOUNT_POLICY.limit} failures, even for the right password, until the lockout ends`, async () => {
    const u = await userWithPassword(t, 'owner');
    for (let i = 0; i < ACCOUNT_POLICY.limit; i++) expect((await login(t, u.email, 'wrong password!')).status).toBe(401);

    const locked = await login(t, u.email, PASSWORD);
    expect(locked.status).toBe(429);
    expect(((await locked.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    expect(Number(locked.headers.get('retry-after'))).toBe(ACCOUNT_POLICY.lockoutMs / 1000);
    expect(sessionTokenOf(locked)).toBeNull();

    // An unknown email locks the same way, so a 429 tells nothing about which accounts exist.
    for (let i = 0; i < ACCOUNT_POLICY.limit; i++) await login(t, 'ghost@example.com', 'wrong password!');
    expect((await login(t, 'ghost@example.com', 'wrong password!')).status).toBe(429);

    t.clock.advance(ACCOUNT_POLICY.lockoutMs - 1000);
    expect((await login(t, u.email, PASSWORD)).status).toBe(429);
    t.clock.advance(1000);
    expect((await login(t, u.email, PASSWORD)).status).toBe(200);
  });

  it('counts parallel guesses before checking them: only the allowed number get a password check', async () => {
    const u = await userWithPassword(t, 'owner');
    const burst = await Promise.all(Array.from({ length: 15 }, (_, i) => login(t, u.email, `parallel guess ${i}`)));
    const statuses = burst.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(ACCOUNT_POLICY.limit);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15 - ACCOUNT_POLICY.limit);
    expect((await login(t, u.email, PASSWORD)).status).toBe(429);
  });

  it('forgets failures outside the window, and a success clears the account count', async () => {
    const u = await userWithPassword(t, 'owner');
    for (let i = 0; i < ACCOUNT_POLICY.limit - 1; i++) await login(t, u.email, 'wrong password!');
    t.clock.advance(ACCOUNT_POLICY.windowMs);
    for (let i = 0; i < ACCOUNT_POLICY.limit - 1; i++) await login(t, u.email, 'wrong password!');
    expect((await login(t, u.email, PASSWORD)).status).toBe(200);
    for (let i = 0; i < ACCOUNT_POLICY.limit - 1; i++) await login(t, u.email, 'wrong password!');
    expect((await login(t, u.email, PASSWORD)).status).toBe(200);
  });

  it('limits failures per client address across accounts (behind a trusted proxy)', async () => {
    t.close();
    t = await makeTestApp({ deps: { trustProxy: true } });
    const u = await userWithPassword(t, 'owner');
    // The proxy appends the address it saw; what comes before is the client's to invent.
    const from = (address: string, claimed = '10.9.8.7') => ({ 'X-Forwarded-For': `${claimed}, ${address}` });
    for (let i = 0; i < ADDRESS_POLICY.limit; i++) {
      expect((await login(t, `spray-${i}@example.com`, 'guess', from('203.0.113.7', `10.0.0.${i}`))).status).toBe(401);
    }
    const blocked = await login(t, u.email, PASSWORD, from('203.0.113.7'));
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toBeTruthy();
    expect((await login(t, u.email, PASSWORD, from('198.51.100.2'))).status).toBe(200);
  });

  it('keys on the socket address @hono/node-server passes (and the console passes for its form posts)', async () => {
    const u = await userWithPassword(t, 'owner');
    const socket = (remoteAddress: string) => ({ incoming: { socket: { remoteAddress } } });
    const attempt = (email: string, password: string, address: string) =>
      t.app.request('/api/auth/login', json('POST', { email, password }, ORIGIN), socket(address));
    for (let i = 0; i < ADDRESS_POLICY.limit; i++) expect((await attempt(`spray-${i}@example.com`, 'guess', '192.0.2.10')).status).toBe(401);
    expect((await attempt(u.email, PASSWORD, '192.0.2.10')).status).toBe(429);
    expect((await attempt(u.email, PASSWORD, '192.0.2.11')).status).toBe(200);
  });

  it('ignores X-Forwarded-For unless the proxy is trusted', async () => {
    const u = await userWithPassword(t, 'owner');
    for (let i = 0; i < ACCOUNT_POLICY.limit; i++) {
      await login(t, u.email, 'wrong password!', { 'X-Forwarded-For': `192.0.2.${i}` });
    }
    expect((await login(t, u.email, PASSWORD, { 'X-Forwarded-For': '192.0.2.200' })).status).toBe(429);
  });

  it('keeps the failure keys hashed', async () => {
    await login(t, 'someone@example.com', 'my secret password');
    const keys = (await t.database.db.select().from(loginFailures)).map((r) => r.key);
    expect(keys).toHaveLength(2);
    for (const k of keys) expect(k).not.toContain('someone');
  });
});
