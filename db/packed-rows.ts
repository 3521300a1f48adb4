// Rows that SQLite packs into one JSON value, for the read paths every uncached public page takes.
import type { SQL } from 'drizzle-orm';
import type { DB } from './client.ts';

/**
 * Runs `query`, whose one row has a `rows` column built by `json_group_array(json_array(…))`, and returns its
 * arrays, each a row's values in the order listed. The driver's cost per row (a property per column, each set
 * twice, integers read as BigInt first) is paid once: measured on the bench seed, 1.7 ms for the uptime bars' ~300
 * incident rows against 0.36 ms as one JSON value. Times come back as the epoch milliseconds they are stored as.
 */
export async function packedRows<T>(db: DB, query: SQL): Promise<T[]> {
  const [packed] = await db.all<{ rows: unknown }>(query);
  return typeof packed?.rows === 'string' ? (JSON.parse(packed.rows) as T[]) : [];
}
