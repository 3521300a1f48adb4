// The request log: lines are only appended on the request path and written off the event loop, in order, with the
// held text bounded when the reader falls behind, and everything pending written before an exit.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogSink } from '../../api/server/log-sink.ts';

let dir: string;
let file: string;
let fd: number;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'herald-log-'));
  file = join(dir, 'out.log');
  fd = openSync(file, 'a');
});
afterEach(() => {
  closeSync(fd);
  rmSync(dir, { recursive: true, force: true });
});

const lines = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `GET /incidents/${from + i} 200 0.1ms ${'x'.repeat(40)}`);

describe('the log sink', () => {
  it('writes nothing while the request path runs, then everything in order', async () => {
    const sink = createLogSink({ fd });
    const sent = lines(5000);
    for (const line of sent) sink(line);
    // 5000 lines (about 350 KB) appended: not one write yet, whatever the amount.
    expect(readFileSync(file, 'utf8')).toBe('');
    await sink.drain();
    expect(readFileSync(file, 'utf8')).toBe(sent.join('\n') + '\n');
  });

  it('keeps the order across writes in flight', async () => {
    const sink = createLogSink({ fd });
    const all: string[] = [];
    for (let round = 0; round < 20; round++) {
      const batch = lines(100, round * 100);
      all.push(...batch);
      for (const line of batch) sink(line);
      await new Promise((r) => setImmediate(r));
    }
    await sink.drain();
    expect(readFileSync(file, 'utf8').split('\n').filter(Boolean)).toEqual(all);
  });

  it('holds a bounded amount when the reader is behind, and says how many lines it dropped', async () => {
    const sink = createLogSink({ fd, maxPendingChars: 10_000 });
    for (const line of lines(1000)) sink(line);
    await sink.drain();
    const text = readFileSync(file, 'utf8');
    expect(text.length).toBeLessThan(12_000);
    expect(text).toMatch(/log: \d+ line\(s\) dropped/);
    expect(text.startsWith(lines(1)[0]!)).toBe(true);
  });

  it('keeps every byte of non-ASCII lines and of lines longer than a chunk, in order', async () => {
    const sink = createLogSink({ fd, chunkChars: 256 });
    const sent = ['GET /ja/ 200 0.1ms 障害', 'é'.repeat(100), `error ${'x'.repeat(1000)}`, 'GET /ar/ 200 0.2ms 🚨', ...lines(50)];
    for (const line of sent) sink(line);
    await sink.drain();
    expect(readFileSync(file, 'utf8')).toBe(sent.join('\n') + '\n');
  });

  it('flush writes what is pending at once (the last lines before an exit)', () => {
    const sink = createLogSink({ fd });
    sink('stopped');
    sink.flush();
    expect(readFileSync(file, 'utf8')).toBe('stopped\n');
  });
});
