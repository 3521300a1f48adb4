// The same-origin rule for cookie-authenticated writes, judged alike for API calls and console form posts.
import { SESSION_COOKIE } from '../core/actor.ts';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * True when the request may proceed: a safe method, an Origin that is this site's (the public URL or the
 * Host it was sent to), or — with no Origin — Sec-Fetch-Site same-origin/none, or no session cookie at all.
 */
export function isSameOriginWrite(method: string, headers: Headers, publicUrl: string): boolean {
  if (SAFE.has(method.toUpperCase())) return true;
  const origin = headers.get('origin');
  if (origin && origin !== 'null') {
    const allowed = new Set<string>();
    try {
      allowed.add(new URL(publicUrl).origin);
    } catch {
      // PUBLIC_URL is validated at start
    }
    const host = headers.get('host');
    if (host) {
      allowed.add(`http://${host}`);
      allowed.add(`https://${host}`);
    }
    return allowed.has(origin);
  }
  const fetchSite = headers.get('sec-fetch-site');
  if (fetchSite) return fetchSite === 'same-origin' || fetchSite === 'none';
  if (origin === 'null') return false;
  const cookie = headers.get('cookie') ?? '';
  return !cookie.split(';').some((part) => part.trim().startsWith(`${SESSION_COOKIE}=`));
}
