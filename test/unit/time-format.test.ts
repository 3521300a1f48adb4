// Calendar days in the page's zone: zoneOffset keeps offsets by hour, and must agree with Intl at every instant,
// across daylight-saving changes, half-hour and quarter-hour zones.
import { describe, expect, it } from 'vitest';
import { civilDate, dateKey, startOfCivilDay, zoneOffset } from '../../api/core/time-format.ts';

const MIN = 60_000;

/** Intl's own answer, computed afresh each time. */
function reference(t: number, timeZone: string): { date: string; offset: number } {
  const p: Record<string, number> = {};
  const f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  for (const x of f.formatToParts(new Date(t))) if (x.type !== 'literal') p[x.type] = Number(x.value);
  const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return { date: `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`, offset: wall - Math.floor(t / 1000) * 1000 };
}

// Each zone with a day on which its offset changes in 2026.
const CHANGES: [string, string][] = [
  ['America/New_York', '2026-03-08T06:00:00Z'],
  ['America/New_York', '2026-11-01T05:00:00Z'],
  ['Europe/London', '2026-03-29T00:00:00Z'],
  ['Australia/Lord_Howe', '2026-04-04T14:00:00Z'],
  ['Pacific/Chatham', '2026-04-04T13:00:00Z'],
  ['Asia/Kathmandu', '2026-06-01T00:00:00Z'],
  // +5:30 → +5:45 at local midnight, 18:30 UTC: a change in the middle of a UTC hour.
  ['Asia/Kathmandu', '1985-12-31T18:30:00Z'],
];

describe('zoneOffset and civilDate', () => {
  it.each(CHANGES)('agree with Intl every 7 minutes for a day around a change in %s', (zone, around) => {
    const mid = Date.parse(around);
    for (let t = mid - 12 * 60 * MIN + 13_457; t < mid + 12 * 60 * MIN; t += 7 * MIN) {
      const want = reference(t, zone);
      expect(zoneOffset(t, zone), `${zone} at ${new Date(t).toISOString()}`).toBe(want.offset);
      expect(dateKey(civilDate(t, zone)), `${zone} at ${new Date(t).toISOString()}`).toBe(want.date);
    }
  });

  it('finds midnight on a 23-hour day', () => {
    const start = startOfCivilDay({ year: 2026, month: 3, day: 8 }, 'America/New_York');
    const next = startOfCivilDay({ year: 2026, month: 3, day: 9 }, 'America/New_York');
    expect(new Date(start).toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(next - start).toBe(23 * 60 * MIN);
  });
});
