// Uptime reports: the numbers the public bars show for the same days, time per status, any past month, SLA targets,
// CSV, and bad input answered with 400.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addComponent, addGroup, addIncident, seedDemo } from '../support/seed-demo.ts';
import { json, makeTestApp, userWithSession, type TestApp, type TestUser } from '../support/app.ts';
import { getSummary } from '../../api/public/statuspage-read.ts';
import { getUptime } from '../../api/public/uptime.ts';
import { componentListHtml } from '../../site/components/component-list.ts';
import { defaultLanguage } from '../../site/components/page-language.ts';
import { getSettings } from '../../api/core/settings.ts';
import type { UptimeReport } from '../../api/reports/uptime-report.ts';

const H = 3_600_000;
const DAY = 24 * H;
/** Tuesday 10 March 2026, 12:00 UTC. */
const NOW = Date.UTC(2026, 2, 10, 12);
const at = (iso: string) => new Date(iso);

let t: TestApp;
let viewer: TestUser;
let owner: TestUser;
beforeEach(async () => {
  t = await makeTestApp();
  t.clock.set(NOW);
  viewer = await userWithSession(t, 'viewer');
  owner = await userWithSession(t, 'owner');
});
afterEach(() => t.close());

async function report(query: string, headers: Record<string, string> = viewer.headers): Promise<UptimeReport> {
  const res = await t.app.request(`/api/v1/reports/uptime${query}`, { headers });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as UptimeReport;
}

/** Component name → the uptime text under its bar on the home page ("99.90%"). */
async function barsOnTheHomePage(): Promise<Map<string, string>> {
  const summary = await getSummary(t.deps);
  const html = componentListHtml(summary.components, await getUptime(t.deps, { components: summary.components }), defaultLanguage(await getSettings(t.database.db)));
  const out = new Map<string, string>();
  // "99.90% uptime" (or "… uptime since Mar 8"), in a <p> or as the summary of the days in words
  for (const m of html.matchAll(/<li><span class="n">([^<]*)(?:<small>[^<]*<\/small>)?<\/span>.*?class="up">(?:<summary>)?([^<\s]+) uptime/g)) out.set(m[1]!, m[2]!);
  return out;
}

async function outage(componentId: string, status: 'major_outage' | 'partial_outage' | 'degraded_performance', from: string, to: string, title = 'Outage') {
  return addIncident(t.database.db, {
    title,
    impact: 'major',
    status: 'resolved',
    startedAt: at(from),
    resolvedAt: at(to),
    updates: [
      { status: 'investigating', body: 'down', at: at(from), affected: { [componentId]: ['operational', status] } },
      { status: 'resolved', body: 'up', at: at(to), affected: { [componentId]: [status, 'operational'] } },
    ],
  });
}

