// The 90-day uptime bars: each component's status per day and its uptime %, from published incident and maintenance history.
//
// How Herald computes uptime (quoted in the README):
// - A component's status over time comes from the `affected_components` of published updates: each entry
//   is a change old_status → new_status at the update's display time. Before the first change in the
//   window the component had the first change's old_status; with no change at all it was operational.
//   When the component's current status differs from where its timeline ends (it was set directly,
//   outside an incident), the current status counts from the component's last change.
// - A maintenance that went ahead (in progress, verifying or completed) puts its components under
//   maintenance from when it began to when it completed (or now).
// - Each day (midnight to midnight in the page's time zone) takes the worst status it saw:
//   major outage > partial outage > degraded performance > under maintenance > operational.
// - Uptime weighs the time spent in each status: major outage counts as down, partial outage as 30% down,
//   degraded performance and maintenance as up (slow or planned is not down). uptime = 1 − (major +
//   0.3 × partial) / observed time. Days before a component existed (its start date, else its creation)
//   have no data and count for nothing; today counts up to now.
import { sql } from 'drizzle-orm';
import type { AppDeps } from '../core/deps.ts';
import {
  components,
  incidentComponents,
  incidents,
  incidentUpdates,
  type ComponentStatus,
} from '../../db/schema.ts';
import { packedRows } from '../../db/packed-rows.ts';
import { getSettings } from '../core/settings.ts';
import { COMPONENT_STATUS_RANK, isComponentStatus } from '../core/vocabulary.ts';
import type { ComponentJson } from './statuspage-types.ts';
import { DEFAULT_LANGUAGE, localeFor, type Locale } from '../core/i18n/locale.ts';
import { addDays, civilDate, dateKey, formatCivilDate, safeTimeZone, startOfCivilDay, type CivilDate } from '../core/time-format.ts';

export const UPTIME_DAYS = 90;

/** How much of a status's time counts as down. */
const DOWN_WEIGHT: Record<ComponentStatus, number> = {
  operational: 0,
  under_maintenance: 0,
  degraded_performance: 0,
  partial_outage: 0.3,
  major_outage: 1,
};

/** A day shows its highest-ranked (worst) status. */
function worseStatus(a: ComponentStatus, b: ComponentStatus): ComponentStatus {
  return COMPONENT_STATUS_RANK[b] > COMPONENT_STATUS_RANK[a] ? b : a;
}

interface DayIncident {
  id: string;
  name: string;
  kind: 'incident' | 'maintenance';
}

export interface UptimeDay {
  /** `YYYY-MM-DD` in the page's time zone. */
  date: string;
  /** "Nov 27, 2026". */
  label: string;
  /** The worst status seen that day, or null when the component did not exist yet. */
  status: ComponentStatus | null;
  /** 0–1, or null when there is no data for the day. */
  uptime: number | null;
  /** Incidents and maintenance that touched this component that day. */
  incidents: readonly DayIncident[];
}

/** The list of a day without incidents: shared, most days have none. */
const NO_INCIDENTS: readonly DayIncident[] = Object.freeze([]);

export interface ComponentUptime {
  componentId: string;
  /** Oldest first; the last one is the window's last day (today, for the bars). */
  days: UptimeDay[];
  /** Over the observed part of the window, 0–1; null when nothing was observed. */
  uptime: number | null;
  /** Milliseconds observed in the window (the component existed, and it was not the future). */
  observedMs: number;
  /**
   * Milliseconds of the observed time in each status, summing to `observedMs`. Maintenance counts where the
   * component was otherwise operational (a worse status in a maintenance window keeps its own name), so
   * `uptime` = 1 − (major_outage + 0.3 × partial_outage) / observedMs, the same time the bars weigh.
   */
  statusMs: Record<ComponentStatus, number>;
  /**
   * When the component's data starts inside the window (it is newer than the window): that day ("Nov 28"), so a
   * page says "since Nov 28" instead of letting a few hours read as 90 days. Null when it covers the whole window.
   */
  since: { date: string; label: string; days: number } | null;
}

/** A component as the computation needs it. */
interface UptimeComponent {
  id: string;
  status: ComponentStatus;
  /** When its status (or anything) last changed: where a directly set status starts counting. */
  updatedAt: number;
  /** The first instant it has data: its start date, else its creation. */
  since: number;
}

