// The Herald server process (`npm start`): build when stale, migrate, then one listener for API, pages and assets.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAstroHandler, preloadAstroModules } from './astro-render.ts';
import { ensureBuilt, entryFile } from './build.ts';
import { describeDatabaseUrl, readConfigOrExit } from './config.ts';
import { createHeraldServer } from './http-server.ts';
import { issueSetupLink } from '../identity/one-time-links.ts';
import { CONSOLE_PATHS } from '../../admin/paths.ts';
import { createLogSink } from './log-sink.ts';
import { createRuntime } from './runtime.ts';
import { BACKGROUND_JOBS, startScheduler } from './scheduler.ts';
import { deliverOutbox } from '../notify/deliver.ts';
import { loadStaticFiles } from './static-files.ts';
import { backgroundWorkerFile, canRunOnThread, startBackgroundThread } from './background-thread.ts';
import { keepTickShape } from './tick-shape.ts';

// Before anything schedules a tick: requests keep their speed after the server has idled (tick-shape.ts).
keepTickShape();

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));

// Every line goes through one buffered sink, written off the event loop, so that start-up messages and request lines
// keep their order and a slow reader of stdout never holds a request.
const sink = createLogSink();
const say = (line: string) => sink(line);

const config = readConfigOrExit();
const quiet = config.logLevel === 'silent';
const log = quiet ? () => undefined : sink;

if (config.build === 'auto') await ensureBuilt(root, say);
else if (!existsSync(entryFile(root))) {
  process.stderr.write('HERALD_BUILD=skip, but dist/ has no build: run `npm run build` first.\n');
  process.exit(1);
}
const runtime = await createRuntime(config, log);
const astro = await loadAstroHandler(entryFile(root));
const preloaded = await preloadAstroModules(join(root, 'dist', 'server'));
const staticFiles = await loadStaticFiles(join(root, 'dist', 'client'));
const herald = await createHeraldServer({ runtime, astro, staticFiles, log, logRequests: config.logLevel === 'info' });

// Background work in this process: scheduled updates, maintenance moves, the response team's escalations and
// reminders, and outbox delivery, on a thread of its own where it can have one (canRunOnThread says when; claims
// make each safe with several instances), else on this event loop. It is stopped first on shutdown: delivery
// finishes the sends in flight and claims no more.
const backgroundStop = new AbortController();
const workerFile = backgroundWorkerFile(root);
const backgroundThread = canRunOnThread(config, workerFile) ? startBackgroundThread(config, log, workerFile) : null;
const scheduler = backgroundThread ? null : startScheduler(runtime.deps, { jobs: [...BACKGROUND_JOBS, (deps) => deliverOutbox(deps, backgroundStop.signal)] });

const setupLink = await issueSetupLink(runtime.database.db, runtime.deps.clock.now(), config.publicUrl, CONSOLE_PATHS.setup);
const server = await herald.listen(config.port, config.host);
const address = server.address();
const port = typeof address === 'object' && address ? address.port : config.port;

say(`database ${describeDatabaseUrl(config.databaseUrl)}, ${preloaded} page modules loaded, ${staticFiles.size} static files in memory`);
if (setupLink) {
  say('');
  say('No user exists yet. Open this one-time link to create the first owner (valid 24 hours):');
  say(`  ${setupLink}`);
  say('');
}
// Last, so that whoever waits for this line has seen everything above it (tests read the setup link).
say(`Herald listening on http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port} (public URL ${config.publicUrl})`);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  say(`${signal}: finishing in-flight requests`);
  // Hard stop if something hangs: a supervisor's next signal would be a SIGKILL anyway.
  setTimeout(() => process.exit(1), 15_000).unref();
  backgroundStop.abort();
  const threadStopped = backgroundThread?.stop();
  await herald.close(10_000);
  await scheduler?.stop();
  await threadStopped;
  runtime.deps.mailer?.close();
  runtime.database.close();
  say('stopped');
  await sink.drain();
  process.exit(0);
}
// `on`, not `once`: Ctrl-C in a terminal signals the whole group (npm forwards its SIGINT too), and a second signal
// without a handler would kill the process mid-shutdown. Repeats are ignored; the 15 s guard above still holds.
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
