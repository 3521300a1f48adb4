// The page cache: public pages, feeds and /api/v2 JSON rendered once per content version, answered from memory.
import { storeBody, type StoredBody } from './http-body.ts';
import { EXPIRES_HEADER } from '../public/public-paths.ts';

/** What a renderer returns on a miss. */
export interface RenderedPage {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

export interface PageCacheOptions {
  /** Renders `key` (path + query) for an anonymous reader. */
  render(key: string): Promise<RenderedPage>;
  /** The database's content version; every public write bumps it. */
  readVersion(): Promise<number>;
  /** Entry count bound (LRU), so that random ids or query strings cannot grow memory. */
  maxEntries?: number;
  /** Byte bound over identity + gzip + brotli forms. */
  maxBytes?: number;
  /** How often the content version is polled: the bound on how stale another instance's write can leave us. */
  pollMs?: number;
  /** Statuses worth keeping: 200 by default. */
  cacheableStatus?(key: string, status: number): boolean;
  /**
   * Answers kept apart from the pages (a 404 for an unknown id): in a small LRU of their own, so that made-up
   * addresses are rendered once each and can never push a real page out. None by default.
   */
  negativeStatus?(key: string, status: number): boolean;
  /** Bound of that LRU. */
  maxNegativeEntries?: number;
  /** Renders of different keys running at once (misses of one key always share one render). */
  maxConcurrentRenders?: number;
  /** Misses waiting for a render slot; beyond this a miss fails with RenderQueueFull (the server answers 503). */
  maxQueuedRenders?: number;
  /** The clock that `x-herald-expires` is read against (the server passes its injected clock). */
  now?: () => number;
  log?: (line: string) => void;
}

export interface CacheLookup {
  body: StoredBody;
  /** False when the render was answered once and not kept (not a 200, or invalidated meanwhile). */
  stored: boolean;
}

export interface PageCacheStats {
  hits: number;
  misses: number;
  renders: number;
  invalidations: number;
  entries: number;
  /** Kept 404s (negativeStatus), apart from the pages. */
  negatives: number;
  bytes: number;
  version: number | null;
}

/** Headers that describe one answer, not the content: the cache sets its own or drops them. */
const PER_ANSWER_HEADERS = new Set([
  'set-cookie', 'content-length', 'content-encoding', 'transfer-encoding', 'connection', 'keep-alive',
  'date', 'etag', 'last-modified', 'cache-control', 'vary', 'expires', 'age', EXPIRES_HEADER,
]);

/** The rendered headers worth keeping with the bytes (content type, CORS...), lower-case names. */
function keptHeaders(headers: Record<string, string>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (!PER_ANSWER_HEADERS.has(lower)) kept[lower] = value;
  }
  // Astro says just text/html; its output is always UTF-8, and a browser should not have to guess.
  if (kept['content-type'] === 'text/html') kept['content-type'] = 'text/html; charset=utf-8';
  return kept;
}

/** A miss refused because too many different pages are waiting to be rendered (a flood of made-up addresses). */
export class RenderQueueFull extends Error {
  constructor() {
    super('too many pages waiting to be rendered');
  }
}

const DEFAULT_MAX_ENTRIES = 1000;
const DEFAULT_MAX_NEGATIVE_ENTRIES = 256;
const DEFAULT_MAX_CONCURRENT_RENDERS = 4;
const DEFAULT_MAX_QUEUED_RENDERS = 512;
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
const DEFAULT_POLL_MS = 250;

/**
 * A cache of rendered bytes. Concurrent misses for one key share one render; a render that began before an
 * invalidation is answered but not kept; the content version is polled and re-read after local writes.
 */
export class PageCache {
  readonly #opts: PageCacheOptions;
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  /**
   * Each entry with its last use (a counter) and, when its render said so, when it stops being true by itself (ms).
   * A hit is one Map lookup and a field write; the least recently used is found by a scan, only when inserting over
   * the bound (rare next to hits).
   */
  readonly #entries = new Map<string, { body: StoredBody; used: number; expires: number | null }>();
  #useCounter = 0;
  readonly #inflight = new Map<string, Promise<CacheLookup>>();
  readonly #negatives = new Map<string, StoredBody>();
  readonly #maxNegatives: number;
  readonly #maxRenders: number;
  readonly #maxQueued: number;
  #rendering = 0;
  readonly #waiting: (() => void)[] = [];
  #bytes = 0;
  #generation = 0;
  #version: number | null = null;
  #readSeq = 0;
  #appliedSeq = 0;
  #timer: NodeJS.Timeout | null = null;
  #lastPollError = 0;
  #stats = { hits: 0, misses: 0, renders: 0, invalidations: 0 };

  constructor(opts: PageCacheOptions) {
    this.#opts = opts;
    this.#maxEntries = Math.max(1, opts.maxEntries ?? DEFAULT_MAX_ENTRIES);
    this.#maxBytes = Math.max(1, opts.maxBytes ?? DEFAULT_MAX_BYTES);
    this.#maxNegatives = Math.max(1, opts.maxNegativeEntries ?? DEFAULT_MAX_NEGATIVE_ENTRIES);
    this.#maxRenders = Math.max(1, opts.maxConcurrentRenders ?? DEFAULT_MAX_CONCURRENT_RENDERS);
    this.#maxQueued = Math.max(0, opts.maxQueuedRenders ?? DEFAULT_MAX_QUEUED_RENDERS);
  }

