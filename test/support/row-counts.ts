// Row counts of every table, so bad-input tests can prove a refused write left nothing behind.
import type { Database } from '../../db/client.ts';

export type RowCounts = Record<string, number>;

/** Counts the rows of every table (drizzle's own migration table excluded). */
export async function rowCounts(database: Database): Promise<RowCounts> {
  const tables = await database.client.execute(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%' ORDER BY name",
  );
  const counts: RowCounts = {};
  for (const row of tables.rows) {
    const name = String(row.name);
    const result = await database.client.execute(`SELECT count(*) AS n FROM "${name.replace(/"/g, '""')}"`);
    counts[name] = Number(result.rows[0]?.n ?? 0);
  }
  return counts;
}

/**
 * Every row of every table as JSON, minus tables that reads legitimately touch (session and
 * token last-use times): stronger than counts, it also catches a half-applied UPDATE.
 */
export async function tableContents(database: Database, except: string[] = ['sessions', 'api_tokens', 'login_failures']): Promise<Record<string, string>> {
  const tables = await database.client.execute(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%' ORDER BY name",
  );
  const out: Record<string, string> = {};
  for (const row of tables.rows) {
    const name = String(row.name);
    if (except.includes(name)) continue;
    const result = await database.client.execute(`SELECT * FROM "${name.replace(/"/g, '""')}" ORDER BY rowid`);
    out[name] = JSON.stringify(result.rows);
  }
  return out;
}
