// `npm start` under a supervisor: SIGTERM or SIGINT to the npm process (what Docker and systemd send) stops the
// server gracefully: the port closes, a request in flight is answered, and no process is left behind.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { freePort, ROOT } from './herald-process.ts';

const dirs: string[] = [];
test.afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Every descendant of `pid` (Linux /proc), children first found first. */
function descendants(pid: number): number[] {
  const out: number[] = [];
  const walk = (p: number, depth: number) => {
    if (depth > 10) return;
    const file = `/proc/${p}/task/${p}/children`;
    if (!existsSync(file)) return;
    for (const child of readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number)) {
      out.push(child);
      walk(child, depth + 1);
    }
  };
  walk(pid, 0);
  return out;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Resolves when a TCP connection to the port is refused (bounded: 200 tries, each waiting for its own answer). */
async function portClosed(port: number): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    const refused = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(false);
      });
      s.once('error', () => resolve(true));
    });
    if (refused) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

async function startNpm(): Promise<{ npm: ChildProcess; port: number; output: () => string; exited: Promise<number | null> }> {
  const dir = mkdtempSync(join(tmpdir(), 'herald-npm-start-'));
  dirs.push(dir);
  const port = await freePort();
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, ASTRO_TELEMETRY_DISABLED: '1', HERALD_BUILD: 'skip' };
  const npm = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    env: { ...env, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: `file:${join(dir, 'herald.db')}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  npm.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  npm.stderr!.setEncoding('utf8').on('data', (c: string) => (out += c));
  const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
  // Bounded: 600 × 100 ms.
  for (let i = 0; i < 600 && !out.includes('Herald listening on'); i++) {
    if (npm.exitCode !== null) throw new Error(`npm start exited early:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(out).toContain('Herald listening on');
  return { npm, port, output: () => out, exited };
}

/** A raw HTTP/1.1 connection that reads answers as they come. */
function rawConnection(port: number): Promise<{ socket: Socket; received: () => string; waitFor: (text: string) => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    const waiters: { text: string; resolve: () => void; reject: (e: Error) => void }[] = [];
    const check = () => {
      for (const w of [...waiters]) {
        if (data.includes(w.text)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    };
    socket.setEncoding('utf8').on('data', (c: string) => {
      data += c;
      check();
    });
    socket.on('close', () => {
      for (const w of waiters.splice(0)) w.reject(new Error(`connection closed before "${w.text}"; got:\n${data}`));
    });
    socket.once('error', reject);
    socket.once('connect', () =>
      resolve({
        socket,
        received: () => data,
        waitFor: (text) => (data.includes(text) ? Promise.resolve() : new Promise<void>((res, rej) => waiters.push({ text, resolve: res, reject: rej }))),
      }),
    );
  });
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`${signal} to the npm start process ends the server gracefully, answering the request in flight`, async () => {
    test.setTimeout(90_000);
    const { npm, port, output, exited } = await startNpm();
    const tree = descendants(npm.pid!);
    expect(tree.length).toBeGreaterThan(0);

    // The server has accepted this connection (it answered on it) and has read the next request's headers (it
    // sent 100 Continue): that request is in flight when the signal comes.
    const conn = await rawConnection(port);
    conn.socket.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    await conn.waitFor('{"ok":true}');
    const body = JSON.stringify({ email: 'nobody@example.com', password: 'not the password' });
    const half = Math.floor(body.length / 2);
    conn.socket.write(
      `POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\n\r\n`,
    );
    await conn.waitFor('100 Continue');
    conn.socket.write(body.slice(0, half));

    process.kill(npm.pid!, signal);
    // Stops accepting first...
    expect(await portClosed(port)).toBe(true);
    // ...and still answers the request it had begun.
    conn.socket.write(body.slice(half));
    await conn.waitFor('invalid_credentials');
    expect(conn.received()).toMatch(/HTTP\/1\.1 401/);
    conn.socket.destroy();

    expect(await exited).toBe(0);
    // Bounded: the tree has gone once npm has (200 × 25 ms at most).
    for (let i = 0; i < 200 && tree.some(alive); i++) await new Promise((r) => setTimeout(r, 25));
    expect(tree.filter(alive)).toEqual([]);
    expect(output()).toContain(`${signal}: finishing in-flight requests`);
    expect(output()).toContain('stopped');
  });
}

test('Ctrl-C in a terminal (SIGINT to npm and the server at once) still ends it gracefully', async () => {
  test.setTimeout(90_000);
  const { npm, port, output, exited } = await startNpm();
  const tree = descendants(npm.pid!);
  // A terminal signals the whole foreground group: npm, which forwards it, and the server itself.
  for (const pid of [npm.pid!, ...tree]) process.kill(pid, 'SIGINT');
  expect(await portClosed(port)).toBe(true);
  expect(await exited).toBe(0);
  for (let i = 0; i < 200 && tree.some(alive); i++) await new Promise((r) => setTimeout(r, 25));
  expect(tree.filter(alive)).toEqual([]);
  expect(output()).toContain('stopped');
});

/** Each thread of `pid` with its nice value and scheduling policy (Linux /proc/<pid>/task/<tid>/stat, fields 19 and 41). */
function threadPriorities(pid: number): { nice: number; policy: number }[] {
  const dir = `/proc/${pid}/task`;
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((tid) => {
    try {
      const stat = readFileSync(`${dir}/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return [{ nice: Number(fields[16]), policy: Number(fields[38]) }];
    } catch {
      return []; // the thread ended meanwhile
    }
  });
}

/** Linux's SCHED_IDLE (sched.h); SCHED_OTHER is 0. */
const SCHED_IDLE = 5;
const hasChrt = spawnSync('chrt', ['--version']).error === undefined;

test('background jobs run on a thread of their own at the lowest priority, and stop with the server', async () => {
  test.skip(process.platform !== 'linux', 'thread priorities are read from /proc');
  test.setTimeout(90_000);
  const { npm, exited } = await startNpm();
  const server = descendants(npm.pid!).find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('server.ts'));
  expect(server).toBeDefined();
  // The server's own threads keep the default priority; the background thread alone is at nice 19, and where
  // util-linux's chrt exists (Debian and most images have it), SCHED_IDLE: it yields the core to any thread that wakes.
  const lowest = (t: { nice: number; policy: number }) => t.nice === 19 && (!hasChrt || t.policy === SCHED_IDLE);
  await expect.poll(() => threadPriorities(server!).filter(lowest).length).toBe(1);
  expect(threadPriorities(server!).filter((t) => !lowest(t) && (t.nice !== 0 || t.policy !== 0))).toEqual([]);
  process.kill(npm.pid!, 'SIGTERM');
  expect(await exited).toBe(0);
});
