// The 90-day uptime bars: exact worst status and uptime per day, with a controlled clock and a real database.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.ts';
import { addComponent, addIncident } from '../support/seed-demo.ts';
import { formatUptime, getUptime, type ComponentUptime } from '../../api/public/uptime.ts';
import { putSettings } from '../../api/core/settings.ts';
import { uptimeBarSvg, uptimeDaysListHtml } from '../../site/components/uptime-bar.ts';
import { componentListHtml, NOTABLE_DAYS_BUDGET } from '../../site/components/component-list.ts';
import { getSummary } from '../../api/public/statuspage-read.ts';
import { defaultLanguage } from '../../site/components/page-language.ts';

/** The bars and lists as the page in English at / writes them. */
const en = defaultLanguage({ language: 'en', languages: [] });

const H = 3_600_000;
const DAY = 24 * H;
/** "Now": Tuesday 10 March 2026, 12:00 UTC. Today's cell has 12 observed hours. */
const NOW = Date.UTC(2026, 2, 10, 12);
const at = (iso: string) => new Date(iso);

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp({ memory: true });
  t.clock.set(NOW);
});
afterEach(() => t.close());

const created = new Date(NOW - 200 * DAY);
const day = (u: ComponentUptime, date: string) => {
  const d = u.days.find((x) => x.date === date);
  if (!d) throw new Error(`no cell for ${date}`);
  return d;
};

/** An incident whose component goes from operational to `status` at `from` and back at `to`. */
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

