// People paged: escalation settings, pages by email (a real SMTP server on loopback), Slack, Microsoft Teams, Discord
// and a signed plain webhook (real receivers on 127.0.0.1; Teams' and Discord's check the shapes those services document), acknowledging by the emailed link, the next level paged when nobody acknowledges
// (moved clock), role assignments, stakeholders and internal notes (never public subscribers).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { eq } from 'drizzle-orm';
import { openMigratedDatabase, type Database } from '../../db/client.ts';
import { auditLog, outbox, pages, subscribers } from '../../db/schema.ts';
import { createApp } from '../../api/app.ts';
import { ManualClock, type AppDeps, type Mailer } from '../../api/core/deps.ts';
import { newId } from '../../api/core/ids.ts';
import { createSmtpMailer } from '../../api/notify/mailer.ts';
import { composeInternalEvent, deliverDue } from '../../api/notify/deliver.ts';
import { DISCORD_COLOURS } from '../../api/notify/discord.ts';
import { notifyingEvents } from '../../api/notify/events.ts';
import { signWebhook } from '../../api/notify/webhook-transport.ts';
import { escalateUnacknowledged } from '../../api/response/response-worker.ts';
import { CONSOLE_PATHS, RESPONSE_LINKS } from '../../admin/paths.ts';
import { json, PUBLIC_URL, userWithSession, type TestApp, type TestUser } from '../support/app.ts';
import { startMailSink, type MailSink } from '../support/mail-sink.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';
import { discordProblems, teamsProblems } from '../support/chat-shapes.ts';

const MIN = 60_000;

let dir: string;
let database: Database;
let sink: MailSink;
let mailer: Mailer;
let hook: WebhookReceiver;
let slack: WebhookReceiver;
let t: TestApp;
let owner: TestUser;
let publisher: TestUser;
let oncall: TestUser;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'herald-paging-'));
  database = await openMigratedDatabase(`file:${join(dir, 'test.db')}`);
  sink = await startMailSink();
  mailer = createSmtpMailer({ url: sink.url, from: 'status@example.com' });
  hook = await startWebhookReceiver();
  slack = await startWebhookReceiver();
  const clock = new ManualClock();
  const deps: AppDeps = { db: database.db, clock, events: notifyingEvents, publicUrl: PUBLIC_URL, invitationPath: CONSOLE_PATHS.invitation, passwordResetPath: CONSOLE_PATHS.passwordReset, responseLinks: RESPONSE_LINKS, mailer, webhooks: { allowPrivate: true } };
  t = { app: createApp(deps), deps, database, clock, close: () => database.close() };
  owner = await userWithSession(t, 'owner', 'olive@example.com');
  publisher = await userWithSession(t, 'publisher', 'pat@example.com');
  oncall = await userWithSession(t, 'viewer', 'oncall.person@example.com');
});

