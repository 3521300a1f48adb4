// The first owner: the one-time setup link printed at start, and invitations for later users.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { oneTimeLinks, users } from '../../db/schema.ts';
import { issueSetupLink, LINK_TTL_MS } from '../../api/identity/one-time-links.ts';
import { CONSOLE_PATHS } from '../../admin/paths.ts';
import { json, makeTestApp, ORIGIN, PUBLIC_URL, userWithSession, type TestApp } from '../support/app.ts';
import { cookieHeaders, login, sessionTokenOf, snapshot } from './fixtures.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

const tokenOf = (url: string) => new URL(url).searchParams.get('token')!;
const NEW_PASSWORD = 'a long enough password';

async function setupLink(): Promise<string> {
  const url = await issueSetupLink(t.database.db, t.clock.now(), PUBLIC_URL, CONSOLE_PATHS.setup);
  expect(url).not.toBeNull();
  return url!;
}

const postSetup = (body: unknown, headers: Record<string, string> = ORIGIN) => t.app.request('/api/auth/setup', json('POST', body, headers));

describe('setup link', () => {
  it('is offered only while no user exists, points at /admin/setup, and keeps only a hash', async () => {
    const url = await setupLink();
    expect(url.startsWith(`${PUBLIC_URL}/admin/setup?token=`)).toBe(true);
    const [link] = await t.database.db.select().from(oneTimeLinks);
    expect(link!.secretHash).not.toContain(tokenOf(url).split('.')[1]!);
    await userWithSession(t, 'viewer');
    expect(await issueSetupLink(t.database.db, t.clock.now(), PUBLIC_URL, CONSOLE_PATHS.setup)).toBeNull();
  });

  it('creates the first owner, signs them in, and works only once', async () => {
    const token = tokenOf(await setupLink());
    expect((await t.app.request(`/api/auth/setup?token=${encodeURIComponent(token)}`)).status).toBe(200);

    const res = await postSetup({ token, email: ' First@Example.com ', name: 'First Owner', password: NEW_PASSWORD });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: string; email: string; role: string };
    expect(created).toMatchObject({ email: 'first@example.com', role: 'owner', name: 'First Owner', has_password: true });
    const session = sessionTokenOf(res)!;
    const me = (await (await t.app.request('/api/v1/me', { headers: cookieHeaders(session) })).json()) as { id: string; role: string };
    expect(me).toMatchObject({ id: created.id, role: 'owner' });

    expect((await login(t, 'first@example.com', NEW_PASSWORD)).status).toBe(200);

    const again = await postSetup({ token, email: 'second@example.com', name: 'Intruder', password: NEW_PASSWORD });
    expect(again.status).toBe(404);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('invalid_link');
    expect((await t.app.request(`/api/auth/setup?token=${encodeURIComponent(token)}`)).status).toBe(404);
    expect(await t.database.db.select().from(users)).toHaveLength(1);
  });

  it('stops working when a newer link is issued, or after it expires', async () => {
    const first = tokenOf(await setupLink());
    const second = tokenOf(await setupLink());
    expect((await postSetup({ token: first, email: 'a@example.com', name: 'A', password: NEW_PASSWORD })).status).toBe(404);
    t.clock.advance(LINK_TTL_MS.setup);
    expect((await postSetup({ token: second, email: 'a@example.com', name: 'A', password: NEW_PASSWORD })).status).toBe(404);
    expect(await t.database.db.select().from(users)).toHaveLength(0);
  });

  it('refuses a link when an owner already exists (created meanwhile by the CLI)', async () => {
    const token = tokenOf(await setupLink());
    await userWithSession(t, 'owner');
    const res = await postSetup({ token, email: 'b@example.com', name: 'B', password: NEW_PASSWORD });
    expect(res.status).toBe(409);
    expect(await t.database.db.select().from(users)).toHaveLength(1);
  });

  it('refuses bad input with 400 and leaves the link usable', async () => {
    const token = tokenOf(await setupLink());
    const before = await snapshot(t);
    for (const body of [
      { token, email: 'a@example.com', name: 'A', password: 'short' },
      { token, email: 'nope', name: 'A', password: NEW_PASSWORD },
      { token, email: 'a@example.com', name: '', password: NEW_PASSWORD },
      { token, email: 'a@example.com', name: 'A', password: NEW_PASSWORD, role: 'owner', extra: 1 },
      { email: 'a@example.com', name: 'A', password: NEW_PASSWORD },
      { token: 7, email: 'a@example.com', name: 'A', password: NEW_PASSWORD },
    ]) {
      const res = await postSetup(body);
      if (res.status === 201) throw new Error(`accepted ${JSON.stringify(body)}`);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { fields: object } }).error.fields).toBeTruthy();
    }
    const malformed = await t.app.request('/api/auth/setup', { method: 'POST', headers: { 'Content-Type': 'application/json', ...ORIGIN }, body: '{' });
    expect(malformed.status).toBe(400);
    expect(await snapshot(t)).toEqual(before);
    expect((await postSetup({ token, email: 'a@example.com', name: 'A', password: NEW_PASSWORD })).status).toBe(201);
  });

  it('answers a bogus token with 404', async () => {
    for (const token of ['nope', 'abc.def', 'x'.repeat(150)]) {
      expect((await postSetup({ token, email: 'a@example.com', name: 'A', password: NEW_PASSWORD })).status).toBe(404);
    }
    expect((await t.app.request('/api/auth/setup')).status).toBe(400);
  });
});

