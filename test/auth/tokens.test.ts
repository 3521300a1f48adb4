// /api/v1/tokens: shown once, stored hashed, scoped, revocable, last use recorded.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiTokens, auditLog } from '../../db/schema.ts';
import { hashSecret, TOKEN_PREFIX } from '../../api/identity/sessions.ts';
import { bearer, json, makeTestApp, ORIGIN, userWithSession, type TestApp, type TestUser } from '../support/app.ts';
import { snapshot } from './fixtures.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

interface Created {
  id: string;
  token: string;
  name: string;
  scope: string;
  user_id: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

async function createToken(u: TestUser, scope: 'read' | 'write', name = 'deploy bot'): Promise<Created> {
  const res = await t.app.request('/api/v1/tokens', json('POST', { name, scope }, u.headers));
  expect(res.status).toBe(201);
  expect(res.headers.get('cache-control')).toBe('no-store');
  return (await res.json()) as Created;
}

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

describe('creating and using tokens', () => {
  it('shows the token once, keeps only a hash, and lists it without the secret', async () => {
    const u = await userWithSession(t, 'publisher');
    const created = await createToken(u, 'write');
    expect(created).toEqual({
      id: expect.any(String),
      token: expect.stringMatching(new RegExp(`^${TOKEN_PREFIX}[a-z2-9]+\\.[a-z2-9]{24}$`)),
      name: 'deploy bot',
      scope: 'write',
      user_id: u.id,
      created_at: t.clock.now().toISOString(),
      last_used_at: null,
      revoked_at: null,
    });
    const secret = created.token.split('.')[1]!;
    const [row] = await t.database.db.select().from(apiTokens);
    expect(row!.secretHash).toBe(hashSecret(secret));

    const list = await t.app.request('/api/v1/tokens', { headers: u.headers });
    const body = (await list.json()) as { tokens: Record<string, unknown>[] };
    expect(body.tokens).toHaveLength(1);
    expect(Object.keys(body.tokens[0]!).sort()).toEqual(['created_at', 'id', 'last_used_at', 'name', 'revoked_at', 'scope', 'user_id']);
    expect(JSON.stringify(body)).not.toContain(secret);
    expect(JSON.stringify(await t.database.db.select().from(auditLog))).not.toContain(secret);
  });

  it('authenticates as its user and records the last use', async () => {
    const u = await userWithSession(t, 'editor');
    const { token, id } = await createToken(u, 'read');
    t.clock.advance(5 * 60_000);
    const me = await t.app.request('/api/v1/me', { headers: auth(token) });
    expect(await me.json()).toMatchObject({ id: u.id, role: 'editor', via: 'token', scope: 'read' });
    const list = (await (await t.app.request('/api/v1/tokens', { headers: u.headers })).json()) as { tokens: Created[] };
    expect(list.tokens.find((x) => x.id === id)!.last_used_at).toBe(t.clock.now().toISOString());
  });

  it('read scope reads; write scope writes; neither goes beyond the user’s role', async () => {
    const u = await userWithSession(t, 'viewer');
    const read = (await createToken(u, 'read')).token;
    const write = (await createToken(u, 'write')).token;
    const rename = (token: string) => t.app.request('/api/v1/me', json('PATCH', { name: 'Via token' }, auth(token)));

    expect((await t.app.request('/api/v1/users', { headers: auth(read) })).status).toBe(200);
    const refused = await rename(read);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/read scope/);
    expect((await rename(write)).status).toBe(200);
    // A viewer's write token is still a viewer.
    const createUser = await t.app.request('/api/v1/users', json('POST', { email: 'z@example.com', name: 'Z', role: 'owner' }, auth(write)));
    expect(createUser.status).toBe(403);
  });

  it('cannot mint more tokens', async () => {
    const u = await userWithSession(t, 'owner');
    const write = (await createToken(u, 'write')).token;
    const res = await t.app.request('/api/v1/tokens', json('POST', { name: 'child', scope: 'write' }, auth(write)));
    expect(res.status).toBe(403);
    expect(await t.database.db.select().from(apiTokens)).toHaveLength(1);
  });

  it('answers an unknown, malformed or tampered bearer with 401 invalid_token', async () => {
    const u = await userWithSession(t, 'owner');
    const { token } = await createToken(u, 'write');
    for (const bad of ['nope', `${token}x`, token.replace(TOKEN_PREFIX, ''), `${TOKEN_PREFIX}abc.def`, 'Bearer']) {
      const res = await t.app.request('/api/v1/me', { headers: auth(bad) });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_token');
    }
    expect((await t.app.request('/api/v1/me', { headers: { Authorization: 'Basic abc' } })).status).toBe(401);
  });

  it('refuses bad input with 400 and writes nothing', async () => {
    const u = await userWithSession(t, 'owner');
    const before = await snapshot(t);
    for (const body of [
      { name: 'x', scope: 'admin' },
      { name: '', scope: 'read' },
      { name: '   ', scope: 'read' },
      { name: 'x'.repeat(101), scope: 'read' },
      { scope: 'read' },
      { name: 'x' },
      { name: 3, scope: 'read' },
      { name: 'x', scope: 'read', user_id: 'someone' },
      [],
    ]) {
      const res = await t.app.request('/api/v1/tokens', json('POST', body, u.headers));
      expect(res.status).toBe(400);
      const err = ((await res.json()) as { error: { code: string; message: string } }).error;
      expect(err.code).toBe('invalid_input');
    }
    const malformed = await t.app.request('/api/v1/tokens', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...u.headers },
      body: 'name=x',
    });
    expect(malformed.status).toBe(400);
    expect(await snapshot(t)).toEqual(before);
    expect(await t.database.db.select().from(apiTokens)).toHaveLength(0);
  });
});

