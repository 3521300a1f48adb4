// The page's time zone in forms: <input type="datetime-local"> holds wall-clock time there, the API wants UTC.
import { safeTimeZone, zoneOffset } from '../../api/core/time-format.ts';

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** "2026-11-27T14:05" in `timeZone` → the instant; null when the text is not a datetime-local value. */
export function wallTimeToUtc(value: string, timeZone: string): Date | null {
  const m = LOCAL.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m;
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
  if (Number.isNaN(wall)) return null;
  const zone = safeTimeZone(timeZone);
  // Two passes settle the offset at DST edges (the offset at the guess can differ from the offset at the answer).
  let t = wall - zoneOffset(wall, zone);
  t = wall - zoneOffset(t, zone);
  return new Date(t);
}

/** The instant as a datetime-local value in `timeZone` (seconds kept when not zero). */
export function utcToWallTime(t: Date | number, timeZone: string): string {
  const ms = +t;
  const wall = new Date(Math.floor(ms / 1000) * 1000 + zoneOffset(ms, safeTimeZone(timeZone)));
  const iso = wall.toISOString();
  return wall.getUTCSeconds() ? iso.slice(0, 19) : iso.slice(0, 16);
}

/**
 * "14:30", "9:05", "1430", "14.30", "14:30:05" → "14:30" / "09:05" / "14:30:05": one 24-hour format, whatever was
 * typed; anything else comes back as typed (and then fails to read as a time, naming the field).
 */
export function normalizeTime(typed: string): string {
  const m = /^\s*([01]?\d|2[0-3])[:.h]?([0-5]\d)(?:[:.]([0-5]\d))?\s*$/.exec(typed);
  if (!m) return typed.trim();
  const hhmm = `${m[1]!.padStart(2, '0')}:${m[2]}`;
  return m[3] && m[3] !== '00' ? `${hhmm}:${m[3]}` : hhmm;
}

/**
 * A date and time posted by DateTimeField (`<name>:date` = YYYY-MM-DD, `<name>:time` = 24-hour text) as one
 * "YYYY-MM-DDTHH:MM" wall-clock value; a single `<name>` field (scripts, older forms) is read as it is. '' when blank.
 */
export function readWallTime(form: FormData, name: string): string {
  const date = form.get(`${name}:date`);
  const time = form.get(`${name}:time`);
  if (date === null && time === null) {
    const single = form.get(name);
    return typeof single === 'string' ? single.trim() : '';
  }
  const d = typeof date === 'string' ? date.trim() : '';
  const t = typeof time === 'string' ? normalizeTime(time) : '';
  if (!d && !t) return '';
  return `${d}T${t}`;
}
