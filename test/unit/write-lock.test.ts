// Concurrent write transactions on one database file queue instead of failing with SQLITE_BUSY.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { openMigratedDatabase, type Database } from '../../db/client.ts';
import { createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import * as schema from '../../db/schema.ts';
import { settings } from '../../db/schema.ts';
import { withWriteLock } from '../../db/write-lock.ts';

const opened: Database[] = [];
let dir = '';
afterEach(() => {
  for (const d of opened.splice(0)) d.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('overlapping transactions, plain writes and reads on two clients of one file all succeed', async () => {
  dir = mkdtempSync(join(tmpdir(), 'herald-lock-'));
  const url = `file:${join(dir, 'x.db')}`;
  const a = await openMigratedDatabase(url);
  const b = await openMigratedDatabase(url);
  opened.push(a, b);
  const now = new Date(0);
  const slowTx = (db: Database['db'], key: string) =>
    db.transaction(async (tx) => {
      await tx.insert(settings).values({ key, value: 1, updatedAt: now });
      // hold the transaction open across a turn of the event loop, as a request handler does
      await new Promise((r) => setTimeout(r, 10));
      await tx.insert(settings).values({ key: `${key}-2`, value: 1, updatedAt: now });
    });
  const failing = a.db.transaction(async (tx) => {
    await tx.insert(settings).values({ key: 'rolled-back', value: 1, updatedAt: now });
    throw new Error('nope');
  });
  const results = await Promise.allSettled([
    slowTx(a.db, 'a'),
    slowTx(b.db, 'b'),
    a.db.insert(settings).values({ key: 'plain', value: 1, updatedAt: now }),
    failing,
    slowTx(a.db, 'c'),
    b.db.select().from(settings),
  ]);
  expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
  const keys = (await a.db.select().from(settings)).map((r) => r.key).sort();
  expect(keys).toEqual(['a', 'a-2', 'b', 'b-2', 'c', 'c-2', 'plain']);
});

test('a write through the outer db inside a transaction fails instead of hanging, and the lock recovers', async () => {
  dir = mkdtempSync(join(tmpdir(), 'herald-lock-'));
  const url = `file:${join(dir, 'y.db')}`;
  opened.push(await openMigratedDatabase(url));
  const client = withWriteLock(createClient({ url }), url, 100);
  const db = drizzle(client, { schema });
  const now = new Date(0);
  const misuse = db.transaction(async (tx) => {
    await tx.insert(schema.settings).values({ key: 'inner', value: 1, updatedAt: now });
    await db.insert(schema.settings).values({ key: 'outer', value: 1, updatedAt: now });
  });
  const error = await misuse.then(
    () => null,
    (e: unknown) => e,
  );
  // drizzle wraps the driver's error as "Failed query: …" with the original as its cause
  expect(String((error as Error & { cause?: unknown })?.cause)).toMatch(/write lock/);
  await db.insert(schema.settings).values({ key: 'after', value: 1, updatedAt: now });
  expect((await db.select().from(schema.settings)).map((r) => r.key)).toEqual(['after']);
  client.close();
});
