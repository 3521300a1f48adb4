// Background jobs on a worker thread of their own (background-worker.ts): scheduled updates, maintenance moves, the
// response team's escalations and reminders, and outbox delivery. The embedded database answers synchronously, so
// on the server's event loop every query of a job is time a page request waits: a fan-out's claims and writes, and
// each second's job queries (7–10 ms a tick while the database took a fan-out's writes). On this thread, at the
// lowest CPU priority, they wait for the pages instead.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Config } from './config.ts';

/** What the thread posts to the server: a line for the server's log. */
export interface BackgroundThreadMessage {
  log: string;
}

export interface BackgroundThread {
  /** Asks the thread to finish the sends in flight and the job it is running, hand back what it claimed and exit. */
  stop(): Promise<void>;
}

/** Wait before a thread that died is started again (an uncaught error; jobs' own errors are caught and logged). */
const RESTART_DELAY_MS = 5000;

/** The thread's code: background-worker.ts and what it imports, bundled by the build (astro.config.mjs). */
export function backgroundWorkerFile(root: string): string {
  return join(root, 'dist', 'server', 'background-worker.mjs');
}

/**
 * Whether the jobs can run on their own thread: not with an in-memory database (private to its connection, another
 * thread would see an empty one), nor with a build from before the thread existed.
 */
export function canRunOnThread(config: Config, workerFile: string): boolean {
  return !config.databaseUrl.includes(':memory:') && existsSync(workerFile);
}

/**
 * Starts the thread. It loads plain JavaScript: Node 20 does not apply `--import tsx` inside worker threads, and
 * tsx's own loader there cost 2 to 3 s of CPU and 85 MB at every start.
 */
export function startBackgroundThread(config: Config, log: (line: string) => void, workerFile: string): BackgroundThread {
  let stopping = false;
  let worker: Worker;
  let exited: Promise<void>;
  let restart: NodeJS.Timeout | null = null;

  const start = () => {
    worker = new Worker(workerFile, { workerData: { config } });
    worker.on('message', (message: BackgroundThreadMessage) => log(message.log));
    worker.on('error', (err) => log(`background thread: ${err.stack ?? err.message}`));
    exited = new Promise((resolve) =>
      worker.once('exit', (code) => {
        resolve();
        if (stopping) return;
        log(`background thread exited (code ${code}); starting it again in ${RESTART_DELAY_MS / 1000} s`);
        restart = setTimeout(() => {
          restart = null;
          if (!stopping) start();
        }, RESTART_DELAY_MS);
        restart.unref();
      }),
    );
  };
  start();

  return {
    async stop() {
      stopping = true;
      if (restart) clearTimeout(restart);
      worker.postMessage('stop');
      await exited;
    },
  };
}
