// The load side of `npm run bench` part (a) and (e): Herald started as a user starts it (`npm start`, default request
// log on), a bare node:http server answering the same bytes and headers, each pinned to core 0, and wrk pinned to
// core 1 (autocannon in this process when wrk is not installed: `apt-get install wrk`).
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { freePort, ROOT } from '../e2e/herald-process.ts';
import { startNodeFlags } from '../support/start-flags.ts';

export interface Load {
  rps: number;
  /** 99th percentile latency, ms. */
  p99: number;
  errors: number;
  /** CPU time the server processes spent per request, µs (from /proc; NaN elsewhere): steady when neighbours are not. */
  cpuUsPerRequest: number;
}

const TICKS_PER_SECOND = 100;

/** utime + stime of the processes, in clock ticks (Linux /proc/<pid>/stat). */
function cpuTicks(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += Number(fields[11]) + Number(fields[12]);
    } catch {
      return Number.NaN;
    }
  }
  return total;
}

const hasWrk = spawnSync('wrk', ['--version']).error === undefined;
const hasTaskset = spawnSync('taskset', ['-V']).error === undefined;
/** Two cores or more: the servers on core 0, the load generator on core 1. */
const pinning = hasTaskset && availableParallelism() >= 2;

export const loadTool = () => `${hasWrk ? 'wrk' : 'autocannon (install wrk for a load generator that is not the limit: apt-get install wrk)'}${pinning ? ', load generator on core 1, servers on core 0' : ''}`;

/** Pins a process and all its threads to core 0 (the server side). */
export function pinServer(pid: number): void {
  if (!pinning) return;
  execFileSync('taskset', ['-a', '-p', '-c', '0', String(pid)], { stdio: 'ignore' });
}

/**
 * Pins a process and all its threads to core 1 (the load side): the bench's own process when it plays a part of
 * the load, such as the SMTP server taking a fan-out, so that it never takes the server's core. `null` undoes it.
 */
export function pinLoadSide(pid: number, core: 1 | null = 1): void {
  if (!pinning) return;
  execFileSync('taskset', ['-a', '-p', '-c', core === null ? `0-${availableParallelism() - 1}` : String(core), String(pid)], { stdio: 'ignore' });
}

/** wrk's "1.23ms", "850.00us", "1.02s" as ms. */
function wrkMs(value: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(value.trim());
  if (!m) return Number.NaN;
  const n = Number(m[1]);
  return m[2] === 'us' ? n / 1000 : m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : n * 60_000;
}

/**
 * Load on `url` for `seconds` with `connections`, from core 1; `serverPids` are measured for CPU per request.
 * Without `pauseMs` each connection sends its next request as soon as the last is answered (saturating); with it,
 * each waits that long in between, a steady light load whose latency shows how long requests wait for other work.
 */
export async function load(url: string, seconds: number, connections: number, serverPids: number[] = [], pauseMs?: number): Promise<Load> {
  const cpuBefore = cpuTicks(serverPids);
  const result = await generate(url, seconds, connections, pauseMs);
  const cpu = ((cpuTicks(serverPids) - cpuBefore) / TICKS_PER_SECOND) * 1e6;
  return { ...result, cpuUsPerRequest: serverPids.length ? cpu / Math.max(1, result.rps * seconds) : Number.NaN };
}

async function generate(url: string, seconds: number, connections: number, pauseMs?: number): Promise<Omit<Load, 'cpuUsPerRequest'> & { requests: number }> {
  if (!hasWrk) {
    const r = await autocannon({ url, connections, duration: seconds, pipelining: 1, ...(pauseMs ? { connectionRate: Math.round(1000 / pauseMs) } : {}) });
    return { rps: r.requests.average, p99: r.latency.p99, errors: r.errors + r.timeouts + r.non2xx, requests: r.requests.total };
  }
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', ...(pauseMs ? ['-s', pauseScript(pauseMs)] : []), url];
  const cmd = pinning ? 'taskset' : 'wrk';
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(cmd, pinning ? ['-c', '1', 'wrk', ...args] : args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (text += c));
    child.once('error', reject);
    child.once('exit', () => resolve(text));
  });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? Number.NaN);
  const p99 = wrkMs(/^\s+99%\s+(\S+)/m.exec(out)?.[1] ?? '');
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const errors = non2xx + (socketErrors ? socketErrors.slice(1).reduce((a, x) => a + Number(x), 0) : 0);
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? Number.NaN);
  if (!Number.isFinite(rps) || !Number.isFinite(p99) || !Number.isFinite(requests)) throw new Error(`could not read wrk's output:\n${out}`);
  return { rps, p99, errors, requests };
}

export interface Interleaved {
  /** Requests per second of each server over the time it ran. */
  rps: [number, number];
  errors: number;
}

