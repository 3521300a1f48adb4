// Countdown text for targets and the next update ("due in 12 min", "MISSED 5 min ago"): the server renders it, a script keeps it live.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A span for a person in a hurry: "45 s", "4 min 30 s" (seconds matter in the last ten minutes),
 * "25 min", "1 h 5 min", "2 d 3 h". Always rounded down, so a countdown never shows more time than is left.
 */
export function formatSpan(ms: number): string {
  const t = Math.max(0, Math.floor(ms / SECOND) * SECOND);
  if (t < MINUTE) return `${t / SECOND} s`;
  if (t < 10 * MINUTE) {
    const m = Math.floor(t / MINUTE);
    const s = (t % MINUTE) / SECOND;
    return s ? `${m} min ${s} s` : `${m} min`;
  }
  if (t < HOUR) return `${Math.floor(t / MINUTE)} min`;
  if (t < DAY) {
    const h = Math.floor(t / HOUR);
    const m = Math.floor((t % HOUR) / MINUTE);
    return m ? `${h} h ${m} min` : `${h} h`;
  }
  const d = Math.floor(t / DAY);
  const h = Math.floor((t % DAY) / HOUR);
  return h ? `${d} d ${h} h` : `${d} d`;
}

export type CountdownKind = 'target' | 'update';
type CountdownState = 'upcoming' | 'now' | 'late';

export interface Countdown {
  text: string;
  state: CountdownState;
}

/**
 * A due time seen at `now`. Exactly at the due time is still on time (as in api/incidents/incident-timing.ts);
 * a target past due is "MISSED", an update past due is "OVERDUE" — in capitals, so it reads loud without colour.
 */
export function countdown(kind: CountdownKind, due: Date | number, now: Date | number): Countdown {
  const diff = +due - +now;
  if (diff > 0) return { text: `due in ${formatSpan(diff)}`, state: 'upcoming' };
  if (diff > -SECOND) return { text: 'due now', state: 'now' };
  const late = formatSpan(-diff);
  return kind === 'target' ? { text: `MISSED ${late} ago`, state: 'late' } : { text: `OVERDUE by ${late}`, state: 'late' };
}

/** A target that was met: "met after 3 min" or, when met late, "met late, 4 min after the target". */
export function metText(due: Date | number, metAt: Date | number, startedAt: Date | number): Countdown {
  const late = +metAt - +due;
  if (late > 0) return { text: `met late, ${formatSpan(late)} after the target`, state: 'late' };
  return { text: `met after ${formatSpan(+metAt - +startedAt)}`, state: 'upcoming' };
}

/** "started 1 h 5 min ago". */
export function ageText(startedAt: Date | number, now: Date | number): string {
  return `${formatSpan(+now - +startedAt)} ago`;
}
