// Which request paths the Hono app answers, which public GETs are served from the page cache, and the header
// a public response names its own expiry in.

/** Feeds and calendar files: answered by the Hono app (api/public/feed-routes.ts), outside /api. */
const FEED = /^\/(?:history\.(?:rss|atom)|components\/[^/]+\/history\.(?:rss|atom)|maintenance\.ics)$/;

/** Paths the Hono app answers (everything else is Astro's or a static file). */
export function isHonoPath(path: string): boolean {
  return path === '/healthz' || path === '/api' || path.startsWith('/api/') || FEED.test(path);
}

/** Public pages rendered by Astro: identical for every reader, so cacheable. */
const PUBLIC_PAGE = /^\/(?:|history|incidents\/[^/]+|incidents\/[^/]+\/postmortem)$/;

/** Public, anonymous GETs whose bytes are the same for everyone: served from the page cache. */
export function isCacheablePath(path: string): boolean {
  return PUBLIC_PAGE.test(path) || FEED.test(path) || /^\/api\/v2\/[a-z0-9/_-]+\.json$/.test(path);
}

/** Cacheable paths that the Hono app renders (the rest of the cacheable ones are Astro pages). */
export function isHonoCacheablePath(path: string): boolean {
  return FEED.test(path) || path.startsWith('/api/v2/');
}

/** A public response's own expiry (day bars move on at midnight): the page cache drops it then; never sent to clients. */
export const EXPIRES_HEADER = 'x-herald-expires';
