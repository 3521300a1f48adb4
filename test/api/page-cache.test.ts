// The page cache: ETag/304, gzip/brotli negotiation, invalidation through the content version, LRU bound,
// single-flight; and the same through the real listener on a real database.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bumpContentVersion } from '../../api/audit/audit.ts';
import { answerFromBody, chooseEncoding, rawHeader, storeBody } from '../../api/server/http-body.ts';
import { createHeraldServer, type HeraldServer } from '../../api/server/http-server.ts';
import { PageCache, type RenderedPage } from '../../api/server/page-cache.ts';
import { readConfig } from '../../api/server/config.ts';
import { loadStaticFiles } from '../../api/server/static-files.ts';
import { bearer, json, makeTestApp, userWithSession, type TestApp } from '../support/app.ts';

const html = (text: string): RenderedPage => ({
  status: 200,
  headers: { 'content-type': 'text/html' },
  body: new TextEncoder().encode(`<!doctype html><title>t</title><p>${text}</p>${'<p>padding so that compression pays</p>'.repeat(20)}`),
});

function fakeSource() {
  const state = { version: 1, renders: 0, text: 'first' as string, status: 200, gate: null as Promise<void> | null };
  const cache = new PageCache({
    render: async (key) => {
      state.renders++;
      if (state.gate) await state.gate;
      return { ...html(`${key} ${state.text}`), status: state.status };
    },
    readVersion: async () => state.version,
    maxEntries: 3,
    pollMs: 10_000,
  });
  return { state, cache };
}

const facts = (h: { ae?: string; inm?: string; method?: string } = {}) => ({ method: h.method ?? 'GET', acceptEncoding: h.ae, ifNoneMatch: h.inm });

describe('answers from a stored body', () => {
  it('sends a strong ETag, and 304 for a matching If-None-Match in any encoding', async () => {
    const body = await storeBody(200, { 'content-type': 'text/html; charset=utf-8' }, html('x').body);
    const first = answerFromBody(body, facts(), 'public, max-age=1');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(first.headers.get('cache-control')).toBe('public, max-age=1');
    expect(first.headers.get('vary')).toBe('Accept-Encoding');
    expect(answerFromBody(body, facts({ inm: etag }), 'x').status).toBe(304);
    const gz = answerFromBody(body, facts({ ae: 'gzip' }), 'x').headers.get('etag')!;
    expect(gz).not.toBe(etag);
    expect(answerFromBody(body, facts({ inm: gz }), 'x').status).toBe(304);
    expect(answerFromBody(body, facts({ inm: `W/${etag}` }), 'x').status).toBe(304);
    expect(answerFromBody(body, facts({ inm: '"other", ' + etag }), 'x').status).toBe(304);
    expect(answerFromBody(body, facts({ inm: '"other"' }), 'x').status).toBe(200);
    const notModified = answerFromBody(body, facts({ inm: etag }), 'x');
    expect(notModified.headers.get('etag')).toBe(etag);
    expect(await notModified.text()).toBe('');
  });

  it("reads a request header from node:http's raw list in any case, repeated lines joined as node:http joins them", () => {
    const raw = ['Host', 'example.test', 'ACCEPT-ENCODING', 'identity;q=0', 'X-Other', 'gzip', 'accept-encoding', 'br'];
    expect(rawHeader(raw, 'accept-encoding')).toBe('identity;q=0, br');
    expect(rawHeader(raw, 'if-none-match')).toBeUndefined();
    expect(rawHeader(['If-None-Match', '"a"'], 'if-none-match')).toBe('"a"');
  });

  it('negotiates brotli, gzip or identity from Accept-Encoding, q-values included', async () => {
    const body = await storeBody(200, { 'content-type': 'text/html' }, html('x').body);
    expect(chooseEncoding(undefined, body)).toBe('identity');
    expect(chooseEncoding('gzip, deflate, br', body)).toBe('br');
    expect(chooseEncoding('gzip', body)).toBe('gzip');
    expect(chooseEncoding('br;q=0, gzip', body)).toBe('gzip');
    expect(chooseEncoding('gzip;q=0.5, br;q=0.4', body)).toBe('gzip');
    expect(chooseEncoding('*', body)).toBe('br');
    expect(chooseEncoding('*;q=0', body)).toBe('identity');
    expect(chooseEncoding('identity', body)).toBe('identity');

    const br = answerFromBody(body, facts({ ae: 'br' }), 'x');
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(brotliDecompressSync(Buffer.from(await br.arrayBuffer())).equals(body.identity)).toBe(true);
    const gz = answerFromBody(body, facts({ ae: 'gzip' }), 'x');
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).equals(body.identity)).toBe(true);
    expect(Number(gz.headers.get('content-length'))).toBeLessThan(body.identity.length);
  });

  it('does not compress images or tiny bodies, and answers HEAD without a body', async () => {
    const png = await storeBody(200, { 'content-type': 'image/png' }, new Uint8Array(4096));
    expect(png.gzip).toBeNull();
    expect(answerFromBody(png, facts({ ae: 'br' }), 'x').headers.get('vary')).toBeNull();
    const tiny = await storeBody(200, { 'content-type': 'text/plain' }, new TextEncoder().encode('ok'));
    expect(tiny.br).toBeNull();
    const head = answerFromBody(await storeBody(200, { 'content-type': 'text/html' }, html('x').body), facts({ method: 'HEAD' }), 'x');
    expect(await head.text()).toBe('');
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(0);
  });
});

