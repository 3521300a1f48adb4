// The browser tests' clock: system time plus the offset in a file, re-read as the file changes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fileOffsetClock } from '../../api/server/test-clock.ts';
import { readConfig } from '../../api/server/config.ts';

const dir = mkdtempSync(join(tmpdir(), 'herald-clock-'));
afterEach(() => vi.useRealTimers());

describe('fileOffsetClock', () => {
  it('adds the offset in the file and follows changes to it', () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 1, 12), toFake: ['Date'] });
    const file = join(dir, 'offset');
    writeFileSync(file, String(30 * 60_000));
    const clock = fileOffsetClock(file);
    expect(clock.now().toISOString()).toBe('2026-01-01T12:30:00.000Z');
    writeFileSync(file, '-60000\n');
    vi.setSystemTime(Date.UTC(2026, 0, 1, 12, 0, 1));
    expect(clock.now().toISOString()).toBe('2026-01-01T11:59:01.000Z');
    rmSync(file);
    vi.setSystemTime(Date.UTC(2026, 0, 1, 12, 0, 2));
    expect(clock.now().toISOString()).toBe('2026-01-01T12:00:02.000Z');
    rmSync(dir, { recursive: true, force: true });
  });

  it('is off unless HERALD_CLOCK_OFFSET_FILE is set', () => {
    expect(readConfig({}).clockOffsetFile).toBeUndefined();
    expect(readConfig({ HERALD_CLOCK_OFFSET_FILE: '/tmp/x' }).clockOffsetFile).toBe('/tmp/x');
  });
});
