// Run by test/unit/pretenuring.test.ts in a child process: node <flags> --expose-gc --allow-natives-syntax
// --min-semi-space-size=16 --max-semi-space-size=16 --import tsx pretenure-probe.ts. The new space starts at its
// full size, as a server's has grown to under load. Each round queues a burst of process.nextTick ticks, has a
// young-generation collection find them all alive, lets them run, and then reports whether the next tick object
// is made in the young generation (true) or, its literal's allocation site tenured by V8, in the old one (false).
// Prints the rounds' answers as a JSON array.
import { createHook } from 'node:async_hooks';

const gc = (globalThis as { gc?: (options: { type: 'minor' }) => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
// V8's own test, readable only with --allow-natives-syntax (hence a Function: it is not TypeScript syntax).
const inYoungGeneration = new Function('o', 'return %InYoungGeneration(o)') as (o: object) => boolean;

let made: object | null = null;
const hook = createHook({
  init(_asyncId, type, _triggerAsyncId, resource) {
    if (type === 'TickObject') made = resource;
  },
});
const noop = () => undefined;
const answers: boolean[] = [];
for (let round = 0; round < 5; round++) {
  for (let i = 0; i < 5_000; i++) process.nextTick(noop, i);
  gc({ type: 'minor' });
  await new Promise((resolve) => setImmediate(resolve));
  made = null;
  hook.enable();
  process.nextTick(noop, round);
  hook.disable();
  if (made === null) throw new Error('no TickObject was made');
  answers.push(inYoungGeneration(made));
}
console.log(JSON.stringify(answers));
