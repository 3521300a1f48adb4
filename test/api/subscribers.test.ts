// Email subscriptions end to end against a real SMTP server on loopback: opt-in, messages, threading, unsubscribe.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ParsedMail } from 'mailparser';
import { eq } from 'drizzle-orm';
import { outbox, subscribers } from '../../db/schema.ts';
import { createSmtpMailer } from '../../api/notify/mailer.ts';
import { type Mailer } from '../../api/core/deps.ts';
import { deliverDue } from '../../api/notify/deliver.ts';
import { subscriberListQuery } from '../../api/notify/subscriber-routes.ts';
import type { InArgs } from '@libsql/client';
import { json, makeTestApp, ORIGIN, PUBLIC_URL, userWithSession, type TestApp, type TestUser } from '../support/app.ts';
import { startMailSink, type MailSink } from '../support/mail-sink.ts';

let t: TestApp;
let sink: MailSink;
let mailer: Mailer;
let owner: TestUser;

beforeEach(async () => {
  sink = await startMailSink();
  mailer = createSmtpMailer({ url: sink.url, from: 'Status <status@example.com>' });
  t = await makeTestApp({ deps: { mailer } });
  owner = await userWithSession(t, 'owner');
});

afterEach(async () => {
  mailer.close();
  await sink.close();
  t.close();
});

