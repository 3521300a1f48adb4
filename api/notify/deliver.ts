// Outbox delivery: claim due rows with a lease, compose once per event, send (email, webhook, Slack, Teams, Discord), record outcomes.
import { and, asc, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { outbox, outboxEvents, recipients, subscribers, users, type SubscriberState } from '../../db/schema.ts';
import type { AppDeps, DeliveryOptions, MailMessage } from '../core/deps.ts';
import { messageIdHost, personalize } from './email-templates.ts';
import { randomString } from '../core/ids.ts';
import { MailError } from './mailer.ts';
import { composeAccountMail, isAccountMailRef, type AccountMailRef } from './account-mail.ts';
import { composeEvent, GoneError, recipientLinks, type ComposedEvent, type EventKind, type EventRef } from './compose.ts';
import { linkKey } from './subscription-links.ts';
import { detectWebhookFormat } from './chat-formats.ts';
import { postJson, webhookHeaders } from './webhook-transport.ts';
import { composeInternal, internalEmail, internalSlack, internalWebhook, isInternalRef, type InternalEmail, type InternalEventKind, type InternalMessage } from './internal-messages.ts';
import type { SlackMessage } from './slack.ts';
import { teamsTeamMessage, type TeamsMessage } from './teams.ts';
import { discordTeamMessage, type DiscordMessage } from './discord.ts';
import { expandAudiences } from './enqueue.ts';

export const DEFAULT_DELIVERY_OPTIONS: DeliveryOptions = {
  maxAttempts: 8,
  baseBackoffMs: 30_000,
  maxBackoffMs: 6 * 60 * 60 * 1000,
  // Short, because a live worker renews it (every third of it) while it holds rows: a worker that died leaves
  // its rows to others after half a minute, not five.
  leaseMs: 30_000,
  // Claimed a little ahead of the lanes (two per lane), so that a lane never waits for a claim.
  batchSize: 20,
  concurrency: 10,
};

/**
 * Outcomes are written in groups of at most this many, as they complete: after a crash, the messages that can go
 * out twice are those in flight (concurrency) and those of the group not yet written, never a whole batch.
 */
export const RECORD_GROUP = 10;

function deliveryOptions(deps: Pick<AppDeps, 'delivery'>): DeliveryOptions {
  return { ...DEFAULT_DELIVERY_OPTIONS, ...deps.delivery };
}

/** The wait before attempt `attempts + 1`, after `attempts` failures. */
export function backoffMs(attempts: number, opts: DeliveryOptions): number {
  return Math.min(opts.maxBackoffMs, opts.baseBackoffMs * 2 ** Math.max(0, attempts - 1));
}

/** Where `meta.documentation` points: the signing scheme a receiver has to implement. */
const WEBHOOK_DOCUMENTATION = 'https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md';

// Delivery: claim a batch with a conditional update and a lease, send, record.

type OutboxRow = typeof outbox.$inferSelect;
type SubscriberRow = typeof subscribers.$inferSelect;
/** An internal recipient with its user's current email (user recipients) and whether that user may still be told. */
type RecipientTarget = typeof recipients.$inferSelect & { userEmail: string | null; userDisabled: boolean };

/** An internal event, composed once per run: the message and its forms per channel. */
export interface ComposedInternal {
  internal: true;
  message: InternalMessage;
  email: InternalEmail;
  slack: SlackMessage;
  teams: TeamsMessage;
  discord: DiscordMessage;
  webhook: Record<string, unknown>;
}

/** A message to a Herald user (a password reset): composed per message when sent, never cached (its link is its own). */
interface AccountEvent {
  account: AccountMailRef;
}

type Composed = ComposedEvent | ComposedInternal | AccountEvent;

/** The Message-ID and headers of an internal email; pages of one incident and its other messages thread together. */
export function internalMailMessage(c: ComposedInternal, eventId: string, recipientId: string, to: string): MailMessage {
  const host = messageIdHost(c.message.page.base);
  const headers: Record<string, string> = {
    'Auto-Submitted': 'auto-generated',
    References: `<incident-internal.${c.message.incidentId}@${host}>`,
  };
  if (c.message.urgent) {
    headers['X-Priority'] = '1';
    headers['Importance'] = 'high';
  }
  return { to, subject: c.email.subject, text: c.email.text, html: c.email.html, messageId: `internal.${eventId}.${recipientId}@${host}`, headers };
}

export interface DeliverRunOptions {
  /** Stop after claiming this many messages (tests stop a worker mid fan-out with it). */
  limit?: number;
  /** Stop claiming when aborted; messages already claimed finish first. */
  signal?: AbortSignal;
  /** This worker's name in `leased_by`; random by default. */
  workerId?: string;
}

/** Rows due now: pending, their time come, and not held by a live lease. */
function dueCondition(now: Date) {
  return and(eq(outbox.state, 'pending'), lte(outbox.nextAttemptAt, now), or(isNull(outbox.leaseUntil), lte(outbox.leaseUntil, now)));
}

/**
 * Claims up to `n` due rows for `workerId`. One UPDATE … WHERE id IN (SELECT … LIMIT n): SQLite runs the statement,
 * its subquery included, as one write transaction, so two instances never claim the same row. (A second "still
 * due" test in the outer WHERE made SQLite walk the due index over every pending row to find the n it had just
 * picked: 1.2 ms a claim at the start of a 20,000-recipient fan-out instead of 0.3.)
 */
export async function claimDue(db: Executor, workerId: string, n: number, now: Date, leaseMs: number): Promise<OutboxRow[]> {
  // In the due index's own order (state, next_attempt_at, then the rowid): no sort of every due row per claim, which
  // with a 20,000-recipient fan-out cost milliseconds of blocked event loop each time.
  const due = db.select({ id: outbox.id }).from(outbox).where(dueCondition(now)).orderBy(asc(outbox.nextAttemptAt), asc(outbox.id)).limit(n);
  return db
    .update(outbox)
    .set({ leaseUntil: new Date(now.getTime() + leaseMs), leasedBy: workerId, attempts: sql`${outbox.attempts} + 1`, updatedAt: now })
    .where(inArray(outbox.id, due))
    .returning();
}

type Outcome = { id: number; result: 'sent' | 'held' | 'skipped' } | { id: number; result: 'error'; permanent: boolean; error: string; attempts: number };

/** The composed form of each event, made once per run (the markdown rendered once for 10,000 messages). */
class EventCache {
  readonly #items = new Map<string, Promise<Composed | GoneError>>();
  constructor(private readonly deps: AppDeps) {}

  get(eventId: string, language: string | null): Promise<Composed | GoneError> {
    const key = `${eventId}|${language ?? ''}`;
    let item = this.#items.get(key);
    if (!item) {
      item = this.load(eventId, language);
      this.#items.set(key, item);
    }
    return item;
  }

  private async load(eventId: string, language: string | null): Promise<Composed | GoneError> {
    const [row] = await this.deps.db.select().from(outboxEvents).where(eq(outboxEvents.id, eventId));
    if (!row) return new GoneError('the event was deleted');
    try {
      if (isAccountMailRef(row.content)) return { account: row.content };
      if (isInternalRef(row.content)) return await composeInternalEvent(this.deps, row.kind as InternalEventKind, row.content);
      return await composeEvent(this.deps, row.kind as EventKind, row.content as EventRef, language);
    } catch (err) {
      if (err instanceof GoneError) return err;
      throw err;
    }
  }
}

export async function composeInternalEvent(deps: Pick<AppDeps, 'db' | 'clock' | 'publicUrl' | 'responseLinks'>, kind: InternalEventKind, ref: Parameters<typeof composeInternal>[2]): Promise<ComposedInternal> {
  const message = await composeInternal(deps, kind, ref);
  return {
    internal: true,
    message,
    email: internalEmail(message),
    slack: internalSlack(message),
    teams: teamsTeamMessage(message),
    discord: discordTeamMessage(message),
    webhook: internalWebhook(message),
  };
}

/** One internal message: email to an address or a user's current email, Slack blocks, a Teams card, a Discord embed, or a signed plain webhook. */
async function deliverInternal(deps: AppDeps, row: OutboxRow, to: RecipientTarget | undefined, events: EventCache, now: Date): Promise<Outcome> {
  const skip = { id: row.id, result: 'skipped' as const };
  if (!to || to.userDisabled) return skip;
  const event = await events.get(row.eventId, null);
  if (event instanceof GoneError) return skip;
  const fail = (permanent: boolean, error: string): Outcome => ({ id: row.id, result: 'error', permanent, error, attempts: row.attempts });
  if ('account' in event) {
    // A message to a Herald user (a password reset): composed now, to the user's current address; skipped once moot.
    const message = to.kind === 'email' ? await composeAccountMail(deps, event.account) : null;
    if (!message) return skip;
    if (!deps.mailer) return { id: row.id, result: 'held' };
    try {
      await deps.mailer.send(message);
      return { id: row.id, result: 'sent' };
    } catch (err) {
      return err instanceof MailError ? fail(err.permanent, err.message) : fail(false, (err as Error).message.slice(0, 300));
    }
  }
  if (!('internal' in event)) return skip;
  if (to.kind === 'email') {
    if (!deps.mailer) return { id: row.id, result: 'held' };
    try {
      await deps.mailer.send(internalMailMessage(event, row.eventId, to.id, to.userEmail ?? to.address));
      return { id: row.id, result: 'sent' };
    } catch (err) {
      return err instanceof MailError ? fail(err.permanent, err.message) : fail(false, (err as Error).message.slice(0, 300));
    }
  }
  let body: string;
  let headers: Record<string, string> = {};
  // A chat service's own message; its URL is the credential, so nothing is signed.
  if (to.kind === 'slack' || to.kind === 'teams' || to.kind === 'discord') body = JSON.stringify(event[to.kind]);
  else {
    if (!to.signingSecret) return fail(true, 'this webhook has no signing secret');
    body = JSON.stringify(event.webhook);
    headers = webhookHeaders(to.signingSecret, `msg_${row.eventId}_${to.id}`, now, body);
  }
  const res = await postJson(to.address, body, headers, { allowPrivate: deps.webhooks?.allowPrivate, resolve: deps.webhooks?.resolve });
  return res.ok ? { id: row.id, result: 'sent' } : fail(res.permanent, res.error);
}

async function deliverOne(deps: AppDeps, row: OutboxRow, sub: SubscriberRow | undefined, events: EventCache, key: Buffer, now: Date): Promise<Outcome> {
  const skip = { id: row.id, result: 'skipped' as const };
  if (!sub) return skip;
  const event = await events.get(row.eventId, sub.language);
  if (event instanceof GoneError || 'internal' in event || 'account' in event) return skip;
  // Unsubscribed since the event was queued: nothing more goes out. A confirmation goes only to a pending address.
  const wanted: SubscriberState = event.kind === 'subscription_confirmation' ? 'pending' : 'confirmed';
  if (sub.state !== wanted) return skip;
  const links = recipientLinks(event, key, sub.id, now);
  const fail = (permanent: boolean, error: string): Outcome => ({ id: row.id, result: 'error', permanent, error, attempts: row.attempts });

  if (row.channel === 'email') {
    if (!event.email || !sub.email) return skip;
    if (!deps.mailer) return { id: row.id, result: 'held' };
    const message = personalize(event.email, event.page, { eventId: row.eventId, subscriberId: sub.id, email: sub.email, links });
    try {
      await deps.mailer.send(message);
      return { id: row.id, result: 'sent' };
    } catch (err) {
      return err instanceof MailError ? fail(err.permanent, err.message) : fail(false, (err as Error).message.slice(0, 300));
    }
  }

  if (!sub.url) return skip;
  let body: string;
  let headers: Record<string, string> = {};
  const format = sub.webhookFormat ?? detectWebhookFormat(sub.url);
  if (format !== 'statuspage') {
    // A chat service's own message; its URL is the credential, so nothing is signed.
    const message = event[format];
    if (!message) return skip;
    body = JSON.stringify(message);
  } else {
    if (!event.webhook || !sub.signingSecret) return skip;
    body = JSON.stringify({
      meta: { unsubscribe: links.manage, documentation: WEBHOOK_DOCUMENTATION },
      ...event.webhook,
    });
    headers = webhookHeaders(sub.signingSecret, `msg_${row.eventId}_${sub.id}`, now, body);
  }
  const res = await postJson(sub.url, body, headers, { allowPrivate: deps.webhooks?.allowPrivate, resolve: deps.webhooks?.resolve });
  return res.ok ? { id: row.id, result: 'sent' } : fail(res.permanent, res.error);
}

/** Lets timers and I/O run: the embedded database answers synchronously, so a worker that never waits for the
 * network (held email, skipped rows) would otherwise keep the event loop to itself for a whole run. */
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Writes outcomes in small groups as they complete; each write is conditional on still holding the lease. */
class OutcomeRecorder {
  #pending: Outcome[] = [];
  #writing: Promise<void> = Promise.resolve();
  constructor(
    private readonly db: Executor,
    private readonly workerId: string,
    private readonly opts: DeliveryOptions,
    private readonly clock: AppDeps['clock'],
    /** The rows this worker holds: a row leaves it once its outcome is written. */
    private readonly held: Set<number>,
  ) {}

  /** Adds one outcome; when a group is full, writes it (and gives the event loop a turn) before resolving. */
  async add(outcome: Outcome): Promise<void> {
    this.#pending.push(outcome);
    if (this.#pending.length >= RECORD_GROUP) await this.flush();
  }

  /** Writes whatever is pending; writes never overlap, so the order of outcomes is kept. */
  flush(): Promise<void> {
    const group = this.#pending;
    this.#pending = [];
    this.#writing = this.#writing.then(async () => {
      if (group.length) await record(this.db, this.workerId, group, this.clock.now(), this.opts);
      for (const o of group) this.held.delete(o.id);
      await yieldToLoop();
    });
    return this.#writing;
  }
}