describe('uptime per day', () => {
  it('has 90 cells, oldest first, ending today, all operational at 100% on a quiet page', async () => {
    const c = await addComponent(t.database.db, { name: 'API', createdAt: created });
    const u = (await getUptime(t.deps)).get(c)!;
    expect(u.days).toHaveLength(90);
    expect(u.days[89]!.date).toBe('2026-03-10');
    expect(u.days[0]!.date).toBe('2025-12-11');
    expect(u.days.every((d) => d.status === 'operational' && d.uptime === 1 && d.incidents.length === 0)).toBe(true);
    expect(u.uptime).toBe(1);
    expect(formatUptime(u.uptime)).toBe('100.00%');
  });

  it('counts a major outage as down: 2 h on one day', async () => {
    const c = await addComponent(t.database.db, { name: 'API', createdAt: created });
    await outage(c, 'major_outage', '2026-03-08T10:00:00Z', '2026-03-08T12:00:00Z', 'Two hours down');
    const u = (await getUptime(t.deps)).get(c)!;
    const d = day(u, '2026-03-08');
    expect(d.status).toBe('major_outage');
    expect(d.uptime).toBeCloseTo(1 - 2 / 24, 12);
    expect(d.incidents.map((i) => i.name)).toEqual(['Two hours down']);
    expect(day(u, '2026-03-07').status).toBe('operational');
    expect(day(u, '2026-03-09').status).toBe('operational');
    // 89 whole days and 12 h of today observed.
    expect(u.uptime).toBeCloseTo(1 - 2 / (89 * 24 + 12), 12);
    expect(formatUptime(u.uptime)).toBe('99.90%');
  });

  it('weighs a partial outage at 30% and a degraded performance at 0%', async () => {
    const c = await addComponent(t.database.db, { name: 'API', createdAt: created });
    await outage(c, 'partial_outage', '2026-03-05T00:00:00Z', '2026-03-05T06:00:00Z');
    await outage(c, 'degraded_performance', '2026-03-06T00:00:00Z', '2026-03-06T06:00:00Z');
    const u = (await getUptime(t.deps)).get(c)!;
    expect(day(u, '2026-03-05').status).toBe('partial_outage');
    expect(day(u, '2026-03-05').uptime).toBeCloseTo(1 - (0.3 * 6) / 24, 12);
    expect(day(u, '2026-03-06').status).toBe('degraded_performance');
    expect(day(u, '2026-03-06').uptime).toBe(1);
  });

  it('shows the worst status of the day and splits an outage across midnight', async () => {
    const c = await addComponent(t.database.db, { name: 'API', createdAt: created });
    await addIncident(t.database.db, {
      title: 'Rolling trouble',
      impact: 'major',
      status: 'resolved',
      startedAt: at('2026-03-03T20:00:00Z'),
      resolvedAt: at('2026-03-04T02:00:00Z'),
      updates: [
        { status: 'investigating', body: 'slow', at: at('2026-03-03T20:00:00Z'), affected: { [c]: ['operational', 'degraded_performance'] } },
        { status: 'identified', body: 'down', at: at('2026-03-03T22:00:00Z'), affected: { [c]: ['degraded_performance', 'major_outage'] } },
        { status: 'monitoring', body: 'partly', at: at('2026-03-04T01:00:00Z'), affected: { [c]: ['major_outage', 'partial_outage'] } },
        { status: 'resolved', body: 'fine', at: at('2026-03-04T02:00:00Z'), affected: { [c]: ['partial_outage', 'operational'] } },
      ],
    });
    const u = (await getUptime(t.deps)).get(c)!;
    expect(day(u, '2026-03-03').status).toBe('major_outage');
    expect(day(u, '2026-03-03').uptime).toBeCloseTo(1 - 2 / 24, 12);
    expect(day(u, '2026-03-04').status).toBe('major_outage');
    expect(day(u, '2026-03-04').uptime).toBeCloseTo(1 - (1 + 0.3) / 24, 12);
    expect(day(u, '2026-03-04').incidents.map((i) => i.name)).toEqual(['Rolling trouble']);
  });

  it('marks maintenance that went ahead as under maintenance, at 100%; scheduled maintenance not yet', async () => {
    const c = await addComponent(t.database.db, { name: 'DB', createdAt: created });
    await addIncident(t.database.db, {
      kind: 'maintenance',
      title: 'Upgrade',
      impact: 'maintenance',
      status: 'completed',
      startedAt: at('2026-03-02T01:00:00Z'),
      scheduledFor: at('2026-03-02T01:00:00Z'),
      scheduledUntil: at('2026-03-02T03:00:00Z'),
      resolvedAt: at('2026-03-02T02:30:00Z'),
      componentIds: [c],
      updates: [{ status: 'scheduled', body: 'planned', at: at('2026-03-01T00:00:00Z') }],
    });
    await addIncident(t.database.db, {
      kind: 'maintenance',
      title: 'Future',
      impact: 'maintenance',
      status: 'scheduled',
      startedAt: at('2026-03-10T01:00:00Z'),
      scheduledFor: at('2026-03-10T01:00:00Z'),
      scheduledUntil: at('2026-03-10T03:00:00Z'),
      componentIds: [c],
      updates: [{ status: 'scheduled', body: 'planned', at: at('2026-03-09T00:00:00Z') }],
    });
    const u = (await getUptime(t.deps)).get(c)!;
    expect(day(u, '2026-03-02').status).toBe('under_maintenance');
    expect(day(u, '2026-03-02').uptime).toBe(1);
    expect(day(u, '2026-03-02').incidents.map((i) => i.name)).toEqual(['Upgrade']);
    expect(day(u, '2026-03-10').status).toBe('operational');
    expect(day(u, '2026-03-10').incidents).toEqual([]);
  });

  it('ignores unpublished incidents and draft updates', async () => {
    const c = await addComponent(t.database.db, { name: 'API', createdAt: created });
    await addIncident(t.database.db, {
      title: 'Draft only',
      impact: 'major',
      status: 'investigating',
      startedAt: at('2026-03-08T10:00:00Z'),
      updates: [{ status: 'investigating', body: 'd', at: at('2026-03-08T10:00:00Z'), state: 'draft', affected: { [c]: ['operational', 'major_outage'] } }],
    });
    const u = (await getUptime(t.deps)).get(c)!;
    expect(day(u, '2026-03-08').status).toBe('operational');
    expect(day(u, '2026-03-08').incidents).toEqual([]);
    expect(u.uptime).toBe(1);
  });

  it('counts an ongoing outage up to now, and a status set outside incidents from the last change', async () => {
    const api = await addComponent(t.database.db, { name: 'API', createdAt: created, status: 'major_outage' });
    await addIncident(t.database.db, {
      title: 'Ongoing',
      impact: 'critical',
      status: 'identified',
      startedAt: at('2026-03-10T09:00:00Z'),
      updates: [{ status: 'investigating', body: 'down', at: at('2026-03-10T09:00:00Z'), affected: { [api]: ['operational', 'major_outage'] } }],
    });
    const web = await addComponent(t.database.db, {
      name: 'Web',
      createdAt: created,
      status: 'partial_outage',
      updatedAt: at('2026-03-10T08:00:00Z'),
    });
    const all = await getUptime(t.deps);
    const today = day(all.get(api)!, '2026-03-10');
    expect(today.status).toBe('major_outage');
    expect(today.uptime).toBeCloseTo(1 - 3 / 12, 12);
    const webToday = day(all.get(web)!, '2026-03-10');
    expect(webToday.status).toBe('partial_outage');
    expect(webToday.uptime).toBeCloseTo(1 - (0.3 * 4) / 12, 12);
    expect(day(all.get(web)!, '2026-03-09').status).toBe('operational');
  });

  it('has no data before a component existed', async () => {
    const c = await addComponent(t.database.db, { name: 'New', createdAt: at('2026-03-05T12:00:00Z') });
    const u = (await getUptime(t.deps)).get(c)!;
    expect(day(u, '2026-03-04')).toMatchObject({ status: null, uptime: null });
    expect(day(u, '2026-03-05')).toMatchObject({ status: 'operational', uptime: 1 });
    expect(u.days.filter((d) => d.status === null)).toHaveLength(84);
    const withStart = await addComponent(t.database.db, { name: 'Dated', createdAt: at('2026-03-09T12:00:00Z'), startDate: '2026-03-01' });
    expect(day((await getUptime(t.deps)).get(withStart)!, '2026-03-01').status).toBe('operational');
    expect(day((await getUptime(t.deps)).get(withStart)!, '2026-02-28').status).toBe(null);
  });

  it("cuts days at midnight in the page's time zone, including a 23-hour DST day", async () => {
    await putSettings(t.database.db, { timeZone: 'America/New_York' }, t.clock.now());
    const c = await addComponent(t.database.db, { name: 'API', createdAt: created });
    // 03:00–04:00 UTC on 9 March is 23:00–24:00 on 8 March in New York (EDT from 8 March, 02:00).
    await outage(c, 'major_outage', '2026-03-09T03:00:00Z', '2026-03-09T04:00:00Z');
    const u = (await getUptime(t.deps)).get(c)!;
    expect(u.days[89]!.date).toBe('2026-03-10');
    const d = day(u, '2026-03-08');
    expect(d.status).toBe('major_outage');
    expect(d.uptime).toBeCloseTo(1 - 1 / 23, 12);
    expect(day(u, '2026-03-09').status).toBe('operational');
  });
});