describe('revoking', () => {
  it('revokes: the token stops working at once, the list shows when', async () => {
    const u = await userWithSession(t, 'publisher');
    const { id, token } = await createToken(u, 'write');
    t.clock.advance(1000);
    const res = await t.app.request(`/api/v1/tokens/${id}`, { method: 'DELETE', headers: u.headers });
    expect(res.status).toBe(204);
    expect((await t.app.request('/api/v1/me', { headers: auth(token) })).status).toBe(401);
    const list = (await (await t.app.request('/api/v1/tokens', { headers: u.headers })).json()) as { tokens: Created[] };
    expect(list.tokens[0]!.revoked_at).toBe(t.clock.now().toISOString());
    expect((await t.app.request(`/api/v1/tokens/${id}`, { method: 'DELETE', headers: u.headers })).status).toBe(204);
    const audits = (await t.database.db.select().from(auditLog)).map((a) => a.action);
    expect(audits).toEqual(['token.create', 'token.revoke']);
  });

  it('a token may revoke itself (a leaked token can be killed with itself)', async () => {
    const u = await userWithSession(t, 'viewer');
    const { id, token } = await createToken(u, 'write');
    expect((await t.app.request(`/api/v1/tokens/${id}`, { method: 'DELETE', headers: auth(token) })).status).toBe(204);
    expect((await t.app.request('/api/v1/me', { headers: auth(token) })).status).toBe(401);
  });

  it('hides other people’s tokens from non-owners; owners see and revoke all', async () => {
    const alice = await userWithSession(t, 'publisher');
    const bob = await userWithSession(t, 'publisher');
    const owner = await userWithSession(t, 'owner');
    const alices = await createToken(alice, 'write');
    await createToken(bob, 'read');

    const bobList = (await (await t.app.request('/api/v1/tokens', { headers: bob.headers })).json()) as { tokens: Created[] };
    expect(bobList.tokens.map((x) => x.user_id)).toEqual([bob.id]);
    expect((await t.app.request('/api/v1/tokens?all=true', { headers: bob.headers })).status).toBe(403);
    expect((await t.app.request(`/api/v1/tokens/${alices.id}`, { method: 'DELETE', headers: bob.headers })).status).toBe(404);
    expect((await t.app.request('/api/v1/me', { headers: auth(alices.token) })).status).toBe(200);

    const all = (await (await t.app.request('/api/v1/tokens?all=true', { headers: owner.headers })).json()) as { tokens: Created[] };
    expect(all.tokens).toHaveLength(2);
    expect((await t.app.request(`/api/v1/tokens/${alices.id}`, { method: 'DELETE', headers: owner.headers })).status).toBe(204);
    expect((await t.app.request('/api/v1/me', { headers: auth(alices.token) })).status).toBe(401);
    expect((await t.app.request('/api/v1/tokens/unknown', { method: 'DELETE', headers: owner.headers })).status).toBe(404);
    expect((await t.app.request('/api/v1/tokens?all=maybe', { headers: owner.headers })).status).toBe(400);
  });

  it('a read-scoped token cannot revoke', async () => {
    const u = await userWithSession(t, 'owner');
    const read = await bearer(t, u.id, 'read');
    const { id } = await createToken(u, 'write');
    expect((await t.app.request(`/api/v1/tokens/${id}`, { method: 'DELETE', headers: { ...read, ...ORIGIN } })).status).toBe(403);
  });
});
