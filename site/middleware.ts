// Astro middleware: the origin check for console form posts. (Under `astro dev`, api/server/dev-middleware.ts runs
// first and puts the Herald runtime in locals; behind our server, api/server/server.ts passes it.)
import { defineMiddleware } from 'astro:middleware';
import { isSameOriginWrite } from '../api/http/origin-check.ts';

export const onRequest = defineMiddleware((context, next) => {
  const { request } = context;
  // Astro's own checkOrigin compares with the URL Astro sees, which behind our server is http://localhost
  // (no allowedDomains); this check knows PUBLIC_URL. /api/* is left to the API's own csrfGuard.
  if (!context.url.pathname.startsWith('/api/') && !isSameOriginWrite(request.method, request.headers, context.locals.herald.deps.publicUrl)) {
    return new Response('Cross-site form submission refused: the Origin does not match this site.', {
      status: 403,
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    });
  }
  return next();
});
