// `npm run dev` (astro dev): one runtime per dev process, because our server (api/server/server.ts) is not in front.
import { readConfig } from './config.ts';
import { createRuntime, type Runtime } from './runtime.ts';

// Vite re-evaluates modules on every edit; keeping the runtime on globalThis means one database
// connection per dev process instead of one per edit.
const KEY = Symbol.for('herald.devRuntime');
type Holder = { [KEY]?: Promise<Runtime> };

export function devRuntime(): Promise<Runtime> {
  const holder = globalThis as Holder;
  holder[KEY] ??= createRuntime(readConfig(process.env)).then((runtime) => {
    console.log(`[herald] dev: database ${runtime.config.databaseUrl}, public URL ${runtime.config.publicUrl}`);
    return runtime;
  });
  return holder[KEY];
}