afterEach(async () => {
  mailer.close();
  await sink.close();
  await hook.close();
  await slack.close();
  database.close();
  rmSync(dir, { recursive: true, force: true });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = any;
async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = publisher.headers): Promise<{ status: number; body: Body }> {
  const res = await t.app.request(path, body === undefined ? { method, headers } : json(method, body, headers));
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** Delivers everything due, twice over (a second run must find nothing left). */
async function deliver(): Promise<void> {
  await deliverDue(t.deps);
  expect(await deliverDue(t.deps)).toBe(0);
}

const recipientsOf = () => sink.rcpt.map((r) => r.join(','));

async function setUpPath(): Promise<{ webhookSecret: string }> {
  const res = await call(
    'PUT',
    '/api/v1/escalation',
    {
      levels: [
        {
          level: 1,
          contacts: [
            { kind: 'user', user_id: oncall.id },
            { kind: 'email', address: 'Primary@Example.com' },
            { kind: 'webhook', address: hook.url },
            { kind: 'slack', address: `${slack.url}/T000/B000/XXXXXXXX` },
          ],
        },
        { level: 2, name: 'Team lead (payments)', contacts: [{ kind: 'email', address: 'lead@example.com' }] },
        { level: 3, contacts: [] },
        { level: 4, contacts: [{ kind: 'email', address: 'cto@example.com' }] },
      ],
      ack_timeout_minutes: { P2: 15 },
    },
    owner.headers,
  );
  expect(res.status).toBe(200);
  const webhook = res.body.levels[0].contacts.find((c: Body) => c.kind === 'webhook');
  expect(webhook.secret).toMatch(/^whsec_/);
  return { webhookSecret: webhook.secret };
}

describe('escalation settings', () => {
  test('owners set levels, contacts and timeouts; addresses are normalized, chat URLs masked, secrets shown once; bad input is a 400 that changes nothing', async () => {
    await setUpPath();
    const got = await call('GET', '/api/v1/escalation');
    expect(got.status).toBe(200);
    expect(got.body.ack_timeout_minutes).toEqual({ P1: 5, P2: 15, P3: 60, P4: null });
    expect(got.body.page_on_open).toEqual({ P1: true, P2: true, P3: false, P4: false });
    expect(got.body.update_reminder_minutes).toBe(5);
    expect(got.body.levels.map((l: Body) => l.name)).toEqual(['on-call engineer', 'Team lead (payments)', 'engineering manager', 'CTO/VP engineering']);
    const level1 = got.body.levels[0].contacts;
    expect(level1.map((c: Body) => c.kind)).toEqual(['user', 'email', 'webhook', 'slack']);
    expect(level1[0]).toMatchObject({ user_id: oncall.id, address: 'oncall.person@example.com', name: 'viewer user' });
    expect(level1[1].address).toBe('primary@example.com');
    expect(level1[3].address).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/hook\/…$/);
    expect(JSON.stringify(got.body)).not.toContain('XXXXXXXX');
    expect(JSON.stringify(got.body)).not.toContain('whsec_');

    // a GET → PUT round trip keeps the masked contacts as they are
    const round = await call('PUT', '/api/v1/escalation', { levels: got.body.levels }, owner.headers);
    expect(round.status).toBe(200);
    expect(round.body.levels[0].contacts.map((c: Body) => c.address)).toEqual(level1.map((c: Body) => c.address));
    expect(JSON.stringify(round.body)).not.toContain('whsec_');

    const before = JSON.stringify((await call('GET', '/api/v1/escalation')).body);
    for (const body of [
      { levels: [{ level: 5, contacts: [] }] },
      { levels: [{ level: 1, contacts: [{ kind: 'email', address: 'not an address' }] }] },
      { levels: [{ level: 1, contacts: [{ kind: 'teams', address: 'not a URL' }] }] },
      { levels: [{ level: 1, contacts: [{ kind: 'discord', address: 'ftp://discord.com/api/webhooks/1/x' }] }] },
      { levels: [{ level: 1, contacts: [{ kind: 'user', user_id: 'nobody' }] }] },
      { levels: [{ level: 1, contacts: [{ kind: 'slack', address: 'ftp://x' }] }] },
      { ack_timeout_minutes: { P1: 0 } },
      { levels: [{ level: 1, contacts: [] }, { level: 1, contacts: [] }] },
    ]) {
      const res = await call('PUT', '/api/v1/escalation', body, owner.headers);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.fields).toBeDefined();
    }
    expect(JSON.stringify((await call('GET', '/api/v1/escalation')).body)).toBe(before);
    expect((await call('PUT', '/api/v1/escalation', { page_on_open: { P3: true } })).status).toBe(403);

    // where webhooks may not go, contacts and stakeholders may not either (unless private targets are allowed)
    t.deps.webhooks = {};
    const privateHook = await call('PUT', '/api/v1/escalation', { levels: [{ level: 2, contacts: [{ kind: 'webhook', address: 'http://10.0.0.7/hook' }] }] }, owner.headers);
    expect(privateHook.status).toBe(400);
    expect(privateHook.body.error.fields['levels.0.contacts.0.address']).toContain('private');
    const privateSh = await call('POST', '/api/v1/stakeholders', { kind: 'slack', address: 'http://169.254.169.254/latest' });
    expect(privateSh.status).toBe(400);
    expect(privateSh.body.error.fields.address).toContain('private');
    t.deps.webhooks = { allowPrivate: true };
    expect(JSON.stringify((await call('GET', '/api/v1/escalation')).body)).toBe(before);
  });
});