async function component(name: string): Promise<string> {
  const res = await t.app.request('/api/v1/components', json('POST', { name }, owner.headers));
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function subscribe(email: string, componentIds?: string[]): Promise<Response> {
  return t.app.request('/api/v2/subscribers.json', json('POST', { subscriber: { email, component_ids: componentIds } }));
}

async function openIncident(body: Record<string, unknown>): Promise<string> {
  const res = await t.app.request('/api/v1/incidents', json('POST', { title: 'Checkout errors', severity: 'P2', message: 'We are looking into it.', ...body }, owner.headers));
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function postUpdate(incidentId: string, body: Record<string, unknown>): Promise<void> {
  const res = await t.app.request(`/api/v1/incidents/${incidentId}/updates`, json('POST', body, owner.headers));
  expect(res.status).toBe(201);
}

/** A header as written on the wire (mailparser folds List-* headers into a structured `list`). */
function rawHeader(mail: ParsedMail, name: string): string | undefined {
  const line = mail.headerLines.find((h) => h.key === name.toLowerCase())?.line;
  return line?.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
}

function linkIn(mail: ParsedMail, path: string): string {
  const m = new RegExp(`${PUBLIC_URL.replace(/[.]/g, '\\.')}${path}\\?token=[^\\s"<>]+`).exec(mail.text ?? '');
  expect(m, `a ${path} link in the text part`).not.toBeNull();
  return m![0];
}

const tokenOf = (url: string) => new URL(url).searchParams.get('token')!;

/** Subscribes and follows the confirmation link; returns the confirmation email. */
async function subscribeAndConfirm(email: string, componentIds?: string[]): Promise<ParsedMail> {
  expect((await subscribe(email, componentIds)).status).toBe(202);
  await deliverDue(t.deps);
  const [mail] = await sink.to(email);
  expect(mail).toBeDefined();
  const res = await t.app.request('/api/v2/subscriptions/confirm', json('POST', { token: tokenOf(linkIn(mail!, '/subscriptions/confirm')) }));
  expect(res.status).toBe(200);
  sink.clear();
  return mail!;
}

describe('subscribe (double opt-in)', () => {
  it('answers the same for new and known addresses and sends one confirmation, nothing else until confirmed', async () => {
    const first = await subscribe('Ada@Example.com');
    const firstBody = await first.text();
    expect(first.status).toBe(202);
    const again = await subscribe('ada@example.com');
    expect(again.status).toBe(202);
    expect(await again.text()).toBe(firstBody);

    await openIncident({});
    expect(await deliverDue(t.deps)).toBeGreaterThan(0);
    const mails = await sink.parsed();
    // one confirmation (the second request within minutes sends no other), no incident email
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(sink.rcpt[0]).toEqual(['ada@example.com']);
    expect(mail.subject).toBe('Confirm your subscription to updates from Herald');
    expect(mail.text).toContain('/subscriptions/confirm?token=');
    expect(mail.html).toContain('Confirm subscription');
    expect(rawHeader(mail, 'List-Unsubscribe')).toBeUndefined();

    const [row] = await t.database.db.select().from(subscribers).where(eq(subscribers.email, 'ada@example.com'));
    expect(row!.state).toBe('pending');
  });

  it('takes Statuspage form encoding and answers a browser form with a redirect', async () => {
    const form = await t.app.request('/api/v2/subscribers.json', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'subscriber%5Bemail%5D=form%40example.com',
    });
    expect(form.status).toBe(202);
    const browser = await t.app.request('/api/v2/subscribers.json', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html', ...ORIGIN },
      body: 'subscriber%5Bemail%5D=browser%40example.com',
    });
    expect(browser.status).toBe(303);
    expect(browser.headers.get('location')).toBe('/subscriptions/requested');
    const rows = await t.database.db.select().from(subscribers);
    expect(rows.map((r) => r.email).sort()).toEqual(['browser@example.com', 'form@example.com']);
  });

  it('refuses a bad address or unknown components with 400 and no row', async () => {
    const bad = await subscribe('not-an-address');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid_input');
    const unknown = await subscribe('x@example.com', ['nope']);
    expect(unknown.status).toBe(400);
    expect(await t.database.db.select().from(subscribers)).toHaveLength(0);
  });

  it('rate-limits subscribe requests per client address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await subscribe(`user${i}@example.com`)).status);
    expect(statuses.slice(0, 10).every((s) => s === 202)).toBe(true);
    expect(statuses[10]).toBe(429);
    t.clock.advance(16 * 60_000);
    expect((await subscribe('later@example.com')).status).toBe(202);
  });

  it('confirmation links expire, and a tampered link is refused', async () => {
    await subscribe('late@example.com');
    await deliverDue(t.deps);
    const [mail] = await sink.parsed();
    const token = tokenOf(linkIn(mail!, '/subscriptions/confirm'));
    const tampered = await t.app.request('/api/v2/subscriptions/confirm', json('POST', { token: token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')) }));
    expect(tampered.status).toBe(400);
    expect(((await tampered.json()) as { error: { code: string } }).error.code).toBe('invalid_token');
    t.clock.advance(49 * 60 * 60_000);
    const expired = await t.app.request('/api/v2/subscriptions/confirm', json('POST', { token }));
    expect(expired.status).toBe(400);
    expect(((await expired.json()) as { error: { code: string } }).error.code).toBe('link_expired');
    const [row] = await t.database.db.select().from(subscribers);
    expect(row!.state).toBe('pending');
  });
});

describe('incident messages', () => {
  it('sends created, updated and resolved as threaded multipart messages with one-click unsubscribe', async () => {
    const api = await component('API');
    await subscribeAndConfirm('ops@example.com');
    const id = await openIncident({ message: 'Errors on **checkout**. <script>alert(1)</script>', components: { [api]: 'partial_outage' } });
    await postUpdate(id, { status: 'identified', message: 'Found the *cause*.' });
    await postUpdate(id, { status: 'monitoring', message: 'Quiet update.', notify: false });
    await postUpdate(id, { status: 'resolved', message: 'All good.', components: { [api]: 'operational' } });
    await deliverDue(t.deps);

    const mails = await sink.to('ops@example.com');
    expect(mails).toHaveLength(3);
    const [created, updated, resolved] = mails as [ParsedMail, ParsedMail, ParsedMail];
    for (const m of mails) {
      expect(m.subject).toBe('[Herald] Checkout errors');
      expect(m.text).toBeTruthy();
      expect(m.html).toBeTruthy();
      expect(m.messageId).toMatch(/^<[^@\s]+@127\.0\.0\.1>$/);
      const unsubscribe = rawHeader(m, 'List-Unsubscribe') ?? '';
      expect(unsubscribe).toMatch(new RegExp(`^<${PUBLIC_URL}/api/v2/subscriptions/unsubscribe\\?token=`));
      expect(rawHeader(m, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      expect(m.text).toContain(`${PUBLIC_URL}/incidents/${id}`);
      expect(m.html).toContain(`href="${PUBLIC_URL}/incidents/${id}"`);
      expect(m.text).toContain('/subscriptions/manage?token=');
    }
    expect(created.text).toContain('New incident: Investigating');
    expect(created.html).toContain('<strong>checkout</strong>');
    expect(created.html).not.toContain('<script>');
    expect(created.text).toContain('Affected components: API');
    expect(updated.text).toContain('Found the cause.');
    expect(updated.html).toContain('<em>cause</em>');
    expect(resolved.text).toContain('Incident resolved: Resolved');
    // one thread: later messages answer the first
    for (const m of [updated, resolved]) {
      expect(m.inReplyTo).toBe(created.messageId);
      expect(m.references).toEqual(created.messageId);
    }
    expect(new Set(mails.map((m) => m.messageId)).size).toBe(3);
  });

  it('sends a component subscriber only what touches its components', async () => {
    const api = await component('API');
    const web = await component('Website');
    await subscribeAndConfirm('api-only@example.com', [api]);
    await subscribeAndConfirm('everything@example.com');
    await openIncident({ title: 'Website slow', components: { [web]: 'degraded_performance' } });
    await openIncident({ title: 'API down', components: { [api]: 'major_outage' } });
    await openIncident({ title: 'Something vague' });
    await deliverDue(t.deps);
    expect((await sink.to('api-only@example.com')).map((m) => m.subject)).toEqual(['[Herald] API down']);
    expect((await sink.to('everything@example.com')).map((m) => m.subject).sort()).toEqual(['[Herald] API down', '[Herald] Something vague', '[Herald] Website slow']);
  });

  it('one-click unsubscribe (RFC 8058) stops everything, including messages already queued', async () => {
    await subscribeAndConfirm('leaver@example.com');
    const id = await openIncident({});
    await deliverDue(t.deps);
    const [mail] = await sink.to('leaver@example.com');
    const url = (rawHeader(mail!, 'List-Unsubscribe') ?? '').replace(/^<|>$/g, '');
    await postUpdate(id, { status: 'identified', message: 'Queued before the unsubscribe.' });
    // as a mail provider does it: a POST with no cookie, no Origin, the RFC's body
    const res = await t.app.request(url.replace(PUBLIC_URL, ''), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(res.status).toBe(200);
    await postUpdate(id, { status: 'resolved', message: 'After.' });
    sink.clear();
    await deliverDue(t.deps);
    expect(await sink.to('leaver@example.com')).toHaveLength(0);
    const rows = await t.database.db.select().from(outbox);
    expect(rows.filter((r) => r.state === 'sent')).toHaveLength(2); // the confirmation and the first incident email
  });

  it('the manage link changes components and shows the subscription', async () => {
    const api = await component('API');
    await subscribeAndConfirm('chooser@example.com');
    await openIncident({});
    await deliverDue(t.deps);
    const [mail] = await sink.to('chooser@example.com');
    const token = tokenOf(linkIn(mail!, '/subscriptions/manage'));
    const got = await t.app.request(`/api/v2/subscriptions/manage?token=${encodeURIComponent(token)}`);
    expect(got.status).toBe(200);
    const body = (await got.json()) as { subscriber: { address: string; all_components: boolean }; components: { id: string }[] };
    expect(body.subscriber).toMatchObject({ address: 'chooser@example.com', all_components: true });
    expect(body.components.map((c) => c.id)).toEqual([api]);
    const put = await t.app.request('/api/v2/subscriptions/manage', json('PUT', { token, component_ids: [api] }));
    expect(put.status).toBe(200);
    expect(((await put.json()) as { subscriber: { component_ids: string[] } }).subscriber.component_ids).toEqual([api]);
  });
});

describe('maintenance and postmortem messages', () => {
  it('sends maintenance scheduled, started and completed to subscribers of its components', async () => {
    const db = await component('Database');
    const web = await component('Website');
    await subscribeAndConfirm('dba@example.com', [db]);
    await subscribeAndConfirm('web@example.com', [web]);
    const start = new Date(t.clock.now().getTime() + 60 * 60_000);
    const end = new Date(start.getTime() + 60 * 60_000);
    const created = await t.app.request(
      '/api/v1/maintenances',
      json('POST', { title: 'Database upgrade', message: 'Upgrading to the next **major** version.', components: [db], scheduled_for: start.toISOString(), scheduled_until: end.toISOString() }, owner.headers),
    );
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    for (const status of ['in_progress', 'completed']) {
      const res = await t.app.request(`/api/v1/maintenances/${id}`, json('PATCH', { status }, owner.headers));
      expect(res.status).toBe(200);
    }
    await deliverDue(t.deps);
    expect(await sink.to('web@example.com')).toHaveLength(0);
    const mails = await sink.to('dba@example.com');
    expect(mails.map((m) => m.subject)).toEqual(Array(3).fill('[Herald] Maintenance: Database upgrade'));
    expect(mails[0]!.text).toContain('Maintenance scheduled: Scheduled');
    expect(mails[0]!.text).toContain('Scheduled: ');
    expect(mails[0]!.html).toContain('<strong>major</strong>');
    expect(mails[1]!.text).toContain('Maintenance in progress');
    expect(mails[2]!.text).toContain('Maintenance completed');
    expect(mails[2]!.inReplyTo).toBe(mails[0]!.messageId);
  });

  it('sends the published postmortem (with notify) once, linking to it', async () => {
    await subscribeAndConfirm('reader@example.com');
    const id = await openIncident({ notify: false });
    await postUpdate(id, { status: 'resolved', message: 'Fixed.', notify: false });
    const put = await t.app.request(`/api/v1/incidents/${id}/postmortem`, json('PUT', { summary: 'What happened.', root_cause: 'A bad deploy.' }, owner.headers));
    expect(put.status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const res = await t.app.request(`/api/v1/incidents/${id}/postmortem/publish`, json('POST', { notify: true }, owner.headers));
      expect(res.status).toBe(200);
    }
    await deliverDue(t.deps);
    const mails = await sink.to('reader@example.com');
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain('Postmortem published');
    expect(mails[0]!.text).toContain(`View the postmortem: ${PUBLIC_URL}/incidents/${id}/postmortem`);
  });
});

describe('without SMTP', () => {
  it('keeps messages as held and shows them in the delivery log', async () => {
    const plain = await makeTestApp();
    try {
      const o = await userWithSession(plain, 'owner');
      await plain.app.request('/api/v2/subscribers.json', json('POST', { subscriber: { email: 'kept@example.com' } }));
      expect(await deliverDue(plain.deps)).toBe(1);
      const log = await plain.app.request('/api/v1/outbox?state=held', { headers: o.headers });
      const body = (await log.json()) as { deliveries: { id: number; recipient: string; event_kind: string }[]; counts: { held: number } };
      expect(body.counts.held).toBe(1);
      expect(body.deliveries[0]).toMatchObject({ recipient: 'kept@example.com', event_kind: 'subscription_confirmation' });
      const one = await plain.app.request(`/api/v1/outbox/${body.deliveries[0]!.id}`, { headers: o.headers });
      const detail = (await one.json()) as { message: { subject: string; text: string } };
      expect(detail.message.subject).toContain('Confirm your subscription');
      expect(detail.message.text).toContain('/subscriptions/confirm?token=');
    } finally {
      plain.close();
    }
  });
});

describe('console', () => {
  it('lists subscribers with counts per component, exports CSV and removes one', async () => {
    const api = await component('API');
    await component('Website');
    await subscribeAndConfirm('a@example.com', [api]);
    await subscribeAndConfirm('+b@example.com');
    await subscribe('pending@example.com');
    // Addresses are personal data: publishers and owners see them, viewers do not.
    const viewer = await userWithSession(t, 'viewer');
    expect((await t.app.request('/api/v1/subscribers', { headers: viewer.headers })).status).toBe(403);
    expect((await t.app.request('/api/v1/subscribers.csv', { headers: viewer.headers })).status).toBe(403);
    const publisher = await userWithSession(t, 'publisher');
    const list = await t.app.request('/api/v1/subscribers', { headers: publisher.headers });
    expect(list.status).toBe(200);
    const body = (await list.json()) as {
      subscribers: { id: string; email: string; state: string; components: string[] }[];
      total: number;
      counts: { confirmed: number; pending: number; all_components: number; per_component: { name: string; subscribers: number; reached: number }[] };
    };
    expect(body.total).toBe(3);
    expect(body.counts).toMatchObject({ confirmed: 2, pending: 1, all_components: 1 });
    expect(body.counts.per_component).toEqual([
      { component_id: api, name: 'API', subscribers: 1, reached: 2 },
      expect.objectContaining({ name: 'Website', subscribers: 0, reached: 1 }),
    ]);
    expect(body.subscribers.map((s) => s.email)).toEqual(['+b@example.com', 'a@example.com', 'pending@example.com']);
    const confirmed = (await (await t.app.request('/api/v1/subscribers?state=confirmed&limit=1&offset=1', { headers: publisher.headers })).json()) as typeof body;
    expect([confirmed.total, confirmed.subscribers.map((s) => s.email)]).toEqual([2, ['a@example.com']]);
    const csv = await t.app.request('/api/v1/subscribers.csv', { headers: publisher.headers });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('email,state,components,created_at,confirmed_at,unsubscribed_at');
    expect(lines).toHaveLength(4);
    expect(lines.some((l) => l.startsWith("'+b@example.com,confirmed,all,"))).toBe(true);
    expect(lines.some((l) => l.startsWith('a@example.com,confirmed,API,'))).toBe(true);

    const victim = body.subscribers.find((s) => s.email === 'a@example.com')!;
    expect((await t.app.request(`/api/v1/subscribers/${victim.id}`, { method: 'DELETE', headers: viewer.headers })).status).toBe(403);
    expect((await t.app.request(`/api/v1/subscribers/${victim.id}`, { method: 'DELETE', headers: owner.headers })).status).toBe(204);
    expect((await t.app.request(`/api/v1/subscribers/${victim.id}`, { headers: owner.headers })).status).toBe(404);
  });
});

describe('the console list on a large audience', () => {
  it('walks the addresses in order along their index and stops at the page, with or without a state, never sorting everyone', async () => {
    for (const q of [{ limit: 100, offset: 0 }, { state: 'confirmed' as const, limit: 100, offset: 200 }, { q: 'example', limit: 50, offset: 0 }]) {
      const query = subscriberListQuery(t.database.db, q).toSQL();
      const plan = await t.database.client.execute({ sql: `EXPLAIN QUERY PLAN ${query.sql}`, args: query.params as InArgs });
      const detail = plan.rows.map((r) => String(r.detail)).join('\n');
      expect(detail).toMatch(/subscribers_kind_email_idx \(kind=\?\)/);
      expect(detail).not.toMatch(/TEMP B-TREE/);
    }
  });
});

describe('the language of a subscriber’s emails', () => {
  async function offer(languages: string[], language = 'en'): Promise<void> {
    expect((await t.app.request('/api/v1/settings', json('PATCH', { language, languages }, owner.headers))).status).toBe(200);
  }
  const languageOf = async (email: string) => (await t.database.db.select().from(subscribers).where(eq(subscribers.email, email)))[0]?.language;

  it('is the page’s they subscribed on: kept with them, and their messages and links speak it', async () => {
    await offer(['de', 'ar']);
    const res = await t.app.request('/api/v2/subscribers.json', json('POST', { subscriber: { email: 'anna@example.com', language: 'de' } }));
    expect(res.status).toBe(202);
    expect(((await res.json()) as { subscriber: { language: string } }).subscriber.language).toBe('de');
    expect(await languageOf('anna@example.com')).toBe('de');
    await deliverDue(t.deps);
    const [confirmation] = await sink.to('anna@example.com');
    expect(confirmation?.subject).toBe('Bitte bestätigen Sie Ihr Abonnement der Benachrichtigungen von Herald');
    const confirmLink = linkIn(confirmation!, '/de/subscriptions/confirm');
    const confirmed = await t.app.request('/api/v2/subscriptions/confirm', json('POST', { token: tokenOf(confirmLink) }));
    const body = (await confirmed.json()) as { subscriber: { language: string }; manage_url: string };
    expect(body.subscriber.language).toBe('de');
    expect(body.manage_url).toMatch(/^\/de\/subscriptions\/manage\?token=/);
    sink.clear();

    const incident = await openIncident({ message: 'Checkout **fails** for some cards.' });
    await deliverDue(t.deps);
    const [news] = await sink.to('anna@example.com');
    expect(news?.subject).toBe('[Herald] Checkout errors');
    expect(news?.text).toContain('Neue Störung: Wird untersucht');
    expect(news?.text).toContain(`Zur Störung: ${PUBLIC_URL}/de/incidents/${incident}`);
    expect(news?.text).toContain('Sie erhalten diese E-Mail, weil Sie Benachrichtigungen von Herald abonniert haben.');
    expect(news?.html).toContain('<html lang="de" dir="ltr">');
    expect(news?.html).toContain('Checkout <strong>fails</strong> for some cards.');
    // The one-click endpoint is the API's, the same in every language; a person who opens it lands on their language's page.
    expect(rawHeader(news!, 'List-Unsubscribe')).toContain(`${PUBLIC_URL}/api/v2/subscriptions/unsubscribe?token=`);
    const opened = await t.app.request(`/api/v2/subscriptions/unsubscribe?token=${tokenOf(linkIn(news!, '/de/subscriptions/manage'))}`);
    expect(opened.headers.get('location')).toMatch(/^\/de\/subscriptions\/manage\?token=/);
  });

  it('Arabic messages run right to left; a subscriber whose language the page stopped offering gets the default', async () => {
    await offer(['ar']);
    expect((await t.app.request('/api/v2/subscribers.json', json('POST', { subscriber: { email: 'omar@example.com', language: 'ar' } }))).status).toBe(202);
    await deliverDue(t.deps);
    const [ar] = await sink.to('omar@example.com');
    expect(ar?.subject).toBe('أكِّد اشتراكك في تحديثات Herald');
    expect(ar?.html).toContain('<html lang="ar" dir="rtl">');
    const res = await t.app.request('/api/v2/subscriptions/confirm', json('POST', { token: tokenOf(linkIn(ar!, '/ar/subscriptions/confirm')) }));
    expect(res.status).toBe(200);
    sink.clear();
    await offer([]);
    await openIncident({});
    await deliverDue(t.deps);
    const [news] = await sink.to('omar@example.com');
    expect(news?.text).toContain('New incident: Investigating');
    expect(news?.text).toMatch(new RegExp(`${PUBLIC_URL.replace(/[.]/g, '\\.')}/subscriptions/manage\\?token=`));
    expect(await languageOf('omar@example.com')).toBe('ar');
  });

  it('a browser form carries the page’s language: the row keeps it, and the answer is that language’s page', async () => {
    await offer(['ja']);
    const res = await t.app.request('/api/v2/subscribers.json', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html', ...ORIGIN },
      body: 'subscriber%5Bemail%5D=kenji%40example.com&subscriber%5Blanguage%5D=ja',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/ja/subscriptions/requested');
    expect(await languageOf('kenji@example.com')).toBe('ja');
    const bad = await t.app.request('/api/v2/subscribers.json', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html', ...ORIGIN },
      body: 'subscriber%5Bemail%5D=nope&subscriber%5Blanguage%5D=ja',
    });
    expect(bad.headers.get('location')).toBe('/ja/subscriptions?error=invalid_email');
  });

  it('saving the manage page in another of the page’s languages switches the emails to it', async () => {
    await offer(['de', 'fr']);
    await subscribeAndConfirm('lea@example.com');
    expect(await languageOf('lea@example.com')).toBeNull();
    const incident = await openIncident({});
    await deliverDue(t.deps);
    const manage = linkIn((await sink.to('lea@example.com'))[0]!, '/subscriptions/manage');
    const saved = await t.app.request('/api/v2/subscriptions/manage', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html', ...ORIGIN },
      body: `token=${encodeURIComponent(tokenOf(manage))}&components=all&language=fr`,
    });
    expect(saved.headers.get('location')).toMatch(/^\/fr\/subscriptions\/manage\?token=.*&saved=1$/);
    expect(await languageOf('lea@example.com')).toBe('fr');
    sink.clear();
    await postUpdate(incident, { status: 'resolved', message: 'Fixed.' });
    await deliverDue(t.deps);
    expect((await sink.to('lea@example.com'))[0]?.text).toContain('Incident résolu\u00a0: Résolu');
  });

  it('refuses a language the page does not offer with a 400 on the field, and no row', async () => {
    await offer(['de']);
    for (const language of ['fr', 'klingon', 42]) {
      const res = await t.app.request('/api/v2/subscribers.json', json('POST', { subscriber: { email: 'x@example.com', language } }));
      expect(res.status, String(language)).toBe(400);
      const { error } = (await res.json()) as { error: { fields: Record<string, string> } };
      expect(Object.keys(error.fields)).toEqual(['language']);
    }
    expect(await t.database.db.select().from(subscribers)).toHaveLength(0);
  });
});
