// Renders a public page, feed or /api/v2 document for an anonymous reader: what the page cache keeps and the export writes.
import { renderAstroPage, type AstroHandler } from './astro-render.ts';
import type { RenderedPage } from './page-cache.ts';
import { isBadgePath, isHistoryPath, isHonoCacheablePath } from '../public/public-paths.ts';
import type { Runtime } from './runtime.ts';

/** The not-found page's key: rendered like any public page, answered with 404. */
export const NOT_FOUND_KEY = '/404';

const PLAIN_NOT_FOUND: RenderedPage = {
  status: 404,
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  body: new TextEncoder().encode('Not found.\n'),
};

async function responseToPage(res: Response): Promise<RenderedPage> {
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return { status: res.status, headers, body: new Uint8Array(await res.arrayBuffer()) };
}

/** What a badge's `?label=` may be at most in a key (the route refuses more than 64 characters with a 400). */
const MAX_KEY_LABEL = 256;

/**
 * A badge's key: its path and the options it reads, in one spelling (api/public/badge-routes.ts): `style` and
 * `theme` only when not the default, `label` as given (the route cleans and bounds it). Unknown values of style
 * and theme are the default, as the route takes them.
 */
function badgeCacheKey(path: string, query: string): string {
  const params = new URLSearchParams(query);
  const out = new URLSearchParams();
  const label = params.get('label');
  if (label !== null) out.set('label', label.slice(0, MAX_KEY_LABEL));
  if (params.get('style') === 'flat-square') out.set('style', 'flat-square');
  if (params.get('theme') === 'dark') out.set('theme', 'dark');
  const canonical = out.toString();
  return canonical ? `${path}?${canonical}` : path;
}

/**
 * A key the reader's own text is part of (a badge's label): kept apart from the pages, in the cache's small LRU of
 * made-up addresses, so that any number of labels can never push a page out.
 */
export const isReaderTextKey = (key: string): boolean => key.includes('?label=');

/**
 * The cache key of a public GET: its path, and of its query only what the page reads (the history's page
 * number, a badge's options, in one canonical spelling). Anything else in a query string (`?cb=123`, tracking
 * tags) names the same page, so it can neither force a render nor add an entry to the cache.
 */
export function publicCacheKey(path: string, query: string): string {
  if (query && isBadgePath(path)) return badgeCacheKey(path, query);
  if (!query || !isHistoryPath(path)) return path;
  const page = new URLSearchParams(query).get('page');
  if (page === null || page === '1') return path;
  // Any other spelling is a page that does not exist: one key for all of them (the page answers 404).
  return /^[1-9]\d{0,5}$/.test(page) ? `${path}?page=${page}` : `${path}?page=0`;
}

export type PublicRenderer = (key: string) => Promise<RenderedPage>;

/**
 * `key` is a path with its query. Feeds and /api/v2 come from the Hono app, pages from Astro with no actor;
 * a path Astro has no route for gets the not-found page.
 */
export function createPublicRenderer(runtime: Runtime, astro: AstroHandler | null): PublicRenderer {
  const { deps, app, config } = runtime;
  const locals = { herald: { deps, app, actor: null } };
  const render = async (key: string): Promise<RenderedPage> => {
    const path = key.split('?', 1)[0] ?? '/';
    if (isHonoCacheablePath(path)) return responseToPage(await app.fetch(new Request(config.publicUrl + key)));
    if (!astro) return PLAIN_NOT_FOUND;
    const page = await renderAstroPage(astro, { target: key, publicUrl: config.publicUrl, locals });
    // Astro answers a direct request for its 404 route with 200 or 404 depending on the page; ours is always 404.
    if (key === NOT_FOUND_KEY) return page ? { ...page, status: 404 } : PLAIN_NOT_FOUND;
    return page ?? render(NOT_FOUND_KEY);
  };
  return render;
}
