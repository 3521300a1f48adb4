// What a <time> element shows for a moment in the page's time zone: Time.astro renders it, and lists with many
// times (the home page's past incidents) write the element themselves, which renders several times faster than
// a component instance per time.
import { escapeHtml } from '../../api/core/html.ts';
import { civilDate, formatDate, formatDateTime, formatTime, iso } from '../../api/core/time-format.ts';

/** full date and time, time only, or date only */
export type TimeFormat = 'full' | 'time' | 'date';

export interface TimeParts {
  datetime: string;
  /** `data-f` for the layout's optional script that restates times in the reader's zone. */
  f: 'f' | 't' | undefined;
  text: string;
}

export function timeParts(at: string | Date | number, tz: string, f: TimeFormat = 'full'): TimeParts {
  const d = at instanceof Date ? at : new Date(at);
  const text = f === 'time' ? formatTime(d, tz) : f === 'date' ? formatDate(d, tz) : formatDateTime(d, tz);
  return { datetime: iso(d), f: f === 'date' ? undefined : f === 'time' ? 't' : 'f', text };
}

/** A start and, when there is one, its end: the end's time alone when both fall on the same day in the page's zone. */
export function spanParts(start: Date, end: Date | null, tz: string): TimeParts[] {
  const from = timeParts(start, tz);
  if (!end) return [from];
  const a = civilDate(start.getTime(), tz);
  const b = civilDate(end.getTime(), tz);
  const sameDay = a.year === b.year && a.month === b.month && a.day === b.day;
  return [from, timeParts(end, tz, sameDay ? 'time' : 'full')];
}

/** The <time> element itself, for pages that build HTML as a string. */
export function timeHtml(t: TimeParts): string {
  return `<time datetime="${t.datetime}"${t.f ? ` data-f="${t.f}"` : ''}>${escapeHtml(t.text)}</time>`;
}
