// Astro middleware: the origin check for console form posts, and under `astro dev` the Herald runtime in locals.
import { defineMiddleware } from 'astro:middleware';
import { isSameOriginWrite } from '../api/http/origin-check.ts';
import { isHonoPath } from '../api/public/public-paths.ts';
import { resolvePageActor } from '../api/identity/authenticate.ts';

export const onRequest = defineMiddleware(async (context, next) => {
  let setCookie: string | null = null;
  // Our server (api/server/server.ts) always sets locals.herald; only `astro dev` arrives here without it,
  // so the production path pays one property check and never loads the dev module.
  if (!(context.locals as Partial<App.Locals>).herald) {
    const { devRuntime } = await import('../api/server/dev-runtime.ts');
    const runtime = await devRuntime();
    const page = await resolvePageActor(runtime.deps, context.request.headers.get('cookie'));
    // Feeds and /healthz live in the Hono app outside /api; under astro dev nothing else routes them.
    if (isHonoPath(context.url.pathname) && !context.url.pathname.startsWith('/api/')) return runtime.app.fetch(context.request);
    context.locals.herald = { deps: runtime.deps, app: runtime.app, actor: page.actor };
    setCookie = page.setCookie;
  }
  const { request } = context;
  // Astro's own checkOrigin compares with the URL Astro sees, which behind our server is http://localhost
  // (no allowedDomains); this check knows PUBLIC_URL. /api/* is left to the API's own csrfGuard.
  if (!context.url.pathname.startsWith('/api/') && !isSameOriginWrite(request.method, request.headers, context.locals.herald.deps.publicUrl)) {
    return new Response('Cross-site form submission refused: the Origin does not match this site.', {
      status: 403,
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    });
  }
  const response = await next();
  if (!setCookie) return response;
  const headers = new Headers(response.headers);
  headers.append('Set-Cookie', setCookie);
  // A new Response: some (redirects) have immutable headers.
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
});