describe('PageCache', () => {
  it('renders once for many concurrent misses of one key', async () => {
    const { state, cache } = fakeSource();
    await cache.start();
    let open!: () => void;
    state.gate = new Promise((r) => (open = r));
    const all = Promise.all(Array.from({ length: 50 }, () => cache.get('/')));
    open();
    const results = await all;
    expect(state.renders).toBe(1);
    expect(new Set(results.map((r) => r.body)).size).toBe(1);
    await cache.get('/');
    expect(state.renders).toBe(1);
    cache.stop();
  });

  it('drops everything when the content version moves, and only then', async () => {
    const { state, cache } = fakeSource();
    await cache.start();
    const before = (await cache.get('/')).body;
    await cache.checkVersion();
    expect((await cache.get('/')).body).toBe(before);
    expect(state.renders).toBe(1);
    state.version = 2;
    state.text = 'second';
    await cache.checkVersion();
    const after = (await cache.get('/')).body;
    expect(state.renders).toBe(2);
    expect(after.identity.toString()).toContain('second');
    expect(after.hash).not.toBe(before.hash);
    cache.stop();
  });

  it('answers but never keeps a render that began before an invalidation', async () => {
    const { state, cache } = fakeSource();
    await cache.start();
    let open!: () => void;
    state.gate = new Promise((r) => (open = r));
    const pending = cache.get('/');
    state.version = 2;
    await cache.checkVersion();
    open();
    expect((await pending).stored).toBe(false);
    state.gate = null;
    await cache.get('/');
    expect(state.renders).toBe(2);
    cache.stop();
  });

  it('keeps only 200s', async () => {
    const { state, cache } = fakeSource();
    await cache.start();
    state.status = 404;
    expect((await cache.get('/incidents/nope')).stored).toBe(false);
    await cache.get('/incidents/nope');
    expect(state.renders).toBe(2);
    expect(cache.stats().entries).toBe(0);
    cache.stop();
  });

  it('forgets a render that failed, so that the next request tries again', async () => {
    let fail = true;
    let renders = 0;
    const cache = new PageCache({
      render: async () => {
        renders++;
        if (fail) throw new Error('boom');
        return html('ok');
      },
      readVersion: async () => 1,
      pollMs: 10_000,
    });
    await cache.start();
    await expect(cache.get('/')).rejects.toThrow('boom');
    fail = false;
    expect((await cache.get('/')).stored).toBe(true);
    expect(renders).toBe(2);
    cache.stop();
  });

  it('renders again once a page says it has stopped being true (x-herald-expires), and never sends that header on', async () => {
    let now = Date.UTC(2026, 0, 1, 23, 59);
    const midnight = Date.UTC(2026, 0, 2);
    let renders = 0;
    const cache = new PageCache({
      render: async () => {
        renders++;
        const page = html(`render ${renders}`);
        return { ...page, headers: { ...page.headers, 'x-herald-expires': new Date(midnight).toUTCString() } };
      },
      readVersion: async () => 1,
      pollMs: 10_000,
      now: () => now,
    });
    await cache.start();
    const first = await cache.get('/');
    expect(first.body.headers['x-herald-expires']).toBeUndefined();
    await cache.get('/');
    expect(renders).toBe(1);
    now = midnight;
    expect(cache.peek('/')).toBeUndefined();
    await cache.get('/');
    expect(renders).toBe(2);
    expect(cache.stats().entries).toBe(1);
    cache.stop();
  });

  it('keeps answers kept apart (negativeStatus) until they say they stop being true, like pages', async () => {
    let now = Date.UTC(2026, 0, 1, 23, 59);
    const midnight = Date.UTC(2026, 0, 2);
    let renders = 0;
    const cache = new PageCache({
      render: async () => {
        renders++;
        const page = html(`render ${renders}`);
        return { ...page, headers: { ...page.headers, 'x-herald-expires': new Date(midnight).toUTCString() } };
      },
      readVersion: async () => 1,
      pollMs: 10_000,
      cacheableStatus: (key) => !key.includes('?label='),
      negativeStatus: (key) => key.includes('?label='),
      now: () => now,
    });
    await cache.start();
    await cache.get('/badge.svg?label=mine');
    await cache.get('/badge.svg?label=mine');
    expect(renders).toBe(1);
    expect(cache.stats()).toMatchObject({ entries: 0, negatives: 1 });
    now = midnight;
    expect(cache.peek('/badge.svg?label=mine')).toBeUndefined();
    await cache.get('/badge.svg?label=mine');
    expect(renders).toBe(2);
    cache.stop();
  });

  it('is bounded: least recently used entries go first', async () => {
    const { state, cache } = fakeSource();
    await cache.start();
    for (const k of ['/a', '/b', '/c']) await cache.get(k);
    cache.peek('/a'); // now /b is the least recently used
    await cache.get('/d');
    expect(cache.stats().entries).toBe(3);
    expect(cache.peek('/b')).toBeUndefined();
    expect(cache.peek('/a')).toBeDefined();
    for (let i = 0; i < 100; i++) await cache.get(`/incidents/${i}`);
    expect(cache.stats().entries).toBe(3);
    expect(state.renders).toBe(104);
    cache.stop();
  });
});

