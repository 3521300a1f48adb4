// Sessions: inactivity expiry, sliding renewal, tampered tokens, sign-out, and the CSRF origin check.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditLog, sessions } from '../../db/schema.ts';
import { SESSION_COOKIE } from '../../api/core/actor.ts';
import { SESSION_INACTIVITY_MS, SESSION_RENEW_INTERVAL_MS } from '../../api/identity/sessions.ts';
import { bearer, json, makeTestApp, ORIGIN, userWithSession, type TestApp } from '../support/app.ts';
import { cookieHeaders, login, PASSWORD, sessionsOf, sessionTokenOf, userWithPassword } from './fixtures.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

const me = (headers: Record<string, string>) => t.app.request('/api/v1/me', { headers });

describe('session lifetime', () => {
  it('expires after the inactivity period and deletes the row', async () => {
    const u = await userWithPassword(t, 'viewer');
    const token = sessionTokenOf(await login(t, u.email, PASSWORD))!;
    t.clock.advance(SESSION_INACTIVITY_MS);
    const res = await me(cookieHeaders(token));
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    expect(await sessionsOf(t, u.id)).toHaveLength(0);
  });

  it('purges sessions past their expiry at the next sign-in, even ones never presented again', async () => {
    const u = await userWithPassword(t, 'viewer');
    await login(t, u.email, PASSWORD);
    t.clock.advance(SESSION_INACTIVITY_MS);
    await login(t, u.email, PASSWORD);
    expect(await sessionsOf(t, u.id)).toHaveLength(1);
  });

  it('slides: use renews the session and sets the cookie again', async () => {
    const u = await userWithPassword(t, 'viewer');
    const token = sessionTokenOf(await login(t, u.email, PASSWORD))!;

    const early = await me(cookieHeaders(token));
    expect(early.status).toBe(200);
    expect(sessionTokenOf(early)).toBeNull(); // within the renew interval: no write, no cookie

    t.clock.advance(SESSION_RENEW_INTERVAL_MS);
    const renewed = await me(cookieHeaders(token));
    expect(renewed.status).toBe(200);
    expect(sessionTokenOf(renewed)).toBe(token);
    expect(renewed.headers.getSetCookie().join('\n')).toContain('HttpOnly');
    const [row] = await sessionsOf(t, u.id);
    expect(row!.lastUsedAt.getTime()).toBe(t.clock.now().getTime());

    // Longer than the inactivity period since sign-in, but never inactive that long: still valid.
    t.clock.advance(SESSION_INACTIVITY_MS - 1);
    expect((await me(cookieHeaders(token))).status).toBe(200);
  });

  it('refuses a token with a wrong secret or a malformed shape', async () => {
    const u = await userWithPassword(t, 'viewer');
    const token = sessionTokenOf(await login(t, u.email, PASSWORD))!;
    const [id] = token.split('.');
    for (const bad of [`${id}.aaaaaaaaaaaaaaaaaaaaaaaa`, id!, `${token}.x`, '', 'x'.repeat(500)]) {
      expect((await me(cookieHeaders(bad))).status).toBe(401);
    }
  });

  it('refuses the session of a user who was disabled', async () => {
    const u = await userWithSession(t, 'publisher');
    expect((await me(u.headers)).status).toBe(200);
    const owner = await userWithSession(t, 'owner');
    const res = await t.app.request(`/api/v1/users/${u.id}`, json('PATCH', { disabled: true }, owner.headers));
    expect(res.status).toBe(200);
    expect((await me(u.headers)).status).toBe(401);
  });
});

