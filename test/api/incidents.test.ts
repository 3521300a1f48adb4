// Incidents and updates through the API: open, update, resolve, drafts, publishing, edits, escalation, lists, settings.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { readContentVersion } from '../../api/audit/audit.ts';
import type { InArgs } from '@libsql/client';
import { auditLog } from '../../db/schema.ts';
import { incidentListQuery } from '../../api/incidents/incident-routes.ts';
import { caller, makeTestApp, userWithSession, type TestApp, type TestUser } from '../support/app.ts';

const MIN = 60_000;
const T0 = '2026-01-01T12:00:00.000Z';
const plus = (minutes: number) => new Date(Date.parse(T0) + minutes * MIN).toISOString();

let t: TestApp;
let publisher: TestUser;
let editor: TestUser;
let viewer: TestUser;
let owner: TestUser;

beforeEach(async () => {
  t = await makeTestApp();
  publisher = await userWithSession(t, 'publisher');
  editor = await userWithSession(t, 'editor');
  viewer = await userWithSession(t, 'viewer');
  owner = await userWithSession(t, 'owner');
});
afterEach(() => t.close());

const call = caller(() => t, () => publisher.headers);

async function component(name: string): Promise<string> {
  return (await call('POST', '/api/v1/components', { name })).body.id;
}

async function publicIncidentIds(): Promise<string[]> {
  const res = await t.app.request('/api/v2/incidents.json');
  expect(res.status).toBe(200);
  const body = (await res.json()) as { incidents: { id: string }[] };
  return body.incidents.map((i) => i.id);
}

