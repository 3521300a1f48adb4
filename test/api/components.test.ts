// Components and component groups: every endpoint's success path, reordering, role limits, audit and content version.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { readContentVersion } from '../../api/audit/audit.ts';
import { auditLog, outbox, outboxEvents } from '../../db/schema.ts';
import { bearer, caller, makeTestApp, userWithSession, type TestApp, type TestUser } from '../support/app.ts';

const MIN = 60_000;
let t: TestApp;
let publisher: TestUser;
let viewer: TestUser;

beforeEach(async () => {
  t = await makeTestApp();
  publisher = await userWithSession(t, 'publisher');
  viewer = await userWithSession(t, 'viewer');
});
afterEach(() => t.close());

const call = caller(() => t, () => publisher.headers);

describe('components', () => {
  test('create with defaults, read, list in order', async () => {
    const a = await call('POST', '/api/v1/components', { name: 'API' });
    expect(a.status).toBe(201);
    expect(Object.keys(a.body).sort()).toEqual(
      ['alert_status', 'created_at', 'description', 'group_id', 'id', 'name', 'only_show_if_degraded', 'position', 'showcase', 'start_date', 'status', 'updated_at'].sort(),
    );
    expect(a.body).toMatchObject({ name: 'API', status: 'operational', group_id: null, position: 0, showcase: true, only_show_if_degraded: false, description: null, alert_status: null });
    expect(a.body.created_at).toBe('2026-01-01T12:00:00.000Z');

    const b = await call('POST', '/api/v1/components', { name: 'Web', description: 'The site', status: 'degraded_performance', showcase: false, only_show_if_degraded: true, start_date: '2025-06-01' });
    expect(b.body).toMatchObject({ position: 1, status: 'degraded_performance', showcase: false, only_show_if_degraded: true, start_date: '2025-06-01', description: 'The site' });

    const one = await call('GET', `/api/v1/components/${a.body.id}`, undefined, viewer.headers);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(a.body);

    const list = await call('GET', '/api/v1/components', undefined, viewer.headers);
    expect(list.status).toBe(200);
    expect(list.body.components.map((c: { name: string }) => c.name)).toEqual(['API', 'Web']);
  });

  test('PATCH any field; a status change is audited and bumps the content version', async () => {
    const a = await call('POST', '/api/v1/components', { name: 'API' });
    const versionBefore = await readContentVersion(t.database.db);
    t.clock.advance(60_000);
    const p = await call('PATCH', `/api/v1/components/${a.body.id}`, { status: 'major_outage', name: 'Public API', description: null, position: 5 });
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ status: 'major_outage', name: 'Public API', position: 5, updated_at: '2026-01-01T12:01:00.000Z' });
    expect(await readContentVersion(t.database.db)).toBe(versionBefore + 1);
    const audit = await t.database.db.select().from(auditLog);
    const entry = audit.find((e) => e.action === 'component.update');
    expect(entry).toMatchObject({ userId: publisher.id, entityId: a.body.id });
    expect((entry?.before as { status: string }).status).toBe('operational');
    expect((entry?.after as { status: string }).status).toBe('major_outage');
  });

  test('a direct status change queues a component_update webhook; a PATCH without one does not', async () => {
    const a = await call('POST', '/api/v1/components', { name: 'API' });
    // A loopback receiver address: private targets allowed explicitly (WEBHOOK_ALLOW_PRIVATE).
    t.deps.webhooks = { allowPrivate: true };
    expect((await call('POST', '/api/v1/webhooks', { url: 'http://127.0.0.1:9/hook' })).status).toBe(201);
    await call('PATCH', `/api/v1/components/${a.body.id}`, { name: 'Renamed' });
    expect(await t.database.db.select().from(outboxEvents)).toEqual([]);
    await call('PATCH', `/api/v1/components/${a.body.id}`, { status: 'partial_outage' });
    const events = await t.database.db.select().from(outboxEvents);
    expect(events.map((e) => e.kind)).toEqual(['component_update']);
    expect(await t.database.db.select().from(outbox)).toHaveLength(1);
  });

  test('a PATCH that changes nothing writes nothing', async () => {
    const a = await call('POST', '/api/v1/components', { name: 'API' });
    const audits = (await t.database.db.select().from(auditLog)).length;
    const version = await readContentVersion(t.database.db);
    t.clock.advance(MIN);
    const same = await call('PATCH', `/api/v1/components/${a.body.id}`, { name: 'API', status: 'operational' });
    expect(same.body).toEqual(a.body);
    expect((await t.database.db.select().from(auditLog)).length).toBe(audits);
    expect(await readContentVersion(t.database.db)).toBe(version);
  });

  test('DELETE removes it (204), then 404', async () => {
    const a = await call('POST', '/api/v1/components', { name: 'API' });
    expect((await call('DELETE', `/api/v1/components/${a.body.id}`)).status).toBe(204);
    const gone = await call('GET', `/api/v1/components/${a.body.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('not_found');
    expect((await call('DELETE', `/api/v1/components/${a.body.id}`)).status).toBe(404);
  });

  test('reorder within a group in one call', async () => {
    const ids: string[] = [];
    for (const name of ['A', 'B', 'C']) ids.push((await call('POST', '/api/v1/components', { name })).body.id);
    const r = await call('POST', '/api/v1/components/reorder', { ids: [ids[2], ids[0], ids[1]] });
    expect(r.status).toBe(200);
    expect(r.body.components.map((c: { name: string }) => c.name)).toEqual(['C', 'A', 'B']);
    expect(r.body.components.map((c: { position: number }) => c.position)).toEqual([0, 1, 2]);

    const partial = await call('POST', '/api/v1/components/reorder', { ids: [ids[0], ids[1]] });
    expect(partial.status).toBe(400);
    expect(partial.body.error.fields.ids).toMatch(/3 components/);
  });
});

describe('component groups', () => {
  test('create, list with members, patch, move a component in, reorder groups', async () => {
    const g = await call('POST', '/api/v1/component-groups', { name: 'Backend', description: 'Servers' });
    expect(g.status).toBe(201);
    expect(g.body).toMatchObject({ name: 'Backend', description: 'Servers', position: 0, components: [] });
    const g2 = await call('POST', '/api/v1/component-groups', { name: 'Frontend' });
    expect(g2.body.position).toBe(1);

    const c1 = await call('POST', '/api/v1/components', { name: 'DB', group_id: g.body.id });
    expect(c1.body).toMatchObject({ group_id: g.body.id, position: 0 });
    const c2 = await call('POST', '/api/v1/components', { name: 'Queue' });
    const moved = await call('PATCH', `/api/v1/components/${c2.body.id}`, { group_id: g.body.id });
    expect(moved.body).toMatchObject({ group_id: g.body.id, position: 1 });

    const list = await call('GET', '/api/v1/component-groups', undefined, viewer.headers);
    expect(list.status).toBe(200);
    expect(list.body.component_groups[0]).toMatchObject({ id: g.body.id, components: [c1.body.id, c2.body.id] });

    const one = await call('GET', `/api/v1/component-groups/${g.body.id}`, undefined, viewer.headers);
    expect(one.body.components).toEqual([c1.body.id, c2.body.id]);

    const p = await call('PATCH', `/api/v1/component-groups/${g.body.id}`, { name: 'Core' });
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ name: 'Core', description: 'Servers', components: [c1.body.id, c2.body.id] });

    const r = await call('POST', '/api/v1/component-groups/reorder', { ids: [g2.body.id, g.body.id] });
    expect(r.status).toBe(200);
    expect(r.body.component_groups.map((x: { name: string }) => x.name)).toEqual(['Frontend', 'Core']);

    const within = await call('POST', '/api/v1/components/reorder', { ids: [c2.body.id, c1.body.id] });
    expect(within.body.components.filter((c: { group_id: string | null }) => c.group_id === g.body.id).map((c: { name: string }) => c.name)).toEqual(['Queue', 'DB']);

    const mixed = await call('POST', '/api/v1/components/reorder', { ids: [c2.body.id, (await call('POST', '/api/v1/components', { name: 'Solo' })).body.id] });
    expect(mixed.status).toBe(400);
  });

  test('deleting a group ungroups its components, which stay', async () => {
    const g = await call('POST', '/api/v1/component-groups', { name: 'Backend' });
    const solo = await call('POST', '/api/v1/components', { name: 'Solo' });
    const c = await call('POST', '/api/v1/components', { name: 'DB', group_id: g.body.id });
    expect((await call('DELETE', `/api/v1/component-groups/${g.body.id}`)).status).toBe(204);
    const after = await call('GET', `/api/v1/components/${c.body.id}`);
    expect(after.body).toMatchObject({ group_id: null, position: solo.body.position + 1 });
    expect((await call('GET', `/api/v1/component-groups/${g.body.id}`)).status).toBe(404);
  });

  test('an unknown group_id is a 400 on the group_id field', async () => {
    const r = await call('POST', '/api/v1/components', { name: 'X', group_id: 'nope' });
    expect(r.status).toBe(400);
    expect(r.body.error.fields.group_id).toMatch(/nope/);
  });
});

describe('roles', () => {
  test('viewer and editor read but cannot write; a read token cannot write', async () => {
    const editor = await userWithSession(t, 'editor');
    expect((await call('GET', '/api/v1/components', undefined, viewer.headers)).status).toBe(200);
    for (const who of [viewer, editor]) {
      const r = await call('POST', '/api/v1/components', { name: 'X' }, who.headers);
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe('forbidden');
      expect((await call('POST', '/api/v1/component-groups', { name: 'X' }, who.headers)).status).toBe(403);
    }
    const readToken = await bearer(t, publisher.id, 'read');
    expect((await call('POST', '/api/v1/components', { name: 'X' }, readToken)).status).toBe(403);
    const writeToken = await bearer(t, publisher.id, 'write');
    expect((await call('POST', '/api/v1/components', { name: 'X' }, writeToken)).status).toBe(201);
  });

  test('anonymous requests are refused', async () => {
    const r = await t.app.request('/api/v1/components');
    expect(r.status).toBe(401);
  });
});
