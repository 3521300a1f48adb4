// Starts the real built server (`node --import tsx api/server/server.ts`) on a free port with a temp database.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface HeraldProcess {
  baseURL: string;
  port: number;
  databaseUrl: string;
  /** The one-time setup link printed at start (null when the database already had a user). */
  setupLink: string | null;
  pid: number;
  /** Everything the server printed so far. */
  output(): string;
  /** SIGTERM, then wait for the exit (SIGKILL after 10 s). Removes the temp folder it made. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Share a database with another process (two-instance tests); default: a fresh temp file. */
  databaseUrl?: string;
  env?: Record<string, string>;
  /** How long to wait for the server to say it is listening. */
  timeoutMs?: number;
  /** Keep none of the server's output after it is ready (benchmarks: a log line per request would otherwise pile up here). */
  discardOutput?: boolean;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A fresh environment: nothing from the developer's shell leaks in but what Node and tools need. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ', 'NODE_OPTIONS']) {
    const v = process.env[key];
    if (v !== undefined) env[key] = v;
  }
  env.ASTRO_TELEMETRY_DISABLED = '1';
  // The global setup built dist/ once; a server must not rebuild it under its neighbours mid-run.
  env.HERALD_BUILD = 'skip';
  return env;
}

const SETUP_LINK = /(https?:\/\/\S+\/admin\/setup\?token=\S+)/;
/** The server's last start-up line, printed once it accepts connections (after the setup link). */
const READY = 'Herald listening on';

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export async function startHerald(opts: StartOptions = {}): Promise<HeraldProcess> {
  const ownDir = opts.databaseUrl ? null : mkdtempSync(join(tmpdir(), 'herald-e2e-'));
  const databaseUrl = opts.databaseUrl ?? `file:${join(ownDir!, 'herald.db')}`;
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'api/server/server.ts'], {
    cwd: ROOT,
    env: { ...baseEnv(), PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: baseURL, DATABASE_URL: databaseUrl, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let keep = true;
  const collect = (chunk: string) => {
    if (keep) out += chunk;
  };
  child.stdout!.setEncoding('utf8').on('data', collect);
  child.stderr!.setEncoding('utf8').on('data', collect);
  const cleanup = () => {
    if (ownDir) rmSync(ownDir, { recursive: true, force: true });
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      if (!(await waitForExit(child, 10_000))) {
        child.kill('SIGKILL');
        await waitForExit(child, 5_000);
      }
    }
    cleanup();
  };

  // Ready when the server says so on stdout (an event, not a poll); it may exit or take too long instead.
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const problem = await new Promise<string | null>((resolve) => {
    const done = (result: string | null) => {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.off('exit', onExit);
      resolve(result);
    };
    const onData = () => {
      if (out.includes(READY)) done(null);
    };
    const onExit = () => done('the server exited before it was listening');
    const timer = setTimeout(() => done(`the server did not say it was listening within ${timeoutMs} ms`), timeoutMs);
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
    if (child.exitCode !== null || child.signalCode !== null) onExit();
    else onData();
  });
  if (problem) {
    await stop();
    throw new Error(`${problem}:\n${out}`);
  }
  const health = await fetch(`${baseURL}/healthz`);
  if (!health.ok) {
    await stop();
    throw new Error(`the server is listening but /healthz answered ${health.status}:\n${out}`);
  }
  const setupLink = SETUP_LINK.exec(out)?.[1] ?? null;
  // Benchmarks: the pipe is still drained (a full pipe would block the server), but nothing more is kept.
  if (opts.discardOutput) keep = false;
  return {
    baseURL,
    port,
    databaseUrl,
    setupLink,
    pid: child.pid!,
    output: () => out,
    stop,
  };
}
