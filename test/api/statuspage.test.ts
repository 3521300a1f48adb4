// The eight /api/v2 endpoints, key by key against shared/statuspage-v2.md, on a real database.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getIncidentJson, getSummary, listIncidentsJson, listMaintenancesJson } from '../../api/public/statuspage-read.ts';
import { putSettings } from '../../api/core/settings.ts';
import { json, makeTestApp, PUBLIC_URL, userWithSession, type TestApp } from '../support/app.ts';
import { addComponent, addGroup, addIncident, addUpdate, bump } from '../support/public-rows.ts';

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const HOUR = 3_600_000;

// The keys statuspage-v2.md lists, in its order; Herald's extras are named separately.
const PAGE_KEYS = ['id', 'name', 'url', 'time_zone', 'updated_at'];
const STATUS_KEYS = ['indicator', 'description'];
const COMPONENT_KEYS = [
  'id', 'name', 'status', 'created_at', 'updated_at', 'position', 'description', 'showcase', 'start_date',
  'group_id', 'page_id', 'group', 'only_show_if_degraded',
];
const GROUP_KEYS = [...COMPONENT_KEYS, 'components'];
const INCIDENT_KEYS = [
  'id', 'name', 'status', 'created_at', 'updated_at', 'monitoring_at', 'resolved_at', 'impact', 'shortlink',
  'started_at', 'page_id', 'incident_updates', 'components',
];
const HERALD_INCIDENT_EXTRAS = ['postmortem_url'];
const MAINTENANCE_KEYS = [...INCIDENT_KEYS, ...HERALD_INCIDENT_EXTRAS, 'scheduled_for', 'scheduled_until'];
const UPDATE_KEYS = [
  'id', 'status', 'body', 'incident_id', 'created_at', 'updated_at', 'display_at', 'affected_components',
  'deliver_notifications', 'custom_tweet', 'tweet_id',
];
const COMPONENT_STATUSES = ['operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance'];

type J = Record<string, unknown>;

function checkPage(page: J) {
  expect(Object.keys(page)).toEqual(PAGE_KEYS);
  expect(typeof page.id).toBe('string');
  expect(page.name).toBe('Herald');
  expect(page.url).toBe(PUBLIC_URL);
  expect(page.time_zone).toBe('Etc/UTC');
  expect(page.updated_at).toMatch(ISO_MS);
}

function checkComponent(c: J, pageId: unknown) {
  expect(Object.keys(c)).toEqual(c.group ? GROUP_KEYS : COMPONENT_KEYS);
  expect(typeof c.id).toBe('string');
  expect(typeof c.name).toBe('string');
  expect(COMPONENT_STATUSES).toContain(c.status);
  expect(c.created_at).toMatch(ISO_MS);
  expect(c.updated_at).toMatch(ISO_MS);
  expect(Number.isInteger(c.position)).toBe(true);
  expect(c.description === null || typeof c.description === 'string').toBe(true);
  expect(typeof c.showcase).toBe('boolean');
  expect(c.start_date === null || typeof c.start_date === 'string').toBe(true);
  expect(c.group_id === null || typeof c.group_id === 'string').toBe(true);
  expect(c.page_id).toBe(pageId);
  expect(typeof c.group).toBe('boolean');
  expect(typeof c.only_show_if_degraded).toBe('boolean');
  if (c.group) expect(Array.isArray(c.components)).toBe(true);
}

function checkUpdate(u: J, incidentId: unknown) {
  expect(Object.keys(u)).toEqual(UPDATE_KEYS);
  expect(typeof u.id).toBe('string');
  expect(typeof u.status).toBe('string');
  expect(typeof u.body).toBe('string');
  expect(u.incident_id).toBe(incidentId);
  for (const k of ['created_at', 'updated_at', 'display_at']) expect(u[k]).toMatch(ISO_MS);
  if (u.affected_components !== null) {
    expect(Array.isArray(u.affected_components)).toBe(true);
    for (const a of u.affected_components as J[]) {
      expect(Object.keys(a)).toEqual(['code', 'name', 'old_status', 'new_status']);
      expect(COMPONENT_STATUSES).toContain(a.old_status);
      expect(COMPONENT_STATUSES).toContain(a.new_status);
    }
  }
  expect(typeof u.deliver_notifications).toBe('boolean');
  expect(u.custom_tweet).toBeNull();
  expect(u.tweet_id).toBeNull();
}

