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
  /** How long to wait for /healthz. */
  timeoutMs?: number;
  /** Send the server's output to /dev/null (benchmarks: a log line per request would otherwise pile up here). */
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
    stdio: ['ignore', opts.discardOutput ? 'ignore' : 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
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

  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      cleanup();
      throw new Error(`the server exited before answering /healthz:\n${out}`);
    }
    try {
      const res = await fetch(`${baseURL}/healthz`);
      // "listening on" is printed last (after the setup link); /healthz may answer a moment before it arrives.
      if (res.ok && (opts.discardOutput || out.includes('Herald listening on') || Date.now() > deadline)) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the server did not answer /healthz in time:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    baseURL,
    port,
    databaseUrl,
    setupLink: SETUP_LINK.exec(out)?.[1] ?? null,
    pid: child.pid!,
    output: () => out,
    stop,
  };
}
