// Times and calendar days in the page's time zone: day boundaries for the uptime bars and history, and display text.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Intl formatters are costly to build; pages format hundreds of times per render. */
const formatterCache = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string, key: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const cacheKey = `${timeZone}|${key}`;
  let f = formatterCache.get(cacheKey);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { ...options, timeZone });
    formatterCache.set(cacheKey, f);
  }
  return f;
}

const knownZones = new Map<string, boolean>();

/** A zone Intl accepts, falling back to UTC so that a bad setting never breaks the page. */
export function safeTimeZone(timeZone: string | null | undefined): string {
  if (!timeZone) return 'Etc/UTC';
  let ok = knownZones.get(timeZone);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone });
      ok = true;
    } catch {
      ok = false;
    }
    // Bounded: a page has one zone; a flood of bad names must not grow this.
    if (knownZones.size < 100) knownZones.set(timeZone, ok);
  }
  return ok ? timeZone : 'Etc/UTC';
}

/** The calendar date in `timeZone`: what "today" means to the page's readers. */
export interface CivilDate {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
}

function parts(t: number, timeZone: string): Record<string, number> {
  const f = formatter(timeZone, 'parts', {
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const out: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(t))) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out;
}

function exactOffset(t: number, timeZone: string): number {
  const p = parts(t, timeZone);
  const wall = Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
  return wall - Math.floor(t / 1000) * 1000;
}

/**
 * Offsets by zone and UTC hour. A zone changes its offset at most once within an hour, so an hour that starts
 * and ends on the same offset has it throughout; Intl's formatToParts, the costly part of every date a page
 * shows, then runs twice per zone and hour instead of once per date. Bounded.
 */
const offsetsByZone = new Map<string, Map<number, number>>();

/** Milliseconds to add to UTC to get the wall-clock time in `timeZone` at instant `t`. */
export function zoneOffset(t: number, timeZone: string): number {
  const hour = Math.floor(t / HOUR);
  let offsets = offsetsByZone.get(timeZone);
  const known = offsets?.get(hour);
  if (known !== undefined) return known;
  const offset = exactOffset(hour * HOUR, timeZone);
  // A change within this very hour: this instant's own offset, not kept.
  if (offset !== exactOffset((hour + 1) * HOUR - 1, timeZone)) return exactOffset(t, timeZone);
  if (!offsets || offsets.size >= 10_000) {
    if (offsetsByZone.size >= 100) offsetsByZone.clear();
    offsets = new Map();
    offsetsByZone.set(timeZone, offsets);
  }
  offsets.set(hour, offset);
  return offset;
}

export function civilDate(t: number, timeZone: string): CivilDate {
  const wall = new Date(t + zoneOffset(t, timeZone));
  return { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate() };
}

/** The instant a civil date's midnight happens in `timeZone` (two passes settle DST edges). */
export function startOfCivilDay(d: CivilDate, timeZone: string): number {
  const wall = Date.UTC(d.year, d.month - 1, d.day);
  let t = wall - zoneOffset(wall, timeZone);
  t = wall - zoneOffset(t, timeZone);
  return t;
}

/** The civil date `n` days after `d` (n may be negative). */
export function addDays(d: CivilDate, n: number): CivilDate {
  const u = new Date(Date.UTC(d.year, d.month - 1, d.day) + n * DAY);
  return { year: u.getUTCFullYear(), month: u.getUTCMonth() + 1, day: u.getUTCDate() };
}

/** The first day of the month `n` months after `d`'s month. */
export function addMonths(d: CivilDate, n: number): CivilDate {
  const index = d.year * 12 + (d.month - 1) + n;
  return { year: Math.floor(index / 12), month: (index % 12) + 1, day: 1 };
}