/** Writes outcomes; each write is conditional on still holding the lease. */
async function record(db: Executor, workerId: string, outcomes: Outcome[], now: Date, opts: DeliveryOptions): Promise<void> {
  const mine = (ids: number[]) => and(inArray(outbox.id, ids), eq(outbox.leasedBy, workerId));
  const released = { leaseUntil: null, leasedBy: null, updatedAt: now };
  for (const state of ['sent', 'held', 'skipped'] as const) {
    const ids = outcomes.filter((o) => o.result === state).map((o) => o.id);
    if (!ids.length) continue;
    await db
      .update(outbox)
      .set({ ...released, state, lastError: null, sentAt: state === 'sent' ? now : null })
      .where(mine(ids));
  }
  for (const o of outcomes) {
    if (o.result !== 'error') continue;
    const giveUp = o.permanent || o.attempts >= opts.maxAttempts;
    await db
      .update(outbox)
      .set({
        ...released,
        state: giveUp ? 'failed' : 'pending',
        lastError: o.error,
        nextAttemptAt: giveUp ? now : new Date(now.getTime() + backoffMs(o.attempts, opts)),
      })
      .where(mine([o.id]));
  }
}

/** Hands back rows this worker claimed but never tried (a stop): due again at once, the claim's attempt undone. */
async function release(db: Executor, workerId: string, ids: number[], now: Date): Promise<void> {
  if (!ids.length) return;
  await db
    .update(outbox)
    .set({ leaseUntil: null, leasedBy: null, attempts: sql`max(${outbox.attempts} - 1, 0)`, updatedAt: now })
    .where(and(inArray(outbox.id, ids), eq(outbox.leasedBy, workerId)));
}

