// Bodies kept in memory with their gzip/brotli forms and ETag, and answering a request from one (304, negotiation).
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlibConstants, gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

export interface StoredBody {
  status: number;
  /** Headers to send with every answer (content type, CORS...), lower-case names. */
  headers: Record<string, string>;
  identity: Buffer;
  gzip: Buffer | null;
  br: Buffer | null;
  /** The content hash, without quotes; each encoding's ETag adds a suffix. */
  hash: string;
  /** identity + gzip + brotli bytes, for the cache's size bound. */
  size: number;
  /** Answer headers made once per Cache-Control value and encoding: a hit then copies nothing. */
  prepared: Map<string, PreparedHeaders>;
}

/**
 * One answer's headers twice: as a record for a Response, and as node:http's flat list (`[name, value, ...]`) for
 * `writeHead` on the hot path. Every flat list has the same shape (an array of strings), where records of different
 * key sets made node:http's header loop load through a polymorphic cache (in a profile, not in req/s alone), and it
 * needs no `for...in` with an own-property check per header.
 */
interface Prepared {
  record: Record<string, string>;
  flat: string[];
}

interface PreparedHeaders {
  identity: Prepared;
  gzip: Prepared | null;
  br: Prepared | null;
  notModified: Record<Encoding, Prepared>;
}

const COMPRESSIBLE = /^(?:text\/|application\/(?:json|javascript|xml|rss\+xml|atom\+xml|manifest\+json|ld\+json)|image\/svg\+xml)/i;

/** Below this many bytes compression saves nothing worth a header. */
const MIN_COMPRESS_BYTES = 256;

/** Hashes and compresses `bytes` once, so that every later answer is a lookup. */
export async function storeBody(status: number, headers: Record<string, string>, bytes: Uint8Array): Promise<StoredBody> {
  const identity = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hash = createHash('sha256').update(identity).digest('base64url').slice(0, 27);
  let gz: Buffer | null = null;
  let br: Buffer | null = null;
  if (identity.length >= MIN_COMPRESS_BYTES && COMPRESSIBLE.test(headers['content-type'] ?? '')) {
    const [g, b] = await Promise.all([
      gzipAsync(identity, { level: 9 }),
      brotliAsync(identity, {
        params: {
          [zlibConstants.BROTLI_PARAM_QUALITY]: 10,
          [zlibConstants.BROTLI_PARAM_SIZE_HINT]: identity.length,
          [zlibConstants.BROTLI_PARAM_MODE]: zlibConstants.BROTLI_MODE_TEXT,
        },
      }),
    ]);
    if (g.length < identity.length) gz = g;
    if (b.length < identity.length) br = b;
  }
  return { status, headers, identity, gzip: gz, br, hash, size: identity.length + (gz?.length ?? 0) + (br?.length ?? 0), prepared: new Map() };
}

export type Encoding = 'br' | 'gzip' | 'identity';

/** Accept-Encoding values seen, parsed once: browsers send a handful of distinct strings. Bounded. */
const parsedAccept = new Map<string, { br: number; gz: number }>();
const MAX_PARSED_ACCEPT = 256;

/** The best encoding the client accepts (q-values honoured; brotli preferred, then gzip). */
export function chooseEncoding(acceptEncoding: string | undefined, body: StoredBody): Encoding {
  if (!acceptEncoding || (!body.br && !body.gzip)) return 'identity';
  let q = parsedAccept.get(acceptEncoding);
  if (!q) {
    q = parseAcceptEncoding(acceptEncoding);
    if (parsedAccept.size >= MAX_PARSED_ACCEPT) parsedAccept.clear();
    parsedAccept.set(acceptEncoding, q);
  }
  const { br, gz } = q;
  if (body.br && br > 0 && br >= gz) return 'br';
  if (body.gzip && gz > 0) return 'gzip';
  if (body.br && br > 0) return 'br';
  return 'identity';
}

function parseAcceptEncoding(acceptEncoding: string): { br: number; gz: number } {
  let br: number | null = null;
  let gz: number | null = null;
  let star: number | null = null;
  for (const part of acceptEncoding.split(',')) {
    const [rawName, ...params] = part.split(';');
    const name = rawName?.trim().toLowerCase();
    let q = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(p);
      if (m) q = Number(m[1]);
    }
    if (!Number.isFinite(q)) q = 0;
    if (name === 'br') br = q;
    else if (name === 'gzip' || name === 'x-gzip') gz = q;
    else if (name === '*') star = q;
  }
  return { br: br ?? star ?? 0, gz: gz ?? star ?? 0 };
}

const SUFFIX: Record<Encoding, string> = { identity: '', gzip: '-gz', br: '-br' };

function etagFor(body: StoredBody, encoding: Encoding): string {
  return `"${body.hash}${SUFFIX[encoding]}"`;
}

