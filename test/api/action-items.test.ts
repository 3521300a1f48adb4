// Action items: per incident and across incidents (open ones, overdue first), audited on the incident, public only when marked.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditLog } from '../../db/schema.ts';
import type { ActionItemOut } from '../../api/incidents/action-item-routes.ts';
import { getPublicPostmortem } from '../../api/postmortems/postmortem-read.ts';
import { json, makeTestApp, userWithSession, type TestApp, type TestUser } from '../support/app.ts';

const DAY = 86_400_000;
let t: TestApp;
let publisher: TestUser;
let editor: TestUser;

beforeEach(async () => {
  t = await makeTestApp({ memory: true });
  publisher = await userWithSession(t, 'publisher');
  editor = await userWithSession(t, 'editor');
});
afterEach(() => t.close());

async function resolvedIncident(title: string): Promise<string> {
  const res = await t.app.request('/api/v1/incidents', json('POST', { title, severity: 'P3', status: 'investigating', message: 'Looking.' }, publisher.headers));
  const id = ((await res.json()) as { id: string }).id;
  await t.app.request(`/api/v1/incidents/${id}/updates`, json('POST', { status: 'resolved', message: 'Fixed.' }, publisher.headers));
  return id;
}

async function addItem(incidentId: string, body: Record<string, unknown>): Promise<ActionItemOut> {
  const res = await t.app.request(`/api/v1/incidents/${incidentId}/action-items`, json('POST', body, editor.headers));
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as ActionItemOut;
}

const at = (offsetDays: number) => new Date(t.clock.now().getTime() + offsetDays * DAY).toISOString();