/** A published incident or maintenance overlapping the window. */
interface UptimeIncident {
  id: string;
  name: string;
  kind: 'incident' | 'maintenance';
  status: string;
  /** When it began affecting its components. */
  start: number;
  /** When it stopped, or null while it goes on. */
  end: number | null;
  componentIds: string[];
}

/** One status change of one component, from an update's `affected_components`. */
interface StatusChange {
  at: number;
  componentId: string;
  from: ComponentStatus;
  to: ComponentStatus;
}

interface UptimeInput {
  now: number;
  timeZone: string;
  days?: number;
  /** The window's last day (default: today in `timeZone`); days after `now` have no data. Reports pick any. */
  lastDay?: CivilDate;
  components: UptimeComponent[];
  incidents: UptimeIncident[];
  changes: StatusChange[];
}

interface Segment {
  from: number;
  to: number;
  status: ComponentStatus;
}

/** The component's status as segments over [windowStart, now]. */
function timeline(c: UptimeComponent, changes: StatusChange[], windowStart: number, now: number): Segment[] {
  const sorted = changes.filter((ch) => ch.at <= now).sort((a, b) => a.at - b.at);
  const out: Segment[] = [];
  let status: ComponentStatus = sorted[0]?.from ?? 'operational';
  let since = windowStart;
  let lastChange = -Infinity;
  for (const ch of sorted) {
    if (ch.at > since) {
      out.push({ from: since, to: ch.at, status });
      since = ch.at;
    }
    status = ch.to;
    lastChange = ch.at;
  }
  if (status !== c.status) {
    // Set outside any incident: it counts from the component's last change, never before the timeline's.
    const at = Math.min(now, Math.max(c.updatedAt, lastChange, windowStart));
    if (at > since) {
      out.push({ from: since, to: at, status });
      since = at;
    }
    status = c.status;
  }
  if (now > since) out.push({ from: since, to: now, status });
  return out;
}

interface DayGrid {
  /** n + 1 instants: each day's start, then the end of today. */
  bounds: number[];
  keys: string[];
  labels: string[];
  /** Per day, the cell of a quiet day (operational all day, nothing happened) and of a day without data: shared
   * by every component, most of whose days are one or the other. */
  quiet: readonly UptimeDay[];
  noData: readonly UptimeDay[];
}

/** Day grids by zone and day: Intl work is the costly part of a day, and it changes once a day. Bounded. */
const grids = new Map<string, DayGrid>();

function dayGrid(today: CivilDate, tz: string, n: number): DayGrid {
  const key = `${tz}|${dateKey(today)}|${n}`;
  let grid = grids.get(key);
  if (!grid) {
    const dates: CivilDate[] = [];
    for (let i = n - 1; i >= 0; i--) dates.push(addDays(today, -i));
    const bounds = dates.map((d) => startOfCivilDay(d, tz));
    bounds.push(startOfCivilDay(addDays(today, 1), tz));
    const keys = dates.map(dateKey);
    const labels = dates.map((d) => formatCivilDate(d));
    const cell = (i: number, status: ComponentStatus | null): UptimeDay =>
      Object.freeze({ date: keys[i]!, label: labels[i]!, status, uptime: status ? 1 : null, incidents: NO_INCIDENTS });
    grid = { bounds, keys, labels, quiet: keys.map((_, i) => cell(i, 'operational')), noData: keys.map((_, i) => cell(i, null)) };
    if (grids.size >= 8) grids.clear();
    grids.set(key, grid);
  }
  return grid;
}

const COMPONENT_STATUS_KEYS = Object.keys(COMPONENT_STATUS_RANK) as ComponentStatus[];

/** Intervals clipped to [from, to], overlapping ones merged, in order. */
function mergedIntervals(list: Segment[], from: number, to: number): { from: number; to: number }[] {
  const clipped = list
    .map((x) => ({ from: Math.max(x.from, from), to: Math.min(x.to, to) }))
    .filter((x) => x.to > x.from)
    .sort((a, b) => a.from - b.from);
  const out: { from: number; to: number }[] = [];
  for (const x of clipped) {
    const last = out[out.length - 1];
    if (last && x.from <= last.to) last.to = Math.max(last.to, x.to);
    else out.push({ ...x });
  }
  return out;
}

