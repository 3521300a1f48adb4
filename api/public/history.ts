// Public history read models: the last 14 days grouped by day (home page) and month-by-month pages (/history).
//
// Both read only the slice they show, newest first through `incidents_started_idx`, so their cost
// follows the page size and never the size of the whole history.
import { and, gte, isNotNull, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import type { AppDeps } from '../core/deps.ts';
import { incidents, incidentUpdates } from '../../db/schema.ts';
import { packedRows } from '../../db/packed-rows.ts';
import { getSettings } from '../core/settings.ts';
import {
  addDays,
  addMonths,
  civilDate,
  dateKey,
  formatCivilDate,
  formatMonth,
  formatMonthRange,
  monthKey,
  safeTimeZone,
  startOfCivilDay,
  type CivilDate,
  type TimeLocale,
} from '../core/time-format.ts';

interface HistoryUpdate {
  status: string;
  /** Markdown: pages render it with renderMarkdown. */
  body: string;
  displayAt: Date;
}

export interface HistoryItem {
  id: string;
  kind: 'incident' | 'maintenance';
  name: string;
  impact: string;
  status: string;
  startedAt: Date;
  resolvedAt: Date | null;
  scheduledFor: Date | null;
  scheduledUntil: Date | null;
  /** The newest published update (only in the 14-day view). */
  latestUpdate?: HistoryUpdate;
}

interface HistoryDay {
  /** `YYYY-MM-DD` in the page's zone. */
  date: string;
  /** "November 27, 2026", in the language asked for. */
  label: string;
  items: HistoryItem[];
}

export interface RecentHistory {
  days: HistoryDay[];
  /**
   * True when more happened in the window than the page lists: `days` then stops at the oldest listed
   * incident's day (older days would wrongly read as quiet), and the page points at /history.
   */
  truncated: boolean;
}

export const RECENT_DAYS = 14;
/** The most incidents the home page lists in its 14 days, whatever happened (its weight budget is 50 KB). */
export const RECENT_LIMIT = 10;
export const HISTORY_PAGE_SIZE = 20;

/** An item as SQLite packs it (readItems): the columns of `HistoryItem` in order, times in epoch milliseconds. */
type PackedItem = [string, HistoryItem['kind'], string, string, string, number, number | null, number | null, number | null];

/**
 * The incidents and maintenance `where` selects, newest first, `limit` of them from `offset`: one query through
 * `incidents_started_idx`, its rows packed (db/packed-rows.ts; as rows, the driver's share was the largest single
 * part of /history's render on the bench seed).
 */
async function readItems(deps: AppDeps, where: SQL | undefined, limit: number, offset = 0): Promise<HistoryItem[]> {
  const rows = await packedRows<PackedItem>(deps.db, sql`
    select json_group_array(json_array(id, kind, title, impact, status, started_at, resolved_at, scheduled_for, scheduled_until)) as rows
    from (select id, kind, title, impact, status, started_at, resolved_at, scheduled_for, scheduled_until from ${incidents} where ${where} order by ${incidents.startedAt} desc, ${incidents.id} desc limit ${limit} offset ${offset})`);
  const at = (t: number | null) => (t === null ? null : new Date(t));
  const items = rows.map(([id, kind, name, impact, status, startedAt, resolvedAt, scheduledFor, scheduledUntil]): HistoryItem => ({
    id,
    kind,
    name,
    impact,
    status,
    startedAt: new Date(startedAt),
    resolvedAt: at(resolvedAt),
    scheduledFor: at(scheduledFor),
    scheduledUntil: at(scheduledUntil),
  }));
  // An aggregate's input order is not promised by SQL: the subquery's order, restored.
  return items.sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

/** Public and already happened: published, and not a maintenance still waiting for its window. */
function pastAndPublic(now: Date) {
  return and(
    isNotNull(incidents.publishedAt),
    lt(incidents.startedAt, now),
    or(ne(incidents.kind, 'maintenance'), ne(incidents.status, 'scheduled')),
  );
}

/** The newest published update of each incident: one per incident, found through incident_updates_incident_idx, packed as readItems' are. */
async function latestUpdates(deps: AppDeps, ids: string[]): Promise<Map<string, HistoryUpdate>> {
  const out = new Map<string, HistoryUpdate>();
  if (ids.length === 0) return out;
  const rows = await packedRows<[string, string, string, number]>(deps.db, sql`
    select json_group_array(json_array(u.incident_id, u.status, u.body, u.display_at)) as rows
    from json_each(${JSON.stringify(ids)}) j
    join ${incidentUpdates} u on u.id = (
      select l.id from ${incidentUpdates} l where l.incident_id = j.value and l.state = 'published'
      order by l.display_at desc, l.id desc limit 1)`);
  for (const [incidentId, status, body, displayAt] of rows) out.set(incidentId, { status, body, displayAt: new Date(displayAt) });
  return out;
}

/** Past incidents and maintenance of the last `days` days (today included), grouped by day, newest first. */
export async function getRecentHistory(deps: AppDeps, opts: { days?: number; timeZone?: string; locale?: TimeLocale } = {}): Promise<RecentHistory> {
  const nowDate = deps.clock.now();
  const now = nowDate.getTime();
  const tz = safeTimeZone(opts.timeZone ?? (await getSettings(deps.db)).timeZone);
  const n = opts.days ?? RECENT_DAYS;
  const today = civilDate(now, tz);
  const from = new Date(startOfCivilDay(addDays(today, -(n - 1)), tz));

  const rows = await readItems(deps, and(pastAndPublic(nowDate), gte(incidents.startedAt, from)), RECENT_LIMIT + 1);
  const truncated = rows.length > RECENT_LIMIT;
  const shown = rows.slice(0, RECENT_LIMIT);
  const latest = await latestUpdates(deps, shown.map((r) => r.id));

  const days: HistoryDay[] = [];
  const byKey = new Map<string, HistoryDay>();
  for (let i = 0; i < n; i++) {
    const d = addDays(today, -i);
    const day: HistoryDay = { date: dateKey(d), label: formatCivilDate(d, 'long', opts.locale), items: [] };
    days.push(day);
    byKey.set(day.date, day);
  }
  for (const r of shown) {
    const item: HistoryItem = { ...r, latestUpdate: latest.get(r.id) };
    byKey.get(dateKey(civilDate(r.startedAt.getTime(), tz)))?.items.push(item);
  }
  if (truncated) {
    const oldest = shown[shown.length - 1];
    const cut = oldest ? dateKey(civilDate(oldest.startedAt.getTime(), tz)) : days[0]!.date;
    return { days: days.filter((d) => d.date >= cut), truncated };
  }
  return { days, truncated };
}

export interface HistoryMonth {
  /** `YYYY-MM`, or `YYYY-MM..YYYY-MM` for a run of quiet months. */
  key: string;
  /** "November 2026", or "June – September 2026" for a quiet run, in the language asked for. */
  label: string;
  items: HistoryItem[];
}

export interface HistoryPage {
  page: number;
  hasPrevious: boolean;
  hasNext: boolean;
  months: HistoryMonth[];
}

function monthRangeLabel(first: CivilDate, last: CivilDate, locale: TimeLocale | undefined): string {
  if (monthKey(first) === monthKey(last)) return formatMonth(first, locale);
  return formatMonthRange(first, last, locale);
}

/**
 * One page of history: `pageSize` incidents and maintenance, newest first, under their months. Every month
 * the page spans is listed, quiet ones too (a run of quiet months shares one heading), so a reader sees
 * "no incidents" rather than a gap. Page 1 starts at the current month.
 */
export async function getHistoryPage(
  deps: AppDeps,
  opts: { page?: number; pageSize?: number; timeZone?: string; locale?: TimeLocale } = {},
): Promise<HistoryPage> {
  const nowDate = deps.clock.now();
  const tz = safeTimeZone(opts.timeZone ?? (await getSettings(deps.db)).timeZone);
  const page = Math.max(1, Math.floor(opts.page ?? 1));
  const size = Math.max(1, Math.floor(opts.pageSize ?? HISTORY_PAGE_SIZE));

  const rows = await readItems(deps, pastAndPublic(nowDate), size + 1, (page - 1) * size);
  const hasNext = rows.length > size;
  const items: HistoryItem[] = rows.slice(0, size);

  const monthOf = (t: Date): CivilDate => ({ ...civilDate(t.getTime(), tz), day: 1 });
  const first = items[0];
  const last = items[items.length - 1];
  const top = page === 1 || !first ? monthOf(nowDate) : monthOf(first.startedAt);
  const bottom = last ? monthOf(last.startedAt) : top;
  // Past the last page there is nothing to show, not even an empty current month.
  if (page > 1 && !first) return { page, hasPrevious: true, hasNext: false, months: [] };

  const byMonth = new Map<string, HistoryItem[]>();
  for (const it of items) {
    const k = monthKey(monthOf(it.startedAt));
    const list = byMonth.get(k) ?? [];
    list.push(it);
    byMonth.set(k, list);
  }

  const months: HistoryMonth[] = [];
  let quietFrom: CivilDate | null = null;
  let quietTo: CivilDate | null = null;
  const flushQuiet = () => {
    if (quietFrom && quietTo) {
      // Listed newest first: quietFrom is the newer end of the run.
      const k = monthKey(quietFrom) === monthKey(quietTo) ? monthKey(quietFrom) : `${monthKey(quietTo)}..${monthKey(quietFrom)}`;
      months.push({ key: k, label: monthRangeLabel(quietTo, quietFrom, opts.locale), items: [] });
    }
    quietFrom = quietTo = null;
  };
  // Bounded: from `top` down to `bottom`, and never more than the months between them.
  const span = (top.year - bottom.year) * 12 + (top.month - bottom.month);
  for (let i = 0; i <= Math.max(0, span); i++) {
    const m = addMonths(top, -i);
    const list = byMonth.get(monthKey(m));
    if (list) {
      flushQuiet();
      months.push({ key: monthKey(m), label: formatMonth(m, opts.locale), items: list });
    } else {
      quietFrom ??= m;
      quietTo = m;
    }
  }
  flushQuiet();
  return { page, hasPrevious: page > 1, hasNext, months };
}
