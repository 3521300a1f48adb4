// Outbox delivery on a thread of its own (`npm start`): the worker and the requests no longer share one event loop
// and one heap, so a 20,000-recipient fan-out (MIME building, SMTP, its garbage) does not hold requests up. The
// thread opens its own connection to the database; like a second instance, its claims make every send once.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { AppDeps } from '../core/deps.ts';
import { deliverOutbox } from '../notify/deliver.ts';
import type { Config } from './config.ts';
import { createDeps } from './runtime.ts';
import { startScheduler } from './scheduler.ts';

type ToThread = { stop: true };
type FromThread = { log: string } | { stopped: true };

/** Delivery while it runs; `stop()` lets sends in flight finish and hands back rows claimed but not tried. */
export interface Delivery {
  stop(): Promise<void>;
}

/** Delivers on `deps`' connection every second, in the calling thread. */
function deliverEverySecond(deps: AppDeps): Delivery {
  const abort = new AbortController();
  const scheduler = startScheduler(deps, { jobs: [(d) => deliverOutbox(d, abort.signal)] });
  return {
    async stop() {
      abort.abort();
      await scheduler.stop();
    },
  };
}

/**
 * Starts delivery on a worker thread, or beside the requests on `deps` when the database is `:memory:` (which
 * only that connection can see).
 */
export function startDelivery(config: Config, deps: AppDeps, log: (line: string) => void): Delivery {
  if (/^(file:)?:memory:/.test(config.databaseUrl)) return deliverEverySecond(deps);
  // The entry registers tsx's loader first: a worker thread does not inherit the --import hooks of its parent.
  const entry = `const { register } = await import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}); register(); await import(${JSON.stringify(import.meta.url)});`;
  const thread = new Worker(entry, { eval: true, execArgv: [], workerData: { config } });
  const over = new Promise<void>((resolve) => {
    thread.once('exit', () => resolve());
    thread.on('message', (m: FromThread) => ('log' in m ? log(m.log) : resolve()));
  });
  thread.on('error', (err) => log(`delivery: the delivery thread stopped: ${err.stack ?? err.message}`));
  return {
    async stop() {
      thread.postMessage({ stop: true } satisfies ToThread);
      await over;
      await thread.terminate();
    },
  };
}

// Inside the thread: deliver until the main thread says stop, then close what it opened.
if (!isMainThread && parentPort && (workerData as { config?: Config } | null)?.config) {
  const port = parentPort;
  const send = (m: FromThread) => port.postMessage(m);
  const { database, deps } = await createDeps((workerData as { config: Config }).config, (line) => send({ log: line }));
  const delivery = deliverEverySecond(deps);
  port.on('message', (m: ToThread) => {
    if (!m.stop) return;
    void delivery.stop().then(() => {
      deps.mailer?.close();
      database.close();
      send({ stopped: true });
    });
  });
}
