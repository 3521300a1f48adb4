// `npm run dev` (astro dev) only, added by astro.config.mjs: our server is not in front, so this puts the Herald
// runtime and the signed-in actor in locals, and hands the Hono app the paths it answers outside /api.
import { defineMiddleware } from 'astro:middleware';
import { resolvePageActor } from '../identity/authenticate.ts';
import { devRuntime } from './dev-runtime.ts';
import { isHonoPath } from '../public/public-paths.ts';

export const onRequest = defineMiddleware(async (context, next) => {
  const runtime = await devRuntime();
  const page = await resolvePageActor(runtime.deps, context.request.headers.get('cookie'));
  // Feeds and /healthz live in the Hono app outside /api; under astro dev nothing else routes them.
  if (isHonoPath(context.url.pathname) && !context.url.pathname.startsWith('/api/')) return runtime.app.fetch(context.request);
  context.locals.herald = { deps: runtime.deps, app: runtime.app, actor: page.actor };
  const response = await next();
  if (!page.setCookie) return response;
  const headers = new Headers(response.headers);
  headers.append('Set-Cookie', page.setCookie);
  // A new Response: some (redirects) have immutable headers.
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
});
