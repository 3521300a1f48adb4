// A delivery worker in a process of its own (`node --import tsx test/support/outbox-worker.ts <database url> <smtp url>`),
// for tests that kill it mid fan-out: it delivers what is due through a real SMTP mailer, then exits.
import { openDatabase } from '../../db/client.ts';
import { systemClock, type AppDeps } from '../../api/core/deps.ts';
import { deliverDue } from '../../api/notify/deliver.ts';
import { notifyingEvents } from '../../api/notify/events.ts';
import { CONSOLE_PATHS, RESPONSE_LINKS } from '../../admin/paths.ts';
import { createSmtpMailer } from '../../api/notify/mailer.ts';

const [databaseUrl, smtpUrl] = process.argv.slice(2);
const database = await openDatabase(databaseUrl!);
const mailer = createSmtpMailer({ url: smtpUrl!, from: 'status@example.com' });
const deps: AppDeps = { db: database.db, clock: systemClock, events: notifyingEvents, publicUrl: 'http://127.0.0.1:4321', invitationPath: CONSOLE_PATHS.invitation, passwordResetPath: CONSOLE_PATHS.passwordReset, responseLinks: RESPONSE_LINKS, mailer };
process.stdout.write('worker ready\n');
await deliverDue(deps, { workerId: 'doomed' });
mailer.close();
database.close();