describe('the incident lifecycle', () => {
  test('open a P1 affecting two components, post identified and monitoring, resolve', async () => {
    const api = await component('API');
    const web = await component('Web');

    const opened = await call('POST', '/api/v1/incidents', {
      title: 'Checkout failing',
      severity: 'P1',
      message: 'We are **investigating** failed payments.',
      components: { [api]: 'major_outage', [web]: 'degraded_performance' },
      commander_id: owner.id,
      comms_lead_id: publisher.id,
    });
    expect(opened.status).toBe(201);
    const id = opened.body.id;
    expect(opened.body).toMatchObject({
      kind: 'incident',
      title: 'Checkout failing',
      severity: 'P1',
      status: 'investigating',
      stage: 'triage',
      impact: 'critical',
      commander_id: owner.id,
      commander_name: 'owner user',
      comms_lead_id: publisher.id,
      tech_lead_id: null,
      escalation_level: 0,
      started_at: T0,
      published_at: T0,
      responded_at: T0,
      response_due_at: T0,
      resolution_due_at: plus(60),
      next_update_due_at: plus(30),
      update_overdue: false,
      response_missed: false,
      resolution_missed: false,
      escalate_to: null,
    });
    expect(opened.body.components.map((c: { id: string; status: string }) => [c.id, c.status])).toEqual([
      [api, 'major_outage'],
      [web, 'degraded_performance'],
    ]);
    expect(opened.body.updates).toHaveLength(1);
    expect(opened.body.updates[0]).toMatchObject({ state: 'published', status: 'investigating', author_id: publisher.id, published_at: T0, display_at: T0 });
    expect(opened.body.updates[0].affected_components).toEqual([
      { code: api, name: 'API', old_status: 'operational', new_status: 'major_outage' },
      { code: web, name: 'Web', old_status: 'operational', new_status: 'degraded_performance' },
    ]);
    expect(await publicIncidentIds()).toEqual([id]);

    // identified, 10 minutes later; only real component changes are recorded
    t.clock.advance(10 * MIN);
    const identified = await call('POST', `/api/v1/incidents/${id}/updates`, {
      status: 'identified',
      message: 'A bad deploy.',
      components: { [api]: 'partial_outage', [web]: 'degraded_performance' },
      stage: 'contain',
    });
    expect(identified.status).toBe(201);
    expect(identified.body).toMatchObject({ state: 'published', status: 'identified', stage: 'contain' });
    expect(identified.body.affected_components).toEqual([{ code: api, name: 'API', old_status: 'major_outage', new_status: 'partial_outage' }]);
    expect(identified.body.incident).toMatchObject({ status: 'identified', stage: 'contain', identified_at: plus(10), next_update_due_at: plus(40) });

    // an update with no real change has affected_components null
    t.clock.advance(5 * MIN);
    const note = await call('POST', `/api/v1/incidents/${id}/updates`, { status: 'identified', message: 'Rolling back.', components: { [web]: 'degraded_performance' } });
    expect(note.body.affected_components).toBeNull();

    t.clock.advance(5 * MIN);
    const monitoring = await call('POST', `/api/v1/incidents/${id}/updates`, { status: 'monitoring', message: 'Fix deployed.', components: { [api]: 'operational' } });
    expect(monitoring.body.incident).toMatchObject({ status: 'monitoring', monitoring_at: plus(20), identified_at: plus(10) });

    // real incidents regress: monitoring → investigating is allowed and keeps the first milestone times
    t.clock.advance(5 * MIN);
    const back = await call('POST', `/api/v1/incidents/${id}/updates`, { status: 'investigating', message: 'Errors again.' });
    expect(back.status).toBe(201);
    expect(back.body.incident).toMatchObject({ status: 'investigating', identified_at: plus(10), monitoring_at: plus(20) });

    t.clock.advance(15 * MIN);
    const resolved = await call('POST', `/api/v1/incidents/${id}/updates`, { status: 'resolved', message: 'All good.', components: { [api]: 'operational', [web]: 'operational' } });
    expect(resolved.status).toBe(201);
    expect(resolved.body.incident).toMatchObject({ status: 'resolved', stage: 'resolved', resolved_at: plus(40), next_update_due_at: null, duration_seconds: 40 * 60, update_overdue: false });

    // a resolved incident takes further resolved notes only
    const reopen = await call('POST', `/api/v1/incidents/${id}/updates`, { status: 'investigating', message: 'Back?' });
    expect(reopen.status).toBe(422);
    expect(reopen.body.error.code).toBe('invalid_transition');
    expect(reopen.body.error.message).toMatch(/open a new incident/);
    await call('PATCH', `/api/v1/incidents/${id}`, { stage: 'post_incident' });
    const postNote = await call('POST', `/api/v1/incidents/${id}/updates`, { status: 'resolved', message: 'Postmortem to follow.' });
    expect(postNote.status).toBe(201);
    // a further note keeps the first resolution time and does not move the stage back
    expect(postNote.body.incident).toMatchObject({ resolved_at: plus(40), stage: 'post_incident' });

    const detail = await call('GET', `/api/v1/incidents/${id}`, undefined, viewer.headers);
    expect(detail.status).toBe(200);
    expect(detail.body.updates.map((u: { status: string }) => u.status)).toEqual(['resolved', 'resolved', 'investigating', 'monitoring', 'identified', 'identified', 'investigating']);
    const components = await call('GET', '/api/v1/components');
    expect(components.body.components.map((c: { status: string }) => c.status)).toEqual(['operational', 'operational']);
  });

  test('the timeline merges published updates with internal events, newest first', async () => {
    const opened = await call('POST', '/api/v1/incidents', { title: 'Slow', severity: 'P2', message: 'Looking.' });
    const id = opened.body.id;
    t.clock.advance(MIN);
    await call('PATCH', `/api/v1/incidents/${id}`, { stage: 'investigate', tech_lead_id: owner.id });
    t.clock.advance(MIN);
    await call('POST', `/api/v1/incidents/${id}/escalate`);
    t.clock.advance(MIN);
    await call('POST', `/api/v1/incidents/${id}/updates`, { status: 'identified', message: 'Found.' });

    const detail = await call('GET', `/api/v1/incidents/${id}`);
    const timeline = detail.body.timeline as { type: string; at: string; summary?: string; update?: { status: string } }[];
    const times = timeline.map((e) => Date.parse(e.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(timeline[0]).toMatchObject({ type: 'update', at: plus(3), update: { status: 'identified' } });
    const summaries = timeline.filter((e) => e.type === 'event').map((e) => e.summary);
    expect(summaries).toContain('Stage Triage → Investigate');
    expect(summaries).toContain('Technical lead: owner user');
    expect(summaries).toContain('Escalated to team lead');
    expect(summaries).toContain('Incident opened (P2, Investigating)');
    expect(timeline.filter((e) => e.type === 'update')).toHaveLength(2);
  });

  test("the timeline's times read in the page's zone and format, like every other line", async () => {
    expect((await call('PATCH', '/api/v1/settings', { time_zone: 'Europe/Berlin' }, owner.headers)).status).toBe(200);
    const opened = await call('POST', '/api/v1/incidents', { title: 'Slow', severity: 'P2', message: 'Looking.' });
    const id = opened.body.id;
    // The clock is 2026-01-01 12:00 UTC: 13:00 in Berlin; the update goes out 30 minutes later.
    await call('POST', `/api/v1/incidents/${id}/updates`, { status: 'monitoring', message: 'Watching.', publish_at: plus(30) });
    await call('PATCH', `/api/v1/incidents/${id}`, { started_at: plus(-15) });
    const detail = await call('GET', `/api/v1/incidents/${id}`);
    const summaries = (detail.body.timeline as { type: string; summary?: string }[]).filter((e) => e.type === 'event').map((e) => e.summary);
    expect(summaries).toContain('Update (Monitoring) scheduled for Jan 1, 2026, 13:30 GMT+1');
    expect(summaries).toContain('Start time set to Jan 1, 2026, 12:45 GMT+1');
    expect(summaries.join('\n')).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });
});

describe('drafts, scheduling and publishing', () => {
  test("an editor's incident is a draft: not public, components untouched, until a publisher publishes it", async () => {
    const api = await component('API');
    const versionBefore = await readContentVersion(t.database.db);
    const draft = await call('POST', '/api/v1/incidents', { title: 'Maybe down', severity: 'P3', message: 'Draft text', components: { [api]: 'partial_outage' } }, editor.headers);
    expect(draft.status).toBe(201);
    expect(draft.body.published_at).toBeNull();
    expect(draft.body.updates[0]).toMatchObject({ state: 'draft', published_at: null, components: { [api]: 'partial_outage' }, affected_components: null });
    expect(draft.body.draft_update_count).toBe(1);
    expect(await publicIncidentIds()).toEqual([]);
    expect((await call('GET', `/api/v1/components/${api}`)).body.status).toBe('operational');
    expect(await readContentVersion(t.database.db)).toBe(versionBefore);

    // the editor cannot publish it
    const updateId = draft.body.updates[0].id;
    const denied = await call('POST', `/api/v1/incidents/${draft.body.id}/updates/${updateId}/publish`, undefined, editor.headers);
    expect(denied.status).toBe(403);

    // the editor may still edit the draft
    const edited = await call('PATCH', `/api/v1/incidents/${draft.body.id}/updates/${updateId}`, { message: 'Better text' }, editor.headers);
    expect(edited.status).toBe(200);
    expect(edited.body.body).toBe('Better text');

    t.clock.advance(7 * MIN);
    const published = await call('POST', `/api/v1/incidents/${draft.body.id}/updates/${updateId}/publish`);
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({ state: 'published', published_at: plus(7), display_at: plus(7) });
    expect(published.body.affected_components).toEqual([{ code: api, name: 'API', old_status: 'operational', new_status: 'partial_outage' }]);
    expect(published.body.incident).toMatchObject({ published_at: plus(7), responded_at: plus(7), next_update_due_at: plus(7 + 240) });
    expect(await publicIncidentIds()).toEqual([draft.body.id]);
    expect(await readContentVersion(t.database.db)).toBeGreaterThan(versionBefore);

    // publishing twice is a conflict
    const again = await call('POST', `/api/v1/incidents/${draft.body.id}/updates/${updateId}/publish`);
    expect(again.status).toBe(409);

    // once public, the editor's later updates are drafts and the editor cannot touch published ones
    const editorUpdate = await call('POST', `/api/v1/incidents/${draft.body.id}/updates`, { status: 'identified', message: 'Proposal' }, editor.headers);
    expect(editorUpdate.body.state).toBe('draft');
    expect((await call('PATCH', `/api/v1/incidents/${draft.body.id}/updates/${updateId}`, { message: 'x' }, editor.headers)).status).toBe(403);
    expect((await call('DELETE', `/api/v1/incidents/${draft.body.id}/updates/${updateId}`, undefined, editor.headers)).status).toBe(403);
    expect((await call('PATCH', `/api/v1/incidents/${draft.body.id}`, { title: 'x' }, editor.headers)).status).toBe(403);
    expect((await call('DELETE', `/api/v1/incidents/${draft.body.id}/updates/${editorUpdate.body.id}`, undefined, editor.headers)).status).toBe(204);
  });

  test('a publisher can schedule an update, reschedule it, take it back to draft, and publish it now', async () => {
    const opened = await call('POST', '/api/v1/incidents', { title: 'Slow', severity: 'P2', message: 'Looking.' });
    const id = opened.body.id;
    const scheduled = await call('POST', `/api/v1/incidents/${id}/updates`, { status: 'monitoring', message: 'Later', publish_at: plus(30) });
    expect(scheduled.status).toBe(201);
    expect(scheduled.body).toMatchObject({ state: 'scheduled', publish_at: plus(30), published_at: null });
    expect(scheduled.body.incident).toMatchObject({ status: 'investigating', scheduled_update_count: 1, next_scheduled_at: plus(30) });

    const moved = await call('PATCH', `/api/v1/incidents/${id}/updates/${scheduled.body.id}`, { publish_at: plus(45) });
    expect(moved.body).toMatchObject({ state: 'scheduled', publish_at: plus(45) });
    const past = await call('PATCH', `/api/v1/incidents/${id}/updates/${scheduled.body.id}`, { publish_at: plus(-5) });
    expect(past.status).toBe(400);
    expect(past.body.error.fields.publish_at).toBeDefined();
    const unscheduled = await call('PATCH', `/api/v1/incidents/${id}/updates/${scheduled.body.id}`, { publish_at: null });
    expect(unscheduled.body.state).toBe('draft');
    const rescheduled = await call('POST', `/api/v1/incidents/${id}/updates/${scheduled.body.id}/publish`, { publish_at: plus(50) });
    expect(rescheduled.body).toMatchObject({ state: 'scheduled', publish_at: plus(50) });

    t.clock.advance(2 * MIN);
    const now = await call('POST', `/api/v1/incidents/${id}/updates/${scheduled.body.id}/publish`);
    expect(now.body).toMatchObject({ state: 'published', display_at: plus(2) });
    expect(now.body.incident).toMatchObject({ status: 'monitoring', scheduled_update_count: 0 });
  });

  test('a publisher may save a draft explicitly', async () => {
    const opened = await call('POST', '/api/v1/incidents', { title: 'Quiet', severity: 'P4', message: 'Draft.', draft: true });
    expect(opened.body.published_at).toBeNull();
    expect(opened.body.updates[0].state).toBe('draft');
  });
});

describe('editing and deleting updates', () => {
  test('edits and deletions of published updates are audited; the only published update cannot be deleted', async () => {
    const opened = await call('POST', '/api/v1/incidents', { title: 'Down', severity: 'P2', message: 'Frist text' });
    const id = opened.body.id;
    const first = opened.body.updates[0].id;

    const edit = await call('PATCH', `/api/v1/incidents/${id}/updates/${first}`, { message: 'First text' });
    expect(edit.status).toBe(200);
    expect(edit.body.body).toBe('First text');
    const audit = await t.database.db.select().from(auditLog);
    const e = audit.find((a) => a.action === 'incident_update.edit');
    expect(e).toMatchObject({ incidentId: id, entityId: first, userId: publisher.id });
    expect((e?.before as { body: string }).body).toBe('Frist text');
    expect((e?.after as { body: string }).body).toBe('First text');

    const statusChange = await call('PATCH', `/api/v1/incidents/${id}/updates/${first}`, { status: 'identified' });
    expect(statusChange.status).toBe(400);

    const only = await call('DELETE', `/api/v1/incidents/${id}/updates/${first}`);
    expect(only.status).toBe(409);
    expect(only.body.error.code).toBe('conflict');

    t.clock.advance(MIN);
    const second = await call('POST', `/api/v1/incidents/${id}/updates`, { status: 'identified', message: 'Second' });
    expect((await call('DELETE', `/api/v1/incidents/${id}/updates/${first}`)).status).toBe(204);
    const deleted = (await t.database.db.select().from(auditLog)).find((a) => a.action === 'incident_update.delete');
    expect((deleted?.before as { body: string }).body).toBe('First text');
    const detail = await call('GET', `/api/v1/incidents/${id}`);
    expect(detail.body.updates.map((u: { id: string }) => u.id)).toEqual([second.body.id]);
  });
});

describe('incident fields, escalation and computed dues', () => {
  test('PATCH severity changes impact and next update due; each change is audited for the timeline', async () => {
    const opened = await call('POST', '/api/v1/incidents', { title: 'Slow', severity: 'P3', message: 'Looking.' });
    const id = opened.body.id;
    expect(opened.body).toMatchObject({ impact: 'minor', next_update_due_at: plus(240) });
    const p = await call('PATCH', `/api/v1/incidents/${id}`, { severity: 'P1', title: 'Down', commander_id: owner.id, stage: 'contain', escalation_level: 2 });
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ severity: 'P1', impact: 'critical', title: 'Down', commander_id: owner.id, stage: 'contain', escalation_level: 2, escalation_level_name: 'engineering manager', next_update_due_at: plus(30) });
    const actions = (await t.database.db.select().from(auditLog)).filter((a) => a.incidentId === id).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['incident.severity', 'incident.title', 'incident.role', 'incident.stage', 'incident.escalation']));

    const bad = await call('PATCH', `/api/v1/incidents/${id}`, { tech_lead_id: 'nobody' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.tech_lead_id).toMatch(/nobody/);
  });

  test('overdue updates and missed targets show under the injected clock, with whom to escalate to', async () => {
    const opened = await call('POST', '/api/v1/incidents', { title: 'Down', severity: 'P1', message: 'Looking.' });
    const id = opened.body.id;
    t.clock.set(Date.parse(plus(31)));
    let d = (await call('GET', `/api/v1/incidents/${id}`)).body;
    expect(d).toMatchObject({ next_update_due_at: plus(30), update_overdue: true, response_missed: false, resolution_missed: false, escalate_to: null });

    t.clock.set(Date.parse(plus(61)));
    d = (await call('GET', `/api/v1/incidents/${id}`)).body;
    expect(d).toMatchObject({ resolution_missed: true, escalate_to: 'team lead' });

    const up = await call('POST', `/api/v1/incidents/${id}/escalate`);
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ escalation_level: 1, escalate_to: null });
    await call('POST', `/api/v1/incidents/${id}/escalate`);
    await call('POST', `/api/v1/incidents/${id}/escalate`);
    const max = await call('POST', `/api/v1/incidents/${id}/escalate`);
    expect(max.status).toBe(409);

    // an on-time update clears the overdue flag
    await call('POST', `/api/v1/incidents/${id}/updates`, { status: 'identified', message: 'Found.' });
    d = (await call('GET', `/api/v1/incidents/${id}`)).body;
    expect(d).toMatchObject({ update_overdue: false, next_update_due_at: plus(61 + 30) });
  });

  test('an editor-drafted P2 published late misses its response target', async () => {
    const draft = await call('POST', '/api/v1/incidents', { title: 'x', severity: 'P2', message: 'y' }, editor.headers);
    t.clock.advance(20 * MIN);
    const d = (await call('GET', `/api/v1/incidents/${draft.body.id}`)).body;
    expect(d).toMatchObject({ response_due_at: plus(15), response_missed: true, responded_at: null, next_update_due_at: null, escalate_to: 'team lead' });
  });
});

