// The one listener: static files and cached public pages from memory, /api and feeds to the Hono app,
// everything else (the console, form posts) to Astro's handler with the signed-in actor in locals.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { getRequestListener, type HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { readContentVersion } from '../audit/audit.ts';
import type { AstroHandler } from './astro-render.ts';
import { answerFromBody, rawHeader, writeFromBody, type RequestFacts, type StoredBody } from './http-body.ts';
import { PageCache, RenderQueueFull } from './page-cache.ts';
import { createPublicRenderer, isReaderTextKey, NOT_FOUND_KEY, publicCacheKey } from './public-render.ts';
import { isCacheablePath, isHonoPath } from '../public/public-paths.ts';
import { resolvePageActor } from '../identity/authenticate.ts';
import type { Runtime } from './runtime.ts';
import { systemClock } from '../core/deps.ts';
import type { StaticFile } from './static-files.ts';

/** For a CDN and browsers: fresh for a second (a published update shows within one), then served stale while
 * revalidating (a 304 with the ETag), and kept for a day if this server is down: the worst hour is when it matters. */
const PUBLIC_CACHE_CONTROL = 'public, max-age=1, stale-while-revalidate=30, stale-if-error=86400';
const PRIVATE_CACHE_CONTROL = 'no-store';

/**
 * Methods anything here answers. Others (TRACE, TRACK, CONNECT...) get a 405 before they reach Astro or Hono,
 * whose Request constructor refuses them (a 500 otherwise).
 */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const ALLOW = [...METHODS].join(', ');

/** Astro's image endpoint (sharp, fetching `href`): injected by the node adapter, unused here, so never reached. */
const isImageEndpoint = (path: string) => path === '/_image' || path.startsWith('/_image/');

const UNSAFE = (method: string) => method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';

export interface HeraldServerOptions {
  runtime: Runtime;
  astro: AstroHandler | null;
  staticFiles: Map<string, StaticFile>;
  log: (line: string) => void;
  logRequests: boolean;
  pollMs?: number;
  maxEntries?: number;
}

export interface HeraldServer {
  cache: PageCache;
  fetch(request: Request, env: HttpBindings): Response | Promise<Response>;
  listen(port: number, host: string): Promise<Server>;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), stops polling. */
  close(graceMs?: number): Promise<void>;
}

function facts(incoming: IncomingMessage): RequestFacts {
  const sent = incoming.rawHeaders;
  return {
    method: incoming.method ?? 'GET',
    acceptEncoding: rawHeader(sent, 'accept-encoding'),
    ifNoneMatch: rawHeader(sent, 'if-none-match'),
  };
}