describe('/api/v1/me/sessions', () => {
  it('lists your sessions, marks this one, and ends another', async () => {
    const u = await userWithPassword(t, 'viewer');
    const here = sessionTokenOf(await login(t, u.email, PASSWORD, { 'User-Agent': 'Laptop browser' }))!;
    t.clock.advance(1000);
    const there = sessionTokenOf(await login(t, u.email, PASSWORD, { 'User-Agent': 'Phone browser' }))!;
    const someoneElse = await userWithSession(t, 'owner');

    const res = await t.app.request('/api/v1/me/sessions', { headers: cookieHeaders(here) });
    const list = ((await res.json()) as { sessions: { id: string; current: boolean; user_agent: string }[] }).sessions;
    expect(list.map((s) => [s.user_agent, s.current])).toEqual([
      ['Phone browser', false],
      ['Laptop browser', true],
    ]);
    expect(JSON.stringify(list)).not.toContain(here.split('.')[1]!);

    const phone = list[0]!.id;
    expect((await t.app.request(`/api/v1/me/sessions/${phone}`, { method: 'DELETE', headers: someoneElse.headers })).status).toBe(404);
    expect((await me(cookieHeaders(there))).status).toBe(200);
    expect((await t.app.request(`/api/v1/me/sessions/${phone}`, { method: 'DELETE', headers: cookieHeaders(here) })).status).toBe(204);
    expect((await me(cookieHeaders(there))).status).toBe(401);
    expect((await me(cookieHeaders(here))).status).toBe(200);
  });
});

describe('POST /api/auth/logout', () => {
  it('revokes the session, clears the cookie and audits it', async () => {
    const u = await userWithPassword(t, 'editor');
    const token = sessionTokenOf(await login(t, u.email, PASSWORD))!;
    const res = await t.app.request('/api/auth/logout', { method: 'POST', headers: cookieHeaders(token) });
    expect(res.status).toBe(204);
    expect(res.headers.getSetCookie().join('\n')).toMatch(new RegExp(`${SESSION_COOKIE}=;.*Max-Age=0`));
    expect(await sessionsOf(t, u.id)).toHaveLength(0);
    expect((await me(cookieHeaders(token))).status).toBe(401);
    const actions = (await t.database.db.select().from(auditLog).where(eq(auditLog.userId, u.id))).map((a) => a.action);
    expect(actions).toEqual(['session.login', 'session.logout']);
  });

  it('is harmless without a session', async () => {
    const res = await t.app.request('/api/auth/logout', { method: 'POST', headers: ORIGIN });
    expect(res.status).toBe(204);
  });

  it('cannot be forced from another site', async () => {
    const u = await userWithSession(t, 'viewer');
    const res = await t.app.request('/api/auth/logout', { method: 'POST', headers: { ...u.headers, Origin: 'https://evil.example' } });
    expect(res.status).toBe(403);
    expect(await t.database.db.select().from(sessions)).toHaveLength(1);
  });
});

describe('CSRF: cookie-authenticated writes must be same-origin', () => {
  const write = (headers: Record<string, string>) => t.app.request('/api/v1/me', json('PATCH', { name: 'Changed' }, headers));

  it('refuses a foreign Origin, Origin null, Sec-Fetch-Site cross-site, and no origin information at all', async () => {
    const u = await userWithSession(t, 'owner');
    const cookie = { Cookie: u.headers.Cookie! };
    for (const headers of [
      { ...cookie, Origin: 'https://evil.example' },
      { ...cookie, Origin: 'null' },
      { ...cookie, 'Sec-Fetch-Site': 'cross-site' },
      { ...cookie, 'Sec-Fetch-Site': 'same-site' },
      cookie,
    ]) {
      const res = await write(headers);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('csrf');
    }
    const stored = (await (await t.app.request('/api/v1/me', { headers: u.headers })).json()) as { name: string };
    expect(stored.name).toBe('owner user');
  });

  it('lets same-origin writes through (Origin, or Sec-Fetch-Site without Origin)', async () => {
    const u = await userWithSession(t, 'owner');
    expect((await write(u.headers)).status).toBe(200);
    expect((await write({ Cookie: u.headers.Cookie!, 'Sec-Fetch-Site': 'same-origin' })).status).toBe(200);
  });

  it('asks nothing of bearer-token requests, which a browser cannot forge', async () => {
    const u = await userWithSession(t, 'owner');
    const auth = await bearer(t, u.id, 'write');
    expect((await write({ ...auth, Origin: 'https://elsewhere.example' })).status).toBe(200);
    expect((await write(auth)).status).toBe(200);
  });

  it('leaves reads alone', async () => {
    const u = await userWithSession(t, 'viewer');
    expect((await me({ Cookie: u.headers.Cookie!, Origin: 'https://evil.example' })).status).toBe(200);
  });
});
