// /api/v1/templates: publishers manage incident templates, everyone signed in reads them, every write is audited.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditLog } from '../../db/schema.ts';
import { json, makeTestApp, userWithSession, type TestApp, type TestUser } from '../support/app.ts';

let t: TestApp;
let publisher: TestUser;
let componentId: string;

beforeEach(async () => {
  t = await makeTestApp({ memory: true });
  publisher = await userWithSession(t, 'publisher');
  const res = await t.app.request('/api/v1/components', json('POST', { name: 'API' }, publisher.headers));
  componentId = ((await res.json()) as { id: string }).id;
});
afterEach(() => t.close());

const sample = () => ({ name: 'Database down', title: 'Database unavailable', body: 'We are **investigating**.', severity: 'P1', components: { [componentId]: 'major_outage' } });

describe('templates', () => {
  it('creates, lists, reads, edits and deletes, auditing each write', async () => {
    const created = await t.app.request('/api/v1/templates', json('POST', sample(), publisher.headers));
    expect(created.status).toBe(201);
    const tpl = (await created.json()) as { id: string; components: Record<string, string>; severity: string };
    expect(tpl.components).toEqual({ [componentId]: 'major_outage' });

    const viewer = await userWithSession(t, 'viewer');
    const list = (await (await t.app.request('/api/v1/templates', { headers: viewer.headers })).json()) as { templates: { id: string }[] };
    expect(list.templates.map((x) => x.id)).toEqual([tpl.id]);
    expect((await t.app.request(`/api/v1/templates/${tpl.id}`, { headers: viewer.headers })).status).toBe(200);

    const patched = await t.app.request(`/api/v1/templates/${tpl.id}`, json('PATCH', { severity: 'P2' }, publisher.headers));
    expect(patched.status).toBe(200);
    expect(((await patched.json()) as { severity: string }).severity).toBe('P2');

    expect((await t.app.request(`/api/v1/templates/${tpl.id}`, { method: 'DELETE', headers: publisher.headers })).status).toBe(204);
    expect((await t.app.request(`/api/v1/templates/${tpl.id}`, { headers: viewer.headers })).status).toBe(404);

    const actions = (await t.database.db.select().from(auditLog).where(eq(auditLog.entityId, tpl.id))).map((a) => a.action);
    expect(actions).toEqual(['template.create', 'template.update', 'template.delete']);
  });

  it('refuses editors, viewers and anonymous writers', async () => {
    for (const role of ['editor', 'viewer'] as const) {
      const u = await userWithSession(t, role);
      expect((await t.app.request('/api/v1/templates', json('POST', sample(), u.headers))).status).toBe(403);
    }
    expect((await t.app.request('/api/v1/templates', json('POST', sample()))).status).toBe(401);
    expect((await t.app.request('/api/v1/templates')).status).toBe(401);
  });

  it('validates input and leaves nothing behind', async () => {
    const bad = await t.app.request('/api/v1/templates', json('POST', { ...sample(), severity: 'P9' }, publisher.headers));
    expect(bad.status).toBe(400);
    const unknown = await t.app.request('/api/v1/templates', json('POST', { ...sample(), components: { nope: 'major_outage' } }, publisher.headers));
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: { fields: Record<string, string> } }).error.fields['components.nope']).toBeTruthy();
    const extra = await t.app.request('/api/v1/templates', json('POST', { ...sample(), extra: 1 }, publisher.headers));
    expect(extra.status).toBe(400);
    const list = (await (await t.app.request('/api/v1/templates', { headers: publisher.headers })).json()) as { templates: unknown[] };
    expect(list.templates).toEqual([]);
    expect((await t.app.request('/api/v1/templates/missing', json('PATCH', { name: 'x' }, publisher.headers))).status).toBe(404);
  });
});