/**
 * Extends the lease of the rows this worker still holds (claimed, not yet recorded), found by their ids: a few
 * dozen primary-key lookups. (By `leased_by` alone, SQLite walked every pending row of a fan-out to find them.)
 */
export function renewLeases(db: Executor, workerId: string, ids: number[], now: Date, leaseMs: number) {
  return db
    .update(outbox)
    .set({ leaseUntil: new Date(now.getTime() + leaseMs) })
    .where(and(inArray(outbox.id, ids), eq(outbox.leasedBy, workerId), eq(outbox.state, 'pending')));
}

/** A claimed row with its subscriber or internal recipient, read at the claim. */
interface Claimed {
  row: OutboxRow;
  sub: SubscriberRow | undefined;
  to: RecipientTarget | undefined;
}

/**
 * Delivers what is due until nothing is due (or `limit`/`signal` stops it). Returns how many rows it finished
 * (sent, held, skipped, failed or rescheduled). Bounded: each claim takes rows that are due now, and a rescheduled
 * row is not due again within this run. Rows are claimed a batch at a time a little ahead of `concurrency` lanes;
 * each outcome is recorded as it completes, in groups of RECORD_GROUP; the lease of rows still held is renewed
 * while the run lasts; on `signal`, sends in flight finish and are recorded, and rows not yet tried are released.
 */
