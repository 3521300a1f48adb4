// Public history read models: month pages (pagination, order, quiet months) and the last 14 days by day.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.ts';
import { addIncident } from '../support/seed-demo.ts';
import { getHistoryPage, getRecentHistory, HISTORY_PAGE_SIZE, RECENT_LIMIT } from '../../api/public/history.ts';
import { putSettings } from '../../api/core/settings.ts';

const H = 3_600_000;
const DAY = 24 * H;
/** "Now": 10 March 2026, 12:00 UTC. */
const NOW = Date.UTC(2026, 2, 10, 12);

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp({ memory: true });
  t.clock.set(NOW);
});
afterEach(() => t.close());

async function resolved(title: string, startedAt: number, opts: { published?: boolean; kind?: 'incident' | 'maintenance' } = {}) {
  return addIncident(t.database.db, {
    kind: opts.kind,
    title,
    impact: opts.kind === 'maintenance' ? 'maintenance' : 'minor',
    status: opts.kind === 'maintenance' ? 'completed' : 'resolved',
    startedAt: new Date(startedAt),
    resolvedAt: new Date(startedAt + H),
    scheduledFor: opts.kind === 'maintenance' ? new Date(startedAt) : null,
    updates: [
      { status: 'investigating', body: `${title}: first`, at: new Date(startedAt), state: opts.published === false ? 'draft' : 'published' },
      { status: 'resolved', body: `${title}: last`, at: new Date(startedAt + H), state: opts.published === false ? 'draft' : 'published' },
    ],
  });
}

describe('history pages', () => {
  it('pages through every public incident newest first, 20 a page, grouped by month', async () => {
    // 45 incidents, one every 2 days back from yesterday, plus things that must not show.
    for (let i = 0; i < 45; i++) await resolved(`Incident ${i}`, NOW - DAY - i * 2 * DAY);
    await resolved('Unpublished', NOW - 3 * H, { published: false });
    await addIncident(t.database.db, {
      kind: 'maintenance',
      title: 'Upcoming maintenance',
      impact: 'maintenance',
      status: 'scheduled',
      startedAt: new Date(NOW - H),
      scheduledFor: new Date(NOW + DAY),
      updates: [{ status: 'scheduled', body: 'soon', at: new Date(NOW - H) }],
    });

    const seen: string[] = [];
    const pages = [];
    for (let p = 1; p <= 3; p++) {
      const page = await getHistoryPage(t.deps, { page: p });
      pages.push(page);
      for (const m of page.months) for (const i of m.items) seen.push(i.name);
    }
    expect(pages.map((p) => [p.hasPrevious, p.hasNext])).toEqual([
      [false, true],
      [true, true],
      [true, false],
    ]);
    expect(pages.map((p) => p.months.reduce((n, m) => n + m.items.length, 0))).toEqual([HISTORY_PAGE_SIZE, HISTORY_PAGE_SIZE, 5]);
    expect(seen).toEqual(Array.from({ length: 45 }, (_, i) => `Incident ${i}`));
    expect(pages[0]!.months[0]).toMatchObject({ key: '2026-03', label: 'March 2026' });
    // Items sit under the month they started in.
    for (const p of pages) for (const m of p.months) for (const i of m.items) expect(i.startedAt.toISOString().slice(0, 7)).toBe(m.key);

    const past = await getHistoryPage(t.deps, { page: 4 });
    expect(past).toMatchObject({ hasPrevious: true, hasNext: false, months: [] });
  });

  it('lists quiet months, a run of them under one heading, starting from the current month', async () => {
    await resolved('January', Date.UTC(2026, 0, 15, 9));
    await resolved('September', Date.UTC(2025, 8, 3, 9));
    await resolved('September maintenance', Date.UTC(2025, 8, 20, 9), { kind: 'maintenance' });
    const page = await getHistoryPage(t.deps, {});
    expect(page.months.map((m) => [m.key, m.label, m.items.map((i) => i.name)])).toEqual([
      ['2026-02..2026-03', 'February – March 2026', []],
      ['2026-01', 'January 2026', ['January']],
      ['2025-10..2025-12', 'October – December 2025', []],
      ['2025-09', 'September 2025', ['September maintenance', 'September']],
    ]);
    expect(page.months[3]!.items[0]!.kind).toBe('maintenance');
  });

  it('groups months in the page time zone', async () => {
    await putSettings(t.database.db, { timeZone: 'Asia/Tokyo' }, t.clock.now());
    // 28 Feb 20:00 UTC is 1 March 05:00 in Tokyo.
    await resolved('Late February in UTC', Date.UTC(2026, 1, 28, 20));
    const page = await getHistoryPage(t.deps, {});
    expect(page.months[0]).toMatchObject({ key: '2026-03', items: [{ name: 'Late February in UTC' }] });
  });

  it('lists incidents that started at the same instant once each, newest id first, across pages, with every time as stored', async () => {
    const at = NOW - 2 * DAY;
    const ids = [await resolved('Same A', at), await resolved('Same B', at), await resolved('Same C', at)];
    const maintenanceId = await resolved('Window', at - DAY, { kind: 'maintenance' });
    const listed = [];
    for (let p = 1; p <= 2; p++) for (const m of (await getHistoryPage(t.deps, { page: p, pageSize: 2 })).months) listed.push(...m.items);
    expect(listed.map((i) => i.id)).toEqual([...[...ids].sort().reverse(), maintenanceId]);
    expect(listed[0]).toMatchObject({ kind: 'incident', impact: 'minor', status: 'resolved', startedAt: new Date(at), resolvedAt: new Date(at + H), scheduledFor: null, scheduledUntil: null });
    expect(listed[3]).toMatchObject({ kind: 'maintenance', name: 'Window', status: 'completed', scheduledFor: new Date(at - DAY) });
  });

  it('shows an empty page of history as the current month, quiet', async () => {
    const page = await getHistoryPage(t.deps, {});
    expect(page).toMatchObject({ page: 1, hasPrevious: false, hasNext: false, months: [{ key: '2026-03', items: [] }] });
  });
});

