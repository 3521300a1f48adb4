// Headers between a public render and the page cache.

/**
 * A render may say when it stops being true without any write (a page's day bars move on at midnight): the page
 * cache (api/server/page-cache.ts) drops the entry then. The header is ours, never sent on.
 */
export const EXPIRES_HEADER = 'x-herald-expires';