/**
 * Both servers under load at once, each from its own load generator on core 1, while only one of them runs on core 0:
 * every `sliceMs` one is stopped (SIGSTOP) and the other continued (SIGCONT), for `seconds` of running time each.
 * Each server's rate is what it answered over the time it ran. This host's speed swings by ±20% within seconds for
 * any process (one bare server's 1 s runs: 13,432-27,407 req/s), and runs one after the other fall into different
 * swings; slices a quarter of a second apart see the same ones. Two identical bare servers measured so came out
 * 1.004-1.012 over three 20 s rounds, where alternating runs gave medians of 0.95-1.07. Latency means nothing here
 * (a request that arrives while its server is stopped waits for the next slice): p99s come from runs of one server.
 */
export async function interleavedLoad(servers: [{ url: string; pids: number[] }, { url: string; pids: number[] }], seconds: number, connections: number, sliceMs = 250): Promise<Interleaved> {
  const signal = (i: number, name: NodeJS.Signals) => {
    for (const pid of servers[i]!.pids) process.kill(pid, name);
  };
  const ran = [0, 0];
  let current = 0;
  let since = performance.now();
  let timer: NodeJS.Timeout | null = null;
  signal(1, 'SIGSTOP');
  try {
    const loads = servers.map((s) => generate(s.url, seconds * 2, connections));
    timer = setInterval(() => {
      const now = performance.now();
      ran[current]! += now - since;
      since = now;
      signal(current, 'SIGSTOP');
      current = 1 - current;
      signal(current, 'SIGCONT');
    }, sliceMs);
    const [a, b] = await Promise.all(loads);
    clearInterval(timer);
    timer = null;
    ran[current]! += performance.now() - since;
    return { rps: [(a!.requests / ran[0]!) * 1000, (b!.requests / ran[1]!) * 1000], errors: a!.errors + b!.errors };
  } finally {
    if (timer) clearInterval(timer);
    // Never leave a server stopped: it could not even take the SIGTERM that ends the bench.
    signal(0, 'SIGCONT');
    signal(1, 'SIGCONT');
  }
}

/** A wrk script whose delay() makes each connection wait `ms` before its next request. */
function pauseScript(ms: number): string {
  const file = join(tmpdir(), `herald-wrk-pause-${ms}.lua`);
  writeFileSync(file, `function delay()\n  return ${Math.round(ms)}\nend\n`);
  return file;
}

/** The pid of the node process under `npm start` (npm's child: the script execs node). */
function childPids(pid: number): number[] {
  const file = `/proc/${pid}/task/${pid}/children`;
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number) : [];
}

export interface StartedServer {
  baseURL: string;
  /** The processes to pin and to stop (npm and the server). */
  pids: number[];
  stop(): Promise<void>;
}

/** `npm start` with the default configuration (request log on, to a file as a supervisor would keep it). */
export async function npmStart(work: string, name: string, env: Record<string, string>): Promise<StartedServer> {
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  const logFile = join(work, `${name}.log`);
  const fd = openSync(logFile, 'a');
  const child = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? work, ASTRO_TELEMETRY_DISABLED: '1', HERALD_BUILD: 'skip', PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: baseURL, ...env },
    stdio: ['ignore', fd, fd],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`npm start exited:\n${readFileSync(logFile, 'utf8')}`);
    if (readFileSync(logFile, 'utf8').includes('Herald listening on')) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const pids = [child.pid!, ...childPids(child.pid!)];
  return {
    baseURL,
    pids,
    async stop() {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

export interface Captured {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** An answer as wrk gets it (node:http, no Accept-Encoding), with every header but those node:http adds itself. */
export function capture(url: string): Promise<Captured> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) {
          if (value === undefined || ['date', 'connection', 'keep-alive', 'transfer-encoding'].includes(name)) continue;
          headers[name] = Array.isArray(value) ? value.join(', ') : value;
        }
        resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks) });
      });
    });
    req.on('error', reject);
  });
}

/**
 * The ceiling: test/bench/baseline-server.ts answering `pages` (path → captured answer), pinned like Herald, on node
 * with the flags `npm start` gives Herald: they set up the runtime, not Herald's code (the README says why each is
 * there), and the ceiling is node:http at its best.
 */
export async function startBaseline(work: string, pages: Record<string, Captured>, name = 'pages.json'): Promise<StartedServer & { child: ChildProcess }> {
  const file = join(work, name);
  writeFileSync(file, JSON.stringify(Object.fromEntries(Object.entries(pages).map(([p, c]) => [p, { headers: c.headers, body: c.body.toString('base64') }]))));
  const port = await freePort();
  const child = spawn(process.execPath, [...startNodeFlags(), '--import', 'tsx', join(ROOT, 'test/bench/baseline-server.ts'), String(port), file], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (c: string) => c.includes('ready') && resolve());
    child.once('exit', () => reject(new Error('the baseline server exited')));
  });
  return {
    child,
    baseURL: `http://127.0.0.1:${port}`,
    pids: [child.pid!],
    async stop() {
      child.kill('SIGTERM');
    },
  };
}
