// Outbox delivery on a worker thread of its own (delivery-worker.ts). The embedded database answers synchronously and
// building and sending 20,000 messages makes garbage, so delivery on the server's event loop put milliseconds of
// stall in front of page requests during a fan-out; on its own thread, at the lowest priority, it does not.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Config } from './config.ts';

/** What the thread posts to the server: a line for the server's log. */
export interface DeliveryThreadMessage {
  log: string;
}

export interface DeliveryThread {
  /** Asks the thread to finish the sends in flight, hand back what it claimed and exit; resolves when it has. */
  stop(): Promise<void>;
}

/** Wait before a thread that died is started again (an uncaught error; jobs' own errors are caught and logged). */
const RESTART_DELAY_MS = 5000;

/** The thread's code: delivery-worker.ts and what it imports, bundled by the build (astro.config.mjs). */
export function deliveryWorkerFile(root: string): string {
  return join(root, 'dist', 'server', 'delivery-worker.mjs');
}

/**
 * Whether delivery can run on its own thread: not with an in-memory database (private to its connection, another
 * thread would see an empty one), nor with a build from before the thread existed.
 */
export function canDeliverOnThread(config: Config, workerFile: string): boolean {
  return !config.databaseUrl.includes(':memory:') && existsSync(workerFile);
}

/**
 * Starts the thread. It loads plain JavaScript: Node 20 does not apply `--import tsx` inside worker threads, and
 * tsx's own loader there cost 2 to 3 s of CPU and 85 MB at every start.
 */
export function startDeliveryThread(config: Config, log: (line: string) => void, workerFile: string): DeliveryThread {
  let stopping = false;
  let worker: Worker;
  let exited: Promise<void>;
  let restart: NodeJS.Timeout | null = null;

  const start = () => {
    worker = new Worker(workerFile, { workerData: { config } });
    worker.on('message', (message: DeliveryThreadMessage) => log(message.log));
    worker.on('error', (err) => log(`delivery thread: ${err.stack ?? err.message}`));
    exited = new Promise((resolve) =>
      worker.once('exit', (code) => {
        resolve();
        if (stopping) return;
        log(`delivery thread exited (code ${code}); starting it again in ${RESTART_DELAY_MS / 1000} s`);
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
