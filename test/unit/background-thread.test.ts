// The background thread's supervision (api/server/background-thread.ts), with small stand-in workers: a thread that dies
// is started again, its log lines reach the server's log, and stop() ends it without a restart.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canRunOnThread, startBackgroundThread } from '../../api/server/background-thread.ts';
import { readConfig } from '../../api/server/config.ts';

const dir = mkdtempSync(join(tmpdir(), 'herald-background-thread-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function workerFile(name: string, source: string): string {
  const file = join(dir, name);
  writeFileSync(file, `import { parentPort, workerData } from 'node:worker_threads';\n${source}\n`);
  return file;
}

const config = readConfig({ DATABASE_URL: 'file:data/never-opened.db' });

describe('the background thread', () => {
  it('is started again after it dies, and its lines reach the log', async () => {
    const lines: string[] = [];
    const file = workerFile('dies.mjs', `parentPort.postMessage({ log: 'started for ' + workerData.config.databaseUrl }); process.exit(3);`);
    const thread = startBackgroundThread(config, (line) => lines.push(line), file);
    // Bounded by the poll's timeout: the restart comes 5 s after the exit.
    await expect.poll(() => lines.filter((l) => l === 'started for file:data/never-opened.db').length, { timeout: 30_000, interval: 100 }).toBe(2);
    expect(lines).toContain('background thread exited (code 3); starting it again in 5 s');
    await thread.stop();
  });

  it('stops when asked: the worker finishes, and nothing starts it again', async () => {
    const lines: string[] = [];
    const file = workerFile('stops.mjs', `parentPort.postMessage({ log: 'up' }); parentPort.on('message', (m) => { if (m === 'stop') { parentPort.postMessage({ log: 'finishing' }); parentPort.close(); } });`);
    const thread = startBackgroundThread(config, (line) => lines.push(line), file);
    await expect.poll(() => lines, { timeout: 30_000 }).toContain('up');
    await thread.stop();
    expect(lines).toEqual(['up', 'finishing']);
  });

  it('is used only for a database another connection can open, from a build that has it', () => {
    const file = workerFile('present.mjs', '');
    expect(canRunOnThread(config, file)).toBe(true);
    expect(canRunOnThread(readConfig({ DATABASE_URL: 'file::memory:' }), file)).toBe(false);
    expect(canRunOnThread(config, join(dir, 'missing.mjs'))).toBe(false);
  });
});