describe('the uptime report', () => {
  it('says what the public bars say for their 90 days, on a lived-in page', async () => {
    await seedDemo(t.database.db, t.clock.now());
    const bars = await barsOnTheHomePage();
    expect(bars.size).toBeGreaterThan(5);
    const r = await report('?from=2025-12-11&to=2026-03-10');
    expect(r.days).toBe(90);
    for (const c of r.components) {
      expect(bars.get(c.name), c.name).toBe(c.uptime_percent === null ? 'no data' : `${c.uptime_percent.toFixed(2)}%`);
    }
    // Not every bar reads 100%: the comparison above is not between two lists of the same number.
    expect(new Set(r.components.map((c) => c.uptime_percent)).size).toBeGreaterThan(1);
  });

  it('adds up the time in each status, maintenance only where nothing worse was going on', async () => {
    const created = new Date(NOW - 200 * DAY);
    const api = await addComponent(t.database.db, { name: 'API', createdAt: created });
    await outage(api, 'major_outage', '2026-03-08T10:00:00Z', '2026-03-08T12:00:00Z', 'Two hours down');
    await outage(api, 'partial_outage', '2026-03-05T00:00:00Z', '2026-03-05T06:00:00Z', 'Six hours partial');
    await outage(api, 'degraded_performance', '2026-03-06T00:00:00Z', '2026-03-06T01:30:00Z', 'Slow');
    // A 3-hour maintenance window of which the last hour overlaps the partial outage: 2 hours count as maintenance.
    const upgrade = await addIncident(t.database.db, {
      kind: 'maintenance',
      title: 'Upgrade',
      impact: 'maintenance',
      status: 'completed',
      startedAt: at('2026-03-04T22:00:00Z'),
      scheduledFor: at('2026-03-04T22:00:00Z'),
      scheduledUntil: at('2026-03-05T01:00:00Z'),
      resolvedAt: at('2026-03-05T01:00:00Z'),
      componentIds: [api],
      updates: [{ status: 'scheduled', body: 'planned', at: at('2026-03-01T00:00:00Z') }],
    });
    const r = await report('?from=2026-03-01&to=2026-03-10');
    const c = r.components[0]!;
    expect(c.downtime_minutes).toEqual({ major_outage: 120, partial_outage: 360, degraded_performance: 90, under_maintenance: 120 });
    // 9 whole days and 12 hours of today.
    expect(c.observed_minutes).toBe((9 * 24 + 12) * 60);
    const exact = 1 - (120 + 0.3 * 360) / c.observed_minutes;
    expect(c.uptime_percent).toBe(Math.floor(exact * 10_000) / 100);
    expect(c.incidents).toHaveLength(3);
    expect(c.maintenances).toEqual([upgrade]);
    expect(r.incident_names[upgrade]).toBe('Upgrade');
    expect(c.incidents.map((id) => r.incident_names[id])).toEqual(['Six hours partial', 'Slow', 'Two hours down']);
  });

  it('reports a past month on its own days: an outage across its first midnight counts from there, later ones not at all', async () => {
    const created = new Date(NOW - 200 * DAY);
    const api = await addComponent(t.database.db, { name: 'API', createdAt: created });
    await outage(api, 'major_outage', '2026-01-31T22:00:00Z', '2026-02-01T02:00:00Z', 'Across midnight');
    await outage(api, 'major_outage', '2026-03-02T00:00:00Z', '2026-03-02T10:00:00Z', 'In March');
    // Set directly, now: it says nothing about February.
    const res = await t.app.request(`/api/v1/components/${api}`, json('PATCH', { status: 'partial_outage' }, owner.headers));
    expect(res.status).toBe(200);
    const feb = (await report('?from=2026-02-01&to=2026-02-28')).components[0]!;
    expect(feb.observed_minutes).toBe(28 * 24 * 60);
    expect(feb.downtime_minutes.major_outage).toBe(120);
    expect(feb.downtime_minutes.partial_outage).toBe(0);
    expect(feb.uptime_percent).toBe(Math.floor((1 - 120 / (28 * 24 * 60)) * 10_000) / 100);
    expect(feb.incidents.length).toBe(1);
  });

  it('defaults to the current month so far, and has no data for components that did not exist yet', async () => {
    await addComponent(t.database.db, { name: 'Old', createdAt: new Date(NOW - 200 * DAY), position: 0 });
    await addComponent(t.database.db, { name: 'Brand new', createdAt: new Date(NOW + H), position: 1 });
    const r = await report('');
    expect([r.from, r.to, r.days]).toEqual(['2026-03-01', '2026-03-10', 10]);
    expect(r.components.map((c) => [c.name, c.uptime_percent])).toEqual([
      ['Old', 100],
      ['Brand new', null],
    ]);
  });

  it('measures against the SLA target set on each component', async () => {
    const created = new Date(NOW - 200 * DAY);
    const a = await addComponent(t.database.db, { name: 'A', createdAt: created, position: 0 });
    const b = await addComponent(t.database.db, { name: 'B', createdAt: created, position: 1 });
    await outage(b, 'major_outage', '2026-03-02T00:00:00Z', '2026-03-02T02:00:00Z');
    for (const [id, target] of [[a, 99.9], [b, 99.95]] as const) {
      const res = await t.app.request(`/api/v1/components/${id}`, json('PATCH', { sla_target_percent: target }, owner.headers));
      expect(res.status).toBe(200);
      expect(((await res.json()) as { sla_target_percent: number }).sla_target_percent).toBe(target);
    }
    const r = await report('?from=2026-03-01&to=2026-03-10');
    expect(r.components.map((c) => [c.name, c.sla_target_percent, c.sla_met])).toEqual([
      ['A', 99.9, true],
      ['B', 99.95, false],
    ]);
    for (const bad of [150, -1, 99.9999, '99']) {
      const res = await t.app.request(`/api/v1/components/${a}`, json('PATCH', { sla_target_percent: bad }, owner.headers));
      expect(res.status, String(bad)).toBe(400);
    }
    expect((await t.app.request(`/api/v1/components/${a}`, json('PATCH', { sla_target_percent: null }, owner.headers))).status).toBe(200);
    expect((await report('?from=2026-03-01&to=2026-03-10')).components[0]).toMatchObject({ sla_target_percent: null, sla_met: null });
  });

  it('reports one component, or a group as its components', async () => {
    const created = new Date(NOW - 200 * DAY);
    const g = await addGroup(t.database.db, { name: 'Core', at: created });
    const a = await addComponent(t.database.db, { name: 'A', groupId: g, createdAt: created });
    await addComponent(t.database.db, { name: 'B', groupId: g, createdAt: created, position: 1 });
    await addComponent(t.database.db, { name: 'Outside', createdAt: created, position: 5 });
    expect((await report(`?component_id=${a}`)).components.map((c) => c.name)).toEqual(['A']);
    const grouped = await report(`?component_id=${g}`);
    expect(grouped.components.map((c) => [c.name, c.group_name])).toEqual([
      ['A', 'Core'],
      ['B', 'Core'],
    ]);
  });

  it('answers CSV for Accept: text/csv, with formulas defused', async () => {
    const created = new Date(NOW - 200 * DAY);
    const c = await addComponent(t.database.db, { name: '=HYPERLINK("x")', createdAt: created });
    await outage(c, 'major_outage', '2026-03-08T10:00:00Z', '2026-03-08T12:00:00Z', 'Down, "really"');
    const res = await t.app.request('/api/v1/reports/uptime?from=2026-03-01&to=2026-03-10', { headers: { ...viewer.headers, Accept: 'text/csv' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="uptime-2026-03-01-to-2026-03-10.csv"');
    const lines = (await res.text()).split('\r\n');
    expect(lines[0]).toBe(
      'component_id,component,group,from,to,uptime_percent,sla_target_percent,sla_met,observed_minutes,major_outage_minutes,partial_outage_minutes,degraded_performance_minutes,under_maintenance_minutes,incident_count,incidents,maintenance_count',
    );
    expect(lines[1]).toBe(`${c},"'=HYPERLINK(""x"")",,2026-03-01,2026-03-10,99.12,,,13680,120,0,0,0,1,"Down, ""really""",0`);
    expect(lines[2]).toBe('');
    // The console links to the same with ?format=csv (a link cannot send Accept).
    const linked = await t.app.request('/api/v1/reports/uptime?from=2026-03-01&to=2026-03-10&format=csv', { headers: viewer.headers });
    expect(await linked.text()).toBe(lines.join('\r\n'));
  });

  it('refuses bad input with 400, never 500, and strangers with 401', async () => {
    for (const q of [
      '?from=2026-02-30',
      '?from=yesterday',
      '?from=2026-03-10&to=2026-03-01',
      '?from=2024-01-01&to=2026-01-01',
      '?component_id=nope',
      '?format=xml',
      '?from=2026-03-01&from=2026-03-02&to=%00',
    ]) {
      const res = await t.app.request(`/api/v1/reports/uptime${q}`, { headers: viewer.headers });
      expect(res.status, q).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_input');
    }
    expect((await t.app.request('/api/v1/reports/uptime')).status).toBe(401);
  });
});