describe('a component newer than the window', () => {
  it('has its uptime over the days it has data, and says since when', async () => {
    // Added at the start of Mar 8 (UTC, the page's zone); one hour down on Mar 9; now is Mar 10, 12:00.
    const c = await addComponent(t.database.db, { name: 'New', createdAt: at('2026-03-08T00:00:00Z') });
    await outage(c, 'major_outage', '2026-03-09T06:00:00Z', '2026-03-09T07:00:00Z');
    const u = (await getUptime(t.deps)).get(c)!;
    expect(u.since).toEqual({ date: '2026-03-08', label: 'Mar 8', days: 3 });
    // 60 hours observed, 1 down: not 1 hour in 90 days.
    expect(u.uptime).toBeCloseTo(1 - 1 / 60, 12);
    expect(uptimeBarSvg(u, en)).toContain('<title>98.33% uptime since Mar 8 (3 days), incidents on 1 of them</title>');
    const list = componentListHtml((await getSummary(t.deps)).components, new Map([[c, u]]), en);
    expect(list).toContain('<details class="up"><summary>98.33% uptime since Mar 8<span class="vh"> (New)</span></summary>');
  });

  it('says nothing of the kind for a component older than the window, and “today” for one added today', async () => {
    const old = await addComponent(t.database.db, { name: 'Old', createdAt: created });
    const today = await addComponent(t.database.db, { name: 'Today', createdAt: at('2026-03-10T10:00:00Z') });
    const all = await getUptime(t.deps);
    expect(all.get(old)!.since).toBeNull();
    expect(uptimeBarSvg(all.get(old)!, en)).toContain('uptime over 90 days');
    expect(all.get(today)!.since).toEqual({ date: '2026-03-10', label: 'Mar 10', days: 1 });
    expect(uptimeBarSvg(all.get(today)!, en)).toContain('100.00% uptime since Mar 10 (today), no incidents');
  });
});