describe('listing', () => {
  test('filters by status and kind, newest first, paginated', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await call('POST', '/api/v1/incidents', { title: `I${i}`, severity: 'P3', message: 'm' })).body.id);
      t.clock.advance(MIN);
    }
    await call('POST', `/api/v1/incidents/${ids[1]}/updates`, { status: 'resolved', message: 'done' });

    const all = await call('GET', '/api/v1/incidents', undefined, viewer.headers);
    expect(all.status).toBe(200);
    expect(all.body.incidents.map((i: { id: string }) => i.id)).toEqual([...ids].reverse());
    expect(all.body.next_before).toBeNull();

    const open = await call('GET', '/api/v1/incidents?status=open');
    expect(open.body.incidents.map((i: { id: string }) => i.id)).toEqual([ids[4], ids[3], ids[2], ids[0]]);
    const openPage = await call('GET', '/api/v1/incidents?status=open&kind=incident&limit=2');
    expect(openPage.body.incidents.map((i: { id: string }) => i.id)).toEqual([ids[4], ids[3]]);
    const openRest = await call('GET', `/api/v1/incidents?status=open&kind=incident&limit=2&before=${openPage.body.next_before}`);
    expect(openRest.body.incidents.map((i: { id: string }) => i.id)).toEqual([ids[2], ids[0]]);
    const resolved = await call('GET', '/api/v1/incidents?status=resolved');
    expect(resolved.body.incidents.map((i: { id: string }) => i.id)).toEqual([ids[1]]);
    expect((await call('GET', '/api/v1/incidents?kind=maintenance')).body.incidents).toEqual([]);

    const page1 = await call('GET', '/api/v1/incidents?limit=2');
    expect(page1.body.incidents.map((i: { id: string }) => i.id)).toEqual([ids[4], ids[3]]);
    const page2 = await call('GET', `/api/v1/incidents?limit=2&before=${page1.body.next_before}`);
    expect(page2.body.incidents.map((i: { id: string }) => i.id)).toEqual([ids[2], ids[1]]);
    const page3 = await call('GET', `/api/v1/incidents?limit=2&before=${page2.body.next_before}`);
    expect(page3.body.incidents.map((i: { id: string }) => i.id)).toEqual([ids[0]]);
    expect(page3.body.next_before).toBeNull();

    expect((await call('GET', '/api/v1/incidents?status=closed')).status).toBe(400);
    expect((await call('GET', '/api/v1/incidents?limit=0')).status).toBe(400);
    expect((await call('GET', '/api/v1/incidents?before=nope')).status).toBe(400);
  });

  test('the open list is found by status, never by walking the history newest first (the dashboard asks for it on every load)', async () => {
    for (const q of [{ kind: 'incident', status: 'open', limit: 100 }, { status: 'open', limit: 50 }] as const) {
      const query = incidentListQuery(t.database.db, q).toSQL();
      const plan = await t.database.client.execute({ sql: `EXPLAIN QUERY PLAN ${query.sql}`, args: query.params as InArgs });
      const detail = plan.rows.map((r) => String(r.detail)).join('\n');
      expect(detail).toMatch(/incidents_kind_status_idx \(kind=\? AND status=\?\)/);
      expect(detail).not.toMatch(/incidents_(kind_)?started_idx/);
    }
  });

  test('unknown incident is a JSON 404', async () => {
    const r = await call('GET', '/api/v1/incidents/nope');
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('not_found');
  });
});

