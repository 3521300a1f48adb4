// Signed links for subscribers: confirm (expiring), manage and one-click unsubscribe; HMAC with a key kept in the database.
import { createHmac, timingSafeEqual } from 'node:crypto';
export { linkKey } from '../core/signing-key.ts';

/** How long a confirmation link works. */
export const CONFIRM_TTL_MS = 48 * 60 * 60 * 1000;

export type LinkPurpose = 'confirm' | 'manage';
const PURPOSE_CODE: Record<LinkPurpose, string> = { confirm: 'c', manage: 'm' };

function mac(key: Buffer, payload: string): string {
  return createHmac('sha256', key).update(payload).digest('base64url').slice(0, 32);
}

/** A token `<c|m>.<subscriber id>.<expiry, base 36 ms, or empty>.<mac>`; only confirm links expire. */
export function signLinkToken(key: Buffer, purpose: LinkPurpose, subscriberId: string, now: Date): string {
  const exp = purpose === 'confirm' ? (now.getTime() + CONFIRM_TTL_MS).toString(36) : '';
  const payload = `${PURPOSE_CODE[purpose]}.${subscriberId}.${exp}`;
  return `${payload}.${mac(key, payload)}`;
}

export type LinkCheck = { ok: true; subscriberId: string } | { ok: false; reason: 'invalid' | 'expired' };

/** Checks a token for `purpose`: its MAC (constant time), then its expiry. */
export function verifyLinkToken(key: Buffer, purpose: LinkPurpose, token: string, now: Date): LinkCheck {
  if (token.length > 200) return { ok: false, reason: 'invalid' };
  const parts = token.split('.');
  if (parts.length !== 4) return { ok: false, reason: 'invalid' };
  const [code, id, exp, given] = parts as [string, string, string, string];
  if (code !== PURPOSE_CODE[purpose] || !id) return { ok: false, reason: 'invalid' };
  const expected = Buffer.from(mac(key, `${code}.${id}.${exp}`));
  const actual = Buffer.from(given);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return { ok: false, reason: 'invalid' };
  if (purpose === 'confirm') {
    const expiresAt = parseInt(exp, 36);
    if (!Number.isFinite(expiresAt) || expiresAt <= now.getTime()) return { ok: false, reason: 'expired' };
  }
  return { ok: true, subscriberId: id };
}

/** The public URLs a subscriber's emails carry. */
export interface SubscriberLinks {
  /** The manage page: change components, unsubscribe. */
  manage: string;
  /** RFC 8058 one-click endpoint (POST `List-Unsubscribe=One-Click`); a GET shows the manage page's unsubscribe step. */
  unsubscribe: string;
}

const CONFIRM_PATH = '/subscriptions/confirm';
export const MANAGE_PATH = '/subscriptions/manage';
const ONE_CLICK_PATH = '/api/v2/subscriptions/unsubscribe';

/** `pages`: the language's path prefix ("" for the page's default language, "/ja"…): the pages open in the subscriber's language. */
export function confirmUrl(base: string, token: string, pages = ''): string {
  return `${base}${pages}${CONFIRM_PATH}?token=${encodeURIComponent(token)}`;
}

export function subscriberLinks(base: string, key: Buffer, subscriberId: string, now: Date, pages = ''): SubscriberLinks {
  const token = encodeURIComponent(signLinkToken(key, 'manage', subscriberId, now));
  return { manage: `${base}${pages}${MANAGE_PATH}?token=${token}`, unsubscribe: `${base}${ONE_CLICK_PATH}?token=${token}` };
}