function checkIncident(x: J, pageId: unknown, maintenance = false) {
  expect(Object.keys(x)).toEqual(maintenance ? MAINTENANCE_KEYS : [...INCIDENT_KEYS, ...HERALD_INCIDENT_EXTRAS]);
  expect(typeof x.id).toBe('string');
  expect(typeof x.name).toBe('string');
  const statuses = maintenance ? ['scheduled', 'in_progress', 'verifying', 'completed'] : ['investigating', 'identified', 'monitoring', 'resolved', 'postmortem'];
  expect(statuses).toContain(x.status);
  for (const k of ['created_at', 'updated_at', 'started_at']) expect(x[k]).toMatch(ISO_MS);
  for (const k of ['monitoring_at', 'resolved_at']) if (x[k] !== null) expect(x[k]).toMatch(ISO_MS);
  expect(['none', 'minor', 'major', 'critical', 'maintenance']).toContain(x.impact);
  expect(x.shortlink).toBe(`${PUBLIC_URL}/incidents/${x.id}`);
  expect(x.page_id).toBe(pageId);
  for (const u of x.incident_updates as J[]) checkUpdate(u, x.id);
  for (const c of x.components as J[]) checkComponent(c, pageId);
  if (maintenance) {
    for (const k of ['scheduled_for', 'scheduled_until']) if (x[k] !== null) expect(x[k]).toMatch(ISO_MS);
  }
}

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

async function get(path: string): Promise<{ res: Response; body: J }> {
  const res = await t.app.request(path);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return { res, body: (await res.json()) as J };
}

/** A page with a group of two, a loose component, an open incident, a resolved one, drafts and maintenances. */
async function seed() {
  const group = await addGroup(t, { name: 'Core', position: 1 });
  const api = await addComponent(t, { name: 'API', groupId: group, position: 2, status: 'partial_outage' });
  const web = await addComponent(t, { name: 'Web', groupId: group, position: 1 });
  const mail = await addComponent(t, { name: 'Email', position: 0, description: 'Outbound mail' });

  const open = await addIncident(t, { title: 'API errors', impact: 'major', status: 'identified', startedMinutesAgo: 60, componentIds: [api] });
  await addUpdate(t, open, {
    status: 'investigating',
    body: 'We are **investigating**.',
    minutesAgo: 60,
    affected: [{ code: api, name: 'API', old_status: 'operational', new_status: 'partial_outage' }],
  });
  await addUpdate(t, open, { status: 'identified', body: 'Found it.', minutesAgo: 30, notify: false });
  await addUpdate(t, open, { status: 'monitoring', body: 'DRAFT — not public', state: 'draft', minutesAgo: 10 });
  await addUpdate(t, open, { status: 'monitoring', body: 'SCHEDULED — not yet public', state: 'scheduled', minutesAgo: 5 });

  const resolved = await addIncident(t, {
    title: 'Email delays',
    impact: 'minor',
    status: 'resolved',
    startedMinutesAgo: 24 * 60,
    componentIds: [mail],
    monitoringAt: new Date(t.clock.now().getTime() - 23 * HOUR),
    resolvedAt: new Date(t.clock.now().getTime() - 22 * HOUR),
  });
  await addUpdate(t, resolved, { status: 'investigating', body: 'Looking', minutesAgo: 24 * 60 });
  await addUpdate(t, resolved, { status: 'resolved', body: 'Fixed', minutesAgo: 22 * 60 });

  const unpublished = await addIncident(t, { title: 'SECRET draft incident', impact: 'critical', published: false, startedMinutesAgo: 5 });
  await addUpdate(t, unpublished, { status: 'investigating', body: 'draft', state: 'draft' });

  const now = t.clock.now().getTime();
  const upcoming = await addIncident(t, {
    title: 'Database upgrade',
    kind: 'maintenance',
    status: 'scheduled',
    startedMinutesAgo: 120,
    scheduledFor: new Date(now + 48 * HOUR),
    scheduledUntil: new Date(now + 50 * HOUR),
    componentIds: [web],
  });
  await addUpdate(t, upcoming, { status: 'scheduled', body: 'Planned upgrade', minutesAgo: 120 });
  const active = await addIncident(t, {
    title: 'Network maintenance',
    kind: 'maintenance',
    status: 'in_progress',
    startedMinutesAgo: 15,
    scheduledFor: new Date(now - 15 * 60_000),
    scheduledUntil: new Date(now + HOUR),
  });
  await addUpdate(t, active, { status: 'in_progress', body: 'Started', minutesAgo: 15 });
  const done = await addIncident(t, {
    title: 'Old maintenance',
    kind: 'maintenance',
    status: 'completed',
    startedMinutesAgo: 30 * 24 * 60,
    scheduledFor: new Date(now - 30 * 24 * HOUR),
    scheduledUntil: new Date(now - 30 * 24 * HOUR + HOUR),
  });
  await addUpdate(t, done, { status: 'completed', body: 'Done', minutesAgo: 30 * 24 * 60 });
  await addIncident(t, { title: 'SECRET maintenance draft', kind: 'maintenance', status: 'scheduled', published: false });
  await bump(t);
  return { group, api, web, mail, open, resolved, unpublished, upcoming, active, done };
}