describe('roles', () => {
  test('a viewer reads but cannot write anything here', async () => {
    const opened = await call('POST', '/api/v1/incidents', { title: 'x', severity: 'P3', message: 'm' });
    const id = opened.body.id;
    const upd = opened.body.updates[0].id;
    expect((await call('GET', '/api/v1/incidents', undefined, viewer.headers)).status).toBe(200);
    const writes: [string, string, unknown][] = [
      ['POST', '/api/v1/incidents', { title: 'x', severity: 'P3', message: 'm' }],
      ['PATCH', `/api/v1/incidents/${id}`, { title: 'y' }],
      ['POST', `/api/v1/incidents/${id}/updates`, { status: 'identified', message: 'm' }],
      ['PATCH', `/api/v1/incidents/${id}/updates/${upd}`, { message: 'm' }],
      ['DELETE', `/api/v1/incidents/${id}/updates/${upd}`, undefined],
      ['POST', `/api/v1/incidents/${id}/updates/${upd}/publish`, undefined],
      ['POST', `/api/v1/incidents/${id}/escalate`, undefined],
      ['PATCH', '/api/v1/settings', { page_name: 'x' }],
    ];
    for (const [method, path, body] of writes) {
      const r = await call(method, path, body, viewer.headers);
      expect(r.status, `${method} ${path}`).toBe(403);
    }
    expect((await call('POST', `/api/v1/incidents/${id}/escalate`, undefined, editor.headers)).status).toBe(403);
  });
});

