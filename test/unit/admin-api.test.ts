// The console's API client: cookies flow from the API back to the browser and into the next call, errors parse.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConsoleApi, formErrors, type ApiContext } from '../../admin/lib/api.ts';
import { insertUser } from '../../api/identity/accounts.ts';
import { hashPassword } from '../../api/identity/passwords.ts';
import { makeTestApp, PUBLIC_URL, userWithSession, type TestApp } from '../support/app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp({ memory: true });
});
afterEach(() => t.close());

function context(cookie?: string): ApiContext & { response: { headers: Headers } } {
  const headers = new Headers({ 'user-agent': 'vitest' });
  if (cookie) headers.set('cookie', cookie);
  return {
    request: new Request(`${PUBLIC_URL}/admin`, { headers }),
    locals: { herald: { app: t.app, deps: t.deps, actor: null, clientAddress: '127.0.0.9' } },
    response: { headers: new Headers() } as ApiContext['response'] & { headers: Headers },
  };
}

describe('ConsoleApi', () => {
  it('signs in, uses the new session for the next call, and passes the cookie to the browser', async () => {
    await insertUser(t.database.db, { email: 'lead@example.com', name: 'Lead', role: 'publisher', passwordHash: await hashPassword('a long password') }, t.clock.now());
    const ctx = context();
    const api = new ConsoleApi(ctx);
    const login = await api.post('/api/auth/login', { email: 'lead@example.com', password: 'a long password' });
    expect(login.ok).toBe(true);
    expect(ctx.response.headers.get('set-cookie')).toMatch(/^herald_session=/);
    const me = await api.get<{ email: string }>('/api/v1/me');
    expect(me.ok && me.data.email).toBe('lead@example.com');
    const redirect = api.redirect('/admin');
    expect(redirect.status).toBe(303);
    expect(redirect.headers.get('location')).toBe('/admin');
    expect(redirect.headers.get('set-cookie')).toMatch(/^herald_session=/);
    expect(redirect.headers.get('cache-control')).toBe('no-store');
  });

  it('forwards the browser cookie with the site origin, so cookie writes pass the CSRF check', async () => {
    const user = await userWithSession(t, 'publisher');
    const api = new ConsoleApi(context(user.headers.Cookie));
    const created = await api.post<{ id: string; name: string }>('/api/v1/components', { name: 'API' });
    expect(created.ok && created.data.name).toBe('API');
  });

  it('parses API errors into form errors', async () => {
    const user = await userWithSession(t, 'viewer');
    const api = new ConsoleApi(context(user.headers.Cookie));
    const refused = await api.post('/api/v1/components', { name: 'API' });
    expect(refused).toMatchObject({ ok: false, status: 403, error: { code: 'forbidden' } });
    const editor = await userWithSession(t, 'publisher');
    const bad = await new ConsoleApi(context(editor.headers.Cookie)).post('/api/v1/components', { name: '' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(formErrors(bad.error).fields.name).toBeTruthy();
    const anonymous = await new ConsoleApi(context()).get('/api/v1/me');
    expect(anonymous).toMatchObject({ ok: false, status: 401 });
  });

  it('forgets a cookie the API cleared (sign-out) for the calls after it', async () => {
    const user = await userWithSession(t, 'viewer');
    const api = new ConsoleApi(context(user.headers.Cookie));
    expect((await api.post('/api/auth/logout')).ok).toBe(true);
    expect((await api.get('/api/v1/me')).status).toBe(401);
  });
});
