// Opens the libSQL database (embedded file by default, a libSQL server with DATABASE_URL) and migrates it.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, type Client } from '@libsql/client';
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import * as schema from './schema.ts';
import { withWriteLock } from './write-lock.ts';

export type DB = LibSQLDatabase<typeof schema>;
export interface Database {
  db: DB;
  client: Client;
  close(): void;
}

export const DEFAULT_DATABASE_URL = 'file:data/herald.db';
const MIGRATIONS_FOLDER = resolve(dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Opens a database. For `file:` URLs the folder is created, WAL is on (several processes may share it). */
export async function openDatabase(url = DEFAULT_DATABASE_URL, authToken?: string): Promise<Database> {
  if (url.startsWith('file:')) {
    const path = url.slice('file:'.length);
    if (path && path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  }
  // Writes queue per file inside this process (db/write-lock.ts); the busy timeout covers other processes.
  const client = withWriteLock(createClient({ url, authToken, timeout: 5000 }), url);
  if (url.startsWith('file:') && !url.includes(':memory:')) {
    await client.execute('PRAGMA journal_mode = WAL');
    await client.execute('PRAGMA busy_timeout = 5000');
    await client.execute('PRAGMA synchronous = NORMAL');
  }
  await client.execute('PRAGMA foreign_keys = ON');
  const db = drizzle(client, { schema });
  return { db, client, close: () => client.close() };
}

/** Applies the committed drizzle-kit migrations; idempotent. */
async function migrateDatabase(db: DB): Promise<void> {
  await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
}

/** Opens and migrates: what the server, the scripts and the tests use. */
export async function openMigratedDatabase(url?: string, authToken?: string): Promise<Database> {
  const database = await openDatabase(url, authToken);
  await migrateDatabase(database.db);
  return database;
}

/** A transaction handle; functions that write take `Executor` so they work inside or outside one. */
export type Tx = Parameters<Parameters<DB['transaction']>[0]>[0];
export type Executor = DB | Tx;
