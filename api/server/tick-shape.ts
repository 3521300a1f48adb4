// Keeps node:http at its speed after the server has idled. Every request schedules a few `process.nextTick`s
// (stream ends, writes), and each makes a tick object from a literal with two computed keys. V8 optimizes that
// literal for the object shapes (maps) it has seen; those shapes stay alive only while some tick object does. When
// the server idles, none does, and full garbage collections then free the shapes (V8 keeps an unused shape through
// two of them: --retain-maps-for-n-gc, whose 0 makes it the first). The next tick object gets new
// ones, and V8 gives up on that literal for the life of the process: every tick object is then built property by
// property in the runtime. Measured in a loop of ticks with an idle spell and a collection between rounds (Node
// 20.20): three ticks took 0.8–1.4 µs before the third collection and 2.6–4.0 µs after it, for good, with
// `Runtime_DefineKeyedOwnPropertyInLiteral` and `MigrateToMap` on top of the profile; with one tick object kept
// alive they stayed at 0.8–2.0 µs, and those two functions took 0.05% of the samples against 7%.
import { createHook } from 'node:async_hooks';

let kept: object | null = null;

/**
 * Keeps one tick object alive for the life of the process, and with it the shapes every later tick object takes.
 * An `init` hook sees the one made here and is switched off at once: afterwards no hook is installed, so no request
 * pays for async hooks.
 */
export function keepTickShape(): void {
  if (kept) return;
  const hook = createHook({
    init(_asyncId, type, _triggerAsyncId, resource) {
      if (type === 'TickObject' && kept === null) kept = resource;
    },
  });
  hook.enable();
  process.nextTick(() => undefined);
  hook.disable();
}

/** The tick object kept (null before keepTickShape, or if this Node makes no TickObject): for the tests. */
export function keptTickObject(): object | null {
  return kept;
}