/** The pure computation: tests drive it through the database with a controlled clock. */
function computeUptime(input: UptimeInput): Map<string, ComponentUptime> {
  const tz = safeTimeZone(input.timeZone);
  const n = input.days ?? UPTIME_DAYS;
  const { bounds, keys, labels, quiet, noData } = dayGrid(input.lastDay ?? civilDate(input.now, tz), tz, n);
  const windowStart = bounds[0] ?? input.now;
  const now = input.now;
  /** Where observation stops: now, or the end of the window's last day when that is earlier. */
  const end = Math.min(now, bounds[n] ?? now);

  const changesByComponent = new Map<string, StatusChange[]>();
  for (const ch of input.changes) {
    const list = changesByComponent.get(ch.componentId) ?? [];
    list.push(ch);
    changesByComponent.set(ch.componentId, list);
  }
  const incidentsByComponent = new Map<string, UptimeIncident[]>();
  for (const inc of input.incidents) {
    for (const id of inc.componentIds) {
      const list = incidentsByComponent.get(id) ?? [];
      list.push(inc);
      incidentsByComponent.set(id, list);
    }
  }

  /** The index of the day holding instant t (bounds are sorted): -1 before the window, n after it. */
  const dayOf = (t: number): number => {
    if (t < (bounds[0] ?? 0)) return -1;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (t < (bounds[mid + 1] ?? 0)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  /** The first and last index of the days that [from, to) touches (an instant touches its own day); empty when first > last. */
  const daysTouched = (from: number, to: number): [number, number] => {
    const first = Math.max(0, dayOf(from));
    // `to` is exclusive: an interval ending exactly at midnight does not touch the next day.
    const last = Math.min(n - 1, from === to ? dayOf(from) : dayOf(to - 1e-3));
    return [first, last];
  };

  // Per-day work buffers, reused for every component: the days that come out are the only allocation per day.
  const observed = new Float64Array(n);
  const down = new Float64Array(n);
  const worst = new Array<ComponentStatus | null>(n);
  const result = new Map<string, ComponentUptime>();
  for (const c of input.components) {
    const observedFrom = Math.max(windowStart, c.since);
    const segments = timeline(c, changesByComponent.get(c.id) ?? [], windowStart, now);
    const statusSegments = segments.length;
    const related = incidentsByComponent.get(c.id) ?? [];
    for (const m of related) {
      if (m.kind !== 'maintenance' || m.status === 'scheduled') continue;
      const mEnd = Math.min(m.end ?? now, now);
      if (mEnd > m.start) segments.push({ from: m.start, to: mEnd, status: 'under_maintenance' });
    }
    const statusMs: Record<ComponentStatus, number> = { operational: 0, degraded_performance: 0, partial_outage: 0, major_outage: 0, under_maintenance: 0 };

    let totalObserved = 0;
    for (let i = 0; i < n; i++) {
      const ds = Math.max(bounds[i] ?? 0, observedFrom);
      const de = Math.min(bounds[i + 1] ?? 0, now);
      const o = Math.max(0, de - ds);
      observed[i] = o;
      down[i] = 0;
      worst[i] = o > 0 ? 'operational' : null;
      totalObserved += o;
    }

    // Maintenance overlaps the status timeline rather than replacing it: down time comes from the timeline only.
    let totalDown = 0;
    for (let s = 0; s < segments.length; s++) {
      const seg = segments[s]!;
      // Every observed day starts operational with no down time: operational time changes nothing.
      if (seg.status === 'operational') continue;
      const isOverlay = seg.status === 'under_maintenance';
      const isStatus = s < statusSegments;
      const [first, last] = daysTouched(seg.from, seg.to);
      for (let i = first; i <= last; i++) {
        const ds = Math.max(bounds[i] ?? 0, observedFrom);
        const de = Math.min(bounds[i + 1] ?? 0, now);
        const overlap = Math.min(de, seg.to) - Math.max(ds, seg.from);
        if (overlap <= 0) continue;
        worst[i] = worseStatus(worst[i] ?? 'operational', seg.status);
        // The status timeline's segments never overlap each other: their time per status adds up.
        if (isStatus) statusMs[seg.status] += overlap;
        if (!isOverlay) {
          const d = overlap * DOWN_WEIGHT[seg.status];
          down[i]! += d;
          totalDown += d;
        }
      }
    }
    // Maintenance windows (which may overlap each other) name the time the timeline calls operational.
    if (segments.length > statusSegments) {
      const windows = mergedIntervals(segments.slice(statusSegments), observedFrom, end);
      for (let s = 0; s < statusSegments; s++) {
        const seg = segments[s]!;
        if (seg.status !== 'operational') continue;
        for (const w of windows) {
          const overlap = Math.min(seg.to, w.to, end) - Math.max(seg.from, w.from, observedFrom);
          if (overlap > 0) statusMs.under_maintenance += overlap;
        }
      }
    }
    let notOperational = 0;
    for (const k of COMPONENT_STATUS_KEYS) if (k !== 'operational') notOperational += statusMs[k];
    statusMs.operational = Math.max(0, totalObserved - notOperational);

    const dayIncidents = new Map<number, DayIncident[]>();
    for (const inc of related) {
      const end = Math.min(inc.end ?? now, now);
      if (inc.kind === 'maintenance' && inc.status === 'scheduled') continue;
      const [first, last] = daysTouched(inc.start, Math.max(end, inc.start));
      for (let i = first; i <= last; i++) {
        const list = dayIncidents.get(i);
        if (!list) dayIncidents.set(i, [{ id: inc.id, name: inc.name, kind: inc.kind }]);
        else if (!list.some((x) => x.id === inc.id)) list.push({ id: inc.id, name: inc.name, kind: inc.kind });
      }
    }
    const days = new Array<UptimeDay>(n);
    for (let i = 0; i < n; i++) {
      const list = dayIncidents.get(i);
      const status = worst[i] ?? null;
      if (!list && status === 'operational' && down[i] === 0) days[i] = quiet[i]!;
      else if (!list && status === null) days[i] = noData[i]!;
      else {
        const o = observed[i]!;
        days[i] = { date: keys[i]!, label: labels[i]!, status, uptime: o > 0 ? Math.max(0, 1 - down[i]! / o) : null, incidents: list ?? NO_INCIDENTS };
      }
    }

    const first = observedFrom > windowStart ? dayOf(observedFrom) : -1;
    result.set(c.id, {
      componentId: c.id,
      days,
      uptime: totalObserved > 0 ? Math.max(0, 1 - totalDown / totalObserved) : null,
      observedMs: totalObserved,
      statusMs,
      since: first >= 0 && first < n ? { date: keys[first]!, label: labels[first]!.replace(/, \d+$/, ''), days: n - first } : null,
    });
  }
  return result;
}

/** 99.98 for 0.99985: the percentage to two decimals, truncated, never rounded up, so any downtime at all never reads 100. */
export function uptimePercent(fraction: number): number {
  return Math.floor(fraction * 10_000 + 1e-9) / 100;
}

/** "99.98%" ("99,98 %" in German; see uptimePercent): what the bars, the badges and the reports all say. */
export function formatUptime(fraction: number | null, loc: Locale = localeFor(DEFAULT_LANGUAGE)): string {
  if (fraction === null) return loc.t('uptime.noData');
  const hundredths = Math.floor(fraction * 10_000 + 1e-9);
  return loc.percent(hundredths / 10_000);
}

/** Parses a `start_date` (YYYY-MM-DD) as the start of that day in the page's zone. */
function startDateInstant(startDate: string | null, timeZone: string): number | null {
  const m = startDate ? /^(\d{4})-(\d{2})-(\d{2})/.exec(startDate) : null;
  if (!m) return null;
  return startOfCivilDay({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) }, timeZone);
}

/**
 * Loads what the window needs and computes every component's bar. Each query goes through an index and touches
 * only what overlaps the window, so the cost follows the last 90 days, never the whole history. The rows come
 * packed (db/packed-rows.ts): as rows, the driver's per-row cost was most of this function's time.
 */
export async function getUptime(
  deps: Pick<AppDeps, 'db' | 'clock'>,
  opts: {
    days?: number;
    timeZone?: string;
    components?: ComponentJson[];
    /** The window's last day (default today): an uptime report's window ends where it likes, the bars' today. */
    lastDay?: CivilDate;
  } = {},
): Promise<Map<string, ComponentUptime>> {
  const { db } = deps;
  const now = deps.clock.now().getTime();
  const tz = safeTimeZone(opts.timeZone ?? (await getSettings(db)).timeZone);
  const n = opts.days ?? UPTIME_DAYS;
  const lastDay = opts.lastDay ?? civilDate(now, tz);
  const windowStart = startOfCivilDay(addDays(lastDay, -(n - 1)), tz);

  type IncidentRow = [id: string, title: string, kind: 'incident' | 'maintenance', status: string, startedAt: number, resolvedAt: number | null, componentIds: string[]];
  type ChangeRow = [incidentId: string, at: number, code: unknown, from: unknown, to: unknown];
  const [componentRows, incidentRows, changeRows] = await Promise.all([
    // The home page has them already (summary.json's list); anything else reads them here.
    opts.components
      ? opts.components
          .filter((c) => !c.group)
          .map((c) => ({ id: c.id, status: c.status, updatedAt: Date.parse(c.updated_at), createdAt: Date.parse(c.created_at), startDate: c.start_date }))
      : db
          .select({
            id: components.id,
            status: components.status,
            updatedAt: sql<number>`${components.updatedAt}`,
            createdAt: sql<number>`${components.createdAt}`,
            startDate: components.startDate,
          })
          .from(components),
    // Published and overlapping the window: started in it, ended in it, or still open. SQLite answers the OR
    // from incidents_started_idx and incidents_resolved_idx (a multi-index OR), never by scanning history.
    packedRows<IncidentRow>(db, sql`
      select json_group_array(json_array(i.id, i.title, i.kind, i.status, i.started_at, i.resolved_at,
               json((select json_group_array(c.component_id) from ${incidentComponents} c where c.incident_id = i.id)))) as rows
      from ${incidents} i
      where i.published_at is not null and (i.started_at >= ${windowStart} or i.resolved_at >= ${windowStart} or i.resolved_at is null)`),
    // Status changes shown in the window, from published updates of published incidents (json_each unpacks
    // `affected_components`); incident_updates_changes_idx holds only updates that changed a component. Earlier
    // changes add nothing: the status before the window's first change is that change's old status.
    packedRows<ChangeRow>(db, sql`
      select json_group_array(json_array(u.incident_id, u.display_at, json_extract(j.value, '$.code'),
               json_extract(j.value, '$.old_status'), json_extract(j.value, '$.new_status'))) as rows
      from ${incidentUpdates} u join ${incidents} i on i.id = u.incident_id, json_each(u.affected_components) j
      where u.affected_components is not null and u.display_at >= ${windowStart} and u.display_at <= ${now}
        and u.state = 'published' and i.published_at is not null`),
  ]);

  // An incident's components: its links, plus any its updates changed without a link (older data).
  const changed = new Map<string, string[]>();
  const changes: StatusChange[] = [];
  for (const [incidentId, at, code, from, to] of changeRows) {
    if (typeof code !== 'string' || !isComponentStatus(from) || !isComponentStatus(to)) continue;
    changes.push({ at, componentId: code, from, to });
    const list = changed.get(incidentId);
    if (list) list.push(code);
    else changed.set(incidentId, [code]);
  }
  const uptimeIncidents: UptimeIncident[] = incidentRows.map(([id, name, kind, status, startedAt, resolvedAt, linked]) => {
    const more = changed.get(id);
    return {
      id,
      name,
      kind,
      status,
      // A maintenance's started_at is its window's start until it begins, then when it really began.
      start: startedAt,
      end: resolvedAt,
      componentIds: more ? [...new Set([...linked, ...more])] : linked,
    };
  });

  return computeUptime({
    now,
    timeZone: tz,
    days: n,
    lastDay,
    components: componentRows.map((c) => ({
      id: c.id,
      status: c.status,
      updatedAt: Number(c.updatedAt),
      since: startDateInstant(c.startDate, tz) ?? Number(c.createdAt),
    })),
    incidents: uptimeIncidents,
    changes,
  });
}
