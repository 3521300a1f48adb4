// Webhooks: Statuspage payloads signed per Standard Webhooks, verified by a real receiver on loopback; retries and failure.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, outbox } from '../../db/schema.ts';
import { backoffMs, DEFAULT_DELIVERY_OPTIONS, deliverDue } from '../../api/notify/deliver.ts';
import { isSlackWebhookUrl, slackIncidentMessage } from '../../api/notify/slack.ts';
import { displayUrl } from '../../api/notify/webhook-transport.ts';
import type { AnyIncidentJson } from '../../api/public/statuspage-types.ts';
import { json, makeTestApp, userWithSession, type TestApp, type TestUser } from '../support/app.ts';
import { startWebhookReceiver, type ReceivedRequest, type WebhookReceiver } from '../support/webhook-receiver.ts';

let t: TestApp;
let owner: TestUser;
const receivers: WebhookReceiver[] = [];

beforeEach(async () => {
  // The receivers listen on loopback: private targets are allowed here explicitly (webhook-ssrf.test.ts covers the refusal).
  t = await makeTestApp({ deps: { webhooks: { allowPrivate: true } } });
  owner = await userWithSession(t, 'owner');
});

afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close();
  t.close();
});

async function receiver(script: number[] = [], then = 200): Promise<WebhookReceiver> {
  const r = await startWebhookReceiver(script, then);
  receivers.push(r);
  return r;
}

async function register(url: string, components?: string[]): Promise<{ id: string; secret: string }> {
  const res = await t.app.request('/api/v1/webhooks', json('POST', { url, components }, owner.headers));
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; secret: string };
}

async function component(name: string): Promise<string> {
  const res = await t.app.request('/api/v1/components', json('POST', { name }, owner.headers));
  return ((await res.json()) as { id: string }).id;
}

