// What a cache hit costs in CPU per request: Herald with LOG_LEVEL=info (the default) and =warn, each started by
// `npm start`, beside a bare node:http server answering the same bytes and headers, one at a time, pinned like (a).
// CPU time per request does not depend on the share of the core a neighbour leaves. `node --import tsx test/bench/log-cost.ts [seconds]`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMigratedDatabase } from '../../db/client.ts';
import { seedDemo } from '../support/seed-demo.ts';
import { capture, load, loadTool, npmStart, pinServer, startBaseline, type Load } from './wire.ts';

const seconds = Number(process.argv[2] ?? 4);
const work = mkdtempSync(join(tmpdir(), 'herald-log-cost-'));
try {
  const dbFile = join(work, 'log.db');
  const db = await openMigratedDatabase(`file:${dbFile}`);
  await seedDemo(db.db);
  db.close();
  console.log(`CPU per cached GET /: ${loadTool()}, ${seconds} s per run, 5 runs each, alternating`);
  const info = await npmStart(work, 'info', { DATABASE_URL: `file:${dbFile}`, LOG_LEVEL: 'info' });
  const warn = await npmStart(work, 'warn', { DATABASE_URL: `file:${dbFile}`, LOG_LEVEL: 'warn' });
  const bare = await startBaseline(work, { '/': await capture(`${info.baseURL}/`) });
  const servers = { bare, info, warn };
  type Name = keyof typeof servers;
  for (const s of Object.values(servers)) for (const pid of s.pids) pinServer(pid);
  const runs: Record<Name, Load[]> = { bare: [], info: [], warn: [] };
  for (const s of Object.values(servers)) await load(`${s.baseURL}/`, 1, 100);
  const rounds = 5;
  const names: Name[] = ['bare', 'info', 'warn'];
  for (let i = 0; i < rounds; i++) {
    for (const name of i % 2 ? [...names].reverse() : names) runs[name].push(await load(`${servers[name].baseURL}/`, seconds, 100, servers[name].pids));
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const cpu = (name: Name) => med(runs[name].map((r) => r.cpuUsPerRequest));
  for (const name of names) {
    console.log(`  ${name === 'bare' ? 'bare node:http ' : `LOG_LEVEL=${name} `}: ${med(runs[name].map((r) => r.rps)).toFixed(0)} req/s, CPU ${cpu(name).toFixed(1)} µs/request (${runs[name].map((r) => r.cpuUsPerRequest.toFixed(1)).join(' ')})`);
  }
  console.log(`  the log costs ${((cpu('info') / cpu('warn') - 1) * 100).toFixed(1)}% CPU per request; Herald with it needs ${(cpu('info') / cpu('bare')).toFixed(2)}× the bare server's CPU per request`);
  for (const s of Object.values(servers)) await s.stop();
} finally {
  rmSync(work, { recursive: true, force: true });
}
