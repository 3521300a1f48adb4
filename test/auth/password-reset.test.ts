// Password reset by email: signed, expiring, single use, no account enumeration, rate-limited, held in the outbox
// without SMTP and sent through a real SMTP server with it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { oneTimeLinks, outbox, users } from '../../db/schema.ts';
import { deliverDue } from '../../api/notify/deliver.ts';
import { createSmtpMailer } from '../../api/notify/mailer.ts';
import { RESET_EMAIL_INTERVAL_MS, RESET_TTL_MS } from '../../api/identity/password-reset.ts';
import { RESET_ADDRESS_POLICY } from '../../api/identity/login-limits.ts';
import { CONSOLE_PATHS } from '../../admin/paths.ts';
import { json, makeTestApp, ORIGIN, PUBLIC_URL, userWithSession, type TestApp } from '../support/app.ts';
import { startMailSink, type MailSink } from '../support/mail-sink.ts';
import { cookieHeaders, login, PASSWORD, sessionTokenOf, sessionsOf, userWithPassword } from './fixtures.ts';

const NEW_PASSWORD = 'a brand new long passphrase';

let t: TestApp;
afterEach(() => t.close());

const ask = (email: string, headers: Record<string, string> = {}) => t.app.request('/api/auth/password-reset', json('POST', { email }, { ...ORIGIN, ...headers }));
const confirm = (token: string, password: string) => t.app.request('/api/auth/password-reset/confirm', json('POST', { token, password }, ORIGIN));

/** The reset link in the held message to `email`, as an owner reads it in the delivery log. */
async function heldLink(email: string): Promise<string> {
  await deliverDue(t.deps);
  const owner = await userWithSession(t, 'owner');
  const log = (await (await t.app.request('/api/v1/outbox?limit=50', { headers: owner.headers })).json()) as { deliveries: { id: number; recipient: string; event_kind: string; state: string }[] };
  // an internal message to a Herald user: the log names them as “Name <email>”
  const row = log.deliveries.find((d) => d.recipient.endsWith(`<${email}>`) && d.event_kind === 'password_reset');
  if (!row) throw new Error(`no reset message to ${email}`);
  expect(row.state).toBe('held');
  const one = (await (await t.app.request(`/api/v1/outbox/${row.id}`, { headers: owner.headers })).json()) as { message: { text: string } };
  const m = new RegExp(`${PUBLIC_URL}${CONSOLE_PATHS.passwordReset}\\?token=([^\\s]+)`).exec(one.message.text);
  if (!m) throw new Error(`no link in:\n${one.message.text}`);
  return decodeURIComponent(m[1]!);
}

