// The built Astro app (dist/server/entry.mjs, node adapter in middleware mode): handing requests to it,
// and rendering a public page into bytes on a cache miss.
import { EventEmitter } from 'node:events';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { pathToFileURL } from 'node:url';
import type { RenderedPage } from './page-cache.ts';

/** `handler(req, res, next?, locals?)` as @astrojs/node's middleware mode exports it. */
export type AstroHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: (err?: unknown) => void,
  locals?: object,
) => Promise<void>;

export async function loadAstroHandler(entryFile: string): Promise<AstroHandler> {
  const mod = (await import(pathToFileURL(entryFile).href)) as { handler?: unknown };
  if (typeof mod.handler !== 'function') throw new Error(`${entryFile} does not export handler(): is the node adapter in middleware mode?`);
  return mod.handler as AstroHandler;
}

/**
 * Imports every page module and the middleware of the build once, at start. Astro loads them lazily on the
 * first request otherwise: that request pays for it, and a rebuild of dist/ while the server runs (chunk
 * names carry content hashes) would leave it importing files that no longer exist.
 * Returns how many modules were loaded.
 */
export async function preloadAstroModules(serverDir: string): Promise<number> {
  const files: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 10 || !existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full, depth + 1);
      // _image is Astro's image endpoint (sharp); we do not serve it.
      else if (entry.name.endsWith('.mjs') && !entry.name.startsWith('_image')) files.push(full);
    }
  };
  walk(join(serverDir, 'pages'), 0);
  const middleware = join(serverDir, '_astro-internal_middleware.mjs');
  if (existsSync(middleware)) files.push(middleware);
  for (const file of files) await import(pathToFileURL(file).href);
  return files.length;
}

/**
 * Just enough of ServerResponse for Astro's `NodeApp.writeResponse` and the adapter's error path:
 * statusMessage, writeHead, write, end, headersSent, on('close'|'finish'), destroy.
 */
class CapturingResponse extends EventEmitter {
  statusCode = 200;
  statusMessage = '';
  headersSent = false;
  readonly headers: Record<string, string> = {};
  readonly chunks: Buffer[] = [];
  failed: unknown = null;

  writeHead(status: number, a?: string | OutgoingHttpHeaders, b?: OutgoingHttpHeaders): this {
    this.statusCode = status;
    const headers = typeof a === 'object' ? a : b;
    for (const [name, value] of Object.entries(headers ?? {})) {
      if (value === undefined) continue;
      this.headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    }
    this.headersSent = true;
    return this;
  }

  setHeader(name: string, value: string | number | readonly string[]): this {
    this.headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    return this;
  }

  getHeader(name: string): string | undefined {
    return this.headers[name.toLowerCase()];
  }

  write(chunk: string | Uint8Array, cb?: () => void): boolean {
    this.headersSent = true;
    this.chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    cb?.();
    return true;
  }

  end(chunk?: string | Uint8Array | (() => void)): this {
    if (chunk !== undefined && typeof chunk !== 'function') this.write(chunk);
    this.headersSent = true;
    this.emit('finish');
    this.emit('close');
    return this;
  }

  destroy(err?: unknown): this {
    this.failed = err ?? new Error('response destroyed');
    this.emit('close');
    return this;
  }
}

export interface RenderRequest {
  /** Path and query, e.g. `/history?page=2`. */
  target: string;
  /** PUBLIC_URL: decides the protocol Astro sees; the host stays Astro's own (see STACK.md / site/middleware.ts). */
  publicUrl: string;
  locals: object;
}

/**
 * Renders one page for an anonymous reader, without a socket: the request carries no cookie, so the bytes
 * are the same for everyone and may be cached. Returns null when Astro has no route for the path.
 */
export async function renderAstroPage(handler: AstroHandler, { target, publicUrl, locals }: RenderRequest): Promise<RenderedPage | null> {
  const url = new URL(publicUrl);
  const req = {
    method: 'GET',
    url: target,
    headers: { host: url.host, accept: 'text/html' },
    // No `on`: Astro attaches no abort listener to a socket that cannot close.
    socket: { encrypted: url.protocol === 'https:', remoteAddress: '127.0.0.1' },
  };
  const res = new CapturingResponse();
  let noRoute = false;
  await handler(req as unknown as IncomingMessage, res as unknown as ServerResponse, () => {
    noRoute = true;
  }, locals);
  if (noRoute) return null;
  if (res.failed) throw res.failed instanceof Error ? res.failed : new Error(`rendering ${target} failed`);
  const headers = { ...res.headers };
  return { status: res.statusCode, headers, body: Buffer.concat(res.chunks) };
}
