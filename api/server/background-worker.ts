// The background thread's entry (started by background-thread.ts): scheduled updates, maintenance moves, the response
// team's escalations and reminders, and outbox delivery, on their own event loop, heap and database connection, at
// the lowest CPU priority, so that page requests do not wait behind a fan-out or a job's queries.
import { execFile } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../../db/client.ts';
import { deliverOutbox } from '../notify/deliver.ts';
import type { Config } from './config.ts';
import type { BackgroundThreadMessage } from './background-thread.ts';
import { createDeps } from './runtime.ts';
import { BACKGROUND_JOBS, startScheduler } from './scheduler.ts';

/**
 * Lowers this thread's priority, not the process's: on Linux a thread is a task with its own id, nice value and
 * scheduling policy. Nice 19 alone was not enough on one busy core: the kernel lets a task it has just picked run out
 * its slice, until the next tick (4 ms at 250 Hz), before a waking request gets the core, and cached `GET /` p99
 * during a fan-out was 3.6 ms against 0.6–1.0 idle. SCHED_IDLE (set with util-linux's `chrt`; Node has no call for
 * it) gives the core up at once to any other task that wakes; where `chrt` is missing, nice 19 stays.
 */
function lowerOwnPriority(): void {
  if (process.platform !== 'linux') return;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return;
    setPriority(tid, 19);
    execFile('chrt', ['--idle', '--pid', '0', String(tid)], { timeout: 5000 }, () => undefined);
  } catch {
    // No /proc (a container without it) or not allowed: the jobs run at the server's priority, as in one thread.
  }
}

const port = parentPort;
if (!port) throw new Error('background-worker.ts runs as a worker thread (api/server/background-thread.ts starts it)');
const { config } = workerData as { config: Config };
const send = (message: BackgroundThreadMessage) => port.postMessage(message);

lowerOwnPriority();
// The server migrated the database before starting this thread; this is a second connection to the same file.
const database = await openDatabase(config.databaseUrl, config.databaseAuthToken);
const deps = createDeps(config, database, (line) => send({ log: line }));
const stop = new AbortController();
// Two schedulers on one loop: a fan-out's long delivery tick never holds a scheduled update or an escalation back.
const schedulers = [startScheduler(deps, { jobs: BACKGROUND_JOBS }), startScheduler(deps, { jobs: [(d) => deliverOutbox(d, stop.signal)] })];

port.on('message', (message: unknown) => {
  if (message !== 'stop') return;
  // Sends in flight finish and are recorded; rows claimed but not tried are handed back (deliverDue); a running job
  // finishes its tick.
  stop.abort();
  void Promise.all(schedulers.map((s) => s.stop())).finally(() => {
    deps.mailer?.close();
    database.close();
    port.close();
  });
});
