// Webhook targets: no loopback, private, link-local or metadata address, at registration and at send time (DNS
// rebinding included), no redirects followed, and only a generic error in the delivery log.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outbox, subscribers } from '../../db/schema.ts';
import { deliverDue } from '../../api/notify/deliver.ts';
import { isPrivateAddress, webhookUrlRefusal } from '../../api/core/webhook-address.ts';
import { newId } from '../../api/core/ids.ts';
import { json, makeTestApp, userWithSession, type TestApp, type TestUser } from '../support/app.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

/** A resolver the test controls: name → address, changeable between registration and delivery (rebinding). */
const dns = new Map<string, string>();
const resolve = async (hostname: string) => {
  const address = dns.get(hostname);
  if (!address) throw Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return [{ address, family: address.includes(':') ? 6 : 4 }];
};

let t: TestApp;
let owner: TestUser;
const closers: (() => Promise<void>)[] = [];

beforeEach(async () => {
  dns.clear();
  t = await makeTestApp({ deps: { webhooks: { resolve } } });
  owner = await userWithSession(t, 'publisher');
});

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  t.close();
});

async function receiver(script: number[] = []): Promise<WebhookReceiver> {
  const r = await startWebhookReceiver(script);
  closers.push(() => r.close());
  return r;
}

const register = (url: string) => t.app.request('/api/v1/webhooks', json('POST', { url }, owner.headers));

async function openIncident(): Promise<void> {
  const res = await t.app.request('/api/v1/incidents', json('POST', { title: 'Queue backlog', severity: 'P2', message: 'Delayed.' }, owner.headers));
  expect(res.status).toBe(201);
}

/** A webhook row as an older version (or a direct database edit) could have left it: the send-time check must hold alone. */
async function storedWebhook(url: string): Promise<void> {
  const now = t.clock.now();
  await t.database.db.insert(subscribers).values({ id: newId(), kind: 'webhook', url, signingSecret: 'whsec_AAAA', state: 'confirmed', allComponents: true, createdAt: now, updatedAt: now, confirmedAt: now });
}

describe('registration', () => {
  it.each([
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.1/',
    'http://localhost:4321/api/v1/users',
    'http://127.0.0.1:4321/',
    'http://0x7f.1/',
    'http://2130706433/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:169.254.169.254]/',
    'http://[fd00:ec2::254]/',
    'http://[fe80::1]/',
    'http://100.64.0.1/',
    'http://172.16.5.4/',
    'http://192.168.1.1/',
    'http://0.0.0.0/',
    'http://[64:ff9b::a9fe:a9fe]/',
    'http://metadata.google.internal/',
    'http://intranet/',
  ])('refuses %s with a 400 that says why', async (url) => {
    const res = await register(url);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string; fields?: Record<string, string> } };
    expect(body.error.message).toMatch(/private, loopback or link-local/);
    expect(body.error.fields?.url).toMatch(/WEBHOOK_ALLOW_PRIVATE/);
    expect(await t.database.db.select().from(subscribers)).toHaveLength(0);
  });

  it('refuses a name that resolves to a private address, and accepts one that resolves to a public one', async () => {
    dns.set('inside.example.com', '10.1.2.3');
    dns.set('hooks.example.com', '93.184.216.34');
    expect((await register('https://inside.example.com/hook')).status).toBe(400);
    expect((await register('https://hooks.example.com/hook')).status).toBe(201);
    // A name that does not resolve yet is accepted: the send-time check guards it.
    expect((await register('https://not-yet.example.com/hook')).status).toBe(201);
  });

  it('classifies addresses, IPv4-mapped IPv6, NAT64 and 6to4 included', async () => {
    for (const a of ['127.0.0.1', '10.9.9.9', '169.254.169.254', '::1', '::ffff:10.0.0.1', '::ffff:a00:1', 'fd12::1', 'fe80::1%eth0', '64:ff9b::7f00:1', '2002:7f00:1::1', '::', 'nonsense']) {
      expect(isPrivateAddress(a), a).toBe(true);
    }
    for (const a of ['93.184.216.34', '2606:2800:220:1::1', '64:ff9b::5db8:d822', '2002:5db8:d822::1']) expect(isPrivateAddress(a), a).toBe(false);
    expect(await webhookUrlRefusal('http://10.0.0.1/', { allowPrivate: true })).toBeNull();
  });

  it('WEBHOOK_ALLOW_PRIVATE allows private targets', async () => {
    t.deps.webhooks = { allowPrivate: true, resolve };
    expect((await register('http://10.0.0.1/hook')).status).toBe(201);
  });
});

