// Uptime reports: per component over any range of days, uptime %, time per status, incidents, against the SLA target.
// The numbers come from api/public/uptime.ts's computation, the one the public bars use, so that a report for the
// bars' 90 days says exactly what the bars say.
import { components } from '../../db/schema.ts';
import type { ComponentStatus } from '../core/vocabulary.ts';
import type { AppDeps } from '../core/deps.ts';
import { csvDocument } from '../core/csv.ts';
import { getSettings } from '../core/settings.ts';
import { civilDate, dateKey, safeTimeZone, type CivilDate } from '../core/time-format.ts';
import { loadComponents } from '../public/statuspage-read.ts';
import type { ComponentJson } from '../public/statuspage-types.ts';
import { getUptime, uptimePercent, type ComponentUptime } from '../public/uptime.ts';

/** A report covers at most this many days (a leap year). */
export const MAX_REPORT_DAYS = 366;

/** The statuses whose time a report lists (operational is the rest of the observed time). */
const DOWNTIME_STATUSES = ['major_outage', 'partial_outage', 'degraded_performance', 'under_maintenance'] as const satisfies readonly ComponentStatus[];
type DowntimeStatus = (typeof DOWNTIME_STATUSES)[number];

interface UptimeReportComponent {
  id: string;
  name: string;
  group_id: string | null;
  group_name: string | null;
  /** Truncated to two decimals like the bars ("99.98"); null when the component was not observed at all. */
  uptime_percent: number | null;
  /** Minutes the component existed within the range (up to now). */
  observed_minutes: number;
  /** Minutes in each status other than operational, to a tenth of a minute. */
  downtime_minutes: Record<DowntimeStatus, number>;
  /** Incidents that touched the component within the range (ids, oldest first). */
  incidents: string[];
  /** Maintenance that went ahead on it within the range. */
  maintenances: string[];
  sla_target_percent: number | null;
  /** Null without a target or without data. */
  sla_met: boolean | null;
}

export interface UptimeReport {
  from: string;
  to: string;
  time_zone: string;
  days: number;
  generated_at: string;
  components: UptimeReportComponent[];
  /** The names of the incidents and maintenances listed above, by id. */
  incident_names: Record<string, string>;
}

/** A `YYYY-MM-DD` that names a real day, or null. */
export function parseCivilDate(s: string): CivilDate | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return null;
  const d = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  const back = new Date(Date.UTC(d.year, d.month - 1, d.day));
  if (d.year < 1970 || back.getUTCMonth() !== d.month - 1 || back.getUTCDate() !== d.day) return null;
  return d;
}

/** Days from `from` to `to`, both included (0 or less when `to` is before `from`). */
export function daysBetween(from: CivilDate, to: CivilDate): number {
  return Math.round((Date.UTC(to.year, to.month - 1, to.day) - Date.UTC(from.year, from.month - 1, from.day)) / 86_400_000) + 1;
}

/** The default range: the current month so far, in the page's time zone. */
export function currentMonth(now: number, timeZone: string): { from: CivilDate; to: CivilDate } {
  const today = civilDate(now, timeZone);
  return { from: { ...today, day: 1 }, to: today };
}

const minutes = (ms: number) => Math.round(ms / 6_000) / 10;

export interface UptimeReportQuery {
  from: CivilDate;
  to: CivilDate;
  /** Only this component (or, for a group id, its components). */
  componentIds?: string[];
}

/** Builds the report. The caller has checked the range (from ≤ to, at most MAX_REPORT_DAYS). */
export async function buildUptimeReport(deps: Pick<AppDeps, 'db' | 'clock'>, q: UptimeReportQuery): Promise<UptimeReport> {
  const { db } = deps;
  const settings = await getSettings(db);
  const tz = safeTimeZone(settings.timeZone);
  const n = daysBetween(q.from, q.to);
  const [set, targets, uptime] = await Promise.all([
    loadComponents(db, settings.pageId),
    db.select({ id: components.id, target: components.slaTargetPercent }).from(components),
    getUptime(deps, { timeZone: tz, days: n, lastDay: q.to }),
  ]);
  const targetOf = new Map(targets.map((t) => [t.id, t.target]));
  const wanted = q.componentIds ? new Set(q.componentIds) : null;
  const names: Record<string, string> = {};
  // The page's order: each group followed by its components.
  const out = set.list
    .filter((c) => !c.group && (!wanted || wanted.has(c.id)))
    .map((c) => reportRow(c, c.group_id ? (set.byId.get(c.group_id)?.name ?? null) : null, targetOf.get(c.id) ?? null, uptime.get(c.id), names));
  return {
    from: dateKey(q.from),
    to: dateKey(q.to),
    time_zone: tz,
    days: n,
    generated_at: deps.clock.now().toISOString(),
    components: out,
    incident_names: names,
  };
}

function reportRow(c: ComponentJson, groupName: string | null, target: number | null, u: ComponentUptime | undefined, names: Record<string, string>): UptimeReportComponent {
  const incidents: string[] = [];
  const maintenances: string[] = [];
  const seen = new Set<string>();
  for (const d of u?.days ?? []) {
    for (const i of d.incidents) {
      if (seen.has(i.id)) continue;
      seen.add(i.id);
      names[i.id] = i.name;
      (i.kind === 'maintenance' ? maintenances : incidents).push(i.id);
    }
  }
  const fraction = u?.uptime ?? null;
  const downtime = Object.fromEntries(DOWNTIME_STATUSES.map((s) => [s, minutes(u?.statusMs[s] ?? 0)])) as Record<DowntimeStatus, number>;
  return {
    id: c.id,
    name: c.name,
    group_id: c.group_id,
    group_name: groupName,
    uptime_percent: fraction === null ? null : uptimePercent(fraction),
    observed_minutes: minutes(u?.observedMs ?? 0),
    downtime_minutes: downtime,
    incidents,
    maintenances,
    sla_target_percent: target,
    // Against the exact fraction: a truncated 99.99 may still have met 99.99.
    sla_met: target === null || fraction === null ? null : fraction * 100 >= target - 1e-9,
  };
}

/** The report as CSV: one row per component. */
export function uptimeReportCsv(report: UptimeReport): string {
  const header = [
    'component_id',
    'component',
    'group',
    'from',
    'to',
    'uptime_percent',
    'sla_target_percent',
    'sla_met',
    'observed_minutes',
    ...DOWNTIME_STATUSES.map((s) => `${s}_minutes`),
    'incident_count',
    'incidents',
    'maintenance_count',
  ];
  const num = (v: number | null) => (v === null ? '' : String(v));
  const rows = report.components.map((c) => [
    c.id,
    c.name,
    c.group_name ?? '',
    report.from,
    report.to,
    c.uptime_percent === null ? '' : c.uptime_percent.toFixed(2),
    num(c.sla_target_percent),
    c.sla_met === null ? '' : c.sla_met ? 'yes' : 'no',
    String(c.observed_minutes),
    ...DOWNTIME_STATUSES.map((s) => String(c.downtime_minutes[s])),
    String(c.incidents.length),
    c.incidents.map((id) => report.incident_names[id] ?? id).join('; '),
    String(c.maintenances.length),
  ]);
  return csvDocument(header, rows);
}