describe('the last 14 days', () => {
  it('has 14 days newest first, quiet ones empty, each incident with its newest published update', async () => {
    await resolved('Yesterday', NOW - DAY);
    await resolved('Today early', Date.UTC(2026, 2, 10, 1));
    await resolved('Today later', Date.UTC(2026, 2, 10, 8));
    await resolved('Too old', NOW - 20 * DAY);
    await resolved('Not public', NOW - 2 * H, { published: false });
    const recent = await getRecentHistory(t.deps);
    expect(recent.truncated).toBe(false);
    expect(recent.days).toHaveLength(14);
    expect(recent.days[0]).toMatchObject({ date: '2026-03-10', label: 'March 10, 2026' });
    expect(recent.days[13]!.date).toBe('2026-02-25');
    expect(recent.days[0]!.items.map((i) => i.name)).toEqual(['Today later', 'Today early']);
    expect(recent.days[1]!.items.map((i) => i.name)).toEqual(['Yesterday']);
    expect(recent.days[1]!.items[0]!.latestUpdate).toMatchObject({ status: 'resolved', body: 'Yesterday: last' });
    expect(recent.days.slice(2).every((d) => d.items.length === 0)).toBe(true);
  });

  it('stops at a fixed number of incidents however busy the days were', async () => {
    for (let i = 0; i < RECENT_LIMIT + 5; i++) await resolved(`Busy ${i}`, NOW - 2 * H - i * 60_000);
    await resolved('Last week', NOW - 7 * DAY);
    const recent = await getRecentHistory(t.deps);
    expect(recent.truncated).toBe(true);
    expect(recent.days.reduce((n, d) => n + d.items.length, 0)).toBe(RECENT_LIMIT);
    // The list stops at the oldest listed day: earlier days are not shown as quiet when they were not.
    expect(recent.days.map((d) => d.date)).toEqual(['2026-03-10']);
  });
});
