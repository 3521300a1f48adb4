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

/**
 * The loader once, its promise kept (a failed load is tried again next time). Astro calls `import()` for the page's
 * module and for the actions module on every render; even for a module long loaded, each such call asks the module
 * loader's resolve hooks, and `npm start` registers tsx's, which answer from a thread of their own: two round trips
 * between threads in every uncached render.
 */
function once<T>(load: () => Promise<T> | T): () => Promise<T> {
  let kept: Promise<T> | null = null;
  return () =>
    (kept ??= Promise.resolve(load()).catch((err: unknown) => {
      kept = null;
      throw err;
    }));
}

export function createExports(manifest: SSRManifest): { handler: AstroHandler } {
  if (manifest.pageMap) for (const [component, load] of manifest.pageMap) manifest.pageMap.set(component, once(load));
  if (manifest.actions) manifest.actions = once(manifest.actions);
  if (manifest.middleware) manifest.middleware = once(manifest.middleware);
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