/** True when If-None-Match names this body in any of its encodings (the content is the same). */
function matchesIfNoneMatch(ifNoneMatch: string | undefined, body: StoredBody): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  for (const raw of ifNoneMatch.split(',')) {
    const tag = raw.trim().replace(/^W\//, '').replace(/^"|"$/g, '');
    if (tag === body.hash || tag === `${body.hash}-gz` || tag === `${body.hash}-br`) return true;
  }
  return false;
}

/**
 * A request header read from node:http's raw list, for the hot path: the first read of `req.headers` makes node:http
 * build that object, lower-casing and sorting every header the client sent, for two values. Repeated lines are joined
 * with ", ", as node:http joins Accept-Encoding and If-None-Match. `name` is lower-case.
 */
export function rawHeader(raw: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < raw.length - 1; i += 2) {
    const field = raw[i]!;
    if (field.length !== name.length || field.toLowerCase() !== name) continue;
    value = value === undefined ? raw[i + 1]! : `${value}, ${raw[i + 1]!}`;
  }
  return value;
}

export interface RequestFacts {
  method: string;
  acceptEncoding: string | undefined;
  ifNoneMatch: string | undefined;
}

function prepare(body: StoredBody, cacheControl: string): PreparedHeaders {
  const compressible = body.gzip !== null || body.br !== null;
  const make = (encoding: Encoding, bytes: Buffer | null, notModified: boolean): Prepared => {
    // Built by assignment, never by spreading or deleting: V8 keeps such objects in its fast shape.
    const h: Record<string, string> = {};
    for (const [name, value] of Object.entries(body.headers)) if (!(notModified && name === 'content-type')) h[name] = value;
    h.etag = etagFor(body, encoding);
    h['cache-control'] = cacheControl;
    if (compressible) h.vary = 'Accept-Encoding';
    if (!notModified && bytes) {
      if (encoding !== 'identity') h['content-encoding'] = encoding;
      h['content-length'] = String(bytes.length);
    }
    return { record: h, flat: Object.entries(h).flat() };
  };
  return {
    identity: make('identity', body.identity, false),
    gzip: body.gzip ? make('gzip', body.gzip, false) : null,
    br: body.br ? make('br', body.br, false) : null,
    notModified: { identity: make('identity', null, true), gzip: make('gzip', null, true), br: make('br', null, true) },
  };
}

function preparedFor(body: StoredBody, cacheControl: string): PreparedHeaders {
  let prepared = body.prepared.get(cacheControl);
  if (!prepared) {
    prepared = prepare(body, cacheControl);
    body.prepared.set(cacheControl, prepared);
  }
  return prepared;
}

/**
 * The hot path of a cache hit, straight onto the socket's response: no Request or Response object, headers made
 * once per body. Writes the 304 or the negotiated bytes and returns the status sent.
 */
export function writeFromBody(body: StoredBody, method: string, acceptEncoding: string | undefined, ifNoneMatch: string | undefined, res: ServerResponse, cacheControl: string): number {
  const prepared = preparedFor(body, cacheControl);
  const encoding = acceptEncoding === undefined ? 'identity' : chooseEncoding(acceptEncoding, body);
  if (ifNoneMatch !== undefined && body.status === 200 && matchesIfNoneMatch(ifNoneMatch, body)) {
    res.writeHead(304, prepared.notModified[encoding].flat);
    res.end();
    return 304;
  }
  res.writeHead(body.status, (encoding === 'br' ? prepared.br! : encoding === 'gzip' ? prepared.gzip! : prepared.identity).flat);
  if (method === 'HEAD') res.end();
  else res.end(encoding === 'br' ? body.br! : encoding === 'gzip' ? body.gzip! : body.identity);
  return body.status;
}

/** The answer for a stored body: 304 when the client has it, else the negotiated bytes. */
export function answerFromBody(body: StoredBody, req: RequestFacts, cacheControl: string): Response {
  const prepared = preparedFor(body, cacheControl);
  const encoding = chooseEncoding(req.acceptEncoding, body);
  if (body.status === 200 && matchesIfNoneMatch(req.ifNoneMatch, body)) {
    return new Response(null, { status: 304, headers: prepared.notModified[encoding].record });
  }
  const bytes = encoding === 'br' ? body.br! : encoding === 'gzip' ? body.gzip! : body.identity;
  const headers = (encoding === 'br' ? prepared.br! : encoding === 'gzip' ? prepared.gzip! : prepared.identity).record;
  // Buffer is a Uint8Array; the DOM typings only want to be told its buffer is a plain ArrayBuffer.
  return new Response(req.method === 'HEAD' ? null : (bytes as Uint8Array<ArrayBuffer>), { status: body.status, headers });
}
