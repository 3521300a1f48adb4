// Builds the running pieces from the configuration: the migrated database, the deps and the Hono app.
import { openMigratedDatabase, type Database } from '../../db/client.ts';
import { createApp, type App } from '../app.ts';
import type { Config } from './config.ts';
import { systemClock, type AppDeps } from '../core/deps.ts';
import { notifyingEvents } from '../notify/events.ts';
import { fileOffsetClock } from './test-clock.ts';
import { createSmtpMailer, defaultMailFrom } from '../notify/mailer.ts';
import { CONSOLE_PATHS, RESPONSE_LINKS } from '../../admin/paths.ts';

export interface Runtime {
  config: Config;
  database: Database;
  deps: AppDeps;
  app: App;
}

export async function createRuntime(config: Config, log: (line: string) => void = (line) => console.log(line)): Promise<Runtime> {
  const database = await openMigratedDatabase(config.databaseUrl, config.databaseAuthToken);
  const deps = createDeps(config, database, log);
  return { config, database, deps, app: createApp(deps) };
}

/** What the app and the background jobs work with, on an open database (the server's, or the background thread's own). */
export function createDeps(config: Config, database: Database, log: (line: string) => void): AppDeps {
  // No SMTP_URL: email stays in the outbox as held, shown in the console (the default works unconfigured).
  const mailer = config.smtpUrl ? createSmtpMailer({ url: config.smtpUrl, from: config.mailFrom ?? defaultMailFrom(config.publicUrl) }) : undefined;
  return {
    db: database.db,
    clock: config.clockOffsetFile ? fileOffsetClock(config.clockOffsetFile) : systemClock,
    events: notifyingEvents,
    publicUrl: config.publicUrl,
    invitationPath: CONSOLE_PATHS.invitation, passwordResetPath: CONSOLE_PATHS.passwordReset, responseLinks: RESPONSE_LINKS,
    trustProxy: config.trustProxy,
    log,
    mailer,
    delivery: { maxAttempts: config.deliveryMaxAttempts },
    webhooks: { allowPrivate: config.webhookAllowPrivate },
  };
}