describe('formatUptime', () => {
  it('truncates, so any downtime never reads 100%', () => {
    expect(formatUptime(0.99999)).toBe('99.99%');
    expect(formatUptime(0.9995)).toBe('99.95%');
    expect(formatUptime(1)).toBe('100.00%');
    expect(formatUptime(0)).toBe('0.00%');
    expect(formatUptime(null)).toBe('no data');
  });
});

describe('the bar SVG', () => {
  it('draws quiet runs as one stroke each, a titled stroke per notable day, and escapes every name', async () => {
    const c = await addComponent(t.database.db, { name: 'API', createdAt: at('2026-03-01T12:00:00Z') });
    await outage(c, 'major_outage', '2026-03-08T10:00:00Z', '2026-03-08T12:00:00Z', 'Broken <img src=x onerror=alert(1)> & "quoted"');
    const svg = uptimeBarSvg((await getUptime(t.deps)).get(c)!, en);
    expect(svg).toMatch(/^<svg class="u" viewBox="0 0 90 10" preserveAspectRatio="none"><title>99\.\d\d% uptime since Mar 1 \(10 days\), incidents on 1 of them<\/title>/);
    // The outage's own cell, then the quiet runs, one path per colour: no data (80 days), quiet (7 + 2).
    expect(svg.match(/<path/g)).toHaveLength(3);
    expect(svg).toContain('<path class="x" d="M0 5h80"></path><path d="M80 5h7M88 5h2"></path>');
    expect(svg).toContain('<path class="cr" d="M87 5h1"><title>Mar 8: Major outage, 91.66%. Broken &lt;img src=x onerror=alert(1)&gt; &amp; &quot;…</title></path>');
    expect(svg).not.toContain('<img');
    // On a busy page a cell has no title: the list says it.
    expect(uptimeBarSvg((await getUptime(t.deps)).get(c)!, en, true)).toContain('<path class="cr" d="M87 5h1"></path>');
  });

  it('says the same days in a list, newest first, each incident a link, every name escaped', async () => {
    const c = await addComponent(t.database.db, { name: 'API', createdAt: created });
    const a = await outage(c, 'major_outage', '2026-03-08T10:00:00Z', '2026-03-08T12:00:00Z', 'Broken <b> & "quoted"');
    const b = await outage(c, 'degraded_performance', '2026-03-09T10:00:00Z', '2026-03-09T11:00:00Z', 'Slow');
    const list = uptimeDaysListHtml((await getUptime(t.deps)).get(c)!, en);
    expect(list).toBe(
      '<ul>' +
        `<li>Mar 9: Degraded performance. <a href="/incidents/${b}"><bdi>Slow</bdi></a></li>` +
        `<li>Mar 8: Major outage, 91.66%. <a href="/incidents/${a}"><bdi>Broken &lt;b&gt; &amp; &quot;quoted&quot;</bdi></a></li>` +
        '</ul>',
    );
    const quiet = await addComponent(t.database.db, { name: 'Quiet', createdAt: created });
    expect(uptimeDaysListHtml((await getUptime(t.deps)).get(quiet)!, en)).toBe('');
  });

  it('on a busy page, names the days with incidents but no downtime in the list instead of a cell each', async () => {
    const c = await addComponent(t.database.db, { name: 'API', createdAt: created });
    await outage(c, 'partial_outage', '2026-03-08T10:00:00Z', '2026-03-08T12:00:00Z', 'Slow writes');
    for (const date of ['2026-03-03', '2026-03-05']) {
      await addIncident(t.database.db, {
        title: `Question on ${date}`,
        impact: 'none',
        status: 'resolved',
        startedAt: at(`${date}T09:00:00Z`),
        resolvedAt: at(`${date}T10:00:00Z`),
        componentIds: [c],
        updates: [{ status: 'resolved', body: 'answered', at: at(`${date}T10:00:00Z`) }],
      });
    }
    const u = (await getUptime(t.deps)).get(c)!;
    const calm = uptimeBarSvg(u, en);
    expect(calm.match(/<title>/g)).toHaveLength(4);
    expect(calm).toContain('<path d="M82 5h1"><title>Mar 3: Operational. Question on 2026-03-03</title></path>');

    // Busy, the bar is a picture only: its uptime is on the line under it, its days in the list.
    const busy = uptimeBarSvg(u, en, true);
    expect(busy).toMatch(/^<svg class="u" viewBox="0 0 90 10" preserveAspectRatio="none" aria-hidden="true"><path/);
    expect(busy).not.toContain('<title>');
    // The calm days on one line, the month named once, newest first like the rest of the list.
    expect(uptimeDaysListHtml(u, en, true)).toBe('<ul><li>Mar 8: Partial outage, 97.50%. 1 incident</li><li>Incidents without downtime: Mar 5, 3</li></ul>');
    // One cell of its own, for the day that lost uptime; the quiet days and the two calm incident days share a path.
    expect(busy).toContain('<path class="ma" d="M87 5h1"></path>');
    expect(busy).toContain('<path d="M0 5h87M88 5h2"></path>');
  });
});