  /** A stored entry, without rendering; refreshes its LRU position. */
  peek(key: string): StoredBody | undefined {
    const entry = this.#entries.get(key);
    if (!entry) {
      if (!this.#negatives.size) return undefined;
      const negative = this.#negatives.get(key);
      if (negative) this.#stats.hits++;
      return negative;
    }
    if (entry.expires !== null && this.#now() >= entry.expires) {
      this.#drop(key, entry.body);
      return undefined;
    }
    this.#stats.hits++;
    entry.used = ++this.#useCounter;
    return entry.body;
  }

  #now(): number {
    return this.#opts.now ? this.#opts.now() : Date.now();
  }

  #drop(key: string, body: StoredBody): void {
    this.#entries.delete(key);
    this.#bytes -= body.size;
  }

  /** The entry for `key`, rendering it on a miss (one render for all concurrent misses). */
  get(key: string): Promise<CacheLookup> {
    const hit = this.peek(key);
    if (hit) return Promise.resolve({ body: hit, stored: true });
    const pending = this.#inflight.get(key);
    if (pending) return pending;
    this.#stats.misses++;
    const generation = this.#generation;
    const render = this.#renderAndStore(key, generation).finally(() => {
      if (this.#inflight.get(key) === render) this.#inflight.delete(key);
    });
    this.#inflight.set(key, render);
    return render;
  }

  /** Waits for one of the render slots: a flood of distinct misses queues here instead of rendering all at once. */
  async #slot(): Promise<void> {
    if (this.#rendering < this.#maxRenders) {
      this.#rendering++;
      return;
    }
    if (this.#waiting.length >= this.#maxQueued) throw new RenderQueueFull();
    // The slot is handed over by #release, already counted.
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#rendering--;
  }

  async #renderAndStore(key: string, generation: number): Promise<CacheLookup> {
    await this.#slot();
    let page: RenderedPage;
    let body: StoredBody;
    try {
      this.#stats.renders++;
      page = await this.#opts.render(key);
      body = await storeBody(page.status, keptHeaders(page.headers), page.body);
    } finally {
      this.#release();
    }
    const keep = this.#opts.cacheableStatus ? this.#opts.cacheableStatus(key, page.status) : page.status === 200;
    if (!keep && generation === this.#generation && this.#opts.negativeStatus?.(key, page.status)) {
      this.#negatives.delete(key);
      this.#negatives.set(key, body);
      for (const oldest of this.#negatives.keys()) {
        if (this.#negatives.size <= this.#maxNegatives) break;
        this.#negatives.delete(oldest);
      }
      return { body, stored: true };
    }
    // A render that started before an invalidation may hold old content: answer with it, never keep it.
    if (!keep || generation !== this.#generation || body.size > this.#maxBytes) return { body, stored: false };
    const old = this.#entries.get(key);
    if (old) this.#drop(key, old.body);
    this.#entries.set(key, { body, used: ++this.#useCounter, expires: expiryOf(page.headers) });
    this.#bytes += body.size;
    this.#evict();
    return { body, stored: true };
  }

  /** Drops least recently used entries until both bounds hold. */
  #evict(): void {
    while (this.#entries.size > this.#maxEntries || this.#bytes > this.#maxBytes) {
      let oldestKey: string | null = null;
      let oldest = Number.POSITIVE_INFINITY;
      for (const [key, entry] of this.#entries) {
        if (entry.used < oldest) {
          oldest = entry.used;
          oldestKey = key;
        }
      }
      if (oldestKey === null) return;
      this.#drop(oldestKey, this.#entries.get(oldestKey)!.body);
    }
  }

  /** Drops every entry and every render in flight. */
  invalidate(): void {
    this.#generation++;
    this.#stats.invalidations++;
    this.#entries.clear();
    this.#negatives.clear();
    this.#inflight.clear();
    this.#bytes = 0;
  }

  /**
   * Reads the content version now and drops the cache when it moved. Safe to call concurrently: a read that
   * finishes after a later one is ignored, so an old version can never be applied last.
   */
  async checkVersion(): Promise<void> {
    const seq = ++this.#readSeq;
    const version = await this.#opts.readVersion();
    if (seq < this.#appliedSeq) return;
    this.#appliedSeq = seq;
    if (this.#version !== null && version !== this.#version) this.invalidate();
    this.#version = version;
  }

  /** Reads the version once, then polls it on an unref'd timer. */
  async start(): Promise<void> {
    await this.checkVersion();
    if (this.#timer) return;
    const pollMs = this.#opts.pollMs ?? DEFAULT_POLL_MS;
    this.#timer = setInterval(() => {
      this.checkVersion().catch((err: unknown) => {
        // A database hiccup leaves the cache as it is (stale beats down for a status page); log once a minute.
        const now = Date.now();
        if (now - this.#lastPollError > 60_000) {
          this.#lastPollError = now;
          this.#opts.log?.(`page cache: cannot read the content version: ${err instanceof Error ? err.message : String(err)}`);
        }
      });
    }, pollMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  stats(): PageCacheStats {
    return { ...this.#stats, entries: this.#entries.size, negatives: this.#negatives.size, bytes: this.#bytes, version: this.#version };
  }
}

/** The render's `x-herald-expires` as ms, or null when absent or unreadable. */
function expiryOf(headers: Record<string, string>): number | null {
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() !== EXPIRES_HEADER) continue;
    const t = Date.parse(value);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}