function rawGet(base: string, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
    const req = httpRequest(base + path, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the listener with its cache, on a real database', () => {
  let t: TestApp;
  let server: HeraldServer;
  let base: string;
  let auth: Record<string, string>;
  let assets: string;
  const logged: string[] = [];

  beforeAll(async () => {
    t = await makeTestApp();
    const owner = await userWithSession(t, 'owner');
    auth = await bearer(t, owner.id, 'write');
    const config = readConfig({ PORT: '0' });
    assets = mkdtempSync(join(tmpdir(), 'herald-assets-'));
    mkdirSync(join(assets, '_astro'));
    writeFileSync(join(assets, '_astro', 'site.AbC123.css'), 'body{color:#123}'.repeat(40));
    writeFileSync(join(assets, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    server = await createHeraldServer({
      runtime: { config, database: t.database, deps: t.deps, app: t.app },
      astro: null,
      staticFiles: await loadStaticFiles(assets),
      log: (line) => logged.push(line),
      logRequests: true,
      pollMs: 100,
    });
    const listening = await server.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await server.close(1000);
    t.close();
    rmSync(assets, { recursive: true, force: true });
  });

  it('serves /api/v2 JSON with ETag, 304, gzip and brotli, and renders once', async () => {
    const first = await rawGet(base, '/api/v2/summary.json');
    expect(first.status).toBe(200);
    expect(first.headers['access-control-allow-origin']).toBe('*');
    expect(first.headers['content-type']).toMatch(/application\/json/);
    expect(first.headers['cache-control']).toMatch(/public, max-age=\d+/);
    expect(first.headers['cache-control']).toMatch(/stale-while-revalidate=\d+/);
    const etag = String(first.headers.etag);
    expect((await rawGet(base, '/api/v2/summary.json', { 'if-none-match': etag })).status).toBe(304);
    const br = await rawGet(base, '/api/v2/summary.json', { 'accept-encoding': 'br' });
    if (br.headers['content-encoding'] === 'br') expect(brotliDecompressSync(br.body).equals(first.body)).toBe(true);
    const gz = await rawGet(base, '/api/v2/summary.json', { 'accept-encoding': 'gzip' });
    if (gz.headers['content-encoding'] === 'gzip') expect(gunzipSync(gz.body).equals(first.body)).toBe(true);
    expect(server.cache.stats().renders).toBe(1);
  });

  it('answers a hit by headers sent in any case and over several lines, as node:http would read them', async () => {
    const { headers } = await rawGet(base, '/api/v2/summary.json');
    const etag = String(headers.etag);
    // Raw bytes: node's own client would merge or refuse such lines before they left.
    const send = (lines: string[]) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(Number(new URL(base).port), '127.0.0.1');
        let text = '';
        socket.setEncoding('latin1');
        socket.on('data', (c: string) => (text += c));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
        socket.write(['GET /api/v2/summary.json HTTP/1.1', 'Host: x', ...lines, 'Connection: close', '', ''].join('\r\n'));
      });
    const gz = await send(['ACCEPT-ENCODING: br;q=0', 'accept-encoding: gzip']);
    expect(gz).toMatch(/^HTTP\/1\.1 200/);
    expect(gz).toMatch(/\r\ncontent-encoding: gzip\r\n/i);
    expect(await send(['If-None-Match: "something-else"', 'IF-NONE-MATCH: ' + etag])).toMatch(/^HTTP\/1\.1 304/);
    expect(await send(['If-None-Match: "something-else"'])).toMatch(/^HTTP\/1\.1 200/);
  });

  it('shows a write made through this server in its very next answer', async () => {
    const before = JSON.parse((await rawGet(base, '/api/v2/components.json')).body.toString()) as { components: unknown[] };
    const res = await fetch(`${base}/api/v1/components`, json('POST', { name: 'Checkout API' }, auth));
    expect(res.status).toBe(201);
    const after = JSON.parse((await rawGet(base, '/api/v2/components.json')).body.toString()) as { components: { name: string }[] };
    expect(after.components.length).toBe(before.components.length + 1);
    expect(after.components.some((c) => c.name === 'Checkout API')).toBe(true);
  });

  it('drops its cache within one poll when someone else bumps the content version', async () => {
    await rawGet(base, '/api/v2/status.json');
    const renders = server.cache.stats().renders;
    // Written behind the server's back, as another process on the same database would.
    await bumpContentVersion(t.database.db, new Date());
    let seen = false;
    // Bounded: 50 × 20 ms = one second.
    for (let i = 0; i < 50 && !seen; i++) {
      await rawGet(base, '/api/v2/status.json');
      seen = server.cache.stats().renders > renders;
      if (!seen) await new Promise((r) => setTimeout(r, 20));
    }
    expect(seen).toBe(true);
  });

  it('serves build assets from memory: hashed ones immutable, others briefly cached', async () => {
    const css = await rawGet(base, '/_astro/site.AbC123.css', { 'accept-encoding': 'gzip' });
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(css.headers['content-encoding']).toBe('gzip');
    const icon = await rawGet(base, '/favicon.svg');
    expect(icon.headers['content-type']).toBe('image/svg+xml');
    expect(icon.headers['cache-control']).not.toMatch(/immutable/);
    expect((await rawGet(base, '/_astro/missing.css')).status).toBe(404);
  });

  it('marks signed-in API answers no-store', async () => {
    const res = await fetch(`${base}/api/v1/components`, { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('logs a line per request: the path without its query, the status, and a render time or `hit` from memory', async () => {
    logged.length = 0;
    await rawGet(base, '/api/v2/incidents.json?token=s3cret');
    await rawGet(base, '/api/v2/incidents.json?token=s3cret');
    const icon = await rawGet(base, '/favicon.svg');
    // A hit's line is reused while method, path and status repeat: each change makes its own.
    await rawGet(base, '/favicon.svg', { 'if-none-match': String(icon.headers.etag) });
    await rawGet(base, '/favicon.svg');
    expect(logged).toHaveLength(5);
    expect(logged[0]).toMatch(/^GET \/api\/v2\/incidents\.json 200 \d+\.\dms$/);
    expect(logged.slice(1)).toEqual(['GET /api/v2/incidents.json 200 hit', 'GET /favicon.svg 200 hit', 'GET /favicon.svg 304 hit', 'GET /favicon.svg 200 hit']);
  });

  it('answers unknown /api paths with the JSON 404 and never caches them', async () => {
    const res = await rawGet(base, '/api/v2/nope.json');
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body.toString()).error.code).toBe('not_found');
  });
});

describe('what anonymous clients can make the cache do', () => {
  let t: TestApp;
  let server: HeraldServer;
  let base: string;
  const rendered: string[] = [];

  /** Astro's handler as the cache calls it: a home page, a history, one known incident; everything else has no route. */
  const astro = async (req: { url?: string }, res: { writeHead(s: number, h: object): void; end(b: string): void }, next?: () => void) => {
    const url = req.url ?? '/';
    rendered.push(url);
    const path = url.split('?')[0];
    const page = (status: number, text: string) => {
      res.writeHead(status, { 'content-type': 'text/html' });
      res.end(`<!doctype html><p>${text}</p>`);
    };
    if (path === '/') return page(200, 'home');
    if (path === '/history' || path === '/de/history') return page(/page=(?!1\b)/.test(url) && !/page=2$/.test(url) ? 404 : 200, `history ${url}`);
    if (path === '/incidents/known') return page(200, 'known incident');
    if (path === '/404') return page(404, 'not found');
    next?.();
  };

  beforeAll(async () => {
    t = await makeTestApp();
    server = await createHeraldServer({
      runtime: { config: readConfig({ PORT: '0' }), database: t.database, deps: t.deps, app: t.app },
      astro: astro as unknown as Parameters<typeof createHeraldServer>[0]['astro'],
      staticFiles: new Map(),
      log: () => undefined,
      logRequests: false,
      pollMs: 10_000,
      maxEntries: 50,
    });
    const listening = await server.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await server.close(1000);
    t.close();
  });

  const count = (url: string) => rendered.filter((u) => u === url).length;

  it('many distinct ?cb= requests, at once and one by one, cause at most one render of the page', async () => {
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => rawGet(base, `/?cb=${i}`)));
    for (let i = 100; i < 150; i++) answers.push(await rawGet(base, `/?cb=${i}&utm_source=x`));
    expect(answers.every((a) => a.status === 200 && a.body.toString().includes('home'))).toBe(true);
    expect(rendered.filter((u) => u.split('?')[0] === '/')).toEqual(['/']);
    await Promise.all(Array.from({ length: 50 }, (_, i) => rawGet(base, `/api/v2/summary.json?cb=${i}`)));
    expect(server.cache.stats().entries).toBe(2);
  });

  it('keeps the history page number, in one spelling, and nothing else of the query', async () => {
    for (const q of ['', '?page=1', '?x=1&page=1', '?page=2', '?page=2&cb=9', '?cb=1&page=2', '?page=02', '?page=abc', '?page=-1']) {
      await rawGet(base, `/history${q}`);
    }
    expect(rendered.filter((u) => u.startsWith('/history'))).toEqual(['/history', '/history?page=2', '/history?page=0']);
    // The same in another language's history: its page number kept, under its own keys.
    for (const q of ['?page=2&cb=1', '?cb=2&page=2', '?page=1', '?page=x']) await rawGet(base, `/de/history${q}`);
    expect(rendered.filter((u) => u.startsWith('/de/history'))).toEqual(['/de/history?page=2', '/de/history', '/de/history?page=0']);
  });

  it('renders a made-up address once, keeps such answers apart, and never lets them push out a page', async () => {
    await rawGet(base, '/incidents/known');
    const pages = server.cache.stats().entries;
    for (let i = 0; i < 300; i++) expect((await rawGet(base, `/incidents/made-up-${i}`)).status).toBe(404);
    for (let i = 0; i < 20; i++) await rawGet(base, '/incidents/made-up-299');
    expect(count('/incidents/made-up-299')).toBe(1);
    const stats = server.cache.stats();
    expect(stats.entries).toBe(pages);
    expect(stats.negatives).toBeLessThanOrEqual(256);
    await rawGet(base, '/');
    await rawGet(base, '/incidents/known');
    expect(count('/')).toBe(1);
    expect(count('/incidents/known')).toBe(1);
  });
});

describe('render slots', () => {
  it('renders at most maxConcurrentRenders different pages at once and refuses misses beyond the queue', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    let running = 0;
    let most = 0;
    const cache = new PageCache({
      render: async (key) => {
        running++;
        most = Math.max(most, running);
        await gate;
        running--;
        return html(key);
      },
      readVersion: async () => 1,
      pollMs: 10_000,
      maxConcurrentRenders: 2,
      maxQueuedRenders: 3,
    });
    await cache.start();
    const results = Array.from({ length: 10 }, (_, i) => cache.get(`/incidents/${i}`).then(() => 'ok', (err: Error) => err.constructor.name));
    open();
    const settled = await Promise.all(results);
    expect(settled.filter((s) => s === 'ok')).toHaveLength(5);
    expect(settled.filter((s) => s === 'RenderQueueFull')).toHaveLength(5);
    expect(most).toBe(2);
    // The slots are all given back.
    expect((await cache.get('/after')).stored).toBe(true);
    cache.stop();
  });
});
