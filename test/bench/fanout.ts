// Benchmark: one incident update fanned out to 10,000 confirmed email subscribers through the outbox into a local
// smtp-server, beside a bare nodemailer loop sending the same messages to the same server in the same run.
// `node --import tsx test/bench/fanout.ts [--subscribers N]`, or part of `npm run bench`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { eq } from 'drizzle-orm';
import { openMigratedDatabase } from '../../db/client.ts';
import { outbox, outboxEvents, subscribers, users } from '../../db/schema.ts';
import { createApp } from '../../api/app.ts';
import { systemClock, type AppDeps } from '../../api/core/deps.ts';
import { personalize } from '../../api/notify/email-templates.ts';
import { newId } from '../../api/core/ids.ts';
import { createSmtpMailer, DEFAULT_SMTP_CONNECTIONS } from '../../api/notify/mailer.ts';
import { type MailMessage } from '../../api/core/deps.ts';
import { composeEvent, type EventKind, type EventRef } from '../../api/notify/compose.ts';
import { deliverDue } from '../../api/notify/deliver.ts';
import { createApiToken } from '../../api/identity/sessions.ts';
import { linkKey, subscriberLinks } from '../../api/notify/subscription-links.ts';
import { notifyingEvents } from '../../api/notify/events.ts';
import { countingSmtpSink } from './smtp-sink.ts';
import { CONSOLE_PATHS, RESPONSE_LINKS } from '../../admin/paths.ts';

export type Verdict = (target: string, value: string, pass: boolean) => void;

const FROM = 'Status <status@example.com>';

const sendOptions = (m: MailMessage) => ({ from: FROM, to: m.to, subject: m.subject, text: m.text, html: m.html, messageId: `<${m.messageId}>`, headers: m.headers });

/**
 * The baseline, "a bare nodemailer loop": a loop handing every message to one pooled transport with
 * as many connections as Herald's mailer uses, without waiting for each (nodemailer queues them).
 * That is the fastest plain nodemailer gets on this server, so the ratio measures what the outbox
 * (claims, leases, per-recipient rendering, bookkeeping) costs on top of it.
 */
async function bareLoop(url: string, messages: MailMessage[]): Promise<void> {
  const transport = nodemailer.createTransport({ ...smtpTarget(url), pool: true, maxConnections: DEFAULT_SMTP_CONNECTIONS, maxMessages: 1000 });
  const sent: Promise<unknown>[] = [];
  for (const m of messages) sent.push(transport.sendMail(sendOptions(m)));
  await Promise.all(sent);
  transport.close();
}

/** For the record: the naive loop (a new connection per message, each awaited), on a sample. */
async function naiveLoop(url: string, messages: MailMessage[]): Promise<number> {
  const transport = nodemailer.createTransport(smtpTarget(url));
  const t0 = performance.now();
  for (const m of messages) await transport.sendMail(sendOptions(m));
  transport.close();
  return (messages.length / (performance.now() - t0)) * 1000;
}

function smtpTarget(url: string) {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port), secure: false };
}

