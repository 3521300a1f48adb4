// `npm run admin:create -- --email E --name N`: makes an owner (or resets a password) from the shell.
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { openMigratedDatabase } from '../../db/client.ts';
import { users } from '../../db/schema.ts';
import { emailSchema, findUserByEmail, insertUser, nameSchema, roleSchema, userAudit } from '../identity/accounts.ts';
import { write } from '../audit/write.ts';
import { systemClock } from '../core/deps.ts';
import { badRequest, DomainError } from '../core/errors.ts';
import { hashPassword, newPasswordSchema } from '../identity/passwords.ts';
import { invalidateUserSessions } from '../identity/sessions.ts';
import { describeDatabaseUrl, readConfig, type Config } from '../server/config.ts';
import { getSettings, publicBaseUrl } from '../core/settings.ts';
import { notifyingEvents } from '../notify/events.ts';
import { CONSOLE_PATHS } from '../../admin/paths.ts';

const USAGE = `Usage: npm run admin:create -- --email you@example.com --name "Your Name" [--role owner] [--reset-password]

The password is read from standard input (first line), or asked for twice when run in a terminal.
  --role            owner (default), publisher, editor or viewer
  --reset-password  the user exists: set a new password and sign them out everywhere
Uses DATABASE_URL (default file:data/herald.db) and DATABASE_AUTH_TOKEN, like the server.`;

export interface CliIo {
  stdin: NodeJS.ReadStream;
  out: (line: string) => void;
  err: (line: string) => void;
  env: Record<string, string | undefined>;
}

/** Reads one line from a terminal without echoing it. */
function promptHidden(stdin: NodeJS.ReadStream, question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    let value = '';
    const done = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.removeListener('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new Error('Cancelled.'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** The first line of piped input (so `printf 'secret\n' | npm run admin:create ...` works). */
async function readFirstLine(stdin: NodeJS.ReadStream): Promise<string> {
  let data = '';
  for await (const chunk of stdin) {
    data += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
    if (data.includes('\n') || data.length > 4096) break;
  }
  return data.split(/\r?\n/)[0] ?? '';
}

async function readPassword(stdin: NodeJS.ReadStream): Promise<string> {
  if (!stdin.isTTY) return readFirstLine(stdin);
  const first = await promptHidden(stdin, 'Password: ');
  const second = await promptHidden(stdin, 'Password again: ');
  if (first !== second) throw badRequest('The two passwords differ.');
  return first;
}

const argsSchema = z.object({
  email: emailSchema,
  name: nameSchema.optional(),
  role: roleSchema.default('owner'),
  'reset-password': z.boolean().default(false),
});

/** Runs the command; returns the exit code (0 done, 1 refused or failed, 2 usage). */
export async function runAdminCreate(argv: string[], io: CliIo): Promise<number> {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      args: argv,
      options: {
        email: { type: 'string' },
        name: { type: 'string' },
        role: { type: 'string' },
        'reset-password': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (e) {
    io.err(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success || (!parsed.data['reset-password'] && !parsed.data.name)) {
    const problems = parsed.success ? ['--name: required'] : parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`);
    io.err(`${problems.join('\n')}\n\n${USAGE}`);
    return 2;
  }
  const args = parsed.data;

  let config: Config;
  try {
    config = readConfig(io.env);
  } catch (e) {
    io.err((e as Error).message);
    return 2;
  }

  let password: string;
  try {
    password = await readPassword(io.stdin);
  } catch (e) {
    io.err((e as Error).message);
    return 1;
  }
  const checked = newPasswordSchema.safeParse(password);
  if (!checked.success) {
    io.err(`Password: ${checked.error.issues[0]?.message ?? 'not valid'}`);
    return 1;
  }
  const passwordHash = await hashPassword(checked.data);

  const database = await openMigratedDatabase(config.databaseUrl, config.databaseAuthToken);
  try {
    // Writes from the shell have no actor (their actions end in _cli); events go where the server's go.
    const deps = { db: database.db, clock: systemClock, events: notifyingEvents };
    const existing = await findUserByEmail(database.db, args.email);
    if (args['reset-password']) {
      if (!existing) {
        io.err(`No user has the email ${args.email}.`);
        return 1;
      }
      await write(deps, null, async (w) => {
        const { tx, now } = w;
        const after = { ...existing, passwordHash, disabledAt: null, updatedAt: now };
        await tx.update(users).set({ passwordHash, disabledAt: null, updatedAt: now }).where(eq(users.id, existing.id));
        await invalidateUserSessions(tx, existing.id);
        await w.audit({ action: 'user.reset_password_cli', entityType: 'user', entityId: existing.id, before: userAudit(existing), after: userAudit(after) });
      });
      io.out(`New password set for ${existing.email} (${existing.role}); their sessions were ended.`);
      return 0;
    }
    if (existing) {
      io.err(`A user with the email ${args.email} already exists. Use --reset-password to set a new password.`);
      return 1;
    }
    const user = await write(deps, null, async (w) => {
      const created = await insertUser(w.tx, { email: args.email, name: args.name!, role: args.role, passwordHash }, w.now);
      await w.audit({ action: 'user.create_cli', entityType: 'user', entityId: created.id, after: userAudit(created) });
      return created;
    });
    // The page's public URL as the console set it, else the server's PUBLIC_URL (this process has no server to ask).
    const base = publicBaseUrl(await getSettings(database.db), config.publicUrl);
    io.out(`Created ${user.role} ${user.email} (id ${user.id}) in ${describeDatabaseUrl(config.databaseUrl)}. Sign in at ${base}${CONSOLE_PATHS.login}`);
    return 0;
  } catch (e) {
    io.err(e instanceof DomainError ? e.message : `Failed: ${(e as Error).message}`);
    return 1;
  } finally {
    database.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const code = await runAdminCreate(process.argv.slice(2), {
    stdin: process.stdin,
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    env: process.env,
  });
  process.exitCode = code;
}
