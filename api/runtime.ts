// Builds the running pieces from the configuration: the migrated database, the deps and the Hono app.
import { openMigratedDatabase, type Database } from '../db/client.ts';
import { createApp, type App } from './app.ts';
import type { Config } from './config.ts';
import { systemClock, type AppDeps } from './deps.ts';

export interface Runtime {
  config: Config;
  database: Database;
  deps: AppDeps;
  app: App;
}

export async function createRuntime(config: Config, log: (line: string) => void = (line) => console.log(line)): Promise<Runtime> {
  const database = await openMigratedDatabase(config.databaseUrl, config.databaseAuthToken);
  const deps: AppDeps = { db: database.db, clock: systemClock, publicUrl: config.publicUrl, trustProxy: config.trustProxy, log };
  return { config, database, deps, app: createApp(deps) };
}