export async function fanoutBench(verdict: Verdict, opts: { subscribers?: number } = {}): Promise<void> {
  const n = opts.subscribers ?? 10_000;
  console.log(`\n(d) notification fan-out: one update to ${n.toLocaleString('en')} confirmed email subscribers into smtp-server on loopback`);
  const work = mkdtempSync(join(tmpdir(), 'herald-fanout-'));
  const sink = await countingSmtpSink();
  const database = await openMigratedDatabase(`file:${join(work, 'fanout.db')}`);
  const mailer = createSmtpMailer({ url: sink.url, from: FROM });
  try {
    const deps: AppDeps = { db: database.db, clock: systemClock, events: notifyingEvents, publicUrl: 'https://status.example.com', invitationPath: CONSOLE_PATHS.invitation, passwordResetPath: CONSOLE_PATHS.passwordReset, responseLinks: RESPONSE_LINKS, mailer };
    const app = createApp(deps);
    const now = new Date();
    const emails = Array.from({ length: n }, (_, i) => `subscriber${i}@example.com`);
    for (let i = 0; i < n; i += 500) {
      await database.db.insert(subscribers).values(
        emails.slice(i, i + 500).map((email) => ({ id: newId(), kind: 'email' as const, email, state: 'confirmed' as const, allComponents: true, createdAt: now, updatedAt: now, confirmedAt: now })),
      );
    }
    const userId = newId();
    await database.db.insert(users).values({ id: userId, email: 'bench@example.com', name: 'Bench', role: 'owner', createdAt: now, updatedAt: now });
    const { token } = await createApiToken(database.db, { userId, name: 'bench', scope: 'write' }, now);

    // Publishing writes the event and every outbox row in its own transaction: time it as the publisher sees it.
    const t0 = performance.now();
    const res = await app.request('/api/v1/incidents', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ title: 'Elevated error rates', severity: 'P2', message: 'We are **investigating** elevated error rates on the API.\n\n- first\n- second' }),
    });
    const publishMs = performance.now() - t0;
    if (res.status !== 201) throw new Error(`publishing answered ${res.status}: ${await res.text()}`);
    const queued = (await database.db.select({ id: outbox.id }).from(outbox)).length;
    console.log(`  publish with ${queued.toLocaleString('en')} outbox rows in its transaction: ${publishMs.toFixed(0)} ms`);

    // The very messages Herald sends, for the bare loop.
    const [event] = await database.db.select().from(outboxEvents);
    const composed = await composeEvent(deps, event!.kind as EventKind, event!.content as EventRef);
    const key = await linkKey(database.db);
    const subs = await database.db.select({ id: subscribers.id, email: subscribers.email }).from(subscribers);
    const messages = subs.map((s) =>
      personalize(composed.email!, composed.page, { eventId: event!.id, subscriberId: s.id, email: s.email!, links: subscriberLinks(composed.page.base, key, s.id, now) }),
    );

    const sample = messages.slice(0, 50);
    const naiveRate = await naiveLoop(sink.url, sample);
    console.log(`  naive nodemailer loop (a connection per message, each awaited; ${sample.length} messages): ${naiveRate.toFixed(0)} msg/s`);
    sink.reset();

    const b0 = performance.now();
    await bareLoop(sink.url, messages);
    const bareMs = sink.lastAt - b0;
    const bareOnce = sink.exactlyOnce(emails);
    const bareRate = (n / bareMs) * 1000;
    console.log(`  bare nodemailer loop (pooled, ${DEFAULT_SMTP_CONNECTIONS} connections): ${bareRate.toFixed(0)} msg/s, last accepted after ${(bareMs / 1000).toFixed(2)} s`);
    sink.reset();

    const h0 = performance.now();
    const delivered = await deliverDue(deps);
    const heraldMs = sink.lastAt - h0;
    const heraldRate = (n / heraldMs) * 1000;
    const sent = (await database.db.select({ id: outbox.id }).from(outbox).where(eq(outbox.state, 'sent'))).length;
    const once = sink.exactlyOnce(emails) && sent === n && delivered === n;
    console.log(`  Herald outbox worker: ${heraldRate.toFixed(0)} msg/s, last accepted after ${(heraldMs / 1000).toFixed(2)} s (${sent.toLocaleString('en')} rows sent)`);
    verdict('fan-out rate ≥ 50% of a bare (pooled) nodemailer loop', `${((heraldRate / bareRate) * 100).toFixed(0)}% (${heraldRate.toFixed(0)} vs ${bareRate.toFixed(0)} msg/s)`, heraldRate >= bareRate * 0.5);
    verdict('every subscriber got the message exactly once', once ? `${n.toLocaleString('en')} of ${n.toLocaleString('en')}` : 'no', once && bareOnce);
  } finally {
    mailer.close();
    database.close();
    await sink.close();
    rmSync(work, { recursive: true, force: true });
  }
}

// Run by itself: `node --import tsx test/bench/fanout.ts`.
if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf('--subscribers');
  let failed = 0;
  await fanoutBench(
    (target, value, pass) => {
      if (!pass) failed += 1;
      console.log(`${pass ? 'PASS' : 'FAIL'}  ${target}: ${value}`);
    },
    { subscribers: i > 0 ? Number(process.argv[i + 1]) : undefined },
  );
  process.exitCode = failed ? 1 : 0;
}