async function openIncident(body: Record<string, unknown> = {}): Promise<string> {
  const res = await t.app.request('/api/v1/incidents', json('POST', { title: 'Queue backlog', severity: 'P2', message: 'Jobs are **delayed**.', ...body }, owner.headers));
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

/** Standard Webhooks verification, written from the spec (not with Herald's code). */
function verify(secret: string, req: ReceivedRequest): boolean {
  const id = String(req.headers['webhook-id']);
  const timestamp = String(req.headers['webhook-timestamp']);
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${req.body}`).digest();
  return String(req.headers['webhook-signature'])
    .split(' ')
    .some((sig) => {
      const [version, value] = sig.split(',');
      if (version !== 'v1' || !value) return false;
      const given = Buffer.from(value, 'base64');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
}

describe('webhook delivery', () => {
  it('POSTs Statuspage-shaped incident payloads with a verifiable Standard Webhooks signature', async () => {
    const r = await receiver();
    const { secret } = await register(r.url);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const id = await openIncident();
    await deliverDue(t.deps);
    expect(r.requests).toHaveLength(1);
    const req = r.requests[0]!;
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['webhook-id']).toMatch(/^msg_/);
    expect(Number(req.headers['webhook-timestamp'])).toBe(Math.floor(t.clock.now().getTime() / 1000));
    expect(verify(secret, req)).toBe(true);
    expect(verify(secret, { ...req, body: req.body.replace('Queue', 'Queen') })).toBe(false);

    const payload = JSON.parse(req.body) as {
      meta: { unsubscribe: string; documentation: string };
      page: { id: string; status_indicator: string; status_description: string };
      incident: AnyIncidentJson;
    };
    expect(Object.keys(payload)).toEqual(['meta', 'page', 'incident']);
    expect(payload.meta.unsubscribe).toContain('/subscriptions/manage?token=');
    expect(payload.page.status_indicator).toBe('major');
    expect(typeof payload.page.status_description).toBe('string');
    expect(payload.incident).toMatchObject({ id, name: 'Queue backlog', status: 'investigating', impact: 'major' });
    expect(payload.incident.incident_updates[0]).toMatchObject({ status: 'investigating', body: 'Jobs are **delayed**.' });
    for (const k of ['created_at', 'updated_at', 'monitoring_at', 'resolved_at', 'shortlink', 'started_at', 'page_id', 'components']) expect(payload.incident).toHaveProperty(k);
  });

  it('sends component_update for a component status change, and honours the component filter', async () => {
    const api = await component('API');
    const web = await component('Website');
    const apiHook = await receiver();
    const webHook = await receiver();
    await register(apiHook.url, [api]);
    await register(webHook.url, [web]);
    await openIncident({ components: { [api]: 'major_outage' } });
    await deliverDue(t.deps);
    expect(webHook.requests).toHaveLength(0);
    const bodies = apiHook.requests.map((q) => JSON.parse(q.body) as Record<string, unknown>);
    expect(bodies).toHaveLength(2);
    const update = bodies.find((b) => 'component_update' in b)!;
    expect(Object.keys(update)).toEqual(['meta', 'page', 'component_update', 'component']);
    expect(update.component_update).toMatchObject({ component_id: api, old_status: 'operational', new_status: 'major_outage' });
    expect(update.component).toMatchObject({ id: api, name: 'API', status: 'major_outage' });
    expect(bodies.some((b) => 'incident' in b)).toBe(true);
  });

  it('sends component_update for a status changed directly on the component (no incident)', async () => {
    const api = await component('API');
    const r = await receiver();
    await register(r.url);
    const res = await t.app.request(`/api/v1/components/${api}`, json('PATCH', { status: 'degraded_performance' }, owner.headers));
    expect(res.status).toBe(200);
    await deliverDue(t.deps);
    expect(r.requests).toHaveLength(1);
    expect(JSON.parse(r.requests[0]!.body)).toMatchObject({
      component_update: { component_id: api, old_status: 'operational', new_status: 'degraded_performance' },
      component: { id: api, status: 'degraded_performance' },
    });
  });

  it('a receiver that fails twice then succeeds gets the event exactly once more, with the same webhook-id', async () => {
    const r = await receiver([500, 503]);
    const { secret } = await register(r.url);
    await openIncident();
    await deliverDue(t.deps);
    t.clock.advance(backoffMs(1, DEFAULT_DELIVERY_OPTIONS));
    await deliverDue(t.deps);
    t.clock.advance(backoffMs(2, DEFAULT_DELIVERY_OPTIONS));
    await deliverDue(t.deps);
    t.clock.advance(24 * 60 * 60_000);
    await deliverDue(t.deps);
    expect(r.requests).toHaveLength(3);
    expect(new Set(r.requests.map((q) => q.headers['webhook-id'])).size).toBe(1);
    expect(r.requests.every((q) => verify(secret, q))).toBe(true);
    const rows = await t.database.db.select().from(outbox);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ state: 'sent', attempts: 3 });
  });

  it('a permanently failing receiver ends as failed after maxAttempts; 410 Gone fails at once', async () => {
    t.deps.delivery = { maxAttempts: 4 };
    const down = await receiver([], 500);
    const gone = await receiver([], 410);
    await register(down.url);
    await register(gone.url);
    await openIncident();
    for (let i = 1; i <= 6; i++) {
      await deliverDue(t.deps);
      t.clock.advance(backoffMs(i, DEFAULT_DELIVERY_OPTIONS));
    }
    expect(down.requests).toHaveLength(4);
    expect(gone.requests).toHaveLength(1);
    const rows = await t.database.db.select().from(outbox);
    expect(rows.map((r) => [r.state, r.attempts, r.lastError]).sort()).toEqual([
      ['failed', 1, 'HTTP 410'],
      ['failed', 4, 'HTTP 500'],
    ]);
  });

  it('a refused connection is retried, not lost', async () => {
    const r = await receiver();
    const url = r.url;
    await r.close();
    receivers.splice(receivers.indexOf(r), 1);
    await register(url);
    await openIncident();
    await deliverDue(t.deps);
    const [row] = await t.database.db.select().from(outbox);
    expect(row).toMatchObject({ state: 'pending', attempts: 1 });
    expect(row!.lastError).toBeTruthy();
  });
});

describe('console webhooks', () => {
  it('shows the secret once, never in lists or the audit log; viewers neither add nor list; delete stops delivery', async () => {
    const r = await receiver();
    const viewer = await userWithSession(t, 'viewer');
    expect((await t.app.request('/api/v1/webhooks', json('POST', { url: r.url }, viewer.headers))).status).toBe(403);
    expect((await t.app.request('/api/v1/webhooks', json('POST', { url: 'ftp://x' }, owner.headers))).status).toBe(400);
    const { id, secret } = await register(r.url);
    // A webhook URL can itself be a credential (Slack's are): viewers do not see the list.
    expect((await t.app.request('/api/v1/webhooks', { headers: viewer.headers })).status).toBe(403);
    const publisher = await userWithSession(t, 'publisher');
    const list = await (await t.app.request('/api/v1/webhooks', { headers: publisher.headers })).text();
    expect(list).toContain(id);
    expect(list).not.toContain(secret);
    const audit = JSON.stringify(await t.database.db.select().from(auditLog));
    expect(audit).toContain('webhook.create');
    expect(audit).not.toContain(secret.slice(6));
    expect((await t.app.request(`/api/v1/webhooks/${id}`, { method: 'DELETE', headers: owner.headers })).status).toBe(204);
    await openIncident();
    await deliverDue(t.deps);
    expect(r.requests).toHaveLength(0);
  });
});

describe('Slack', () => {
  it('recognises incoming-webhook URLs, hides their secret path, and formats a message', () => {
    const url = 'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX';
    expect(isSlackWebhookUrl(url)).toBe(true);
    expect(isSlackWebhookUrl('https://example.com/services/x')).toBe(false);
    expect(displayUrl(url)).toBe('https://hooks.slack.com/services/T000/…');
    const incident = {
      id: 'i1',
      name: 'API <down> & out',
      status: 'identified',
      shortlink: 'https://status.example.com/incidents/i1',
      components: [{ id: 'c1', name: 'API', group: false }],
      incident_updates: [],
    } as unknown as AnyIncidentJson;
    const msg = slackIncidentMessage('Acme', incident, {
      id: 'u1',
      status: 'identified',
      body: 'Root cause **found**.',
      incident_id: 'i1',
      created_at: '',
      updated_at: '',
      display_at: '',
      affected_components: null,
      deliver_notifications: true,
      custom_tweet: null,
      tweet_id: null,
    });
    expect(msg.text).toBe('[Acme] Identified: API <down> & out');
    const all = JSON.stringify(msg.blocks);
    expect(all).toContain('Root cause found.');
    expect(all).toContain('<https://status.example.com/incidents/i1|View on Acme>');
    expect(all).toContain('Affected: API');
  });
});
