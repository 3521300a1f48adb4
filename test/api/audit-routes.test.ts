// GET /api/v1/audit: every write, newest first, filterable by user and incident, paged; viewers read, anonymous may not.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { json, makeTestApp, userWithSession, type TestApp, type TestUser } from '../support/app.ts';

interface Page {
  events: { id: number; action: string; user_id: string | null; user_name: string | null; incident_id: string | null }[];
  next_before: number | null;
}

let t: TestApp;
let alice: TestUser;
let bob: TestUser;
let incidentId: string;

beforeEach(async () => {
  t = await makeTestApp({ memory: true });
  alice = await userWithSession(t, 'publisher');
  bob = await userWithSession(t, 'publisher');
  await t.app.request('/api/v1/components', json('POST', { name: 'API' }, alice.headers));
  const res = await t.app.request('/api/v1/incidents', json('POST', { title: 'Down', severity: 'P1', message: 'Looking.' }, bob.headers));
  incidentId = ((await res.json()) as { id: string }).id;
  await t.app.request(`/api/v1/incidents/${incidentId}`, json('PATCH', { stage: 'contain' }, alice.headers));
});
afterEach(() => t.close());

const get = async (query: string, headers: Record<string, string>) => {
  const res = await t.app.request(`/api/v1/audit${query}`, { headers });
  expect(res.status).toBe(200);
  return (await res.json()) as Page;
};

describe('GET /api/v1/audit', () => {
  it('lists every write newest first, with who did it', async () => {
    const viewer = await userWithSession(t, 'viewer');
    const page = await get('', viewer.headers);
    const actions = page.events.map((e) => e.action);
    expect(actions[0]).toBe('incident.stage');
    expect(actions).toContain('component.create');
    expect(actions).toContain('incident.create');
    const ids = page.events.map((e) => e.id);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    expect(page.events[0]?.user_name).toBe('publisher user');
  });

  it('filters by user, by incident and by action prefix', async () => {
    const byBob = await get(`?user_id=${bob.id}`, alice.headers);
    expect(byBob.events.length).toBeGreaterThan(0);
    expect(byBob.events.every((e) => e.user_id === bob.id)).toBe(true);
    const byIncident = await get(`?incident_id=${incidentId}`, alice.headers);
    expect(byIncident.events.every((e) => e.incident_id === incidentId)).toBe(true);
    expect(byIncident.events.map((e) => e.action)).toContain('incident.stage');
    const components = await get('?action=component.', alice.headers);
    expect(components.events.map((e) => e.action)).toEqual(['component.create']);
  });

  it('pages with next_before', async () => {
    const first = await get('?limit=1', alice.headers);
    expect(first.events).toHaveLength(1);
    expect(first.next_before).toBe(first.events[0]?.id);
    const second = await get(`?limit=1&before=${first.next_before}`, alice.headers);
    expect(second.events[0]?.id).toBeLessThan(first.events[0]?.id ?? 0);
  });

  it('refuses anonymous readers and bad filters', async () => {
    expect((await t.app.request('/api/v1/audit')).status).toBe(401);
    expect((await t.app.request('/api/v1/audit?limit=0', { headers: alice.headers })).status).toBe(400);
    expect((await t.app.request('/api/v1/audit?action=DROP%20TABLE', { headers: alice.headers })).status).toBe(400);
    expect((await t.app.request('/api/v1/audit?nope=1', { headers: alice.headers })).status).toBe(400);
  });
});
