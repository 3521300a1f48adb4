// Run by test/unit/tick-shape.test.ts in a child process (node --expose-gc --allow-natives-syntax --import tsx
// tick-shape-probe.ts keep|none): process.nextTick's ticks, idle spells with full collections between them, more
// ticks, then V8's print of process.nextTick (on stdout), whose feedback slots say how its tick-object literal is
// built: MONOMORPHIC (its fast code) or MEGAMORPHIC (property by property in the runtime, for good).
import { keepTickShape } from '../../api/server/tick-shape.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
// V8's own print, readable only with --allow-natives-syntax (hence a Function: it is not TypeScript syntax).
const debugPrint = new Function('a', '%DebugPrint(a)') as (a: unknown) => void;

const noop = () => undefined;
const ticks = (n: number) =>
  new Promise<void>((resolve) => {
    for (let i = 0; i < n; i++) process.nextTick(noop, i);
    process.nextTick(resolve);
  });

if (process.argv[2] === 'keep') keepTickShape();
for (let round = 0; round < 5; round++) {
  await ticks(1_000);
  // Idle: the queue is empty, so no tick object is alive but a kept one; then a full collection.
  await new Promise((resolve) => setImmediate(resolve));
  gc();
}
await ticks(1_000);
debugPrint(process.nextTick);
