// Signed, expiring acknowledge links for pages: `a.<page id>.<expiry>.<mac>`, HMAC with the database's link key.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How long a page's acknowledge link works. */
const ACK_TTL_MS = 24 * 60 * 60 * 1000;

const CODE = 'a';

function mac(key: Buffer, payload: string): string {
  return createHmac('sha256', key).update(payload).digest('base64url').slice(0, 32);
}

export function signAckToken(key: Buffer, pageId: string, now: Date): string {
  const payload = `${CODE}.${pageId}.${(now.getTime() + ACK_TTL_MS).toString(36)}`;
  return `${payload}.${mac(key, payload)}`;
}

export type AckCheck = { ok: true; pageId: string } | { ok: false; reason: 'invalid' | 'expired' };

/** Checks the MAC (constant time), then the expiry. */
export function verifyAckToken(key: Buffer, token: string, now: Date): AckCheck {
  if (token.length > 200) return { ok: false, reason: 'invalid' };
  const parts = token.split('.');
  if (parts.length !== 4) return { ok: false, reason: 'invalid' };
  const [code, id, exp, given] = parts as [string, string, string, string];
  if (code !== CODE || !id) return { ok: false, reason: 'invalid' };
  const expected = Buffer.from(mac(key, `${code}.${id}.${exp}`));
  const actual = Buffer.from(given);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return { ok: false, reason: 'invalid' };
  const expiresAt = parseInt(exp, 36);
  if (!Number.isFinite(expiresAt) || expiresAt <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, pageId: id };
}

/** The page id a token names, before it is checked (the acknowledge page needs it to ask the API). */
export function pageIdOfToken(token: string): string | null {
  const parts = token.split('.');
  return parts.length === 4 && parts[0] === CODE && parts[1] ? parts[1] : null;
}

/**
 * The link in a page: `path` is the console page that shows the Acknowledge button (AppDeps.responseLinks; a GET there
 * never acknowledges, since mail scanners and chat previews open links).
 */
export function ackUrl(base: string, path: string, token: string): string {
  return `${base}${path}?token=${encodeURIComponent(token)}`;
}