export async function deliverDue(deps: AppDeps, run: DeliverRunOptions = {}): Promise<number> {
  // A large audience's rows beyond the publishing transaction's first chunk.
  await expandAudiences(deps.db, yieldToLoop, run.signal);
  // The common case, every second on an idle page: nothing due. A read answers it without taking
  // the database's write lock, which a claim (an UPDATE, even one matching nothing) would.
  const [anyDue] = await deps.db.select({ id: outbox.id }).from(outbox).where(dueCondition(deps.clock.now())).limit(1);
  if (!anyDue) return 0;
  const opts = deliveryOptions(deps);
  const workerId = run.workerId ?? `w-${randomString(10)}`;
  const events = new EventCache(deps);
  const key = await linkKey(deps.db);
  const held = new Set<number>();
  const recorder = new OutcomeRecorder(deps.db, workerId, opts, deps.clock, held);
  const limit = run.limit ?? Number.POSITIVE_INFINITY;
  const tally: Record<Outcome['result'] | 'failed', number> = { sent: 0, held: 0, skipped: 0, error: 0, failed: 0 };
  // Each claimed row with its subscriber or internal recipient as read at the claim: held only until it is sent,
  // so a long fan-out does not keep every recipient it has served in memory (a bigger heap, longer pauses).
  const queue: Claimed[] = [];
  let claimed = 0;
  let done = 0;
  let exhausted = false;
  let claiming: Promise<void> | null = null;

  const refill = async () => {
    if (exhausted || claimed >= limit || run.signal?.aborted) return;
    const now = deps.clock.now();
    const rows = await claimDue(deps.db, workerId, Math.min(opts.batchSize, limit - claimed), now, opts.leaseMs);
    if (!rows.length) {
      exhausted = true;
      return;
    }
    claimed += rows.length;
    for (const row of rows) held.add(row.id);
    const byId = new Map<string, SubscriberRow>();
    const toById = new Map<string, RecipientTarget>();
    const wanted = [...new Set(rows.map((r) => r.subscriberId).filter((id): id is string => id !== null))];
    if (wanted.length) for (const sub of await deps.db.select().from(subscribers).where(inArray(subscribers.id, wanted))) byId.set(sub.id, sub);
    // internal recipients (pages, reminders, stakeholder updates), with a user's email as it is now
    const internal = [...new Set(rows.map((r) => r.recipientId).filter((id): id is string => id !== null))];
    if (internal.length) {
      const found = await deps.db
        .select({ r: recipients, email: users.email, disabledAt: users.disabledAt })
        .from(recipients)
        .leftJoin(users, eq(users.id, recipients.userId))
        .where(inArray(recipients.id, internal));
      for (const t of found) toById.set(t.r.id, { ...t.r, userEmail: t.email, userDisabled: t.r.userId !== null && (t.email === null || t.disabledAt !== null) });
    }
    for (const row of rows) queue.push({ row, sub: row.subscriberId ? byId.get(row.subscriberId) : undefined, to: row.recipientId ? toById.get(row.recipientId) : undefined });
    await yieldToLoop();
  };
  const startRefill = () => (claiming ??= refill().finally(() => (claiming = null)));

  /** The next row to send, claiming more when the queue runs low; undefined when the run is over. */
  const next = async (): Promise<Claimed | undefined> => {
    while (!queue.length && !exhausted && claimed < limit && !run.signal?.aborted) await startRefill();
    if (run.signal?.aborted) return undefined;
    if (queue.length < opts.concurrency && !exhausted && claimed < limit) void startRefill().catch(() => undefined);
    return queue.shift();
  };

  // A live worker keeps its rows; a dead one's come back to others after one lease.
  const heartbeat = setInterval(() => {
    if (held.size) void renewLeases(deps.db, workerId, [...held], deps.clock.now(), opts.leaseMs).catch(() => undefined);
  }, Math.max(1000, Math.floor(opts.leaseMs / 3)));
  heartbeat.unref();
  try {
    const lanes = Array.from({ length: Math.max(1, opts.concurrency) }, async () => {
      for (let item = await next(); item; item = await next()) {
        const { row, sub, to } = item;
        const outcome = row.recipientId ? await deliverInternal(deps, row, to, events, deps.clock.now()) : await deliverOne(deps, row, sub, events, key, deps.clock.now());
        done += 1;
        tally[outcome.result] += 1;
        // Row ids and channels only: addresses are personal data and Slack URLs are credentials.
        if (outcome.result === 'error' && (outcome.permanent || outcome.attempts >= opts.maxAttempts)) {
          tally.failed += 1;
          deps.log?.(`outbox: message ${outcome.id} failed after ${outcome.attempts} ${outcome.attempts === 1 ? 'attempt' : 'attempts'}: ${outcome.error.replace(/[^\s<>@]+@[^\s<>]+/g, '<address>')}`);
        }
        await recorder.add(outcome);
      }
    });
    await Promise.all(lanes);
  } finally {
    clearInterval(heartbeat);
    await (claiming as Promise<void> | null)?.catch(() => undefined);
    await recorder.flush();
    // Claimed ahead but never tried (a stop, or a failure above): back to the others now, not after the lease.
    const unsent = queue.splice(0).map((c) => c.row.id);
    await release(deps.db, workerId, unsent, deps.clock.now());
    for (const id of unsent) held.delete(id);
  }
  if (done > 0) {
    deps.log?.(`outbox: ${done} ${done === 1 ? 'message' : 'messages'}: ${tally.sent} sent, ${tally.held} held, ${tally.skipped} skipped, ${tally.error - tally.failed} to retry, ${tally.failed} failed`);
  }
  return done;
}