/** `YYYY-MM-DD`, a stable key for a civil date. */
export function dateKey(d: CivilDate): string {
  return `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

/** `YYYY-MM`, a stable key for a month. */
export function monthKey(d: CivilDate): string {
  return `${d.year}-${String(d.month).padStart(2, '0')}`;
}

/** "Nov 27, 2026" (a civil date, no zone shift: it is already the page's date). */
export function formatCivilDate(d: CivilDate, style: 'short' | 'long' = 'short'): string {
  const f = formatter('Etc/UTC', `date-${style}`, {
    year: 'numeric',
    month: style === 'long' ? 'long' : 'short',
    day: 'numeric',
  });
  return f.format(new Date(Date.UTC(d.year, d.month - 1, d.day)));
}

/** "November 2026". */
export function formatMonth(d: CivilDate): string {
  return formatter('Etc/UTC', 'month', { year: 'numeric', month: 'long' }).format(new Date(Date.UTC(d.year, d.month - 1, 1)));
}

/** "Nov 27, 2026, 14:05 UTC" in the page's zone, with the zone's short name so no reader has to guess. */
export function formatDateTime(t: number | Date, timeZone: string): string {
  const f = formatter(timeZone, 'datetime', {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  });
  return f.format(typeof t === 'number' ? new Date(t) : t);
}

/** "14:05 UTC": for times on a day that is already shown. */
export function formatTime(t: number | Date, timeZone: string): string {
  const f = formatter(timeZone, 'time', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' });
  return f.format(typeof t === 'number' ? new Date(t) : t);
}

/** "Nov 27, 2026" of an instant, in the page's zone. */
export function formatDate(t: number | Date, timeZone: string): string {
  return formatCivilDate(civilDate(typeof t === 'number' ? t : t.getTime(), timeZone));
}

/** "2 h 15 min", "3 days 4 h", "12 min", "less than a minute": how long something lasted. */
export function formatDuration(ms: number): string {
  const m = Math.floor(Math.max(0, ms) / MINUTE);
  if (m < 1) return 'less than a minute';
  const days = Math.floor(m / (24 * 60));
  const hours = Math.floor((m % (24 * 60)) / 60);
  const minutes = m % 60;
  const out: string[] = [];
  // No-break spaces keep each number with its unit when a line wraps.
  if (days) out.push(days === 1 ? '1\u00a0day' : `${days}\u00a0days`);
  if (hours) out.push(`${hours}\u00a0h`);
  if (minutes && !days) out.push(`${minutes}\u00a0min`);
  return out.join(' ');
}

/** ISO-8601 for `<time datetime>`. */
export function iso(t: number | Date): string {
  return (typeof t === 'number' ? new Date(t) : t).toISOString();
}

/** The next midnight in `timeZone` after `t`: when day-based content (uptime bars, the last 14 days) changes by itself. */
export function nextMidnight(t: number, timeZone: string): number {
  return startOfCivilDay(addDays(civilDate(t, timeZone), 1), timeZone);
}

/** "Europe/Berlin (GMT+1)", or "UTC": how a page names the zone its times are in, at instant `t`. */
export function formatZone(t: number | Date, timeZone: string): string {
  const zone = safeTimeZone(timeZone);
  const f = formatter(zone, 'zone', { timeZoneName: 'short' });
  const short = f.formatToParts(typeof t === 'number' ? new Date(t) : t).find((p) => p.type === 'timeZoneName')?.value ?? zone;
  if (zone === 'Etc/UTC' || zone === 'UTC' || zone === 'Etc/GMT') return 'UTC';
  return short === zone ? zone : `${zone.replace(/_/g, ' ')} (${short})`;
}

/** "GMT+01:00", "GMT-07:00", "GMT+00:00": a zone's offset from UTC at instant `t`. */
export function zoneOffsetName(t: number | Date, timeZone: string): string {
  const f = formatter(safeTimeZone(timeZone), 'offset', { timeZoneName: 'longOffset' });
  return f.formatToParts(typeof t === 'number' ? new Date(t) : t).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
}