describe('/api/v2 shapes, key by key', () => {
  it('summary.json: page first, then components, incidents, scheduled_maintenances, status', async () => {
    const s = await seed();
    const { body } = await get('/api/v2/summary.json');
    expect(Object.keys(body)).toEqual(['page', 'components', 'incidents', 'scheduled_maintenances', 'status']);
    const page = body.page as J;
    checkPage(page);
    for (const c of body.components as J[]) checkComponent(c, page.id);
    const incidents = body.incidents as J[];
    expect(incidents.map((i) => i.id)).toEqual([s.open]);
    for (const i of incidents) checkIncident(i, page.id);
    const maint = body.scheduled_maintenances as J[];
    // In progress and upcoming, soonest first; completed ones are not in the summary.
    expect(maint.map((m) => m.id)).toEqual([s.active, s.upcoming]);
    for (const m of maint) checkIncident(m, page.id, true);
    expect(Object.keys(body.status as J)).toEqual(STATUS_KEYS);
    expect(body.status).toEqual({ indicator: 'major', description: 'Partial System Outage' });
  });

  it('status.json: page and the roll-up only', async () => {
    const { body } = await get('/api/v2/status.json');
    expect(Object.keys(body)).toEqual(['page', 'status']);
    checkPage(body.page as J);
    expect(body.status).toEqual({ indicator: 'none', description: 'All Systems Operational' });
  });

  it('components.json: groups in the flat array with their children ids; children carry group_id', async () => {
    const s = await seed();
    const { body } = await get('/api/v2/components.json');
    expect(Object.keys(body)).toEqual(['page', 'components']);
    const page = body.page as J;
    const list = body.components as J[];
    for (const c of list) checkComponent(c, page.id);
    // Top level by position (Email 0, Core 1), each group followed by its children by position.
    expect(list.map((c) => c.name)).toEqual(['Email', 'Core', 'Web', 'API']);
    const group = list.find((c) => c.id === s.group) as J;
    expect(group.group).toBe(true);
    expect(group.components).toEqual([s.web, s.api]);
    expect(group.group_id).toBeNull();
    // A group's status is its worst child's.
    expect(group.status).toBe('partial_outage');
    for (const id of [s.web, s.api]) {
      const child = list.find((c) => c.id === id) as J;
      expect(child.group_id).toBe(s.group);
      expect(child.group).toBe(false);
      expect('components' in child).toBe(false);
    }
    const mail = list.find((c) => c.id === s.mail) as J;
    expect(mail).toMatchObject({ group_id: null, group: false, description: 'Outbound mail', showcase: true, only_show_if_degraded: false, start_date: null });
  });

  it('incidents.json: the most recent, any status, newest first; never drafts or maintenance', async () => {
    const s = await seed();
    const { body } = await get('/api/v2/incidents.json');
    expect(Object.keys(body)).toEqual(['page', 'incidents']);
    const list = body.incidents as J[];
    expect(list.map((i) => i.id)).toEqual([s.open, s.resolved]);
    for (const i of list) checkIncident(i, (body.page as J).id);
    const resolved = list[1] as J;
    expect(resolved.resolved_at).toMatch(ISO_MS);
    expect(resolved.monitoring_at).toMatch(ISO_MS);
    expect(JSON.stringify(body)).not.toContain('SECRET');
  });

  it('incidents/unresolved.json: investigating, identified or monitoring only', async () => {
    const s = await seed();
    const { body } = await get('/api/v2/incidents/unresolved.json');
    expect(Object.keys(body)).toEqual(['page', 'incidents']);
    expect((body.incidents as J[]).map((i) => i.id)).toEqual([s.open]);
  });

  it('an incident: updates newest first, published only; affected_components diffs; components in full; shortlink', async () => {
    const s = await seed();
    const { body } = await get('/api/v2/incidents.json');
    const open = (body.incidents as J[])[0] as J;
    expect(open).toMatchObject({ name: 'API errors', status: 'identified', impact: 'major', monitoring_at: null, resolved_at: null });
    expect(open.shortlink).toBe(`${PUBLIC_URL}/incidents/${s.open}`);
    const updates = open.incident_updates as J[];
    expect(updates.map((u) => u.status)).toEqual(['identified', 'investigating']);
    expect(updates.map((u) => u.body)).toEqual(['Found it.', 'We are **investigating**.']);
    expect(updates[0]).toMatchObject({ affected_components: null, deliver_notifications: false });
    expect(updates[1]).toMatchObject({
      affected_components: [{ code: s.api, name: 'API', old_status: 'operational', new_status: 'partial_outage' }],
      deliver_notifications: true,
    });
    expect(String((updates[0] as J).display_at) > String((updates[1] as J).display_at)).toBe(true);
    const comps = open.components as J[];
    expect(comps.map((c) => c.id)).toEqual([s.api]);
    expect(Object.keys(comps[0] as J)).toEqual(COMPONENT_KEYS);
    expect(JSON.stringify(open)).not.toMatch(/DRAFT|SCHEDULED/);
  });

  it('a component named only in an update diff is listed among the incident components', async () => {
    const a = await addComponent(t, { name: 'A' });
    const b = await addComponent(t, { name: 'B', position: 1 });
    const id = await addIncident(t, { title: 'x', componentIds: [a] });
    await addUpdate(t, id, { status: 'investigating', body: 'x', affected: [{ code: b, name: 'B', old_status: 'operational', new_status: 'major_outage' }] });
    const json = await getIncidentJson(t.deps, id);
    expect(json?.components.map((c) => c.id)).toEqual([a, b]);
  });

  it('scheduled-maintenances.json: all, newest scheduled first', async () => {
    const s = await seed();
    const { body } = await get('/api/v2/scheduled-maintenances.json');
    expect(Object.keys(body)).toEqual(['page', 'scheduled_maintenances']);
    const list = body.scheduled_maintenances as J[];
    expect(list.map((m) => m.id)).toEqual([s.upcoming, s.active, s.done]);
    for (const m of list) checkIncident(m, (body.page as J).id, true);
    const upcoming = list[0] as J;
    expect(upcoming).toMatchObject({ status: 'scheduled', impact: 'maintenance' });
    expect(upcoming.scheduled_for).toBe(new Date(t.clock.now().getTime() + 48 * HOUR).toISOString());
    expect(upcoming.scheduled_until).toBe(new Date(t.clock.now().getTime() + 50 * HOUR).toISOString());
    expect((upcoming.components as J[]).map((c) => c.id)).toEqual([s.web]);
    expect(JSON.stringify(body)).not.toContain('SECRET');
  });

  it('scheduled-maintenances/upcoming.json and /active.json split by status', async () => {
    const s = await seed();
    const up = await get('/api/v2/scheduled-maintenances/upcoming.json');
    expect(Object.keys(up.body)).toEqual(['page', 'scheduled_maintenances']);
    expect((up.body.scheduled_maintenances as J[]).map((m) => m.id)).toEqual([s.upcoming]);
    const active = await get('/api/v2/scheduled-maintenances/active.json');
    expect(Object.keys(active.body)).toEqual(['page', 'scheduled_maintenances']);
    expect((active.body.scheduled_maintenances as J[]).map((m) => m.id)).toEqual([s.active]);
    const verifying = await addIncident(t, { title: 'Verifying', kind: 'maintenance', status: 'verifying', scheduledFor: t.clock.now() });
    expect((await listMaintenancesJson(t.deps, 'active')).map((m) => m.id)).toEqual([s.active, verifying]);
  });

  it('an empty page: no components, no incidents, all operational', async () => {
    const { body } = await get('/api/v2/summary.json');
    expect(body).toMatchObject({ components: [], incidents: [], scheduled_maintenances: [], status: { indicator: 'none', description: 'All Systems Operational' } });
  });
});

