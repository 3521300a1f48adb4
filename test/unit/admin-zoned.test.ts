// One date and time format in the console's forms: a date and a 24-hour time, read back in the page's zone.
import { describe, expect, it } from 'vitest';
import { normalizeTime, readWallTime, utcToWallTime, wallTimeToUtc } from '../../admin/lib/zoned.ts';
import { zoneOffsetName } from '../../api/core/time-format.ts';

const form = (entries: [string, string][]) => {
  const f = new FormData();
  for (const [k, v] of entries) f.append(k, v);
  return f;
};

describe('24-hour times', () => {
  it('reads what people type as one format', () => {
    expect(normalizeTime('14:30')).toBe('14:30');
    expect(normalizeTime('9:05')).toBe('09:05');
    expect(normalizeTime('1430')).toBe('14:30');
    expect(normalizeTime('14.30')).toBe('14:30');
    expect(normalizeTime('14:30:00')).toBe('14:30');
    expect(normalizeTime('14:30:05')).toBe('14:30:05');
    expect(normalizeTime('2:30 PM')).toBe('2:30 PM');
    expect(normalizeTime('25:00')).toBe('25:00');
  });

  it('joins the date and time fields, and keeps a single field for scripts', () => {
    expect(readWallTime(form([['publish_at:date', '2026-12-02'], ['publish_at:time', '9:05']]), 'publish_at')).toBe('2026-12-02T09:05');
    expect(readWallTime(form([['publish_at:date', ''], ['publish_at:time', '']]), 'publish_at')).toBe('');
    expect(readWallTime(form([['publish_at', '2026-12-02T09:05']]), 'publish_at')).toBe('2026-12-02T09:05');
    // A time without a date cannot be read as an instant: the form names the field.
    expect(wallTimeToUtc(readWallTime(form([['publish_at:date', ''], ['publish_at:time', '14:30']]), 'publish_at'), 'Etc/UTC')).toBeNull();
    expect(wallTimeToUtc(readWallTime(form([['x:date', '2026-12-02'], ['x:time', '2:30 PM']]), 'x'), 'Etc/UTC')).toBeNull();
    expect(wallTimeToUtc('2026-12-02T14:30', 'Europe/Berlin')?.toISOString()).toBe('2026-12-02T13:30:00.000Z');
  });

  it('shows an instant in minutes, in the page zone', () => {
    expect(utcToWallTime(Date.UTC(2026, 11, 2, 13, 30), 'Europe/Berlin')).toBe('2026-12-02T14:30');
  });

  it('names each zone with its offset for the settings list', () => {
    expect(zoneOffsetName(Date.UTC(2026, 11, 2), 'Europe/Berlin')).toBe('GMT+01:00');
    expect(zoneOffsetName(Date.UTC(2026, 6, 2), 'America/Los_Angeles')).toBe('GMT-07:00');
    expect(zoneOffsetName(Date.UTC(2026, 6, 2), 'Etc/UTC')).toMatch(/^GMT(\+00:00)?$/);
  });
});
