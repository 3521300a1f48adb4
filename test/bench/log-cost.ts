// What the request log costs on a cache hit: CPU per request with LOG_LEVEL=info (the default) and =warn, one server at a
// time, each started by `npm start`, pinned like (a). `node --import tsx test/bench/log-cost.ts [seconds]`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMigratedDatabase } from '../../db/client.ts';
import { seedDemo } from '../support/seed-demo.ts';
import { load, loadTool, npmStart, pinServer, type Load } from './wire.ts';

const seconds = Number(process.argv[2] ?? 4);
const work = mkdtempSync(join(tmpdir(), 'herald-log-cost-'));
try {
  const dbFile = join(work, 'log.db');
  const db = await openMigratedDatabase(`file:${dbFile}`);
  await seedDemo(db.db);
  db.close();
  console.log(`log cost on cached GET /: ${loadTool()}, ${seconds} s per run, 3 runs each, alternating`);
  const servers = {
    info: await npmStart(work, 'info', { DATABASE_URL: `file:${dbFile}`, LOG_LEVEL: 'info' }),
    warn: await npmStart(work, 'warn', { DATABASE_URL: `file:${dbFile}`, LOG_LEVEL: 'warn' }),
  };
  for (const s of Object.values(servers)) for (const pid of s.pids) pinServer(pid);
  const runs: Record<'info' | 'warn', Load[]> = { info: [], warn: [] };
  for (const s of Object.values(servers)) await load(`${s.baseURL}/`, 1, 100);
  for (let i = 0; i < 3; i++) {
    for (const level of (i % 2 ? ['warn', 'info'] : ['info', 'warn']) as ('info' | 'warn')[]) {
      runs[level].push(await load(`${servers[level].baseURL}/`, seconds, 100, servers[level].pids));
    }
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
  for (const level of ['info', 'warn'] as const) {
    console.log(`  LOG_LEVEL=${level}: ${med(runs[level].map((r) => r.rps)).toFixed(0)} req/s, CPU ${med(runs[level].map((r) => r.cpuUsPerRequest)).toFixed(1)} µs/request`);
  }
  const ratio = med(runs.info.map((r) => r.cpuUsPerRequest)) / med(runs.warn.map((r) => r.cpuUsPerRequest));
  console.log(`  the log costs ${((ratio - 1) * 100).toFixed(1)}% CPU per request`);
  for (const s of Object.values(servers)) await s.stop();
} finally {
  rmSync(work, { recursive: true, force: true });
}
