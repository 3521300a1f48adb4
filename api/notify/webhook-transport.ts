// Sending to a webhook: Standard Webhooks signing and the HTTP POST itself (the outbox worker calls it).
import { createHmac } from 'node:crypto';
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

export const WEBHOOK_TIMEOUT_MS = 10_000;
const USER_AGENT = 'Herald-Webhooks/1';

/**
 * POSTs a JSON body. 2xx is delivered; 410 Gone means the receiver wants no more (permanent);
 * anything else (other statuses, redirects, timeouts, refused connections) is retried.
 */
export async function postJson(url: string, body: string, headers: Record<string, string>, timeoutMs = WEBHOOK_TIMEOUT_MS): Promise<PostResult> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': USER_AGENT, ...headers },
      body,
      // A redirect could point anywhere (an internal address); the receiver must answer itself.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body?.cancel().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return { ok: true };
    return { ok: false, permanent: res.status === 410, error: `HTTP ${res.status}` };
  } catch (err) {
    const e = err as { name?: string; cause?: { code?: string }; message?: string };
    const reason = e.name === 'TimeoutError' ? 'timed out' : (e.cause?.code ?? e.message ?? 'request failed');
    return { ok: false, permanent: false, error: String(reason).slice(0, 200) };
  }
}

/** Slack URLs are themselves credentials: the console shows only their start. */
export function displayUrl(url: string): string {
  if (!isSlackWebhookUrl(url)) return url;
  const u = new URL(url);
  const parts = u.pathname.split('/').filter(Boolean);
  return `${u.origin}/${parts.slice(0, 2).join('/')}/…`;
}
