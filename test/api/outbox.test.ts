// The outbox's promises: one message per (event, recipient) through stops, crashes and two workers; retries and failure.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { count, eq, sql } from 'drizzle-orm';
import type { InArgs } from '@libsql/client';
import { openDatabase, openMigratedDatabase, type Database } from '../../db/client.ts';
import { outbox, outboxEvents, subscriberComponents, subscribers } from '../../db/schema.ts';
import { createApp } from '../../api/app.ts';
import { ManualClock, type AppDeps } from '../../api/core/deps.ts';
import { newId } from '../../api/core/ids.ts';
import { createSmtpMailer } from '../../api/notify/mailer.ts';
import { type Mailer } from '../../api/core/deps.ts';
import { backoffMs, claimDue, DEFAULT_DELIVERY_OPTIONS, deliverDue, deliverOutbox, OUTBOX_RETENTION_MS, pruneOutbox, renewLeases } from '../../api/notify/deliver.ts';
import { chunkBoundary, chunkInsert, enqueueIncidentEvent, EXPANSION_CHUNK } from '../../api/notify/enqueue.ts';
import { json, PUBLIC_URL, userWithSession, type TestApp, type TestUser } from '../support/app.ts';
import { startMailSink, type MailSink } from '../support/mail-sink.ts';
import { notifyingEvents } from '../../api/notify/events.ts';
import { CONSOLE_PATHS, RESPONSE_LINKS } from '../../admin/paths.ts';

let dir: string;
let database: Database;
let sink: MailSink;
let mailer: Mailer;
let t: TestApp;
let owner: TestUser;
const extra: { close(): void }[] = [];

/** A test app on a temp file (so a second connection can share it), with a real SMTP server behind it. */
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'herald-outbox-'));
  database = await openMigratedDatabase(`file:${join(dir, 'test.db')}`);
  sink = await startMailSink({ reject: (rcpt) => (rcpt.startsWith('bounce') ? 550 : rcpt.startsWith('busy') ? 451 : null) });
  mailer = createSmtpMailer({ url: sink.url, from: 'status@example.com' });
  const clock = new ManualClock();
  const deps: AppDeps = { db: database.db, clock, events: notifyingEvents, publicUrl: PUBLIC_URL, invitationPath: CONSOLE_PATHS.invitation, passwordResetPath: CONSOLE_PATHS.passwordReset, responseLinks: RESPONSE_LINKS, mailer, delivery: { batchSize: 25 } };
  t = { app: createApp(deps), deps, database, clock, close: () => database.close() };
  owner = await userWithSession(t, 'owner');
});

