// Alerts in: Alertmanager's and Grafana's real payload shapes (firing and resolved, several alerts each), the generic
// JSON, the suggestions, component automation, and declare / attach / dismiss.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { eq } from 'drizzle-orm';
import { alerts, auditLog, outboxEvents } from '../../db/schema.ts';
import { bearer, json, makeTestApp, userWithSession, type TestApp, type TestUser } from '../support/app.ts';
import { alertmanagerPayload, checkoutAlerts, grafanaPayload } from '../support/alert-payloads.ts';

let t: TestApp;
let owner: TestUser;
let publisher: TestUser;
let editor: TestUser;
let token: Record<string, string>;

beforeEach(async () => {
  t = await makeTestApp();
  owner = await userWithSession(t, 'owner');
  publisher = await userWithSession(t, 'publisher');
  editor = await userWithSession(t, 'editor');
  token = await bearer(t, publisher.id, 'alerts');
});
afterEach(() => t.close());

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = any;
async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = publisher.headers): Promise<{ status: number; body: Body }> {
  const res = await t.app.request(path, body === undefined ? { method, headers } : json(method, body, headers));
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function component(name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const r = await call('POST', '/api/v1/components', { name, ...extra });
  expect(r.status).toBe(201);
  return r.body.id;
}

async function statusOf(id: string): Promise<string> {
  return (await call('GET', `/api/v1/components/${id}`)).body.status;
}

const storedAlerts = async () => t.database.db.select().from(alerts);

describe('Alertmanager', () => {
  test('a firing group of two alerts: stored open, titled from the summary, with severity and components suggested, linked back', async () => {
    const apiId = await component('API');
    const checkout = await component('Checkout');
    await call('PATCH', '/api/v1/settings', { alert_component_rules: [{ label: 'service', value: 'checkout', component_id: checkout }] }, owner.headers);

    const res = await call('POST', '/api/v1/alerts/alertmanager', alertmanagerPayload('firing', checkoutAlerts('firing')), token);
    expect(res.status).toBe(202);
    expect(res.body.alerts).toHaveLength(2);
    expect(res.body.alerts.map((a: Body) => a.state)).toEqual(['open', 'open']);

    const list = await call('GET', '/api/v1/alerts?state=open');
    expect(list.body.counts.open).toBe(2);
    const probe = list.body.alerts.find((a: Body) => a.fingerprint === '1a30ba71cca2921f');
    expect(probe).toMatchObject({
      source: 'alertmanager',
      status: 'firing',
      state: 'open',
      title: 'Checkout probe failing',
      description: 'Instance https://shop.example.org/checkout has been down for over 5m.',
      severity_suggestion: 'P1',
      component_ids: [checkout],
      url: 'http://prometheus.example.org:9090/graph?g0.expr=probe_success+%3D%3D+0&g0.tab=1',
      starts_at: '2026-01-01T11:55:45.828Z',
      incident_id: null,
    });
    expect(probe.labels).toMatchObject({ alertname: 'ProbeFailure', job: 'http_checks' });
    // firing for 4 min 14 s at the test clock's noon
    expect(probe.firing_seconds).toBe(254);
    const api = list.body.alerts.find((a: Body) => a.fingerprint === '7b2c9e1d4f6a8b03');
    expect(api).toMatchObject({ severity_suggestion: 'P3', component_ids: [apiId], starts_at: '2026-01-01T10:58:00.000Z' });
  });

  test('a repeat updates last_seen_at only; resolved resolves; firing again is a new occurrence, open again', async () => {
    const first = await call('POST', '/api/v1/alerts/alertmanager', alertmanagerPayload('firing', checkoutAlerts('firing')), token);
    t.clock.advance(5 * 60_000);
    const again = await call('POST', '/api/v1/alerts/alertmanager', alertmanagerPayload('firing', checkoutAlerts('firing')), token);
    expect(again.body.alerts.map((a: Body) => a.id)).toEqual(first.body.alerts.map((a: Body) => a.id));
    expect(await storedAlerts()).toHaveLength(2);
    const one = (await call('GET', `/api/v1/alerts/${first.body.alerts[0].id}`)).body;
    expect(one.first_seen_at).toBe('2026-01-01T12:00:00.000Z');
    expect(one.last_seen_at).toBe('2026-01-01T12:05:00.000Z');

    // dismiss one, then both resolve
    const dismissed = await call('POST', `/api/v1/alerts/${first.body.alerts[1].id}/dismiss`, { reason: 'Load test on api-1' }, editor.headers);
    expect(dismissed.status).toBe(200);
    t.clock.advance(20 * 60_000);
    const resolved = await call('POST', '/api/v1/alerts/alertmanager', alertmanagerPayload('resolved', checkoutAlerts('resolved')), token);
    expect(resolved.status).toBe(202);
    expect(resolved.body.alerts.map((a: Body) => a.state)).toEqual(['resolved', 'dismissed']);
    const r0 = (await call('GET', `/api/v1/alerts/${first.body.alerts[0].id}`)).body;
    expect(r0).toMatchObject({ status: 'resolved', state: 'resolved', resolved_at: '2026-01-01T12:20:00.123Z' });
    const r1 = (await call('GET', `/api/v1/alerts/${first.body.alerts[1].id}`)).body;
    expect(r1).toMatchObject({ status: 'resolved', state: 'dismissed', dismiss_reason: 'Load test on api-1', decided_by: editor.id });

    // the same fingerprints fire again: someone has to look again, the dismissal was for the last occurrence
    t.clock.advance(60 * 60_000);
    const later = checkoutAlerts('firing').map((a) => ({ ...a, startsAt: '2026-01-01T13:24:00Z' }));
    const refired = await call('POST', '/api/v1/alerts/alertmanager', alertmanagerPayload('firing', later), token);
    expect(refired.body.alerts.map((a: Body) => a.state)).toEqual(['open', 'open']);
    const back = (await call('GET', `/api/v1/alerts/${first.body.alerts[1].id}`)).body;
    expect(back).toMatchObject({ status: 'firing', dismiss_reason: null, resolved_at: null, starts_at: '2026-01-01T13:24:00.000Z', first_seen_at: '2026-01-01T12:00:00.000Z' });
  });

  test('bad payloads: 400 naming what was wrong, nothing stored', async () => {
    const good = alertmanagerPayload('firing', checkoutAlerts('firing'));
    const cases: [unknown, string][] = [
      [{ ...good, version: '3' }, 'version'],
      [{ ...good, alerts: [] }, 'alerts'],
      [{ ...good, alerts: [{ ...checkoutAlerts('firing')[0], status: 'burning' }] }, 'alerts.0.status'],
      [{ ...good, alerts: [{ ...checkoutAlerts('firing')[0], labels: 'x' }] }, 'alerts.0.labels'],
      [{ ...good, alerts: [checkoutAlerts('firing')[0], { ...checkoutAlerts('firing')[1], startsAt: 'yesterday' }] }, 'alerts.1.startsAt'],
      [{ ...good, status: undefined }, 'status'],
    ];
    for (const [body, field] of cases) {
      const res = await call('POST', '/api/v1/alerts/alertmanager', body, token);
      expect(res.status, field).toBe(400);
      expect(res.body.error.code).toBe('invalid_input');
      expect(Object.keys(res.body.error.fields), field).toContain(field);
    }
    const notJson = await t.app.request('/api/v1/alerts/alertmanager', { method: 'POST', headers: { ...token, 'Content-Type': 'application/json' }, body: '{"alerts": [' });
    expect(notJson.status).toBe(400);
    expect(await storedAlerts()).toHaveLength(0);
    expect((await t.database.db.select().from(auditLog)).length).toBe(0);
  });

  test('a fingerprint is made from the labels when an older Alertmanager sends none', async () => {
    const [a] = checkoutAlerts('firing');
    const { fingerprint: _f, ...withoutFingerprint } = a!;
    const r1 = await call('POST', '/api/v1/alerts/alertmanager', alertmanagerPayload('firing', [withoutFingerprint as never]), token);
    const r2 = await call('POST', '/api/v1/alerts/alertmanager', alertmanagerPayload('firing', [withoutFingerprint as never]), token);
    expect(r2.body.alerts[0].id).toBe(r1.body.alerts[0].id);
    expect((await call('GET', `/api/v1/alerts/${r1.body.alerts[0].id}`)).body.fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('Grafana', () => {
  test('firing then resolved: two alerts, priority label suggests the severity, the rule URL links back', async () => {
    const res = await call('POST', '/api/v1/alerts/grafana', grafanaPayload('firing'), token);
    expect(res.status).toBe(202);
    const list = (await call('GET', '/api/v1/alerts')).body.alerts as Body[];
    const memory = list.find((a) => a.fingerprint === 'c6eadffa33fcdf37');
    expect(memory).toMatchObject({
      source: 'grafana',
      title: 'This alert was triggered for zone us-1',
      description: 'The system has high memory usage',
      severity_suggestion: 'P2',
      url: 'https://play.grafana.org/alerting/1afz29v7z/edit',
      starts_at: '2026-01-01T08:51:03.157Z',
    });
    expect(memory.annotations.runbook_url).toBe('https://myrunbook.com/runbook/1234');
    expect(list.find((a) => a.fingerprint === 'bc97ff14869b13e3').severity_suggestion).toBeNull();

    const done = await call('POST', '/api/v1/alerts/grafana', grafanaPayload('resolved'), token);
    expect(done.body.alerts.map((a: Body) => a.state)).toEqual(['resolved', 'resolved']);
    const counts = (await call('GET', '/api/v1/alerts')).body.counts;
    expect(counts).toMatchObject({ open: 0, resolved: 2 });
  });

  test('the severity mapping is a setting', async () => {
    await call('PATCH', '/api/v1/settings', { alert_severity_map: { high: 'P1', warning: 'P4' } }, owner.headers);
    await call('POST', '/api/v1/alerts/grafana', grafanaPayload('firing'), token);
    const memory = (await call('GET', '/api/v1/alerts')).body.alerts.find((a: Body) => a.fingerprint === 'c6eadffa33fcdf37');
    expect(memory.severity_suggestion).toBe('P1');
    const bad = await call('PATCH', '/api/v1/settings', { alert_severity_map: { high: 'P7' } }, owner.headers);
    expect(bad.status).toBe(400);
    const unknown = await call('PATCH', '/api/v1/settings', { alert_component_rules: [{ label: 'job', value: 'api', component_id: 'nope' }] }, owner.headers);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.fields['alert_component_rules.0.component_id']).toContain('nope');
  });
});

describe('the generic JSON', () => {
  test('one alert with its own severity and components; unknown components refused, nothing stored', async () => {
    const api = await component('API');
    const bad = await call('POST', '/api/v1/alerts', { source: 'cron', fingerprint: 'backup', status: 'firing', title: 'Backup failed', component_ids: ['nope'] }, token);
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.component_ids).toContain('nope');
    expect(await storedAlerts()).toHaveLength(0);
    const badUrl = await call('POST', '/api/v1/alerts', { source: 'cron', fingerprint: 'backup', status: 'firing', title: 'Backup failed', url: 'javascript:alert(1)' }, token);
    expect(badUrl.status).toBe(400);
    expect(badUrl.body.error.fields.url).toBeDefined();

    const ok = await call(
      'POST',
      '/api/v1/alerts',
      { source: 'cron', fingerprint: 'backup', status: 'firing', title: 'Backup failed', description: 'Exit 1', severity: 'P3', component_ids: [api], url: 'https://ci.example.org/job/42' },
      token,
    );
    expect(ok.status).toBe(202);
    const a = (await call('GET', `/api/v1/alerts/${ok.body.alerts[0].id}`)).body;
    expect(a).toMatchObject({ source: 'cron', severity_suggestion: 'P3', component_ids: [api], url: 'https://ci.example.org/job/42', description: 'Exit 1' });
    const resolved = await call('POST', '/api/v1/alerts', { source: 'cron', fingerprint: 'backup', status: 'resolved', title: 'Backup failed' }, token);
    expect(resolved.body.alerts[0]).toEqual({ id: a.id, state: 'resolved' });
  });

  test('a read token or an editor cannot post alerts; a write token of a publisher can', async () => {
    const body = { source: 'cron', fingerprint: 'x', status: 'firing', title: 'X' };
    expect((await call('POST', '/api/v1/alerts', body, await bearer(t, publisher.id, 'read'))).status).toBe(403);
    expect((await call('POST', '/api/v1/alerts', body, editor.headers)).status).toBe(403);
    expect((await call('POST', '/api/v1/alerts', body, await bearer(t, publisher.id, 'write'))).status).toBe(202);
  });
});

describe('declare, attach, dismiss', () => {
  test('declare: title, severity and components prefilled; the first update published; the alert declared; all on the timeline', async () => {
    const checkout = await component('Checkout');
    await call('PATCH', '/api/v1/settings', { alert_component_rules: [{ label: 'service', value: 'checkout', component_id: checkout }] }, owner.headers);
    const posted = await call('POST', '/api/v1/alerts/alertmanager', alertmanagerPayload('firing', checkoutAlerts('firing')), token);
    const id = posted.body.alerts[0].id;

    const declared = await call('POST', `/api/v1/alerts/${id}/declare`, {});
    expect(declared.status).toBe(201);
    expect(declared.body).toMatchObject({ title: 'Checkout probe failing', severity: 'P1', status: 'investigating', started_at: '2026-01-01T11:55:45.828Z' });
    expect(declared.body.published_at).not.toBeNull();
    expect(declared.body.components).toEqual([{ id: checkout, name: 'Checkout', status: 'major_outage' }]);
    // the public text says nothing the alert's internal wording might
    expect(declared.body.updates[0].body).toBe('We are investigating a problem and will post an update shortly.');
    const summaries = declared.body.timeline.filter((e: Body) => e.type === 'event').map((e: Body) => e.summary);
    expect(summaries).toContain('Declared from alert: Checkout probe failing');

    const alert = (await call('GET', `/api/v1/alerts/${id}`)).body;
    expect(alert).toMatchObject({ state: 'declared', incident_id: declared.body.id, decided_by: publisher.id, decided_by_name: 'publisher user' });
    const again = await call('POST', `/api/v1/alerts/${id}/declare`, {});
    expect(again.status).toBe(409);

    // resolving the alert shows on the incident's timeline
    await call('POST', '/api/v1/alerts/alertmanager', alertmanagerPayload('resolved', checkoutAlerts('resolved')), token);
    const incident = (await call('GET', `/api/v1/incidents/${declared.body.id}`)).body;
    expect(incident.timeline.map((e: Body) => e.summary)).toContain('Alert resolved: Checkout probe failing');
    expect((await call('GET', `/api/v1/alerts/${id}`)).body.state).toBe('declared');
  });

  test('declare as the user chooses: own title and text, a draft; an editor’s is a draft; no severity suggested means one must be given', async () => {
    const posted = await call('POST', '/api/v1/alerts/grafana', grafanaPayload('firing'), token);
    const [memory, cpu] = posted.body.alerts;
    const noSeverity = await call('POST', `/api/v1/alerts/${cpu.id}/declare`, {});
    expect(noSeverity.status).toBe(400);
    expect(noSeverity.body.error.fields.severity).toBeDefined();
    expect((await call('GET', `/api/v1/alerts/${cpu.id}`)).body.state).toBe('open');

    const draft = await call('POST', `/api/v1/alerts/${memory.id}/declare`, { title: 'Slow pages in the US', severity: 'P3', message: 'Pages load slowly for some visitors in the US.', draft: true });
    expect(draft.status).toBe(201);
    expect(draft.body).toMatchObject({ title: 'Slow pages in the US', severity: 'P3', published_at: null });
    expect(draft.body.updates[0]).toMatchObject({ state: 'draft', body: 'Pages load slowly for some visitors in the US.' });

    const byEditor = await call('POST', `/api/v1/alerts/${cpu.id}/declare`, { severity: 'P4' }, editor.headers);
    expect(byEditor.status).toBe(201);
    expect(byEditor.body.published_at).toBeNull();
  });

  test('attach to an open incident; not to a resolved one; dismiss needs an undecided alert; all audited', async () => {
    const posted = await call('POST', '/api/v1/alerts/grafana', grafanaPayload('firing'), token);
    const [memory, cpu] = posted.body.alerts;
    const incident = (await call('POST', '/api/v1/incidents', { title: 'Capacity problems', severity: 'P2', message: 'Looking.' })).body;
    const resolved = (await call('POST', '/api/v1/incidents', { title: 'Old', severity: 'P4', message: 'Done.', status: 'resolved' })).body;

    expect((await call('POST', `/api/v1/alerts/${memory.id}/attach`, { incident_id: resolved.id })).status).toBe(422);
    expect((await call('POST', `/api/v1/alerts/${memory.id}/attach`, { incident_id: 'nope' })).status).toBe(400);
    const attached = await call('POST', `/api/v1/alerts/${memory.id}/attach`, { incident_id: incident.id }, editor.headers);
    expect(attached.status).toBe(200);
    expect(attached.body).toMatchObject({ state: 'attached', incident_id: incident.id });
    expect((await call('POST', `/api/v1/alerts/${memory.id}/dismiss`, { reason: 'x' })).status).toBe(409);
    const timeline = (await call('GET', `/api/v1/incidents/${incident.id}`)).body.timeline.map((e: Body) => e.summary);
    expect(timeline).toContain('Alert attached: This alert was triggered for zone us-1');

    const dismissed = await call('POST', `/api/v1/alerts/${cpu.id}/dismiss`, { reason: 'Known batch job' });
    expect(dismissed.body).toMatchObject({ state: 'dismissed', dismiss_reason: 'Known batch job' });
    const actions = (await t.database.db.select().from(auditLog)).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['alert.receive', 'alert.attach', 'alert.dismiss']));
    const counts = (await call('GET', '/api/v1/alerts')).body.counts;
    expect(counts).toEqual({ open: 0, declared: 0, attached: 1, dismissed: 1, resolved: 0 });
  });
});

describe('component automation', () => {
  const fire = (component: string, fingerprint: string, status: 'firing' | 'resolved' = 'firing') =>
    call('POST', '/api/v1/alerts', { source: 'probe', fingerprint, status, title: `${component} down`, labels: { component } }, token);

  test('off by default; when on, a firing alert sets the chosen status and its resolution sets it back, with webhooks told', async () => {
    const plain = await component('Docs');
    const api = await component('API', { alert_status: 'partial_outage' });
    await fire('Docs', 'docs');
    expect(await statusOf(plain)).toBe('operational');

    await fire('API', 'api');
    expect(await statusOf(api)).toBe('partial_outage');
    await fire('API', 'api');
    expect(await statusOf(api)).toBe('partial_outage');
    await fire('API', 'api', 'resolved');
    expect(await statusOf(api)).toBe('operational');
    const kinds = (await t.database.db.select().from(outboxEvents)).map((e) => e.kind);
    expect(kinds.filter((k) => k === 'component_update')).toHaveLength(2);
    const audits = (await t.database.db.select().from(auditLog).where(eq(auditLog.entityId, api))).map((a) => a.after as Body);
    expect(audits.filter((a) => a.automatic)).toHaveLength(2);
  });

  test('not set back when an incident changed the component meanwhile; two alerts on one component: back when the last resolves', async () => {
    const api = await component('API', { alert_status: 'degraded_performance' });
    await fire('API', 'a');
    const incident = (await call('POST', '/api/v1/incidents', { title: 'API down', severity: 'P1', message: 'Down.', components: { [api]: 'major_outage' } })).body;
    await fire('API', 'a', 'resolved');
    expect(await statusOf(api)).toBe('major_outage');
    await call('POST', `/api/v1/incidents/${incident.id}/updates`, { status: 'resolved', message: 'Fixed.', components: { [api]: 'operational' } });

    await fire('API', 'b');
    await fire('API', 'c');
    expect(await statusOf(api)).toBe('degraded_performance');
    await fire('API', 'b', 'resolved');
    expect(await statusOf(api)).toBe('degraded_performance');
    await fire('API', 'c', 'resolved');
    expect(await statusOf(api)).toBe('operational');
  });

  test('never makes a component better, and keeps off one under maintenance', async () => {
    const api = await component('API', { alert_status: 'degraded_performance', status: 'major_outage' });
    await fire('API', 'a');
    expect(await statusOf(api)).toBe('major_outage');
    await fire('API', 'a', 'resolved');
    expect(await statusOf(api)).toBe('major_outage');
    const web = await component('Web', { alert_status: 'major_outage', status: 'under_maintenance' });
    await fire('Web', 'w');
    expect(await statusOf(web)).toBe('under_maintenance');
  });
});
