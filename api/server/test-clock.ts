// A clock for browser tests: the real time plus an offset read from a file, so a test can move the server's "now".
import { readFileSync } from 'node:fs';
import type { Clock } from '../core/deps.ts';

/** How long one read of the file is trusted: many now() calls per request, one read. */
const REREAD_MS = 50;

/**
 * now() = the system time + the integer milliseconds in `path` (0 when the file is missing or not a number).
 * Only for tests (HERALD_CLOCK_OFFSET_FILE): production uses systemClock and never reads a file for the time.
 */
export function fileOffsetClock(path: string): Clock {
  let offset = 0;
  let readAt = -Infinity;
  return {
    now() {
      const real = Date.now();
      if (real - readAt >= REREAD_MS) {
        readAt = real;
        try {
          const n = Number(readFileSync(path, 'utf8').trim());
          offset = Number.isFinite(n) ? n : 0;
        } catch {
          offset = 0;
        }
      }
      return new Date(real + offset);
    },
  };
}