describe('paging', () => {
  test('a P2 pages level 1 at once: each contact one message (email, Slack, signed webhook); acknowledged through the emailed link; on the timeline', async () => {
    const { webhookSecret } = await setUpPath();
    const opened = await call('POST', '/api/v1/incidents', { title: 'Checkout errors', severity: 'P2', message: 'We are investigating checkout errors.', commander_id: owner.id });
    expect(opened.status).toBe(201);
    await deliver();

    // level 1: the user's email, the address, the webhook, Slack; nobody else
    expect(recipientsOf().filter((r) => r !== 'olive@example.com').sort()).toEqual(['oncall.person@example.com', 'primary@example.com']);
    expect(hook.requests).toHaveLength(1);
    expect(slack.requests).toHaveLength(1);

    const [mail] = await sink.to('primary@example.com');
    expect(mail!.subject).toBe('[Herald] [PAGE] P2 Checkout errors: on-call engineer, please acknowledge');
    expect(mail!.headers.get('priority')).toBe('high');
    const text = mail!.text ?? '';
    expect(text).toContain('incident opened: activate the response team');
    expect(text).toMatch(/Severity:\s+P2: High: partial outage/);
    expect(text).toMatch(/Response target:\s+met/);
    expect(text).toMatch(/Resolution target:\s+due in 4\sh/);
    expect(text).toMatch(/Incident commander:\s+owner user/);
    expect(text).toMatch(/Communications lead:\s+unassigned/);
    expect(text).toContain('We are investigating checkout errors.');
    expect(text).toContain(`Open in the console: ${PUBLIC_URL}/admin/incidents/${opened.body.id}`);
    const link = /Acknowledge: (\S+)/.exec(text)?.[1];
    expect(link).toMatch(new RegExp(`^${PUBLIC_URL}/admin/acknowledge\\?token=`));
    expect(mail!.html).toContain('>Acknowledge</a>');

    // the webhook: signed per Standard Webhooks, with the page and the incident
    const req = hook.requests[0]!;
    const id = String(req.headers['webhook-id']);
    expect(req.headers['webhook-signature']).toBe(signWebhook(webhookSecret, id, Number(req.headers['webhook-timestamp']), req.body));
    const payload = JSON.parse(req.body);
    expect(payload).toMatchObject({ type: 'page', page: { level: 1, level_name: 'on-call engineer', reason: 'incident_opened' }, incident: { title: 'Checkout errors', severity: 'P2', commander: 'owner user' } });
    expect(payload.page.acknowledge_url).toMatch(/\/admin\/acknowledge\?token=/);
    // Slack: blocks with an Acknowledge button
    const slackBody = JSON.parse(slack.requests[0]!.body);
    expect(slackBody.text).toContain('[PAGE] P2 Checkout errors');
    const actions = slackBody.blocks.find((b: Body) => b.type === 'actions');
    expect(actions.elements[0]).toMatchObject({ type: 'button', text: { text: 'Acknowledge' } });
    expect(actions.elements[0].url).toMatch(/\/admin\/acknowledge\?token=/);

    // the emailed link: a GET reads (nothing changes), the POST acknowledges, without an account
    const token = new URL(link!).searchParams.get('token')!;
    const listed = (await call('GET', `/api/v1/incidents/${opened.body.id}/pages`)).body as Body[];
    expect(listed).toHaveLength(4);
    expect(listed.every((p) => p.state === 'sent' && p.delivery === 'sent')).toBe(true);
    const mine = listed.find((p) => p.contact === 'primary@example.com');
    const seen = await t.app.request(`/api/v1/pages/${mine.id}?token=${encodeURIComponent(token)}`);
    expect(seen.status).toBe(200);
    expect(((await seen.json()) as Body).incident.title).toBe('Checkout errors');
    expect((await t.app.request(`/api/v1/pages/${mine.id}`)).status).toBe(401);
    expect((await t.app.request(`/api/v1/pages/${listed.find((p) => p.id !== mine.id).id}?token=${encodeURIComponent(token)}`)).status).toBe(403);
    const ack = await t.app.request(`/api/v1/pages/${mine.id}/ack`, json('POST', { token }));
    expect(ack.status).toBe(200);
    expect(await ack.json()).toMatchObject({ state: 'acknowledged', acknowledged_via: 'link', acknowledged_by_name: 'primary@example.com' });
    // a second click changes nothing
    expect((await t.app.request(`/api/v1/pages/${mine.id}/ack`, json('POST', { token }))).status).toBe(200);
    const timeline = (await call('GET', `/api/v1/incidents/${opened.body.id}`)).body.timeline.map((e: Body) => e.summary);
    expect(timeline).toContain('Paged on-call engineer: 4 contacts by email, Webhook, Slack');
    expect(timeline.filter((s: string) => s === 'Page acknowledged (on-call engineer, by its link)')).toHaveLength(1);

    // acknowledged: the timeout passes and nobody else is paged
    t.clock.advance(16 * MIN);
    expect(await escalateUnacknowledged(t.deps, t.clock.now())).toBe(0);

    // an expired link is refused
    t.clock.advance(24 * 60 * MIN);
    const expired = await t.app.request(`/api/v1/pages/${mine.id}/ack`, json('POST', { token }));
    expect(expired.status).toBe(403);
    expect(((await expired.json()) as Body).error.code).toBe('link_expired');
  });

  test('escalating with a reason pages that level; unacknowledged past the timeout, the next staffed level is paged (once, however often the job runs)', async () => {
    await setUpPath();
    const opened = await call('POST', '/api/v1/incidents', { title: 'Payments slow', severity: 'P3', message: 'Looking into it.' });
    await deliver();
    // P3: no paging on open
    expect(sink.raw).toHaveLength(0);
    expect(hook.requests).toHaveLength(0);

    const esc = await call('POST', `/api/v1/incidents/${opened.body.id}/escalate`, { reason: 'needs_expertise' });
    expect(esc.status).toBe(200);
    expect(esc.body).toMatchObject({ escalation_level: 1, escalation_level_name: 'Team lead (payments)' });
    await deliver();
    expect(recipientsOf()).toEqual(['lead@example.com']);
    const [mail] = await sink.to('lead@example.com');
    expect(mail!.subject).toContain('Team lead (payments), please acknowledge');
    expect(mail!.text).toContain('more expertise needed');
    expect(hook.requests).toHaveLength(0);

    // P3's timeout is 60 min: not yet at 60, then past it; level 3 has no contacts, so level 4 is paged
    t.clock.advance(60 * MIN);
    expect(await escalateUnacknowledged(t.deps, t.clock.now())).toBe(0);
    t.clock.advance(1000);
    expect(await escalateUnacknowledged(t.deps, t.clock.now())).toBe(1);
    expect(await escalateUnacknowledged(t.deps, t.clock.now())).toBe(0);
    await deliver();
    expect(recipientsOf()).toEqual(['lead@example.com', 'cto@example.com']);
    const [cto] = await sink.to('cto@example.com');
    expect(cto!.text).toContain('the previous level did not acknowledge in time');
    const incident = (await call('GET', `/api/v1/incidents/${opened.body.id}`)).body;
    expect(incident.escalation_level).toBe(3);
    const summaries = incident.timeline.map((e: Body) => e.summary);
    expect(summaries).toContain('Escalated to Team lead (payments): more expertise needed');
    expect(summaries).toContain('Escalated automatically to CTO/VP engineering: the previous level did not acknowledge in time');

    // at the top: nothing further, and escalating by hand is a conflict
    t.clock.advance(120 * MIN);
    expect(await escalateUnacknowledged(t.deps, t.clock.now())).toBe(0);
    expect((await call('POST', `/api/v1/incidents/${opened.body.id}/escalate`, {})).status).toBe(409);
    // paging the current level again is allowed; a lower one is not
    expect((await call('POST', `/api/v1/incidents/${opened.body.id}/escalate`, { level: 4 })).status).toBe(200);
    expect((await call('POST', `/api/v1/incidents/${opened.body.id}/escalate`, { level: 2 })).status).toBe(409);
    expect((await call('POST', `/api/v1/incidents/${opened.body.id}/escalate`, { reason: 'because' })).status).toBe(400);
  });

  test('a signed-in contact acknowledges from the console; a resolved incident’s queued pages are not sent; an empty level says so', async () => {
    await call('PUT', '/api/v1/escalation', { levels: [{ level: 1, contacts: [{ kind: 'user', user_id: oncall.id }] }] }, owner.headers);
    const opened = await call('POST', '/api/v1/incidents', { title: 'Login broken', severity: 'P1', message: 'Down.' });
    const [page] = (await call('GET', `/api/v1/incidents/${opened.body.id}/pages`)).body;
    const ack = await call('POST', `/api/v1/pages/${page.id}/ack`, {}, oncall.headers);
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ state: 'acknowledged', acknowledged_by: oncall.id, acknowledged_by_name: 'viewer user', acknowledged_via: 'console' });
    // the acknowledged page was never delivered: nobody needs it now
    await deliver();
    expect(sink.raw).toHaveLength(0);
    expect((await t.database.db.select().from(outbox)).map((o) => o.state)).toEqual(['skipped']);

    const esc = await call('POST', `/api/v1/incidents/${opened.body.id}/escalate`, { reason: 'business_impact' });
    expect(esc.status).toBe(200);
    const summaries = esc.body.timeline.map((e: Body) => e.summary);
    expect(summaries).toContain('Nobody paged at team lead: the level has no contacts (Settings → Escalation)');

    // the contact's account is deleted: the page stays on the incident, by the contact it went to
    expect((await call('DELETE', `/api/v1/users/${oncall.id}`, undefined, owner.headers)).status).toBe(204);
    const kept = (await call('GET', `/api/v1/incidents/${opened.body.id}/pages`)).body;
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ contact: 'viewer user <oncall.person@example.com>', state: 'acknowledged' });
    expect((await call('GET', '/api/v1/escalation')).body.levels[0].contacts).toEqual([]);
  });
});