describe('settings', () => {
  test('everyone signed in reads them; only the owner changes them', async () => {
    const s = await call('GET', '/api/v1/settings', undefined, viewer.headers);
    expect(s.status).toBe(200);
    expect(s.body).toMatchObject({
      page_name: 'Herald',
      public_url: null,
      time_zone: 'Etc/UTC',
      logo_url: null,
      severities: { P1: { response_minutes: 0, resolution_minutes: 60, cadence_minutes: 30, impact: 'critical' }, P4: { resolution_minutes: null } },
    });
    expect(typeof s.body.page_id).toBe('string');

    expect((await call('PATCH', '/api/v1/settings', { page_name: 'Acme' }, publisher.headers)).status).toBe(403);

    const before = await readContentVersion(t.database.db);
    const p = await call(
      'PATCH',
      '/api/v1/settings',
      { page_name: 'Acme status', public_url: 'https://status.acme.test/', time_zone: 'Europe/Berlin', logo_url: '/logo.svg', severities: { P2: { cadence_minutes: 20 } } },
      owner.headers,
    );
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ page_name: 'Acme status', public_url: 'https://status.acme.test', time_zone: 'Europe/Berlin', logo_url: '/logo.svg' });
    expect(p.body.severities.P2).toEqual({ response_minutes: 15, resolution_minutes: 240, cadence_minutes: 20, impact: 'major' });
    expect(await readContentVersion(t.database.db)).toBe(before + 1);
    expect((await t.database.db.select().from(auditLog)).some((a) => a.action === 'settings.update' && a.userId === owner.id)).toBe(true);

    // the new cadence applies to next-update-due at once
    const opened = await call('POST', '/api/v1/incidents', { title: 'x', severity: 'P2', message: 'm' });
    expect(opened.body.next_update_due_at).toBe(plus(20));

    const badZone = await call('PATCH', '/api/v1/settings', { time_zone: 'Mars/Olympus' }, owner.headers);
    expect(badZone.status).toBe(400);
    expect(badZone.body.error.fields.time_zone).toMatch(/IANA/);
    const clear = await call('PATCH', '/api/v1/settings', { public_url: null, logo_url: null }, owner.headers);
    expect(clear.body).toMatchObject({ public_url: null, logo_url: null, page_name: 'Acme status' });
  });
});