describe('/api/v2 behaviour', () => {
  it('answers every endpoint with CORS Access-Control-Allow-Origin: *', async () => {
    for (const path of [
      'summary.json', 'status.json', 'components.json', 'incidents.json', 'incidents/unresolved.json',
      'scheduled-maintenances.json', 'scheduled-maintenances/upcoming.json', 'scheduled-maintenances/active.json',
    ]) {
      const res = await t.app.request(`/api/v2/${path}`, { headers: { Origin: 'https://widget.example' } });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('access-control-allow-origin'), path).toBe('*');
    }
    const preflight = await t.app.request('/api/v2/summary.json', {
      method: 'OPTIONS',
      headers: { Origin: 'https://widget.example', 'Access-Control-Request-Method': 'GET' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('page reflects settings: name, public URL (in shortlinks too), time zone, updated_at from the content version', async () => {
    await putSettings(t.database.db, { pageName: 'Acme Status', publicUrl: 'https://status.acme.example/', timeZone: 'Europe/Berlin' }, t.clock.now());
    t.clock.advance(HOUR);
    const id = await addIncident(t, { title: 'x' });
    await bump(t);
    const { body } = await get('/api/v2/incidents.json');
    expect(body.page).toMatchObject({ name: 'Acme Status', url: 'https://status.acme.example', time_zone: 'Europe/Berlin', updated_at: t.clock.now().toISOString() });
    expect(((body.incidents as J[])[0] as J).shortlink).toBe(`https://status.acme.example/incidents/${id}`);
  });

  it('roll-up: worst of incidents and components; critical past half down; maintenance only when nothing is broken', async () => {
    const indicator = async () => ((await get('/api/v2/status.json')).body.status as J).indicator;
    const a = await addComponent(t, { name: 'A' });
    await addComponent(t, { name: 'B', status: 'degraded_performance' });
    await addComponent(t, { name: 'C' });
    expect(await indicator()).toBe('minor');
    const { db } = t.database;
    const { components, incidents } = await import('../../db/schema.ts');
    const { eq } = await import('drizzle-orm');
    await db.update(components).set({ status: 'major_outage' }).where(eq(components.id, a));
    expect(await indicator()).toBe('major');
    await db.update(components).set({ status: 'major_outage' });
    expect(await indicator()).toBe('critical');
    await db.update(components).set({ status: 'operational' });
    expect(await indicator()).toBe('none');
    const m = await addIncident(t, { title: 'm', kind: 'maintenance', status: 'in_progress' });
    expect(await get('/api/v2/status.json').then((r) => r.body.status)).toEqual({ indicator: 'maintenance', description: 'Service Under Maintenance' });
    const i = await addIncident(t, { title: 'i', impact: 'critical', status: 'investigating' });
    expect(await indicator()).toBe('critical');
    // Unpublished incidents and resolved ones do not count.
    await db.update(incidents).set({ publishedAt: null }).where(eq(incidents.id, i));
    expect(await indicator()).toBe('maintenance');
    await db.update(incidents).set({ status: 'completed' }).where(eq(incidents.id, m));
    await addIncident(t, { title: 'r', impact: 'critical', status: 'resolved' });
    expect(await indicator()).toBe('none');
  });

  it('read functions: the same objects the routes serve', async () => {
    const s = await seed();
    const summary = await getSummary(t.deps);
    const { body } = await get('/api/v2/summary.json');
    expect(JSON.parse(JSON.stringify(summary))).toEqual(body);
    expect(await getIncidentJson(t.deps, s.unpublished)).toBeNull();
    expect(await getIncidentJson(t.deps, 'nope')).toBeNull();
    const maint = await getIncidentJson(t.deps, s.upcoming);
    expect(maint && 'scheduled_for' in maint).toBe(true);
    expect((await listIncidentsJson(t.deps, { limit: 1 })).map((i) => i.id)).toEqual([s.open]);
  });

  it('incidents.json holds the 50 most recent', async () => {
    for (let i = 0; i < 55; i++) await addIncident(t, { title: `n${i}`, status: 'resolved', startedMinutesAgo: i });
    const { body } = await get('/api/v2/incidents.json');
    const list = body.incidents as J[];
    expect(list).toHaveLength(50);
    expect(list[0]?.name).toBe('n0');
    expect(list[49]?.name).toBe('n49');
  });
});

describe('/api/v2 through the write API', () => {
  it('components and a P1 incident created through /api/v1 read back in Statuspage shapes; an editor draft never shows', async () => {
    const publisher = await userWithSession(t, 'publisher');
    const editor = await userWithSession(t, 'editor');
    const post = async (path: string, body: unknown, headers = publisher.headers) => {
      const res = await t.app.request(path, json('POST', body, headers));
      expect(res.status, `${path}: ${await res.clone().text()}`).toBeLessThan(300);
      return (await res.json()) as J;
    };
    const idOf = (x: J) => String(((x.component ?? x.incident ?? x.update ?? x) as J).id ?? '');
    const api = idOf(await post('/api/v1/components', { name: 'API' }));
    const web = idOf(await post('/api/v1/components', { name: 'Web' }));
    expect(api).not.toBe('');
    const incident = idOf(
      await post('/api/v1/incidents', { title: 'API down', severity: 'P1', message: 'We are looking into it.', components: { [api]: 'major_outage' } }),
    );
    t.clock.advance(10 * 60_000);
    await post(`/api/v1/incidents/${incident}/updates`, { status: 'identified', message: 'Found a bad deploy.' });
    t.clock.advance(60_000);
    await post(`/api/v1/incidents/${incident}/updates`, { status: 'monitoring', message: 'EDITOR DRAFT' }, editor.headers);

    const { body } = await get('/api/v2/summary.json');
    const page = body.page as J;
    expect(body.status).toEqual({ indicator: 'critical', description: 'Major Service Outage' });
    const [inc] = body.incidents as J[];
    checkIncident(inc as J, page.id);
    expect(inc).toMatchObject({ id: incident, name: 'API down', status: 'identified', impact: 'critical', shortlink: `${PUBLIC_URL}/incidents/${incident}` });
    const updates = (inc as J).incident_updates as J[];
    expect(updates.map((u) => u.status)).toEqual(['identified', 'investigating']);
    expect(updates[1]?.affected_components).toEqual([{ code: api, name: 'API', old_status: 'operational', new_status: 'major_outage' }]);
    expect(((inc as J).components as J[]).map((c) => c.id)).toEqual([api]);
    expect((body.components as J[]).find((c) => c.id === api)?.status).toBe('major_outage');
    expect((body.components as J[]).find((c) => c.id === web)?.status).toBe('operational');
    expect(JSON.stringify(body)).not.toContain('EDITOR DRAFT');

    const unresolved = await get('/api/v2/incidents/unresolved.json');
    expect((unresolved.body.incidents as J[]).map((i) => i.id)).toEqual([incident]);
    // page.updated_at is the last public change: the identified update, not the editor's draft a minute later.
    expect(page.updated_at).toBe(new Date(t.clock.now().getTime() - 60_000).toISOString());
  });
});