describe('Microsoft Teams and Discord contacts', () => {
  test('pages carry their Acknowledge link, stakeholder updates and reminders are written in each service\'s documented shape', async () => {
    const teams = await startWebhookReceiver([], 200, teamsProblems);
    const discord = await startWebhookReceiver([], 200, discordProblems);
    try {
      const path = await call(
        'PUT',
        '/api/v1/escalation',
        {
          levels: [
            {
              level: 1,
              contacts: [
                { kind: 'teams', address: `${teams.url}/webhookb2/oncall` },
                { kind: 'discord', address: `${discord.url}/api/webhooks/1/oncall` },
              ],
            },
          ],
        },
        owner.headers,
      );
      expect(path.status).toBe(200);
      expect(path.body.levels[0].contacts.map((c: Body) => c.kind)).toEqual(['teams', 'discord']);
      // the URL is the credential: listed masked, and no signing secret is made for it
      expect(JSON.stringify(path.body)).not.toContain('oncall');
      expect(JSON.stringify(path.body)).not.toContain('whsec_');
      expect((await call('POST', '/api/v1/stakeholders', { kind: 'teams', address: `${teams.url}/webhookb2/board` })).status).toBe(201);
      expect((await call('POST', '/api/v1/stakeholders', { kind: 'discord', address: `${discord.url}/api/webhooks/2/board` })).status).toBe(201);

      const opened = await call('POST', '/api/v1/incidents', { title: 'Checkout <errors> & *timeouts*', severity: 'P2', message: 'We are investigating checkout errors.' });
      expect(opened.status).toBe(201);
      await deliver();

      // each service got a page and a stakeholder update, all of them valid (a problem would have been a 400)
      for (const r of [...teams.requests, ...discord.requests]) expect(r.problems).toEqual([]);
      expect(teams.requests).toHaveLength(2);
      expect(discord.requests).toHaveLength(2);
      const outcomes = (await t.database.db.select().from(outbox)).map((o) => o.state);
      expect(outcomes.filter((s) => s !== 'sent')).toEqual([]);

      const cards = teams.requests.map((r) => JSON.parse(r.body).attachments[0].content);
      const titleOf = (card: Body) => card.body[0].items[1].text as string;
      const teamsPage = cards.find((c: Body) => titleOf(c).startsWith('\\[PAGE\\]'))!;
      expect(titleOf(teamsPage)).toBe('\\[PAGE\\] P2 Checkout <errors> & \\*timeouts\\*: on-call engineer, please acknowledge');
      expect(teamsPage.body[0].style).toBe('attention');
      expect(teamsPage.actions[0]).toMatchObject({ type: 'Action.OpenUrl', title: 'Acknowledge' });
      expect(teamsPage.actions[0].url).toMatch(new RegExp(`^${PUBLIC_URL}/admin/acknowledge\\?token=`));
      expect(teamsPage.actions[1]).toMatchObject({ title: 'Open in the console', url: `${PUBLIC_URL}/admin/incidents/${opened.body.id}` });
      const facts = teamsPage.body.find((e: Body) => e.type === 'FactSet').facts.map((f: Body) => f.title);
      expect(facts).toEqual(expect.arrayContaining(['Severity', 'Response target', 'Incident commander']));
      const teamsUpdate = cards.find((c: Body) => titleOf(c).startsWith('Incident declared'))!;
      expect(teamsUpdate.body[0].style).toBe('emphasis');
      expect(teamsUpdate.body[0].items[0].text).toBe('Herald · internal');

      const embeds = discord.requests.map((r) => JSON.parse(r.body));
      for (const m of embeds) expect(m.allowed_mentions).toEqual({ parse: [] });
      const discordPage = embeds.map((m) => m.embeds[0]).find((e: Body) => e.title.startsWith('[PAGE]'))!;
      expect(discordPage.title).toBe('[PAGE] P2 Checkout <errors> & *timeouts*: on-call engineer, please acknowledge');
      expect(discordPage.color).toBe(DISCORD_COLOURS.critical);
      expect(discordPage.url).toMatch(new RegExp(`^${PUBLIC_URL}/admin/acknowledge\\?token=`));
      expect(discordPage.description).toContain(`[Acknowledge](${discordPage.url})`);
      expect(discordPage.description).toContain('\\*timeouts\\*');
      const discordUpdate = embeds.map((m) => m.embeds[0]).find((e: Body) => e.title.startsWith('Incident declared'))!;
      expect(discordUpdate.footer.text).toBe('Herald · internal');

      // the link in the Discord message acknowledges the Discord page, without an account
      const token = new URL(discordPage.url).searchParams.get('token')!;
      const listed = (await call('GET', `/api/v1/incidents/${opened.body.id}/pages`)).body as Body[];
      expect(listed.map((p) => p.contact).sort()).toEqual([`Discord ${discord.url.replace(/\/hook$/, '')}/hook/…`, `Microsoft Teams ${teams.url.replace(/\/hook$/, '')}/hook/…`].sort());
      const mine = listed.find((p) => p.contact.startsWith('Discord'))!;
      const ack = await t.app.request(`/api/v1/pages/${mine.id}/ack`, json('POST', { token }));
      expect(ack.status).toBe(200);
      expect(await ack.json()).toMatchObject({ state: 'acknowledged', acknowledged_via: 'link' });

      // a reminder (they go to people's email; the chat forms are written all the same) in both shapes
      const incident = (await call('GET', `/api/v1/incidents/${opened.body.id}`)).body;
      const reminder = await composeInternalEvent(t.deps, 'reminder', { type: 'reminder', incidentId: opened.body.id, kind: 'update_due', dueAt: incident.next_update_due_at });
      expect(teamsProblems(JSON.stringify(reminder.teams))).toEqual([]);
      expect(discordProblems(JSON.stringify(reminder.discord))).toEqual([]);
      expect(reminder.teams.attachments[0]!.content.actions![0]).toMatchObject({ title: 'Post an update', url: `${PUBLIC_URL}/admin/incidents/${opened.body.id}#composer` });
      expect(reminder.discord.embeds[0]!.url).toBe(`${PUBLIC_URL}/admin/incidents/${opened.body.id}#composer`);
    } finally {
      await teams.close();
      await discord.close();
    }
  });
});