describe('without SMTP: the link is held in the outbox', () => {
  beforeEach(async () => {
    t = await makeTestApp();
  });

  it('answers the same for every address, queues one held email for a real account, and the link sets the password once', async () => {
    const u = await userWithPassword(t, 'publisher');
    const disabled = await userWithPassword(t, 'editor');
    await t.database.db.update(users).set({ disabledAt: t.clock.now() }).where(eq(users.id, disabled.id));
    const answers = await Promise.all([ask(u.email.toUpperCase()), ask('nobody@example.com'), ask(disabled.email)]);
    const bodies = await Promise.all(answers.map((r) => r.text()));
    expect(answers.map((r) => r.status)).toEqual([202, 202, 202]);
    expect(new Set(bodies).size).toBe(1);
    expect(await t.database.db.select().from(outbox)).toHaveLength(1);
    // Only a hash is stored; the token is signed again from the link's id when the email is made.
    const [link] = await t.database.db.select().from(oneTimeLinks).where(eq(oneTimeLinks.purpose, 'reset'));
    expect(link!.expiresAt.getTime() - t.clock.now().getTime()).toBe(RESET_TTL_MS);

    const token = await heldLink(u.email);
    expect(token.startsWith(`${link!.id}.`)).toBe(true);
    expect(link!.secretHash).not.toContain(token.split('.')[1]);
    const who = await t.app.request(`/api/auth/password-reset?token=${encodeURIComponent(token)}`);
    expect(await who.json()).toMatchObject({ email: u.email });

    const oldSession = sessionTokenOf(await login(t, u.email, PASSWORD))!;
    const res = await confirm(token, NEW_PASSWORD);
    expect(res.status).toBe(200);
    const newSession = sessionTokenOf(res)!;
    expect((await t.app.request('/api/v1/me', { headers: cookieHeaders(newSession) })).status).toBe(200);
    // Every earlier session ended; the old password no longer works, the new one does.
    expect((await t.app.request('/api/v1/me', { headers: cookieHeaders(oldSession) })).status).toBe(401);
    expect((await login(t, u.email, PASSWORD)).status).toBe(401);
    expect((await login(t, u.email, NEW_PASSWORD)).status).toBe(200);
    expect((await sessionsOf(t, u.id)).length).toBe(2);

    // Once: the same link again is refused, and the held message is no longer sent.
    expect((await confirm(token, 'yet another long passphrase')).status).toBe(404);
    expect((await t.app.request(`/api/auth/password-reset?token=${encodeURIComponent(token)}`)).status).toBe(404);
  });

  it('refuses a forged, altered or expired token, and a short password (400, nothing changed)', async () => {
    const u = await userWithPassword(t, 'viewer');
    await ask(u.email);
    const token = await heldLink(u.email);
    const [id, secret] = token.split('.') as [string, string];
    expect((await confirm(`${id}.${secret.slice(0, -1)}${secret.endsWith('a') ? 'b' : 'a'}`, NEW_PASSWORD)).status).toBe(404);
    expect((await confirm(`nosuchlink.${secret}`, NEW_PASSWORD)).status).toBe(404);
    const short = await confirm(token, 'short');
    expect(short.status).toBe(400);
    expect(((await short.json()) as { error: { fields: Record<string, string> } }).error.fields.password).toBeTruthy();
    t.clock.advance(RESET_TTL_MS + 1);
    expect((await confirm(token, NEW_PASSWORD)).status).toBe(404);
    expect((await login(t, u.email, PASSWORD)).status).toBe(200);
  });

  it('sends at most one email per account every few minutes, and a newer link replaces the older one', async () => {
    const u = await userWithPassword(t, 'publisher');
    await ask(u.email);
    await ask(u.email);
    expect(await t.database.db.select().from(outbox)).toHaveLength(1);
    const first = await heldLink(u.email);
    t.clock.advance(RESET_EMAIL_INTERVAL_MS + 1);
    await ask(u.email);
    expect(await t.database.db.select().from(outbox)).toHaveLength(2);
    expect((await confirm(first, NEW_PASSWORD)).status).toBe(404);
    // The replaced link's message is moot: the worker skips it instead of sending a dead link.
    await deliverDue(t.deps);
    const states = (await t.database.db.select({ state: outbox.state }).from(outbox)).map((r) => r.state).sort();
    expect(states).toEqual(['held', 'held']);
  });

  it('is rate-limited per client address with the same 429 whether or not the accounts exist', async () => {
    for (let i = 0; i < RESET_ADDRESS_POLICY.limit; i++) expect((await ask(`someone${i}@example.com`)).status).toBe(202);
    const limited = await ask('another@example.com');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBeTruthy();
  });

  it('shows the link in the delivery log to owners only: a publisher sees the message without it', async () => {
    const u = await userWithPassword(t, 'editor');
    await ask(u.email);
    await deliverDue(t.deps);
    const publisher = await userWithSession(t, 'publisher');
    const [row] = await t.database.db.select().from(outbox);
    const one = (await (await t.app.request(`/api/v1/outbox/${row!.id}`, { headers: publisher.headers })).json()) as { recipient: string; message: { text: string; html: string } };
    expect(one.recipient).toMatch(new RegExp(`<${u.email.replace(/[.+]/g, '\\$&')}>$`));
    expect(one.message.text).toContain('the link is shown to owners only');
    expect(`${one.message.text}${one.message.html}`).not.toContain('token=');
  });
});

describe('with SMTP', () => {
  let sink: MailSink;
  afterEach(async () => {
    await sink.close();
  });

  it('sends the email to the account’s current address, and its link works', async () => {
    sink = await startMailSink();
    const mailer = createSmtpMailer({ url: sink.url, from: 'Status <status@example.com>' });
    t = await makeTestApp({ deps: { mailer } });
    try {
      const u = await userWithPassword(t, 'owner', { email: 'dana@example.com' });
      expect((await ask('Dana@Example.com')).status).toBe(202);
      await deliverDue(t.deps);
      const [mail] = await sink.to('dana@example.com');
      expect(mail!.subject).toContain('Reset your password');
      expect(mail!.headers.get('auto-submitted')).toBe('auto-generated');
      const token = decodeURIComponent(new RegExp(`${CONSOLE_PATHS.passwordReset}\\?token=([^\\s]+)`).exec(mail!.text ?? '')![1]!);
      expect((await confirm(token, NEW_PASSWORD)).status).toBe(200);
      expect((await login(t, u.email, NEW_PASSWORD)).status).toBe(200);
      const [row] = await t.database.db.select().from(outbox);
      expect(row!.state).toBe('sent');
    } finally {
      mailer.close();
    }
  });
});
