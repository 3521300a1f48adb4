// Sending to a webhook: Standard Webhooks signing and the HTTP POST itself (the outbox worker calls it).
import { createHmac } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { checkedLookup, isPrivateAddress, type ResolveHost } from '../core/webhook-address.ts';
import { isSlackWebhookUrl } from './slack.ts';

import { SECRET_PREFIX } from '../core/ids.ts';

/** The HMAC key: the base64 after the prefix, decoded (as every Standard Webhooks library does). */
function secretKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
}

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`. */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', secretKey(secret)).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/** The three Standard Webhooks headers for one attempt; the id stays the same across retries. */
export function webhookHeaders(secret: string, id: string, now: Date, body: string): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(secret, id, timestamp, body),
  };
}

export type PostResult = { ok: true } | { ok: false; permanent: boolean; error: string };

const WEBHOOK_TIMEOUT_MS = 10_000;
const USER_AGENT = 'Herald-Webhooks/1';
/** What is read of a receiver's answer before the connection is dropped: the status is all that counts. */
const MAX_ANSWER_BYTES = 64 * 1024;

export interface PostOptions {
  /** Private, loopback and link-local targets allowed (WEBHOOK_ALLOW_PRIVATE; the tests' loopback receivers). */
  allowPrivate?: boolean;
  /** DNS for the connection (tests inject one); every address it gives is checked before the socket connects. */
  resolve?: ResolveHost;
  timeoutMs?: number;
}

const agents = { http: new HttpAgent({ keepAlive: true, maxSockets: 50 }), https: new HttpsAgent({ keepAlive: true, maxSockets: 50 }) };

/**
 * The delivery log's words for a failed connection: a category, never the receiver's own text (an error body or
 * a TLS message could echo what an internal service says, and the log would become a way to read it).
 */
function failureCategory(err: unknown): string {
  const code = (err as { code?: string } | null)?.code ?? '';
  if (code === 'EPRIVATEADDRESS') return 'refused: private address';
  if (code === 'ETIMEDOUT' || code === 'ABORT_ERR' || (err as Error | null)?.name === 'TimeoutError') return 'timed out';
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED') return 'connection reset';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL' || code === 'EAI_NODATA') return 'host not found';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'host unreachable';
  if (code.startsWith('ERR_TLS') || code.startsWith('CERT_') || code.includes('SSL') || code.startsWith('UNABLE_TO') || code.startsWith('DEPTH_') || code.startsWith('SELF_SIGNED')) return 'TLS error';
  return 'request failed';
}

/**
 * POSTs a JSON body. 2xx is delivered; 410 Gone means the receiver wants no more (permanent); anything else
 * (other statuses, redirects, timeouts, refused connections) is retried. Redirects are never followed (one could
 * point anywhere), and the host is resolved by `checkedLookup`, so the socket connects only to a checked address.
 */
export function postJson(url: string, body: string, headers: Record<string, string>, opts: PostOptions = {}): Promise<PostResult> {
  return new Promise<PostResult>((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve({ ok: false, permanent: true, error: 'invalid URL' });
      return;
    }
    const secure = target.protocol === 'https:';
    if (!secure && target.protocol !== 'http:') {
      resolve({ ok: false, permanent: true, error: 'invalid URL' });
      return;
    }
    const host = target.hostname.replace(/^\[|\]$/g, '');
    // A literal address is never looked up, so it is checked here.
    if (isIP(host) && !opts.allowPrivate && isPrivateAddress(host)) {
      resolve({ ok: false, permanent: false, error: 'refused: private address' });
      return;
    }
    let settled = false;
    const done = (result: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const payload = Buffer.from(body);
    const req = (secure ? httpsRequest : httpRequest)(
      {
        protocol: target.protocol,
        hostname: host,
        port: target.port || undefined,
        path: `${target.pathname}${target.search}`,
        method: 'POST',
        agent: secure ? agents.https : agents.http,
        lookup: checkedLookup({ allowPrivate: opts.allowPrivate, resolve: opts.resolve }) as unknown as LookupFunction,
        headers: { 'content-type': 'application/json', 'content-length': String(payload.length), 'user-agent': USER_AGENT, ...headers },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_ANSWER_BYTES) res.destroy();
        });
        res.on('error', () => undefined);
        res.on('close', () => {
          if (status >= 200 && status < 300) done({ ok: true });
          else done({ ok: false, permanent: status === 410, error: `HTTP ${status}` });
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }));
      done({ ok: false, permanent: false, error: 'timed out' });
    }, opts.timeoutMs ?? WEBHOOK_TIMEOUT_MS);
    timer.unref();
    req.on('error', (err) => done({ ok: false, permanent: false, error: failureCategory(err) }));
    req.end(payload);
  });
}

/** Slack URLs are themselves credentials: the console shows only their start. */
export function displayUrl(url: string): string {
  if (!isSlackWebhookUrl(url)) return url;
  const u = new URL(url);
  const parts = u.pathname.split('/').filter(Boolean);
  return `${u.origin}/${parts.slice(0, 2).join('/')}/…`;
}