export async function createHeraldServer(opts: HeraldServerOptions): Promise<HeraldServer> {
  const { runtime, astro, staticFiles, log } = opts;
  const { deps, app } = runtime;
  const render = createPublicRenderer(runtime, astro);

  const cache = new PageCache({
    render,
    readVersion: () => readContentVersion(deps.db),
    pollMs: opts.pollMs,
    maxEntries: opts.maxEntries,
    cacheableStatus: (key, status) => (status === 200 && !isReaderTextKey(key)) || (key === NOT_FOUND_KEY && status === 404),
    // Unknown incidents, components and history pages, and badges with a label of the reader's choosing: rendered
    // once each, kept apart, never evicting a page.
    negativeStatus: (key, status) => status === 404 || (status === 200 && isReaderTextKey(key)),
    // Asked on every hit (entries that expire): the system clock's time without making a Date each time.
    now: deps.clock === systemClock ? Date.now : () => deps.clock.now().getTime(),
    log,
  });
  await cache.start();

  function answer(body: StoredBody, incoming: IncomingMessage): Response {
    // A failed render (5xx) must not be kept downstream either; a 404 is as public as the page would be.
    return answerFromBody(body, facts(incoming), body.status < 500 ? PUBLIC_CACHE_CONTROL : PRIVATE_CACHE_CONTROL);
  }

  async function notFound(incoming: IncomingMessage): Promise<Response> {
    const { body } = await cache.get(NOT_FOUND_KEY);
    return answerFromBody(body, facts(incoming), PRIVATE_CACHE_CONTROL);
  }

  async function toAstro(incoming: IncomingMessage, outgoing: ServerResponse, method: string): Promise<Response> {
    if (!astro) return notFound(incoming);
    const page = await resolvePageActor(deps, incoming.headers.cookie);
    // The console and anything personal: never stored by a browser or a CDN.
    outgoing.setHeader('Cache-Control', PRIVATE_CACHE_CONTROL);
    if (page.setCookie) outgoing.setHeader('Set-Cookie', page.setCookie);
    if (UNSAFE(method)) {
      // A form post may have written: re-read the content version before the answer (often a redirect to a
      // public page) leaves, so that the next page this reader asks for is fresh.
      const end = outgoing.end.bind(outgoing) as (...args: unknown[]) => ServerResponse;
      outgoing.end = ((...args: unknown[]) => {
        cache
          .checkVersion()
          .catch(() => undefined)
          .finally(() => end(...args));
        return outgoing;
      }) as ServerResponse['end'];
    }
    let noRoute = false;
    await astro(incoming, outgoing, () => {
      noRoute = true;
    }, { herald: { deps, app, actor: page.actor, clientAddress: incoming.socket.remoteAddress } });
    if (noRoute) {
      outgoing.removeHeader('Cache-Control');
      outgoing.removeHeader('Set-Cookie');
      return notFound(incoming);
    }
    return RESPONSE_ALREADY_SENT;
  }

  async function toHono(request: Request, env: HttpBindings, method: string, path: string): Promise<Response> {
    const res = await app.fetch(request, env);
    if (UNSAFE(method)) await cache.checkVersion();
    // Signed-in API answers (/api/v1, /api/auth) are personal: never kept by a browser or a CDN.
    if (path.startsWith('/api/') && !path.startsWith('/api/v2/') && !res.headers.has('cache-control')) {
      try {
        res.headers.set('cache-control', PRIVATE_CACHE_CONTROL);
      } catch {
        // an immutable Response (a redirect) keeps its own headers
      }
    }
    return res;
  }

  function dispatch(request: Request, env: HttpBindings): Response | Promise<Response> {
    const { incoming, outgoing } = env;
    const method = incoming.method ?? 'GET';
    const raw = incoming.url ?? '/';
    const q = raw.indexOf('?');
    const path = q < 0 ? raw : raw.slice(0, q);
    if (!METHODS.has(method)) {
      return new Response('Method not allowed.\n', { status: 405, headers: { allow: ALLOW, 'content-type': 'text/plain; charset=utf-8', 'cache-control': PRIVATE_CACHE_CONTROL } });
    }
    if (isImageEndpoint(path)) return notFound(incoming);
    if (method === 'GET' || method === 'HEAD') {
      const file = staticFiles.get(path);
      if (file) return answerFromBody(file.body, facts(incoming), file.cacheControl);
      if (isCacheablePath(path)) {
        const key = q < 0 ? path : publicCacheKey(path, raw.slice(q + 1));
        // The hot path: a hit is answered synchronously, without touching the Request object or Astro.
        const hit = cache.peek(key);
        if (hit) return answer(hit, incoming);
        return cache.get(key).then(
          ({ body }) => answer(body, incoming),
          (err: unknown) => {
            if (!(err instanceof RenderQueueFull)) throw err;
            return new Response('Busy: try again in a moment.\n', { status: 503, headers: { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '1', 'cache-control': PRIVATE_CACHE_CONTROL } });
          },
        );
      }
    }
    if (isHonoPath(path)) return toHono(request, env, method, path);
    return toAstro(incoming, outgoing, method);
  }

  /**
   * One line per request: the path only (query strings can carry one-time tokens), status and time in 0.1 ms. A hit
   * (answerHit) says `hit` in place of the time: it is written from memory in microseconds, and timing it took two
   * clock reads and the number's formatting, 2% of the hit's CPU.
   */
  function logLine(method: string, path: string, status: number, started: number): void {
    const tenths = Math.round((performance.now() - started) * 10);
    log(`${method} ${path} ${status} ${(tenths / 10) | 0}.${tenths % 10}ms`);
  }

  const pathOf = (url: string | undefined) => {
    const raw = url ?? '/';
    const q = raw.indexOf('?');
    return q < 0 ? raw : raw.slice(0, q);
  };

  function fetch(request: Request, env: HttpBindings): Response | Promise<Response> {
    const started = opts.logRequests ? performance.now() : 0;
    let result: Response | Promise<Response>;
    try {
      result = dispatch(request, env);
    } catch (err) {
      log(`error ${env.incoming.method} ${(env.incoming.url ?? '/').split('?')[0]}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      result = new Response('Internal server error.\n', { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' } });
    }
    if (result instanceof Promise) {
      const settled = result.catch((err: unknown) => {
        log(`error ${env.incoming.method} ${(env.incoming.url ?? '/').split('?')[0]}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        if (env.outgoing.headersSent) return RESPONSE_ALREADY_SENT;
        return new Response('Internal server error.\n', { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' } });
      });
      if (!opts.logRequests) return settled;
      return settled.then((res) => {
        logLine(env.incoming.method ?? 'GET', pathOf(env.incoming.url), res === RESPONSE_ALREADY_SENT ? env.outgoing.statusCode : res.status, started);
        return res;
      });
    }
    if (opts.logRequests) logLine(env.incoming.method ?? 'GET', pathOf(env.incoming.url), result.status, started);
    return result;
  }

  /**
   * The hot path, before any Request or Response object exists: a GET or HEAD of a static file or of a page in the
   * cache is written straight onto the socket from bytes and headers made once. Returns false for everything else
   * (a miss, another method, the console, the API), which goes through @hono/node-server to `fetch` below.
   */
  function answerHit(req: IncomingMessage, res: ServerResponse): boolean {
    const method = req.method;
    if (method !== 'GET' && method !== 'HEAD') return false;
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const path = q < 0 ? raw : raw.slice(0, q);
    let body: StoredBody | undefined;
    let cacheControl: string;
    const file = staticFiles.get(path);
    if (file) {
      body = file.body;
      cacheControl = file.cacheControl;
    } else {
      // Only cacheable keys are ever stored, so a hit needs no path check; a query is canonicalized first.
      if (path === NOT_FOUND_KEY || (q >= 0 && !isCacheablePath(path))) return false;
      body = cache.peek(q < 0 ? path : publicCacheKey(path, raw.slice(q + 1)));
      if (!body) return false;
      cacheControl = body.status < 500 ? PUBLIC_CACHE_CONTROL : PRIVATE_CACHE_CONTROL;
    }
    const sent = req.rawHeaders;
    const status = writeFromBody(body, method, rawHeader(sent, 'accept-encoding'), rawHeader(sent, 'if-none-match'), res, cacheControl);
    if (opts.logRequests) log(hitLine(method, path, status));
    return true;
  }

  // The last hit's log line, reused while method, path and status repeat (a page in demand): nothing is built.
  let lastMethod = '';
  let lastPath = '';
  let lastStatus = 0;
  let lastLine = '';
  function hitLine(method: string, path: string, status: number): string {
    if (status !== lastStatus || path !== lastPath || method !== lastMethod) {
      lastMethod = method;
      lastPath = path;
      lastStatus = status;
      lastLine = `${method} ${path} ${status} hit`;
    }
    return lastLine;
  }

  let server: Server | null = null;

  return {
    cache,
    fetch,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        const toHonoListener = getRequestListener(fetch as (request: Request, env: unknown) => Response | Promise<Response>, { hostname: host });
        const s = createServer((req, res) => {
          let answered = false;
          try {
            answered = answerHit(req, res);
          } catch (err) {
            log(`error ${req.method} ${pathOf(req.url)}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
            if (res.headersSent) {
              res.destroy();
              return;
            }
          }
          if (!answered) void toHonoListener(req, res);
        });
        s.once('error', reject);
        s.listen(port, host, () => resolve(s));
        server = s;
      });
    },
    async close(graceMs = 10_000) {
      cache.stop();
      const s = server;
      if (!s) return;
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        // Idle keep-alive sockets would hold close() open; busy ones finish their request first.
        s.closeIdleConnections();
        const deadline = setTimeout(() => s.closeAllConnections(), graceMs);
        deadline.unref();
        // A connection whose request just finished becomes idle; close it then (busy ones are left alone).
        const poll = setInterval(() => s.closeIdleConnections(), 50);
        poll.unref();
        s.once('close', () => {
          clearInterval(poll);
          clearTimeout(deadline);
        });
      });
    },
  };
}