describe('roles, stakeholders and internal notes', () => {
  test('an assigned role is told its duties (not whoever assigned themselves); stakeholders get the internal story; public subscribers never do', async () => {
    const now = t.clock.now();
    await t.database.db.insert(subscribers).values({ id: newId(), kind: 'email', email: 'customer@example.com', state: 'confirmed', allComponents: true, createdAt: now, updatedAt: now, confirmedAt: now });
    const sh = await call('POST', '/api/v1/stakeholders', { kind: 'email', address: 'ceo@example.com', name: 'CEO' });
    expect(sh.status).toBe(201);
    const hookSh = await call('POST', '/api/v1/stakeholders', { kind: 'webhook', address: hook.url });
    expect(hookSh.body.secret).toMatch(/^whsec_/);
    expect((await call('POST', '/api/v1/stakeholders', { kind: 'email', address: 'CEO@example.com' })).status).toBe(409);
    expect((await call('POST', '/api/v1/stakeholders', { kind: 'email', address: 'x' })).status).toBe(400);
    expect((await call('GET', '/api/v1/stakeholders', undefined, oncall.headers)).status).toBe(403);

    // delivered after each step, as the worker would between them
    const opened = await call('POST', '/api/v1/incidents', { title: 'Search down', severity: 'P3', message: 'Search is down.', comms_lead_id: publisher.id, tech_lead_id: oncall.id });
    const id = opened.body.id;
    await deliver();
    await call('PATCH', `/api/v1/incidents/${id}`, { severity: 'P2', commander_id: owner.id });
    await deliver();
    await call('PATCH', `/api/v1/incidents/${id}`, { stage: 'contain' });
    await deliver();
    const note = await call('POST', `/api/v1/incidents/${id}/notes`, { message: 'Root cause is the **index rebuild**; do not say so publicly yet.' });
    expect(note.status).toBe(201);
    await deliver();
    await call('POST', `/api/v1/incidents/${id}/updates`, { status: 'resolved', message: 'Search is back.' });
    await deliver();

    const ceo = (await sink.to('ceo@example.com')).map((m) => m.subject);
    expect(ceo).toEqual([
      '[Herald] Incident declared: P3 Search down',
      '[Herald] Severity P3 → P2: Search down',
      '[Herald] Stage: contain: Search down',
      '[Herald] Internal note: Search down',
      '[Herald] Resolved: Search down',
    ]);
    const noteMail = (await sink.to('ceo@example.com'))[3]!;
    expect(noteMail.text).toContain('Root cause is the index rebuild');
    expect(noteMail.text).toContain('publisher user wrote an internal note');
    expect(hook.requests.map((r) => JSON.parse(r.body).change.what)).toEqual(['declared', 'severity', 'stage', 'note', 'resolved']);

    // roles: the tech lead and the commander get their duties; the comms lead assigned themselves
    const tech = await sink.to('oncall.person@example.com');
    expect(tech.map((m) => m.subject)).toEqual(['[Herald] You are technical lead: P3 Search down']);
    expect(tech[0]!.text).toContain('Lead the technical work');
    expect((await sink.to('olive@example.com')).map((m) => m.subject)).toEqual(['[Herald] You are incident commander: P2 Search down']);
    expect(await sink.to('pat@example.com')).toHaveLength(0);

    // the customer got the public story only
    const customer = (await sink.to('customer@example.com')).map((m) => m.text ?? '').join('\n');
    expect(customer).not.toContain('index rebuild');
    const publicIncident = await (await t.app.request(`/api/v2/incidents.json`)).text();
    expect(publicIncident).not.toContain('index rebuild');
    expect((await call('GET', `/api/v1/incidents/${id}/notes`)).body.notes[0].body).toContain('index rebuild');

    // removing a stakeholder keeps the delivery log
    const sent = (await t.database.db.select().from(outbox)).length;
    expect((await call('DELETE', `/api/v1/stakeholders/${sh.body.id}`)).status).toBe(204);
    expect((await t.database.db.select().from(outbox)).length).toBe(sent);
    const log = (await call('GET', '/api/v1/outbox?limit=500')).body.deliveries as Body[];
    expect(log.filter((d) => d.internal).length).toBeGreaterThan(0);
    expect(log.find((d) => d.internal && d.recipient === 'ceo@example.com')).toBeDefined();
    const webhookRow = log.find((d) => d.internal && d.channel === 'webhook');
    expect(webhookRow.recipient).toMatch(/^Webhook http:\/\/127\.0\.0\.1:\d+\/hook$/);
    const preview = (await call('GET', `/api/v1/outbox/${log.find((d) => d.internal && d.recipient === 'ceo@example.com').id}`)).body;
    expect(preview.message.subject).toContain('[Herald]');
    expect((await t.database.db.select().from(auditLog).where(eq(auditLog.action, 'stakeholder.delete'))).length).toBe(1);
    expect((await t.database.db.select().from(pages)).length).toBe(0);
  });
});