describe('the component list', () => {
  it('turns busy past a hundred notable days over all bars', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 11; i++) ids.push(await addComponent(t.database.db, { name: `Service ${i}`, createdAt: created }));
    // Ten incident days on each of ten components: exactly the budget, every day has its own titled cell.
    for (let d = 0; d < 10; d++) {
      await addIncident(t.database.db, {
        title: `Incident ${d}`,
        impact: 'minor',
        status: 'resolved',
        startedAt: at(`2026-02-${String(10 + d).padStart(2, '0')}T09:00:00Z`),
        resolvedAt: at(`2026-02-${String(10 + d).padStart(2, '0')}T10:00:00Z`),
        componentIds: ids.slice(0, 10),
        updates: [{ status: 'resolved', body: 'done', at: at(`2026-02-${String(10 + d).padStart(2, '0')}T10:00:00Z`) }],
      });
    }
    const summary = await getSummary(t.deps);
    const cells = (html: string) => (html.match(/<path[^>]*><title>/g) ?? []).length;
    const atBudget = componentListHtml(summary.components, await getUptime(t.deps, { components: summary.components }), en);
    expect(cells(atBudget)).toBe(NOTABLE_DAYS_BUDGET);
    expect(atBudget).toContain('<title>Feb 10: Operational. Incident 0</title>');

    await addIncident(t.database.db, {
      title: 'One more',
      impact: 'minor',
      status: 'resolved',
      startedAt: at('2026-03-01T09:00:00Z'),
      resolvedAt: at('2026-03-01T10:00:00Z'),
      componentIds: [ids[10]!],
      updates: [{ status: 'resolved', body: 'done', at: at('2026-03-01T10:00:00Z') }],
    });
    const over = componentListHtml(summary.components, await getUptime(t.deps, { components: summary.components }), en);
    expect(cells(over)).toBe(0);
    expect(over).not.toContain('<title>');
    expect(over).toContain('<details class="up"><summary>100.00% uptime<span class="vh"> (Service 0)</span></summary>');
    expect(over).toContain('<li>Incidents without downtime: Feb 19, 18, 17, 16, 15, 14, 13, 12, 11, 10</li>');
    expect(over).toContain('<span class="n">Service 10</span><span class="s ok">Operational</span>');
  });
});
