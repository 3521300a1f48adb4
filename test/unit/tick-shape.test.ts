// api/server/tick-shape.ts on the Node that runs the tests. Without it, idle spells with full collections free the
// shapes of process.nextTick's tick objects, and V8's feedback for the literal that makes them turns megamorphic
// (from then on each tick object is built in the runtime); with it, that feedback stays monomorphic.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keepTickShape, keptTickObject } from '../../api/server/tick-shape.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * The states of process.nextTick's literal-building feedback slots after the probe's idle spells. V8 prints through
 * C's buffered stdout, which a pipe cut short (2,979 of 12,198 bytes): the probe writes to a file.
 */
async function literalSlots(mode: 'keep' | 'none'): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'herald-tick-'));
  const file = join(dir, 'print.txt');
  const fd = openSync(file, 'w');
  try {
    const child = spawn(process.execPath, ['--expose-gc', '--allow-natives-syntax', '--import', 'tsx', 'test/support/tick-shape-probe.ts', mode], { cwd: ROOT, stdio: ['ignore', fd, 'inherit'] });
    const code = await new Promise<number | null>((resolve, reject) => child.once('error', reject).once('exit', resolve));
    expect(code).toBe(0);
    return [...readFileSync(file, 'utf8').matchAll(/slot #\d+ DefineKeyedOwnPropertyInLiteral (\w+)/g)].map((m) => m[1]!);
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('keepTickShape', () => {
  it('keeps one of process.nextTick’s tick objects, once', () => {
    keepTickShape();
    const kept = keptTickObject();
    expect(kept).not.toBeNull();
    expect(typeof (kept as { callback?: unknown }).callback).toBe('function');
    keepTickShape();
    expect(keptTickObject()).toBe(kept);
  });

  it('without it, idle spells with full collections turn the tick-object literal megamorphic', async () => {
    const slots = await literalSlots('none');
    expect(slots.length).toBeGreaterThan(0);
    expect(slots).toContain('MEGAMORPHIC');
  });

  it('with it, the literal stays monomorphic through them', async () => {
    const slots = await literalSlots('keep');
    expect(slots.length).toBeGreaterThan(0);
    expect(slots.every((s) => s === 'MONOMORPHIC')).toBe(true);
  });
});