describe('invitations', () => {
  it('an owner invites a user, who sets a password through the link and is signed in', async () => {
    const owner = await userWithSession(t, 'owner');
    const res = await t.app.request('/api/v1/users', json('POST', { email: 'new@example.com', name: 'New Person', role: 'editor' }, owner.headers));
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: string; invitation_url: string; has_password: boolean };
    expect(created.has_password).toBe(false);
    expect(created.invitation_url.startsWith(`${PUBLIC_URL}/admin/invitation?token=`)).toBe(true);
    const token = tokenOf(created.invitation_url);

    // Until then the account cannot sign in.
    expect((await login(t, 'new@example.com', NEW_PASSWORD)).status).toBe(401);

    const info = await t.app.request(`/api/auth/invitation?token=${encodeURIComponent(token)}`);
    expect(await info.json()).toEqual({ email: 'new@example.com', name: 'New Person', role: 'editor' });

    const short = await t.app.request('/api/auth/invitation', json('POST', { token, password: 'short' }, ORIGIN));
    expect(short.status).toBe(400);

    const accepted = await t.app.request('/api/auth/invitation', json('POST', { token, password: NEW_PASSWORD }, ORIGIN));
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toMatchObject({ id: created.id, has_password: true, role: 'editor' });
    expect(sessionTokenOf(accepted)).toBeTruthy();
    expect((await login(t, 'new@example.com', NEW_PASSWORD)).status).toBe(200);

    const reuse = await t.app.request('/api/auth/invitation', json('POST', { token, password: 'another long password' }, ORIGIN));
    expect(reuse.status).toBe(404);
  });

  it('a re-sent invitation replaces the old link; a setup token is no invitation', async () => {
    const owner = await userWithSession(t, 'owner');
    const created = (await (
      await t.app.request('/api/v1/users', json('POST', { email: 'inv@example.com', name: 'Inv', role: 'viewer' }, owner.headers))
    ).json()) as { id: string; invitation_url: string };
    const again = await t.app.request(`/api/v1/users/${created.id}/invitation`, { method: 'POST', headers: owner.headers });
    expect(again.status).toBe(201);
    const fresh = tokenOf(((await again.json()) as { invitation_url: string }).invitation_url);
    const old = tokenOf(created.invitation_url);
    expect((await t.app.request('/api/auth/invitation', json('POST', { token: old, password: NEW_PASSWORD }, ORIGIN))).status).toBe(404);
    expect((await t.app.request(`/api/auth/setup?token=${encodeURIComponent(fresh)}`)).status).toBe(404);
    expect((await t.app.request('/api/auth/invitation', json('POST', { token: fresh, password: NEW_PASSWORD }, ORIGIN))).status).toBe(200);
  });

  it('expires', async () => {
    const owner = await userWithSession(t, 'owner');
    const created = (await (
      await t.app.request('/api/v1/users', json('POST', { email: 'late@example.com', name: 'Late', role: 'viewer' }, owner.headers))
    ).json()) as { invitation_url: string };
    t.clock.advance(LINK_TTL_MS.invite);
    const res = await t.app.request('/api/auth/invitation', json('POST', { token: tokenOf(created.invitation_url), password: NEW_PASSWORD }, ORIGIN));
    expect(res.status).toBe(404);
  });
});
