// The delivery thread's entry (started by delivery-thread.ts): outbox delivery on its own event loop, heap and
// database connection, at the lowest CPU priority, so that a fan-out never holds a page request.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../../db/client.ts';
import { deliverOutbox } from '../notify/deliver.ts';
import type { Config } from './config.ts';
import type { DeliveryThreadMessage } from './delivery-thread.ts';
import { createDeps } from './runtime.ts';
import { startScheduler } from './scheduler.ts';

/**
 * Lowers this thread's priority, not the process's: on Linux a thread is a task with its own id and nice value. The
 * server's own thread then takes the CPU whenever a request comes, while delivery gets every moment it leaves idle.
 */
function lowerOwnPriority(): void {
  if (process.platform !== 'linux') return;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, 19);
  } catch {
    // No /proc (a container without it) or not allowed: delivery runs at the server's priority, as in one thread.
  }
}

const port = parentPort;
if (!port) throw new Error('delivery-worker.ts runs as a worker thread (api/server/delivery-thread.ts starts it)');
const { config } = workerData as { config: Config };
const send = (message: DeliveryThreadMessage) => port.postMessage(message);

lowerOwnPriority();
// The server migrated the database before starting this thread; this is a second connection to the same file.
const database = await openDatabase(config.databaseUrl, config.databaseAuthToken);
const deps = createDeps(config, database, (line) => send({ log: line }));
const stop = new AbortController();
const scheduler = startScheduler(deps, { jobs: [(d) => deliverOutbox(d, stop.signal)] });

port.on('message', (message: unknown) => {
  if (message !== 'stop') return;
  // Sends in flight finish and are recorded; rows claimed but not tried are handed back (deliverDue).
  stop.abort();
  void scheduler.stop().finally(() => {
    deps.mailer?.close();
    database.close();
    port.close();
  });
});
