// What a <time> element shows for a moment in the page's time zone and language: Time.astro renders it, and lists
// with many times (the home page's past incidents) write the element themselves, which renders several times faster
// than a component instance per time.
import { escapeHtml } from '../../api/core/html.ts';
import { civilDate, formatDate, formatDateTime, formatTime, iso, type TimeLocale } from '../../api/core/time-format.ts';

/** full date and time, time only, or date only */
export type TimeFormat = 'full' | 'time' | 'date';

export interface TimeParts {
  datetime: string;
  /** `data-f` for the layout's optional script that restates times in the reader's zone. */
  f: 'f' | 't' | undefined;
  text: string;
}

export function timeParts(at: string | Date | number, tz: string, f: TimeFormat, loc: TimeLocale): TimeParts {
  const d = at instanceof Date ? at : new Date(at);
  const text = f === 'time' ? formatTime(d, tz, loc) : f === 'date' ? formatDate(d, tz, loc) : formatDateTime(d, tz, loc);
  return { datetime: iso(d), f: f === 'date' ? undefined : f === 'time' ? 't' : 'f', text };
}

/** Whether two instants fall on one day in the page's zone (an end on the start's day shows its time alone). */
export function sameDay(a: Date | number, b: Date | number, tz: string): boolean {
  const x = civilDate(typeof a === 'number' ? a : a.getTime(), tz);
  const y = civilDate(typeof b === 'number' ? b : b.getTime(), tz);
  return x.year === y.year && x.month === y.month && x.day === y.day;
}

/** A start and, when there is one, its end: the end's time alone when both fall on the same day in the page's zone. */
export function spanParts(start: Date, end: Date | null, tz: string, loc: TimeLocale): TimeParts[] {
  const from = timeParts(start, tz, 'full', loc);
  if (!end) return [from];
  return [from, timeParts(end, tz, sameDay(start, end, tz) ? 'time' : 'full', loc)];
}

/** The <time> element itself, for pages that build HTML as a string. */
export function timeHtml(t: TimeParts): string {
  return `<time datetime="${t.datetime}"${t.f ? ` data-f="${t.f}"` : ''}>${escapeHtml(t.text)}</time>`;
}

/** A <time> element as a message value (`loc.html('home.updated', { time: timeValue(...) })`). */
export function timeValue(at: string | Date | number, tz: string, loc: TimeLocale, f: TimeFormat = 'full'): { html: string } {
  return { html: timeHtml(timeParts(at, tz, f, loc)) };
}
