// One writer at a time per database file inside this process, so concurrent requests queue instead of failing SQLITE_BUSY.
//
// Why: @libsql/client opens a pool of connections to a `file:` database and its calls are
// synchronous. When one request holds a write transaction open across an `await` and another
// request starts writing on a second connection, SQLite answers SQLITE_BUSY at once (no busy
// timeout), or, with a busy timeout, blocks the whole event loop so the holder can never commit
// and both wait out the timeout. Queueing writes in JavaScript avoids both; readers still run
// alongside a writer (WAL). Other processes on the same file are covered by the busy timeout.
import { resolve } from 'node:path';
import type { Client, InStatement, Transaction, TransactionMode } from '@libsql/client';

/** How long a write waits for the lock before failing, instead of hanging forever. */
const WRITE_LOCK_TIMEOUT_MS = 15_000;

/** A FIFO async lock whose waiters give up after a timeout. */
class Mutex {
  #tail: Promise<void> = Promise.resolve();

  /** Resolves, once the lock is free, to the function that releases it (idempotent). */
  lock(timeoutMs = WRITE_LOCK_TIMEOUT_MS): Promise<() => void> {
    let free!: () => void;
    const held = new Promise<void>((r) => (free = r));
    const previous = this.#tail;
    this.#tail = previous.then(() => held);
    let done = false;
    const release = () => {
      if (done) return;
      done = true;
      free();
    };
    return new Promise((resolve, reject) => {
      // A write made with `db` inside a `db.transaction` callback would wait for its own
      // transaction forever; failing it lets that transaction roll back and free the lock.
      const timer = setTimeout(() => {
        release();
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for the database write lock (is a write using db inside db.transaction?).`));
      }, timeoutMs);
      timer.unref();
      void previous.then(() => {
        if (done) return;
        clearTimeout(timer);
        resolve(release);
      });
    });
  }
}

// Keyed by absolute file path: two clients on one file in one process (tests of "two instances")
// must share the lock, which is why this is module state and not per client.
const locks = new Map<string, Mutex>();

function lockFor(key: string): Mutex {
  let m = locks.get(key);
  if (!m) {
    m = new Mutex();
    locks.set(key, m);
  }
  return m;
}

const READ_ONLY = /^\s*(select|explain)\b/i;
const READ_PRAGMA = /^\s*pragma\s+[\w.]+\s*(\(\s*[\w.'"]*\s*\))?\s*;?\s*$/i;

function isRead(stmt: InStatement): boolean {
  const sql = typeof stmt === 'string' ? stmt : stmt.sql;
  return READ_ONLY.test(sql) || READ_PRAGMA.test(sql);
}

/** Wraps a transaction so that committing, rolling back or closing it releases the lock. */
function releasingTransaction(tx: Transaction, release: () => void): Transaction {
  const finishing = (name: 'commit' | 'rollback') => async () => {
    try {
      await tx[name]();
    } finally {
      release();
    }
  };
  const overrides: Partial<Transaction> = {
    commit: finishing('commit'),
    rollback: finishing('rollback'),
    close: () => {
      try {
        tx.close();
      } finally {
        release();
      }
    },
  };
  return new Proxy(tx, {
    get(target, prop) {
      if (prop in overrides) return overrides[prop as keyof Transaction];
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** The client with writes queued per file (`file:` URLs only; others are returned as they are). */
export function withWriteLock(client: Client, url: string, timeoutMs = WRITE_LOCK_TIMEOUT_MS): Client {
  if (!url.startsWith('file:')) return client;
  const path = url.slice('file:'.length).split('?')[0] ?? '';
  if (!path || path.includes(':memory:')) return client;
  const mutex = lockFor(resolve(path));

  async function locked<T>(run: () => Promise<T>): Promise<T> {
    const release = await mutex.lock(timeoutMs);
    try {
      return await run();
    } finally {
      release();
    }
  }

  const overrides: Partial<Client> = {
    execute: ((stmt: InStatement | string, args?: unknown) => {
      const statement: InStatement = typeof stmt === 'string' && args !== undefined ? { sql: stmt, args: args as never } : stmt;
      return isRead(statement) ? client.execute(statement) : locked(() => client.execute(statement));
    }) as Client['execute'],
    batch: (stmts, mode) => (mode === 'read' ? client.batch(stmts, mode) : locked(() => client.batch(stmts, mode))),
    migrate: (stmts) => locked(() => client.migrate(stmts)),
    executeMultiple: (sql) => locked(() => client.executeMultiple(sql)),
    transaction: async (mode?: TransactionMode) => {
      if (mode === 'read') return client.transaction(mode);
      const release = await mutex.lock(timeoutMs);
      try {
        return releasingTransaction(await client.transaction(mode), release);
      } catch (err) {
        release();
        throw err;
      }
    },
  };
  return new Proxy(client, {
    get(target, prop) {
      if (prop in overrides) return overrides[prop as keyof Client];
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
