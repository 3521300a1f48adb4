// Times and calendar days in the page's time zone: day boundaries for the uptime bars and history, and display text
// in a language (Intl does the wording: "Nov 27, 2026, 14:05 UTC", "2. Dezember 2026 um 03:01 MEZ", "2 hours, 15 minutes").

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** How a language writes times: what formatting needs from it (api/core/i18n makes one per language). */
export interface TimeLocale {
  /** The Intl locale: "en-US", "de", "pt-BR". */
  intl: string;
  /** The month in dates: "Nov 27, 2026" (short) or "27. November 2026" (long). */
  month: 'short' | 'long';
  /** What a duration under a minute reads as. */
  lessThanAMinute: string;
}

/** English as the console and the API's texts write it (the default of every function here). */
const ENGLISH_TIME: TimeLocale = { intl: 'en-US', month: 'short', lessThanAMinute: 'less than a minute' };

/** Intl formatters are costly to build; pages format hundreds of times per render. Bounded. */
const formatterCache = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string, key: string, options: Intl.DateTimeFormatOptions, intl = 'en-US'): Intl.DateTimeFormat {
  const cacheKey = `${intl}|${timeZone}|${key}`;
  let f = formatterCache.get(cacheKey);
  if (!f) {
    f = new Intl.DateTimeFormat(intl, { ...options, timeZone });
    if (formatterCache.size >= 500) formatterCache.clear();
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

/** "Nov 27, 2026" (a civil date, no zone shift: it is already the page's date); the month as the language writes it when long. */
export function formatCivilDate(d: CivilDate, style: 'short' | 'long' = 'short', loc: TimeLocale = ENGLISH_TIME): string {
  const month = style === 'long' ? 'long' : loc.month;
  const f = formatter('Etc/UTC', `date-${month}`, { year: 'numeric', month, day: 'numeric' }, loc.intl);
  return f.format(new Date(Date.UTC(d.year, d.month - 1, d.day)));
}

/** "Nov 27": a day within a window whose year goes without saying (the uptime bars; short in every language, they are dense). */
export function formatDayMonth(d: CivilDate, loc: TimeLocale = ENGLISH_TIME): string {
  return formatter('Etc/UTC', 'daymonth-short', { month: 'short', day: 'numeric' }, loc.intl).format(new Date(Date.UTC(d.year, d.month - 1, d.day)));
}

/** A formatter's parts per civil date, kept: the uptime bars of 50 components list the same 90 days again and again
 * (formatToParts per day was most of a busy home page's formatting time). Bounded by the days a page can show. */
const partsCaches = new WeakMap<Intl.DateTimeFormat, Map<number, Intl.DateTimeFormatPart[]>>();
function partsCache(f: Intl.DateTimeFormat): Map<number, Intl.DateTimeFormatPart[]> {
  let parts = partsCaches.get(f);
  if (!parts || parts.size > 2_000) {
    parts = new Map();
    partsCaches.set(f, parts);
  }
  return parts;
}

/**
 * Days listed by month, each month named once: "Sep 7, 13, 23; Oct 14" ("7., 13., 23. Sept.; 14. Okt.",
 * "9月7日、13日、23日、10月14日"). A long list of days reads faster so, and weighs less on a page. The month is
 * short: these lists are dense (the uptime bars' titles).
 */
export function formatDaysByMonth(days: readonly CivilDate[], loc: TimeLocale, daySeparator: string, monthSeparator: string): string {
  const f = formatter('Etc/UTC', 'daymonth-short', { month: 'short', day: 'numeric' }, loc.intl);
  const groups: CivilDate[][] = [];
  for (const d of days) {
    const last = groups[groups.length - 1];
    if (last && last[0]!.year === d.year && last[0]!.month === d.month) last.push(d);
    else groups.push([d]);
  }
  const parts = partsCache(f);
  const partsOf = (d: CivilDate) => {
    const key = d.year * 400 + d.month * 32 + d.day;
    let p = parts.get(key);
    if (!p) {
      p = f.formatToParts(new Date(Date.UTC(d.year, d.month - 1, d.day)));
      parts.set(key, p);
    }
    return p;
  };
  return groups
    .map((group) => {
      const first = partsOf(group[0]!);
      const at = first.findIndex((p) => p.type === 'day');
      if (at < 0) return group.map((d) => f.format(new Date(Date.UTC(d.year, d.month - 1, d.day)))).join(daySeparator);
      // What sticks to the day's number ("7." in German, "7日" in Japanese) goes with each day; the rest stays once.
      const next = first[at + 1];
      const suffix = next?.type === 'literal' ? (/^[^\s]*/.exec(next.value)?.[0] ?? '') : '';
      const days = group.map((d) => (partsOf(d).find((p) => p.type === 'day')?.value ?? String(d.day)) + suffix).join(daySeparator);
      return first.map((p, i) => (i === at ? days : i === at + 1 && suffix ? p.value.slice(suffix.length) : p.value)).join('');
    })
    .join(monthSeparator);
}

/**
 * "Nov 22 – 25", "22.–25. Nov.", "22 nov. – 1 déc.", "11/22～11/25": a run of days as the language writes a range,
 * in parts that say which end each belongs to (so a page can mark each end up as a <time>). With `withYear`, both
 * ends carry their year (a run across New Year). Thin spaces as plain ones, as formatMonthRange does.
 */
export function formatDayRangeToParts(first: CivilDate, last: CivilDate, withYear: boolean, loc: TimeLocale = ENGLISH_TIME): { value: string; source: 'startRange' | 'endRange' | 'shared' }[] {
  const f = withYear
    ? formatter('Etc/UTC', 'date-short', { year: 'numeric', month: 'short', day: 'numeric' }, loc.intl)
    : formatter('Etc/UTC', 'daymonth-short', { month: 'short', day: 'numeric' }, loc.intl);
  const at = (d: CivilDate) => new Date(Date.UTC(d.year, d.month - 1, d.day));
  return f.formatRangeToParts(at(first), at(last)).map((p) => ({ value: p.value.replace(/\u2009/g, ' '), source: p.source }));
}

/** "November 2026". */
export function formatMonth(d: CivilDate, loc: TimeLocale = ENGLISH_TIME): string {
  return formatter('Etc/UTC', 'month', { year: 'numeric', month: 'long' }, loc.intl).format(new Date(Date.UTC(d.year, d.month - 1, 1)));
}

/** "June – September 2026": a run of months, as the language writes a range (the year once when it is one year). */
export function formatMonthRange(first: CivilDate, last: CivilDate, loc: TimeLocale = ENGLISH_TIME): string {
  const f = formatter('Etc/UTC', 'month', { year: 'numeric', month: 'long' }, loc.intl);
  // ICU sets the dash between thin spaces; plain ones read the same and match the page's other ranges.
  return f.formatRange(new Date(Date.UTC(first.year, first.month - 1, 1)), new Date(Date.UTC(last.year, last.month - 1, 1))).replace(/\u2009/g, ' ');
}

/** "Nov 27, 2026, 14:05 UTC" in the page's zone, with the zone's short name so no reader has to guess. */
export function formatDateTime(t: number | Date, timeZone: string, loc: TimeLocale = ENGLISH_TIME): string {
  const f = formatter(
    timeZone,
    `datetime-${loc.month}`,
    { year: 'numeric', month: loc.month, day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' },
    loc.intl,
  );
  return f.format(typeof t === 'number' ? new Date(t) : t);
}

/** "14:05 UTC": for times on a day that is already shown. */
export function formatTime(t: number | Date, timeZone: string, loc: TimeLocale = ENGLISH_TIME): string {
  const f = formatter(timeZone, 'time', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' }, loc.intl);
  return f.format(typeof t === 'number' ? new Date(t) : t);
}

/** "Nov 27, 2026" of an instant, in the page's zone. */
export function formatDate(t: number | Date, timeZone: string, loc: TimeLocale = ENGLISH_TIME): string {
  return formatCivilDate(civilDate(typeof t === 'number' ? t : t.getTime(), timeZone), 'short', loc);
}

const unitFormats = new Map<string, { day: Intl.NumberFormat; hour: Intl.NumberFormat; minute: Intl.NumberFormat; list: Intl.ListFormat }>();

function unitFormat(intl: string) {
  let u = unitFormats.get(intl);
  if (!u) {
    const unit = (name: string) => new Intl.NumberFormat(intl, { style: 'unit', unit: name, unitDisplay: 'long' });
    u = { day: unit('day'), hour: unit('hour'), minute: unit('minute'), list: new Intl.ListFormat(intl, { type: 'unit', style: 'long' }) };
    if (unitFormats.size >= 50) unitFormats.clear();
    unitFormats.set(intl, u);
  }
  return u;
}

/**
 * "2 hours, 15 minutes", "3 days, 4 hours", "12 minutes", "less than a minute": how long something lasted, in the
 * language's words for the units (Intl). site/public/local-time.js keeps a running one current the same way.
 */
export function formatDuration(ms: number, loc: TimeLocale = ENGLISH_TIME): string {
  const m = Math.floor(Math.max(0, ms) / MINUTE);
  if (m < 1) return loc.lessThanAMinute;
  const days = Math.floor(m / (24 * 60));
  const hours = Math.floor((m % (24 * 60)) / 60);
  const minutes = m % 60;
  const u = unitFormat(loc.intl);
  const out: string[] = [];
  // No-break spaces keep each number with its unit when a line wraps.
  const keep = (s: string) => s.replace(/ /g, '\u00a0');
  if (days) out.push(keep(u.day.format(days)));
  if (hours) out.push(keep(u.hour.format(hours)));
  if (minutes && !days) out.push(keep(u.minute.format(minutes)));
  return u.list.format(out);
}

/** ISO-8601 for `<time datetime>`. */
export function iso(t: number | Date): string {
  return (typeof t === 'number' ? new Date(t) : t).toISOString();
}

/** The next midnight in `timeZone` after `t`: when day-based content (uptime bars, the last 14 days) changes by itself. */
export function nextMidnight(t: number, timeZone: string): number {
  return startOfCivilDay(addDays(civilDate(t, timeZone), 1), timeZone);
}

/**
 * "Europe/Berlin (GMT+1)", "Europe/Berlin (MEZ)" in German, or "UTC": how a page names the zone its times are in, at
 * instant `t`, with the zone's short name as the page's times write it.
 */
export function formatZone(t: number | Date, timeZone: string, loc: TimeLocale = ENGLISH_TIME): string {
  const zone = safeTimeZone(timeZone);
  if (zone === 'Etc/UTC' || zone === 'UTC' || zone === 'Etc/GMT') return 'UTC';
  const f = formatter(zone, 'zone', { timeZoneName: 'short' }, loc.intl);
  const short = f.formatToParts(typeof t === 'number' ? new Date(t) : t).find((p) => p.type === 'timeZoneName')?.value ?? zone;
  return short === zone ? zone : `${zone.replace(/_/g, ' ')} (${short})`;
}

/** "GMT+01:00", "GMT-07:00", "GMT+00:00": a zone's offset from UTC at instant `t`. */
export function zoneOffsetName(t: number | Date, timeZone: string): string {
  const f = formatter(safeTimeZone(timeZone), 'offset', { timeZoneName: 'longOffset' });
  return f.formatToParts(typeof t === 'number' ? new Date(t) : t).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
}