describe('send time', () => {
  it('never connects to a stored private address', async () => {
    const r = await receiver();
    await storedWebhook(r.url);
    await openIncident();
    await deliverDue(t.deps);
    expect(r.requests).toHaveLength(0);
    const [row] = await t.database.db.select().from(outbox);
    expect(row).toMatchObject({ state: 'pending', lastError: 'refused: private address' });
  });

  it('checks the address it connects to: a name rebound to loopback after registration is refused', async () => {
    const r = await receiver();
    const port = new URL(r.url).port;
    dns.set('rebind.example.com', '93.184.216.34');
    expect((await register(`http://rebind.example.com:${port}/hook`)).status).toBe(201);
    dns.set('rebind.example.com', '127.0.0.1');
    await openIncident();
    await deliverDue(t.deps);
    expect(r.requests).toHaveLength(0);
    const [row] = await t.database.db.select().from(outbox);
    expect(row!.lastError).toBe('refused: private address');
  });

  it('connects to the address its own lookup returned (allowed private target)', async () => {
    t.deps.webhooks = { allowPrivate: true, resolve };
    const r = await receiver();
    dns.set('hooks.example.test', '127.0.0.1');
    expect((await register(`http://hooks.example.test:${new URL(r.url).port}/hook`)).status).toBe(201);
    await openIncident();
    await deliverDue(t.deps);
    expect(r.requests).toHaveLength(1);
    expect(r.requests[0]!.headers.host).toBe(`hooks.example.test:${new URL(r.url).port}`);
  });

  it('does not follow a redirect, and keeps the receiver’s own text out of the log', async () => {
    t.deps.webhooks = { allowPrivate: true, resolve };
    const target = await receiver();
    const lines: string[] = [];
    t.deps.log = (line) => lines.push(line);
    const redirecting: Server = createServer((req, res) => {
      req.resume();
      res.writeHead(307, { location: target.url, 'content-type': 'text/plain' }).end('internal-service-banner v1.2 secret=hunter2');
    });
    await new Promise<void>((ok) => redirecting.listen(0, '127.0.0.1', ok));
    closers.push(() => new Promise<void>((ok) => { redirecting.closeAllConnections(); redirecting.close(() => ok()); }));
    // Not an HTTP server at all: the connection's error must not carry what it sent.
    const garbage: Server = createServer();
    garbage.on('connection', (socket) => socket.end('SSH-2.0-OpenSSH_9.6 internal-host-name\r\n'));
    await new Promise<void>((ok) => garbage.listen(0, '127.0.0.1', ok));
    closers.push(() => new Promise<void>((ok) => garbage.close(() => ok())));
    t.deps.delivery = { maxAttempts: 1 };
    expect((await register(`http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/hook`)).status).toBe(201);
    expect((await register(`http://127.0.0.1:${(garbage.address() as AddressInfo).port}/hook`)).status).toBe(201);
    await openIncident();
    await deliverDue(t.deps);
    expect(target.requests).toHaveLength(0);
    const errors = (await t.database.db.select().from(outbox)).map((r) => r.lastError).sort();
    expect(errors).toEqual(['HTTP 307', 'request failed']);
    const all = JSON.stringify(errors) + lines.join('\n');
    expect(all).not.toMatch(/hunter2|banner|OpenSSH|internal-host/);
  });
});
