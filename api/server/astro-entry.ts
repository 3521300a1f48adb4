// The built app's server entry (dist/server/entry.mjs), in place of @astrojs/node's own (astro.config.mjs sets it):
// the same `handler(req, res, next?, locals?)` as the adapter's middleware mode, written with NodeApp's documented
// createRequest / render / writeResponse, without the AsyncLocalStorage the adapter wraps each render in. That one
// only names the URL in a log line about an unhandled rejection, but its first use turns on async hooks for the
// whole process, after which every socket, write, timer and promise pays for them, cache hits included: 0.9 µs of
// a cached answer's 15 (test/bench/log-cost.ts), and the renders' promises too.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SSRManifest } from 'astro';
import { applyPolyfills, NodeApp } from 'astro/app/node';
import { setGetEnv } from 'astro/env/setup';
import type { AstroHandler } from './astro-render.ts';

applyPolyfills();
setGetEnv((key) => process.env[key]);

/** No error page is prerendered here; never fetch one over the network. */
const noPrerenderedErrorPage = async () => new Response(null, { status: 404 });

export function createExports(manifest: SSRManifest): { handler: AstroHandler } {
  const app = new NodeApp(manifest, true);
  const logger = app.getAdapterLogger();
  const handler: AstroHandler = async (req: IncomingMessage, res: ServerResponse, next, locals) => {
    try {
      const request = NodeApp.createRequest(req, { allowedDomains: app.getAllowedDomains?.() ?? [] });
      const routeData = app.match(request, true);
      if (!routeData) {
        if (next) return next();
        await NodeApp.writeResponse(await app.render(request, { addCookieHeader: true, prerenderedErrorPageFetch: noPrerenderedErrorPage }), res);
        return;
      }
      const response = await app.render(request, { addCookieHeader: true, locals, routeData, prerenderedErrorPageFetch: noPrerenderedErrorPage });
      await NodeApp.writeResponse(response, res);
    } catch (err) {
      logger.error(`Could not render ${req.url?.split('?')[0] ?? '/'}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      if (!res.headersSent) {
        res.writeHead(500, 'Server error');
        res.end();
      }
    }
  };
  return { handler };
}