/** How long the delivery log keeps finished messages (sent, held, skipped); failed ones stay until retried or removed. */
export const OUTBOX_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
const PRUNE_EVERY_MS = 60 * 60 * 1000;
const PRUNE_BATCH = 5000;
/** Rows per DELETE: the embedded database deletes synchronously, so the event loop gets a turn between chunks. */
const PRUNE_CHUNK = 500;

/**
 * Forgets finished messages older than the retention, and events left without messages, a batch at
 * a time (bounded: a large backlog is worked off over several runs). Returns the rows deleted.
 */
export async function pruneOutbox(db: Executor, now: Date, retentionMs = OUTBOX_RETENTION_MS): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionMs);
  let deleted = 0;
  while (deleted < PRUNE_BATCH) {
    const old = db
      .select({ id: outbox.id })
      .from(outbox)
      .where(and(inArray(outbox.state, ['sent', 'held', 'skipped']), lte(outbox.updatedAt, cutoff)))
      .limit(Math.min(PRUNE_CHUNK, PRUNE_BATCH - deleted));
    const gone = await db.delete(outbox).where(inArray(outbox.id, old));
    deleted += gone.rowsAffected;
    await yieldToLoop();
    if (gone.rowsAffected < PRUNE_CHUNK) break;
  }
  await db.run(sql`DELETE FROM outbox_events WHERE created_at <= ${cutoff.getTime()} AND expansion IS NULL AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.event_id = outbox_events.id)`);
  return deleted;
}

/** Most messages one scheduler tick delivers, so the other jobs (scheduled updates) keep their turn. */
const DELIVERIES_PER_TICK = 5000;

// When each app's process last pruned (per deps object, so tests with many apps do not share it).
const lastPruned = new WeakMap<AppDeps, number>();

/**
 * The scheduler job (api/server/scheduler.ts): delivers what is due; about once an hour also prunes the log.
 * `signal` is the server's shutdown: sends in flight finish and are recorded, rows claimed but not tried are
 * handed back, and nothing more is claimed, so a stopped server leaves nothing half-sent and nothing waiting on it.
 */
export async function deliverOutbox(deps: AppDeps, signal?: AbortSignal): Promise<number> {
  const done = await deliverDue(deps, { limit: DELIVERIES_PER_TICK, signal });
  if (signal?.aborted) return done;
  const now = deps.clock.now();
  if (now.getTime() - (lastPruned.get(deps) ?? 0) >= PRUNE_EVERY_MS) {
    lastPruned.set(deps, now.getTime());
    await pruneOutbox(deps.db, now);
  }
  return done;
}
