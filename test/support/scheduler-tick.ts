// A separate "server process" for scheduler tests: opens the database file, runs scheduler ticks at a given time, prints the count.
// Usage: node --import tsx test/support/scheduler-tick.ts <database file> <now, ms since epoch> [ticks] [jobs]; prints "ready",
// ticks after "go" on stdin. `jobs`: `default` (scheduled updates, the default) or `response` (escalations and reminders).
import { openMigratedDatabase } from '../../db/client.ts';
import { ManualClock, type AppDeps } from '../../api/core/deps.ts';
import { DEFAULT_JOBS, startScheduler } from '../../api/server/scheduler.ts';
import { runResponseJobs } from '../../api/response/response-worker.ts';
import { notifyingEvents } from '../../api/notify/events.ts';
import { CONSOLE_PATHS, RESPONSE_LINKS } from '../../admin/paths.ts';

const [file, nowArg, ticksArg, jobsArg] = process.argv.slice(2);
if (!file || !nowArg) {
  process.stderr.write('usage: scheduler-tick.ts <database file> <now ms> [ticks]\n');
  process.exit(2);
}
const database = await openMigratedDatabase(`file:${file}`);
const errors: string[] = [];
const deps: AppDeps = { db: database.db, clock: new ManualClock(Number(nowArg)), events: notifyingEvents, publicUrl: 'http://127.0.0.1:4321', invitationPath: CONSOLE_PATHS.invitation, passwordResetPath: CONSOLE_PATHS.passwordReset, responseLinks: RESPONSE_LINKS, log: (l) => errors.push(l) };
const scheduler = startScheduler(deps, { intervalMs: 0, jobs: jobsArg === 'response' ? [runResponseJobs] : DEFAULT_JOBS });
// Say "ready", then wait for "go" on stdin, so that several of these start ticking at the same moment.
process.stdout.write('ready\n');
await new Promise<void>((resolve) => {
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => {
    if (chunk.includes('go')) resolve();
  });
});
process.stdin.pause();
let total = 0;
for (let i = 0; i < Math.max(1, Number(ticksArg ?? 1)); i++) total += await scheduler.tick();
await scheduler.stop();
database.close();
process.stdout.write(JSON.stringify({ published: total, errors }) + '\n');
