// Password hashing (argon2id) and the password rules, for sign-in, setup, invitations and the CLI.
import { hash, verify } from '@node-rs/argon2';
import { z } from 'zod';

export const PASSWORD_MIN_LENGTH = 10;
/** Long enough for any passphrase, short enough that hashing it is no denial of service. */
export const PASSWORD_MAX_LENGTH = 256;

/** The rule for a new password (NIST 800-63B: length, no composition rules). */
export const newPasswordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters.`)
  .max(PASSWORD_MAX_LENGTH, `Use at most ${PASSWORD_MAX_LENGTH} characters.`);

// OWASP's argon2id minimum (19 MiB, 2 passes, 1 lane); @node-rs/argon2 defaults to argon2id.
const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

/** False for a wrong password and for a hash that cannot be parsed (never throws on bad input). */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

// Made once, as soon as the module loads: were it made on first use, the first unknown-email
// sign-in would take a hash longer than a wrong password and tell the two apart.
const dummyHash: Promise<string> = hashPassword(`herald-dummy-${crypto.randomUUID()}`);

/**
 * Spends the time of one verification without a real hash, so a sign-in for an unknown email
 * takes as long as one with a wrong password and the timing does not tell which accounts exist.
 */
export async function verifyAgainstNothing(password: string): Promise<false> {
  await verifyPassword(await dummyHash, password);
  return false;
}