describe('action items', () => {
  it('are created with owner and due date, edited, closed and deleted, each change on the incident timeline', async () => {
    const id = await resolvedIncident('Search outage');
    const item = await addItem(id, { title: 'Add a timeout alarm', owner_id: editor.id, due_at: at(7) });
    expect(item).toMatchObject({ incident_id: id, incident_title: 'Search outage', owner_id: editor.id, owner_name: 'editor user', done: false, public: false, overdue: false });

    const edit = await t.app.request(`/api/v1/action-items/${item.id}`, json('PATCH', { title: 'Add a timeout alarm to search', due_at: at(3) }, editor.headers));
    expect(edit.status).toBe(200);
    const close = await t.app.request(`/api/v1/action-items/${item.id}`, json('PATCH', { done: true }, editor.headers));
    const closed = (await close.json()) as ActionItemOut;
    expect(closed.done).toBe(true);
    expect(closed.done_at).toBe(t.clock.now().toISOString());

    const list = (await (await t.app.request(`/api/v1/incidents/${id}/action-items`, { headers: editor.headers })).json()) as { action_items: ActionItemOut[] };
    expect(list.action_items.map((i) => i.title)).toEqual(['Add a timeout alarm to search']);

    const del = await t.app.request(`/api/v1/action-items/${item.id}`, { method: 'DELETE', headers: editor.headers });
    expect(del.status).toBe(204);
    const gone = await t.app.request(`/api/v1/action-items/${item.id}`, json('PATCH', { done: false }, editor.headers));
    expect(gone.status).toBe(404);

    const actions = (await t.database.db.select().from(auditLog).where(eq(auditLog.incidentId, id))).map((a) => a.action);
    expect(actions.filter((a) => a.startsWith('action_item.'))).toEqual(['action_item.create', 'action_item.edit', 'action_item.close', 'action_item.delete']);
    const incident = (await (await t.app.request(`/api/v1/incidents/${id}`, { headers: editor.headers })).json()) as { timeline: { type: string; action?: string }[] };
    expect(incident.timeline.some((e) => e.type === 'event' && e.action === 'action_item.close')).toBe(true);
  });

  it('lists open items across incidents, overdue first', async () => {
    const a = await resolvedIncident('A');
    const b = await resolvedIncident('B');
    const later = await addItem(a, { title: 'due in 5 days', due_at: at(5) });
    const none = await addItem(b, { title: 'no due date' });
    const overdueOld = await addItem(b, { title: 'overdue by 3 days', due_at: at(-3) });
    const soon = await addItem(a, { title: 'due tomorrow', due_at: at(1) });
    const overdueNew = await addItem(a, { title: 'overdue by 1 day', due_at: at(-1) });
    const done = await addItem(b, { title: 'already done', due_at: at(-10) });
    await t.app.request(`/api/v1/action-items/${done.id}`, json('PATCH', { done: true }, editor.headers));

    const open = (await (await t.app.request('/api/v1/action-items?open=true', { headers: editor.headers })).json()) as { action_items: ActionItemOut[] };
    expect(open.action_items.map((i) => i.id)).toEqual([overdueOld.id, overdueNew.id, soon.id, later.id, none.id]);
    expect(open.action_items.map((i) => i.overdue)).toEqual([true, true, false, false, false]);

    const all = (await (await t.app.request('/api/v1/action-items', { headers: editor.headers })).json()) as { action_items: ActionItemOut[] };
    expect(all.action_items).toHaveLength(6);
    expect(all.action_items.at(-1)?.id).toBe(done.id);
  });

  it('validates owners, titles and roles', async () => {
    const id = await resolvedIncident('C');
    const badOwner = await t.app.request(`/api/v1/incidents/${id}/action-items`, json('POST', { title: 'x', owner_id: 'nobody' }, editor.headers));
    expect(badOwner.status).toBe(400);
    expect(((await badOwner.json()) as { error: { fields: Record<string, string> } }).error.fields.owner_id).toBeTruthy();
    const noTitle = await t.app.request(`/api/v1/incidents/${id}/action-items`, json('POST', { title: '  ' }, editor.headers));
    expect(noTitle.status).toBe(400);
    const badDue = await t.app.request(`/api/v1/incidents/${id}/action-items`, json('POST', { title: 'x', due_at: 'soon' }, editor.headers));
    expect(badDue.status).toBe(400);
    const viewer = await userWithSession(t, 'viewer');
    const denied = await t.app.request(`/api/v1/incidents/${id}/action-items`, json('POST', { title: 'x' }, viewer.headers));
    expect(denied.status).toBe(403);
    const readable = await t.app.request('/api/v1/action-items', { headers: viewer.headers });
    expect(readable.status).toBe(200);
    const unknownIncident = await t.app.request('/api/v1/incidents/nope/action-items', json('POST', { title: 'x' }, editor.headers));
    expect(unknownIncident.status).toBe(404);
  });

  it('shows only items marked public on the published postmortem, never owners', async () => {
    const id = await resolvedIncident('D');
    await addItem(id, { title: 'Internal: rotate the on-call key', owner_id: editor.id });
    const shown = await addItem(id, { title: 'Add retries to the API client', owner_id: editor.id, public: true, due_at: at(14) });
    await t.app.request(`/api/v1/incidents/${id}/postmortem`, json('PUT', { summary: 'It broke.' }, editor.headers));
    await t.app.request(`/api/v1/incidents/${id}/postmortem/publish`, json('POST', {}, publisher.headers));
    const pub = await getPublicPostmortem(t.deps, id);
    expect(pub?.action_items).toEqual([{ id: shown.id, title: 'Add retries to the API client', done: false, due_at: shown.due_at }]);
    expect(JSON.stringify(pub)).not.toContain(editor.id);
    expect(JSON.stringify(pub)).not.toContain('rotate the on-call key');
  });

  it('editors cannot change what a published postmortem shows; publishers can, and internal items stay the editors\'', async () => {
    const id = await resolvedIncident('E');
    const shown = await addItem(id, { title: 'Add retries', public: true });
    const internal = await addItem(id, { title: 'Rotate the key' });
    await t.app.request(`/api/v1/incidents/${id}/postmortem`, json('PUT', { summary: 'It broke.' }, editor.headers));
    expect((await t.app.request(`/api/v1/incidents/${id}/postmortem/publish`, json('POST', {}, publisher.headers))).status).toBe(200);
    const publicItems = async () => (await getPublicPostmortem(t.deps, id))?.action_items.map((i) => [i.title, i.done]);
    const before = await publicItems();
    expect(before).toEqual([['Add retries', false]]);

    const attempts: [string, string, unknown][] = [
      ['POST', `/api/v1/incidents/${id}/action-items`, { title: '<b>Free bitcoin</b>', public: true }],
      ['PATCH', `/api/v1/action-items/${shown.id}`, { title: 'Retitled by an editor' }],
      ['PATCH', `/api/v1/action-items/${shown.id}`, { done: true }],
      ['PATCH', `/api/v1/action-items/${shown.id}`, { public: false }],
      ['PATCH', `/api/v1/action-items/${internal.id}`, { public: true }],
      ['DELETE', `/api/v1/action-items/${shown.id}`, undefined],
    ];
    for (const [method, path, body] of attempts) {
      const res = await t.app.request(path, body === undefined ? { method, headers: editor.headers } : json(method, body, editor.headers));
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(403);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/publisher/);
    }
    expect(await publicItems()).toEqual(before);
    // Internal items of the same incident are still the editors' to keep.
    expect((await t.app.request(`/api/v1/action-items/${internal.id}`, json('PATCH', { title: 'Rotate both keys', done: true }, editor.headers))).status).toBe(200);
    expect((await t.app.request(`/api/v1/incidents/${id}/action-items`, json('POST', { title: 'Internal follow-up' }, editor.headers))).status).toBe(201);
    // A publisher changes the public ones.
    expect((await t.app.request(`/api/v1/action-items/${shown.id}`, json('PATCH', { done: true }, publisher.headers))).status).toBe(200);
    expect(await publicItems()).toEqual([['Add retries', true]]);
  });
});
