// How long a rendered public page stays true without any write: until the next midnight in the page's zone
// (the bars and the 14 days move on), or a minute while it shows how long something has been going on.
// The page cache (api/server/page-cache.ts) drops the page at that time and renders it again; the header says when.
import { EXPIRES_HEADER } from '../../api/public/public-paths.ts';
import { nextMidnight } from '../../api/core/time-format.ts';

export function setExpiry(headers: Headers, now: number, timeZone: string, showsRunningTime: boolean): void {
  const until = showsRunningTime ? Math.min(now + 60_000, nextMidnight(now, timeZone)) : nextMidnight(now, timeZone);
  headers.set(EXPIRES_HEADER, new Date(until).toUTCString());
}