afterEach(async () => {
  for (const e of extra.splice(0)) e.close();
  mailer.close();
  await sink.close();
  database.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Confirmed subscribers, inserted directly: the opt-in flow has its own tests. */
async function confirmedSubscribers(n: number, prefix = 'user'): Promise<string[]> {
  const now = t.clock.now();
  const emails = Array.from({ length: n }, (_, i) => `${prefix}${i}@example.com`);
  for (let i = 0; i < emails.length; i += 200) {
    await t.database.db.insert(subscribers).values(
      emails.slice(i, i + 200).map((email) => ({ id: newId(), kind: 'email' as const, email, state: 'confirmed' as const, allComponents: true, createdAt: now, updatedAt: now, confirmedAt: now })),
    );
  }
  return emails;
}

async function openIncident(): Promise<string> {
  const res = await t.app.request('/api/v1/incidents', json('POST', { title: 'Outage', severity: 'P1', message: 'Down.' }, owner.headers));
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

/** Messages per envelope recipient. */
function perRecipient(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of sink.rcpt) for (const a of r) counts.set(a, (counts.get(a) ?? 0) + 1);
  return counts;
}

function expectExactlyOnce(emails: string[]): void {
  const counts = perRecipient();
  expect(counts.size).toBe(emails.length);
  for (const e of emails) expect(counts.get(e), e).toBe(1);
}

async function states(): Promise<Record<string, number>> {
  const rows = await t.database.db.select({ state: outbox.state }).from(outbox);
  const out: Record<string, number> = {};
  for (const r of rows) out[r.state] = (out[r.state] ?? 0) + 1;
  return out;
}

describe('fan-out', () => {
  it('writes one row per recipient in the publishing transaction (a small audience), and a second enqueue of the event adds none', async () => {
    await confirmedSubscribers(50);
    const id = await openIncident();
    expect(await states()).toEqual({ pending: 50 });
    const [event] = await t.database.db.select().from(outboxEvents);
    const again = await t.database.db.transaction((tx) =>
      enqueueIncidentEvent(tx, { kind: 'incident_created', incidentId: id, updateId: (event!.content as { updateId: string }).updateId }, t.clock.now()),
    );
    expect(again).toEqual({ eventId: null, recipients: 0 });
    expect(await states()).toEqual({ pending: 50 });
  });

  it('a worker stopped after N messages and started again: everyone has exactly one', async () => {
    const emails = await confirmedSubscribers(120);
    await openIncident();
    expect(await deliverDue(t.deps, { limit: 35 })).toBe(35);
    expect(sink.raw).toHaveLength(35);
    expect(await deliverDue(t.deps)).toBe(85);
    expectExactlyOnce(emails);
    expect(await states()).toEqual({ sent: 120 });
  });

  it('a worker aborted from inside the fan-out (after the 40th accepted message) and restarted: exactly one each', async () => {
    const emails = await confirmedSubscribers(150);
    await openIncident();
    const stop = new AbortController();
    sink.onMessage = (n) => {
      if (n === 40) stop.abort();
    };
    const first = await deliverDue(t.deps, { signal: stop.signal });
    expect(first).toBeLessThan(150);
    sink.onMessage = undefined;
    await deliverDue(t.deps);
    expectExactlyOnce(emails);
  });

  it('rows claimed by a worker that died wait for its lease, then go out once', async () => {
    const emails = await confirmedSubscribers(30);
    await openIncident();
    // a worker claims ten rows and dies before sending them
    const claimed = await claimDue(t.database.db, 'dead-worker', 10, t.clock.now(), DEFAULT_DELIVERY_OPTIONS.leaseMs);
    expect(claimed).toHaveLength(10);
    expect(await deliverDue(t.deps)).toBe(20);
    expect(sink.raw).toHaveLength(20);
    t.clock.advance(DEFAULT_DELIVERY_OPTIONS.leaseMs + 1);
    expect(await deliverDue(t.deps)).toBe(10);
    expectExactlyOnce(emails);
  });

  it('two instances on one database deliver every message once', async () => {
    const emails = await confirmedSubscribers(300);
    await openIncident();
    const second = await openDatabase(`file:${join(dir, 'test.db')}`);
    extra.push(second);
    const mailer2 = createSmtpMailer({ url: sink.url, from: 'status@example.com' });
    extra.push(mailer2);
    const deps2: AppDeps = { ...t.deps, db: second.db, mailer: mailer2 };
    const [a, b] = await Promise.all([deliverDue(t.deps, { workerId: 'a' }), deliverDue(deps2, { workerId: 'b' })]);
    expect(a + b).toBe(300);
    expectExactlyOnce(emails);
    expect(await states()).toEqual({ sent: 300 });
  });
});

describe('a large audience', () => {
  /** Delivery without SMTP: every message is held, which shows who got a row without sending thousands of emails. */
  const holding = (): AppDeps => ({ ...t.deps, mailer: undefined });

  it('the publishing transaction writes the first chunk; the worker writes the rest, one row per subscriber', async () => {
    const n = 2 * EXPANSION_CHUNK + 234;
    await confirmedSubscribers(n);
    await openIncident();
    // The publish held the server's thread for one chunk's INSERT, not the whole audience's.
    expect(await states()).toEqual({ pending: EXPANSION_CHUNK });
    const [event] = await t.database.db.select().from(outboxEvents);
    expect(event!.expansion).not.toBeNull();
    expect(await deliverDue(holding())).toBe(n);
    expect(await states()).toEqual({ held: n });
    const perSubscriber = await t.database.db.select({ subscriberId: outbox.subscriberId, rows: count() }).from(outbox).groupBy(outbox.subscriberId).having(sql`count(*) > 1`);
    expect(perSubscriber).toEqual([]);
    const [done] = await t.database.db.select().from(outboxEvents);
    expect(done!.expansion).toBeNull();
  });

  it('keeps the audience across chunks: only subscribers of the affected component, and not those who left meanwhile', async () => {
    const [api, web] = await Promise.all(
      ['API', 'Website'].map(async (name) => {
        const res = await t.app.request('/api/v1/components', json('POST', { name }, owner.headers));
        expect(res.status).toBe(201);
        return ((await res.json()) as { id: string }).id;
      }),
    );
    const now = t.clock.now();
    const ids = { api: [] as string[], web: [] as string[] };
    for (const [key, componentId] of [['api', api!], ['web', web!]] as const) {
      for (let i = 0; i < EXPANSION_CHUNK + 100; i += 200) {
        const rows = Array.from({ length: Math.min(200, EXPANSION_CHUNK + 100 - i) }, (_, k) => ({ id: newId(), kind: 'email' as const, email: `${key}${i + k}@example.com`, state: 'confirmed' as const, allComponents: false, createdAt: now, updatedAt: now, confirmedAt: now }));
        await t.database.db.insert(subscribers).values(rows);
        await t.database.db.insert(subscriberComponents).values(rows.map((r) => ({ subscriberId: r.id, componentId })));
        ids[key].push(...rows.map((r) => r.id));
      }
    }
    const res = await t.app.request('/api/v1/incidents', json('POST', { title: 'API errors', severity: 'P2', message: 'Errors.', components: { [api!]: 'partial_outage' } }, owner.headers));
    expect(res.status).toBe(201);
    // Someone the publishing transaction did not reach unsubscribes before the worker gets to them.
    const written = new Set((await t.database.db.select({ id: outbox.subscriberId }).from(outbox)).map((r) => r.id));
    const leaver = ids.api.find((id) => !written.has(id))!;
    await t.database.db.update(subscribers).set({ state: 'unsubscribed', unsubscribedAt: now }).where(eq(subscribers.id, leaver));

    await deliverDue(holding());
    const reached = new Set((await t.database.db.select({ id: outbox.subscriberId }).from(outbox).where(eq(outbox.channel, 'email'))).map((r) => r.id));
    expect(reached.size).toBe(ids.api.length - 1);
    expect(ids.api.filter((id) => id !== leaver).every((id) => reached.has(id))).toBe(true);
    expect(reached.has(leaver)).toBe(false);
    expect(ids.web.some((id) => reached.has(id))).toBe(false);
  });

  it('two instances writing the rest at once: every subscriber gets one row, and both finish', async () => {
    const n = 3 * EXPANSION_CHUNK + 17;
    await confirmedSubscribers(n);
    await openIncident();
    const second = await openDatabase(`file:${join(dir, 'test.db')}`);
    extra.push(second);
    const [a, b] = await Promise.all([deliverDue(holding(), { workerId: 'a' }), deliverDue({ ...holding(), db: second.db }, { workerId: 'b' })]);
    expect(a + b).toBe(n);
    expect(await states()).toEqual({ held: n });
    const [event] = await t.database.db.select().from(outboxEvents);
    expect(event!.expansion).toBeNull();
  });
  it('each chunk walks the subscribers from its cursor by primary key, never reading and sorting the whole audience', async () => {
    await confirmedSubscribers(300);
    const audience = { state: 'confirmed' as const, channels: ['email' as const, 'webhook' as const], componentIds: [] };
    const plans = await Promise.all(
      [chunkBoundary(audience, 'm'), chunkInsert('e', audience, 'm', 't', 0)].map(async (query) => (await t.database.db.all<{ detail: string }>(sql`EXPLAIN QUERY PLAN ${query}`)).map((r) => r.detail).join('\n')),
    );
    for (const plan of plans) {
      expect(plan).toMatch(/sqlite_autoindex_subscribers_1 \(id>\?/);
      expect(plan).not.toMatch(/TEMP B-TREE|subscribers_kind_state_idx/);
    }
  });
});

describe('leases', () => {
  it('a live worker renews the lease of the rows it holds, and only those', async () => {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    const slow = await startMailSink({ gate: () => opened });
    const slowMailer = createSmtpMailer({ url: slow.url, from: 'status@example.com' });
    extra.push(slowMailer, { close: () => void slow.close() });
    await confirmedSubscribers(4);
    await openIncident();
    const [other] = await claimDue(t.database.db, 'other', 1, t.clock.now(), 60_000);
    const leaseMs = 3000;
    const run = deliverDue({ ...t.deps, mailer: slowMailer, delivery: { leaseMs, batchSize: 1, concurrency: 1 } }, { workerId: 'live' });
    // The first message waits in the sink; the clock moves on; the heartbeat moves the lease with it.
    await expect.poll(() => slow.rcpt.length === 0 && t.database.db.select().from(outbox).where(eq(outbox.leasedBy, 'live')).then((rows) => rows.length), { timeout: 30_000 }).toBeGreaterThan(0);
    const claimedUntil = t.clock.now().getTime() + leaseMs;
    t.clock.advance(10_000);
    await expect
      .poll(async () => (await t.database.db.select({ until: outbox.leaseUntil }).from(outbox).where(eq(outbox.leasedBy, 'live'))).map((r) => r.until!.getTime()), { timeout: 30_000, interval: 100 })
      .toSatisfy((until: number[]) => until.length > 0 && until.every((u) => u === claimedUntil + 10_000));
    const [stillOther] = await t.database.db.select().from(outbox).where(eq(outbox.id, other!.id));
    expect(stillOther!.leaseUntil!.getTime()).toBe(other!.leaseUntil!.getTime());
    open();
    expect(await run).toBe(3);
  });

  it('renews by primary key, never walking the pending rows of a fan-out', async () => {
    await confirmedSubscribers(300);
    await openIncident();
    const query = renewLeases(t.database.db, 'w', [1, 2, 3], t.clock.now(), 30_000).toSQL();
    const plan = await t.database.client.execute({ sql: `EXPLAIN QUERY PLAN ${query.sql}`, args: query.params as InArgs });
    const detail = plan.rows.map((r) => String(r.detail)).join('\n');
    expect(detail).toMatch(/INTEGER PRIMARY KEY/);
    expect(detail).not.toMatch(/outbox_due_idx|SCAN outbox/);
  });
});

describe('retries', () => {
  it('backs off exponentially on a temporary refusal and gives up after maxAttempts', async () => {
    t.deps.delivery = { maxAttempts: 3 };
    await confirmedSubscribers(1, 'busy');
    await confirmedSubscribers(1, 'fine');
    await openIncident();
    await deliverDue(t.deps);
    const [row1] = await t.database.db.select().from(outbox).where(eq(outbox.state, 'pending'));
    expect(row1).toMatchObject({ attempts: 1 });
    expect(row1!.lastError).toContain('451');
    expect(row1!.nextAttemptAt.getTime()).toBe(t.clock.now().getTime() + backoffMs(1, DEFAULT_DELIVERY_OPTIONS));
    // not due yet: nothing happens
    expect(await deliverDue(t.deps)).toBe(0);
    t.clock.advance(backoffMs(1, DEFAULT_DELIVERY_OPTIONS));
    expect(await deliverDue(t.deps)).toBe(1);
    const [row2] = await t.database.db.select().from(outbox).where(eq(outbox.state, 'pending'));
    expect(row2!.nextAttemptAt.getTime()).toBe(t.clock.now().getTime() + backoffMs(2, DEFAULT_DELIVERY_OPTIONS));
    expect(backoffMs(2, DEFAULT_DELIVERY_OPTIONS)).toBe(2 * backoffMs(1, DEFAULT_DELIVERY_OPTIONS));
    t.clock.advance(backoffMs(2, DEFAULT_DELIVERY_OPTIONS));
    expect(await deliverDue(t.deps)).toBe(1);
    expect(await states()).toEqual({ sent: 1, failed: 1 });
    t.clock.advance(24 * 60 * 60_000);
    expect(await deliverDue(t.deps)).toBe(0);
  });

  it('marks a permanent refusal (5xx) failed at once, logs it without the address; the console retries it by hand', async () => {
    await confirmedSubscribers(1, 'bounce');
    await openIncident();
    const logs: string[] = [];
    await deliverDue({ ...t.deps, log: (line) => logs.push(line) });
    expect(logs.some((l) => /^outbox: message \d+ failed after 1 attempt: SMTP 550/.test(l))).toBe(true);
    expect(logs.join('\n')).not.toContain('bounce0@example.com');
    const [row] = await t.database.db.select().from(outbox);
    expect(row).toMatchObject({ state: 'failed', attempts: 1 });
    expect(row!.lastError).toContain('550');

    const viewer = await userWithSession(t, 'viewer');
    expect((await t.app.request('/api/v1/outbox?state=failed', { headers: viewer.headers })).status).toBe(403);
    const publisher = await userWithSession(t, 'publisher');
    const log = await t.app.request('/api/v1/outbox?state=failed', { headers: publisher.headers });
    const body = (await log.json()) as { deliveries: { id: number; state: string; last_error: string; recipient: string }[]; counts: { failed: number } };
    expect(body.counts.failed).toBe(1);
    expect(body.deliveries[0]).toMatchObject({ id: row!.id, recipient: 'bounce0@example.com', state: 'failed' });
    expect((await t.app.request(`/api/v1/outbox/${row!.id}/retry`, { method: 'POST', headers: viewer.headers })).status).toBe(403);
    const retry = await t.app.request(`/api/v1/outbox/${row!.id}/retry`, { method: 'POST', headers: owner.headers });
    expect(retry.status).toBe(200);
    const [again] = await t.database.db.select().from(outbox);
    expect(again).toMatchObject({ state: 'pending', attempts: 0, lastError: null });
    // a sent message cannot be "retried" into a duplicate
    await t.database.db.update(outbox).set({ state: 'sent' });
    expect((await t.app.request(`/api/v1/outbox/${row!.id}/retry`, { method: 'POST', headers: owner.headers })).status).toBe(422);
  });
});

describe('retention', () => {
  it('forgets finished messages after the retention, keeps failed ones, and drops emptied events', async () => {
    await confirmedSubscribers(3);
    await confirmedSubscribers(1, 'bounce');
    await openIncident();
    // the scheduler's job delivers, and prunes nothing young
    expect(await deliverOutbox(t.deps)).toBe(4);
    expect(await states()).toEqual({ sent: 3, failed: 1 });
    t.clock.advance(OUTBOX_RETENTION_MS - 1);
    expect(await pruneOutbox(t.database.db, t.clock.now())).toBe(0);
    t.clock.advance(2);
    expect(await pruneOutbox(t.database.db, t.clock.now())).toBe(3);
    expect(await states()).toEqual({ failed: 1 });
    expect(await t.database.db.select().from(outboxEvents)).toHaveLength(1);
    await t.database.db.delete(outbox);
    await pruneOutbox(t.database.db, t.clock.now());
    expect(await t.database.db.select().from(outboxEvents)).toHaveLength(0);
  });
});
