// Access rules over every /api/v1 route, enumerated from the app itself so a new route cannot slip by.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, ROLES, type Role } from '../../db/schema.ts';
import { roleAtLeast } from '../../api/http/access.ts';
import { bearer, json, makeTestApp, ORIGIN, userWithSession, type TestApp, type TestUser } from '../support/app.ts';

let t: TestApp;
let owner: TestUser;
let viewer: TestUser;
let ownerReadToken: Record<string, string>;
const byRole = {} as Record<Role, TestUser>;

beforeAll(async () => {
  t = await makeTestApp();
  owner = await userWithSession(t, 'owner');
  viewer = await userWithSession(t, 'viewer');
  ownerReadToken = await bearer(t, owner.id, 'read');
  for (const role of ROLES) byRole[role] = await userWithSession(t, role);
});
afterAll(() => t.close());

interface Route {
  method: string;
  path: string;
}

/** Every method + path the app answers under /api/v1 (middleware entries are method ALL). */
function v1Routes(): Route[] {
  const seen = new Map<string, Route>();
  for (const r of t.app.routes) {
    if (r.method === 'ALL' || !r.path.startsWith('/api/v1/')) continue;
    seen.set(`${r.method} ${r.path}`, { method: r.method, path: r.path });
  }
  return [...seen.values()].sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`));
}

const isWrite = (r: Route) => !['GET', 'HEAD', 'OPTIONS'].includes(r.method);
const label = (r: Route) => `${r.method} ${r.path}`;
/**
 * A concrete URL: every `:param` becomes an id that exists nowhere (access is decided before lookup),
 * one that fits the param's pattern when it has one (`:id{[0-9]+}`), or the router would 404 first.
 */
const urlOf = (r: Route) =>
  r.path.replace(/:[A-Za-z_]+(?:\{([^}]*)\})?/g, (_all, pattern: string | undefined) => {
    if (!pattern) return 'no-such-id';
    const fits = ['no-such-id', '999999999', 'x'].find((v) => new RegExp(`^(?:${pattern})$`).test(v));
    if (!fits) throw new Error(`no sample value fits :param{${pattern}} in ${r.path}; add one`);
    return fits;
  });

function send(r: Route, headers: Record<string, string>): Promise<Response> {
  if (!isWrite(r)) return Promise.resolve(t.app.request(urlOf(r), { method: r.method, headers }));
  return Promise.resolve(t.app.request(urlOf(r), json(r.method, {}, { ...ORIGIN, ...headers })));
}

async function auditCount(): Promise<number> {
  return (await t.database.db.select().from(auditLog)).length;
}

/**
 * Non-GET routes a viewer may use: their own things, or nothing stored at all. Everything else a
 * viewer sends is refused; adding a route here is a decision, so say why.
 */
const SELF_SERVICE = new Set([
  'PATCH /api/v1/me', // own name and password
  'DELETE /api/v1/me/sessions/:id', // sign out one of your own sessions
  'POST /api/v1/tokens', // own API tokens (a viewer's token can still only read)
  'DELETE /api/v1/tokens/:id',
  'POST /api/v1/preview', // renders markdown for the composer; stores nothing
  'POST /api/v1/pages/:id/ack', // acknowledge a page: any contact paged may be a viewer
]);

describe('the route list', () => {
  it('is read from the app and holds the routes this suite must cover', () => {
    const names = v1Routes().map(label);
    for (const expected of ['GET /api/v1/me', 'GET /api/v1/users', 'POST /api/v1/tokens', 'DELETE /api/v1/tokens/:id']) {
      expect(names).toContain(expected);
    }
    for (const entry of SELF_SERVICE) expect(names).toContain(entry);
  });
});

describe('every /api/v1 route', () => {
  it('refuses an anonymous request with 401 and the error shape', async () => {
    const wrong: string[] = [];
    for (const r of v1Routes()) {
      const res = await send(r, {});
      const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
      if (res.status !== 401 || body?.error?.code !== 'unauthorized' || !body.error.message) wrong.push(`${label(r)} → ${res.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it('refuses an anonymous request with a body even when it is not valid JSON', async () => {
    const wrong: string[] = [];
    for (const r of v1Routes().filter(isWrite)) {
      const res = await t.app.request(urlOf(r), { method: r.method, headers: { 'Content-Type': 'application/json', ...ORIGIN }, body: '{"x":' });
      if (res.status !== 401) wrong.push(`${label(r)} → ${res.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it('refuses an invalid bearer token with 401', async () => {
    const wrong: string[] = [];
    for (const r of v1Routes()) {
      const res = await send(r, { Authorization: 'Bearer hrld_nope.nope' });
      if (res.status !== 401) wrong.push(`${label(r)} → ${res.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it('refuses every write made with a read-scoped token, even an owner’s, and writes nothing', async () => {
    const before = await auditCount();
    const wrong: string[] = [];
    for (const r of v1Routes().filter(isWrite)) {
      const res = await send(r, ownerReadToken);
      const body = (await res.json().catch(() => null)) as { error?: { code?: string } } | null;
      if (res.status !== 403 || body?.error?.code !== 'forbidden') wrong.push(`${label(r)} → ${res.status}`);
    }
    expect(wrong).toEqual([]);
    expect(await auditCount()).toBe(before);
  });

  it('refuses a viewer every write except their own profile and tokens', async () => {
    const before = await auditCount();
    const wrong: string[] = [];
    for (const r of v1Routes().filter((r) => isWrite(r) && !SELF_SERVICE.has(label(r)))) {
      const res = await send(r, viewer.headers);
      if (res.status !== 403) wrong.push(`${label(r)} → ${res.status}`);
    }
    expect(wrong).toEqual([]);
    expect(await auditCount()).toBe(before);
  });

  it('refuses a cookie-authenticated write from another site before anything else', async () => {
    const before = await auditCount();
    const wrong: string[] = [];
    for (const r of v1Routes().filter(isWrite)) {
      const res = await t.app.request(urlOf(r), json(r.method, {}, { Cookie: owner.headers.Cookie!, Origin: 'https://evil.example' }));
      if (res.status !== 403) wrong.push(`${label(r)} → ${res.status}`);
    }
    expect(wrong).toEqual([]);
    expect(await auditCount()).toBe(before);
  });

  it('lets a viewer read admin data (all but subscribers, deliveries and webhooks: personal data and credentials)', async () => {
    const wrong: string[] = [];
    for (const r of v1Routes().filter((r) => !isWrite(r) && LEAST_ROLE[label(r)] === 'viewer')) {
      const res = await send(r, viewer.headers);
      if (res.status === 401 || res.status === 403 || res.status >= 500) wrong.push(`${label(r)} → ${res.status}`);
    }
    expect(wrong).toEqual([]);
  });
});

/**
 * The least role each route needs (API.md: owner manages users and settings; publisher publishes,
 * components, maintenance, webhooks; editor writes drafts; viewer reads). Every mounted route must
 * be listed: a route missing here fails the suite until someone decides who may use it.
 */
const LEAST_ROLE: Record<string, Role> = {
  'GET /api/v1/me': 'viewer',
  'PATCH /api/v1/me': 'viewer',
  'GET /api/v1/me/sessions': 'viewer',
  'DELETE /api/v1/me/sessions/:id': 'viewer',
  'GET /api/v1/users': 'viewer',
  'GET /api/v1/users/:id': 'viewer',
  'POST /api/v1/users': 'owner',
  'PATCH /api/v1/users/:id': 'owner',
  'DELETE /api/v1/users/:id': 'owner',
  'POST /api/v1/users/:id/invitation': 'owner',
  'GET /api/v1/tokens': 'viewer',
  'POST /api/v1/tokens': 'viewer',
  'DELETE /api/v1/tokens/:id': 'viewer',
  'GET /api/v1/settings': 'viewer',
  'PATCH /api/v1/settings': 'owner',
  'POST /api/v1/preview': 'viewer',
  'GET /api/v1/components': 'viewer',
  'GET /api/v1/components/:id': 'viewer',
  'POST /api/v1/components': 'publisher',
  'POST /api/v1/components/reorder': 'publisher',
  'PATCH /api/v1/components/:id': 'publisher',
  'DELETE /api/v1/components/:id': 'publisher',
  'GET /api/v1/component-groups': 'viewer',
  'GET /api/v1/component-groups/:id': 'viewer',
  'POST /api/v1/component-groups': 'publisher',
  'POST /api/v1/component-groups/reorder': 'publisher',
  'PATCH /api/v1/component-groups/:id': 'publisher',
  'DELETE /api/v1/component-groups/:id': 'publisher',
  'GET /api/v1/incidents': 'viewer',
  'GET /api/v1/incidents/:id': 'viewer',
  'POST /api/v1/incidents': 'editor',
  'PATCH /api/v1/incidents/:id': 'editor',
  'POST /api/v1/incidents/:id/escalate': 'publisher',
  'POST /api/v1/incidents/:id/updates': 'editor',
  'PATCH /api/v1/incidents/:id/updates/:update_id': 'editor',
  'DELETE /api/v1/incidents/:id/updates/:update_id': 'editor',
  'POST /api/v1/incidents/:id/updates/:update_id/publish': 'publisher',
  'GET /api/v1/maintenances': 'viewer',
  'GET /api/v1/maintenances/:id': 'viewer',
  'POST /api/v1/maintenances': 'publisher',
  'PATCH /api/v1/maintenances/:id': 'publisher',
  'POST /api/v1/maintenances/:id/updates': 'publisher',
  'GET /api/v1/templates': 'viewer',
  'GET /api/v1/templates/:id': 'viewer',
  'POST /api/v1/templates': 'publisher',
  'PATCH /api/v1/templates/:id': 'publisher',
  'DELETE /api/v1/templates/:id': 'publisher',
  'GET /api/v1/incidents/:id/postmortem': 'viewer',
  'PUT /api/v1/incidents/:id/postmortem': 'editor',
  'POST /api/v1/incidents/:id/postmortem/publish': 'publisher',
  'POST /api/v1/incidents/:id/postmortem/unpublish': 'publisher',
  'GET /api/v1/action-items': 'viewer',
  'GET /api/v1/incidents/:id/action-items': 'viewer',
  'POST /api/v1/incidents/:id/action-items': 'editor',
  'PATCH /api/v1/action-items/:id': 'editor',
  'DELETE /api/v1/action-items/:id': 'editor',
  'GET /api/v1/subscribers': 'publisher',
  'GET /api/v1/subscribers.csv': 'publisher',
  'GET /api/v1/subscribers/:id': 'publisher',
  'DELETE /api/v1/subscribers/:id': 'publisher',
  'GET /api/v1/outbox': 'publisher',
  'GET /api/v1/outbox/:id{[0-9]+}': 'publisher',
  'POST /api/v1/outbox/:id{[0-9]+}/retry': 'publisher',
  'POST /api/v1/outbox/retry-failed': 'publisher',
  'GET /api/v1/audit': 'viewer',
  'GET /api/v1/webhooks': 'publisher',
  'GET /api/v1/webhooks/:id': 'publisher',
  'POST /api/v1/webhooks': 'publisher',
  'DELETE /api/v1/webhooks/:id': 'publisher',
  // Alert intake: an alert may set a component's public status (component automation), so a publisher's token.
  'POST /api/v1/alerts/alertmanager': 'publisher',
  'POST /api/v1/alerts/grafana': 'publisher',
  'POST /api/v1/alerts': 'publisher',
  'GET /api/v1/alerts': 'viewer',
  'GET /api/v1/alerts/:id': 'viewer',
  'POST /api/v1/alerts/:id/declare': 'editor',
  'POST /api/v1/alerts/:id/attach': 'editor',
  'POST /api/v1/alerts/:id/dismiss': 'editor',
  // Contacts and stakeholders are personal data and chat URLs credentials: publishers see them, owners set the path.
  'GET /api/v1/escalation': 'publisher',
  'PUT /api/v1/escalation': 'owner',
  'GET /api/v1/incidents/:id/pages': 'viewer',
  'GET /api/v1/pages/:id': 'viewer',
  'POST /api/v1/pages/:id/ack': 'viewer',
  'GET /api/v1/stakeholders': 'publisher',
  'POST /api/v1/stakeholders': 'publisher',
  'DELETE /api/v1/stakeholders/:id': 'publisher',
  'GET /api/v1/incidents/:id/notes': 'viewer',
  'POST /api/v1/incidents/:id/notes': 'editor',
};

const INTAKE = new Set(['POST /api/v1/alerts/alertmanager', 'POST /api/v1/alerts/grafana', 'POST /api/v1/alerts']);

describe('an API token with alerts scope', () => {
  it('may post alerts and nothing else: every other route answers 403, reads included, and nothing is written', async () => {
    const token = await bearer(t, owner.id, 'alerts');
    const before = await auditCount();
    const wrong: string[] = [];
    for (const r of v1Routes()) {
      const res = await send(r, token);
      const body = (await res.json().catch(() => null)) as { error?: { code?: string } } | null;
      // past the check, the intake routes refuse the empty body as bad input (400), never 401/403
      if (INTAKE.has(label(r)) ? res.status !== 400 : res.status !== 403 || body?.error?.code !== 'forbidden') wrong.push(`${label(r)} → ${res.status}`);
    }
    expect(wrong).toEqual([]);
    expect(await auditCount()).toBe(before);
  });

  it('is refused to a user below publisher, and cannot make another token', async () => {
    const editor = byRole.editor;
    const res = await t.app.request('/api/v1/tokens', json('POST', { name: 'alerting', scope: 'alerts' }, editor.headers));
    expect(res.status).toBe(403);
    const token = await bearer(t, owner.id, 'alerts');
    const again = await t.app.request('/api/v1/tokens', json('POST', { name: 'more', scope: 'write' }, token));
    expect(again.status).toBe(403);
  });
});

describe('role limits', () => {
  it('has a decision for every mounted route', () => {
    const undecided = v1Routes().map(label).filter((name) => !(name in LEAST_ROLE));
    expect(undecided, 'add these routes to LEAST_ROLE in test/auth/access.test.ts').toEqual([]);
  });

  it('refuses roles below each route’s least role with 403, and lets the others past the access check', async () => {
    const wrong: string[] = [];
    for (const r of v1Routes()) {
      const least = LEAST_ROLE[label(r)];
      if (!least) continue;
      for (const role of ROLES) {
        const res = await send(r, byRole[role].headers);
        const allowed = roleAtLeast(role, least);
        // Past the check, a made-up id or an empty body earns a 400/404/409/422, never 401/403.
        if (allowed ? res.status === 401 || res.status === 403 || res.status >= 500 : res.status !== 403) {
          wrong.push(`${role} ${label(r)} → ${res.status}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('unknown /api paths', () => {
  it('answer a JSON 404, signed in or not', async () => {
    for (const headers of [{}, viewer.headers]) {
      for (const path of ['/api/v1/nothing-here', '/api/nope', '/api/v1/users/x/y/z']) {
        const res = await t.app.request(path, { headers });
        expect(res.status).toBe(404);
        expect(res.headers.get('content-type')).toContain('application/json');
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
      }
    }
  });
});
