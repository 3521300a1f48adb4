// Random identifiers and secrets, from crypto.getRandomValues.
import { randomBytes } from 'node:crypto';

// Lowercase letters and digits without look-alikes (l, o, 0, 1): 32 symbols, 5 bits each.
const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/** A random string of `length` symbols, 5 bits of entropy each. */
export function randomString(length: number): string {
  const bytes = new Uint8Array(length);
  crypto.getRandomValues(bytes);
  let out = '';
  for (const b of bytes) out += ALPHABET[b >> 3];
  return out;
}

/** A public id (60 bits): ids are not secrets, they only need to be unique. */
export function newId(): string {
  return randomString(12);
}

/** A secret of 120 bits, as Lucia recommends for session secrets. */
export function newSecret(): string {
  return randomString(24);
}

export const SECRET_PREFIX = 'whsec_';

/** A webhook signing secret as Standard Webhooks writes them: `whsec_` + base64 of 24 random bytes. */
export function newSigningSecret(): string {
  return SECRET_PREFIX + randomBytes(24).toString('base64');
}
