// Which request paths the Hono app answers, which public GETs are served from the page cache, and the header
// a public response names its own expiry in. Public pages and feeds exist once per language: `/history` in the
// page's default language, `/de/history` in German (only the shipped languages' prefixes are paths at all).
import { LANGUAGE_TAGS } from '../core/i18n/locale.ts';

/** An optional `/<tag>` of a shipped language. */
const LANG = `(?:/(?:${LANGUAGE_TAGS.map((t) => t.replace(/[-]/g, '\\-')).join('|')}))?`;

/** Feeds and calendar files: answered by the Hono app (api/public/feed-routes.ts), outside /api. */
const FEED = new RegExp(`^${LANG}/(?:history\\.(?:rss|atom)|components/[^/]+/history\\.(?:rss|atom)|maintenance\\.ics)$`);

/** Badges (api/public/badge-routes.ts) and the widget's script (api/public/embed-routes.ts): the Hono app's too. */
const BADGE = /^\/(?:badge\.svg|components\/[^/]+\/(?:badge|uptime)\.svg|embed\.js)$/;

/** The badges alone: the only Hono-rendered public documents that read their query (style, theme, label). */
export const isBadgePath = (path: string): boolean => path.endsWith('.svg') && BADGE.test(path);

/** Paths the Hono app answers (everything else is Astro's or a static file). */
export function isHonoPath(path: string): boolean {
  return path === '/healthz' || path === '/api' || path.startsWith('/api/') || FEED.test(path) || BADGE.test(path);
}

/** Public pages rendered by Astro: identical for every reader, so cacheable (`/de` is `/de/`; /embed is in the default language only). */
const PUBLIC_PAGE = new RegExp(`^(?:${LANG}/(?:|history|incidents/[^/]+|incidents/[^/]+/postmortem)|/(?:${LANGUAGE_TAGS.join('|')})|/embed)$`);

/** The history (`/history`, `/de/history`): the one public page that reads its query (`?page=N`). */
const HISTORY = new RegExp(`^${LANG}/history$`);

export function isHistoryPath(path: string): boolean {
  return HISTORY.test(path);
}

/** Public, anonymous GETs whose bytes are the same for everyone: served from the page cache. */
export function isCacheablePath(path: string): boolean {
  return PUBLIC_PAGE.test(path) || FEED.test(path) || BADGE.test(path) || /^\/api\/v2\/[a-z0-9/_-]+\.json$/.test(path);
}

/** Cacheable paths that the Hono app renders (the rest of the cacheable ones are Astro pages). */
export function isHonoCacheablePath(path: string): boolean {
  return FEED.test(path) || BADGE.test(path) || path.startsWith('/api/v2/');
}

/** A public response's own expiry (day bars move on at midnight): the page cache drops it then; never sent to clients. */
export const EXPIRES_HEADER = 'x-herald-expires';
