// Forms whose answer is a secret shown once (a new API token, an invitation link) carry a one-time key. Reloading
// the answer page makes the browser post the form again: the second post with the same key creates nothing and
// says so, instead of quietly creating a second token or replacing the link just sent. Kept in this process for
// a day (a reload lands on the same instance in all but unusual setups); bounded.
import { newId } from '../../api/core/ids.ts';

const DAY = 24 * 60 * 60 * 1000;
const MAX_KEYS = 10_000;
const used = new Map<string, number>();

/** A fresh key for a form's hidden `once` field. */
export function onceKey(): string {
  return newId();
}

/** True the first time a key is posted (and for a form without one); false for a repeat within a day. */
export function firstPost(key: string, now: number): boolean {
  if (!key) return true;
  const seen = used.get(key);
  if (seen !== undefined && now - seen < DAY) return false;
  if (used.size >= MAX_KEYS) {
    for (const [k, at] of used) if (now - at >= DAY) used.delete(k);
    // Still full of fresh keys: forget the oldest half rather than grow.
    if (used.size >= MAX_KEYS) for (const k of [...used.keys()].slice(0, MAX_KEYS / 2)) used.delete(k);
  }
  used.set(key, now);
  return true;
}

export const REPEATED_POST = 'This form was already sent (was the page reloaded?), so nothing new was made. Its secret was shown once: if you did not copy it, revoke it or make a new one.';
