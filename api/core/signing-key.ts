// The key that signs links sent by email (subscription confirm/manage links, page acknowledgements): made once per database.
import { randomBytes } from 'node:crypto';
import type { Executor } from '../../db/client.ts';
import { subscriptionKeys } from '../../db/schema.ts';

// One key per database: every instance sharing it signs and checks the same links. Kept per
// executor object so tests with many databases never mix them up.
const keyCache = new WeakMap<object, Buffer>();

/** The signing key, made on first use (insert-or-ignore, so two instances racing agree on one). */
export async function linkKey(db: Executor): Promise<Buffer> {
  const cached = keyCache.get(db);
  if (cached) return cached;
  let rows = await db.select().from(subscriptionKeys).limit(1);
  if (!rows[0]) {
    await db
      .insert(subscriptionKeys)
      .values({ id: 1, secret: randomBytes(32).toString('base64url'), createdAt: new Date() })
      .onConflictDoNothing();
    rows = await db.select().from(subscriptionKeys).limit(1);
  }
  const key = Buffer.from(rows[0]!.secret, 'base64url');
  keyCache.set(db, key);
  return key;
}
