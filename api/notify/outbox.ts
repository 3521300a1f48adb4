// The durable outbox: one row per (event, recipient), written in the publishing transaction, delivered by claim + lease.
import { and, asc, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { incidentComponents, outbox, outboxEvents, subscribers, type ComponentStatus, type SubscriberKind, type SubscriberState } from '../../db/schema.ts';
import type { AppDeps } from '../core/deps.ts';
import { personalize } from './email-templates.ts';
import { newId, randomString } from '../core/ids.ts';
import { MailError } from './mailer.ts';
import { composeEvent, GoneError, type ComposedEvent, type EventKind, type EventRef } from './compose.ts';
import { confirmUrl, linkKey, signLinkToken, subscriberLinks } from './subscription-links.ts';
import { isSlackWebhookUrl } from './slack.ts';
import type { UpdatePublishedEvent } from '../incidents/update-published.ts';
import { postJson, webhookHeaders } from './webhook-routes.ts';

export interface DeliveryOptions {
  /** Attempts before a message is marked failed (the first try counts). */
  maxAttempts: number;
  /** Wait after the first failure; doubles with each further failure, up to maxBackoffMs. */
  baseBackoffMs: number;
  maxBackoffMs: number;
  /** How long a claim holds a row: a worker that dies leaves its rows to others after this. */
  leaseMs: number;
  /** Rows claimed per conditional update. */
  batchSize: number;
  /** Messages in flight at once (about twice the SMTP pool's connections keeps every connection busy). */
  concurrency: number;
}

export const DEFAULT_DELIVERY_OPTIONS: DeliveryOptions = {
  maxAttempts: 8,
  baseBackoffMs: 30_000,
  maxBackoffMs: 6 * 60 * 60 * 1000,
  leaseMs: 5 * 60 * 1000,
  batchSize: 100,
  concurrency: 10,
};

export function deliveryOptions(deps: Pick<AppDeps, 'delivery'>): DeliveryOptions {
  return { ...DEFAULT_DELIVERY_OPTIONS, ...deps.delivery };
}

/** The wait before attempt `attempts + 1`, after `attempts` failures. */
export function backoffMs(attempts: number, opts: DeliveryOptions): number {
  return Math.min(opts.maxBackoffMs, opts.baseBackoffMs * 2 ** Math.max(0, attempts - 1));
}

// ---------------------------------------------------------------------------------------------
// Enqueue: inside the caller's transaction.

export interface EnqueueInput {
  /** Unique per event: enqueuing the same key again adds nothing (a retried publish, two code paths). */
  key: string;
  kind: EventKind;
  incidentId?: string | null;
  ref: EventRef;
  channels: SubscriberKind[];
  /** The subscriber state that receives this event (confirmed, or pending for the confirmation). */
  state?: SubscriberState;
  /** Only this subscriber (a confirmation). */
  onlySubscriberId?: string;
  /**
   * The components the event touches: subscribers to all components always get it, the others when
   * one of theirs is in this list (so an event touching no component reaches only them).
   */
  componentIds: string[];
}

export interface EnqueueResult {
  /** Null when the key was already enqueued. */
  eventId: string | null;
  recipients: number;
}

/** Writes the event and one outbox row per recipient, as one INSERT … SELECT (fan-out to 10,000 is one statement). */
export async function enqueueEvent(tx: Executor, input: EnqueueInput, now: Date): Promise<EnqueueResult> {
  const eventId = newId();
  const inserted = await tx
    .insert(outboxEvents)
    .values({ id: eventId, key: input.key, kind: input.kind, incidentId: input.incidentId ?? null, content: input.ref, createdAt: now })
    .onConflictDoNothing({ target: outboxEvents.key })
    .returning({ id: outboxEvents.id });
  if (!inserted.length) return { eventId: null, recipients: 0 };
  const t = now.getTime();
  const conditions = [sql`s.state = ${input.state ?? 'confirmed'}`, sql`s.kind IN (${sql.join(input.channels.map((k) => sql`${k}`), sql`, `)})`];
  if (input.onlySubscriberId) conditions.push(sql`s.id = ${input.onlySubscriberId}`);
  const ids = [...new Set(input.componentIds)];
  if (ids.length) {
    conditions.push(
      sql`(s.all_components = 1 OR EXISTS (SELECT 1 FROM subscriber_components sc WHERE sc.subscriber_id = s.id AND sc.component_id IN (${sql.join(
        ids.map((id) => sql`${id}`),
        sql`, `,
      )})))`,
    );
  } else if (!input.onlySubscriberId) {
    conditions.push(sql`s.all_components = 1`);
  }
  const result = await tx.run(sql`
    INSERT INTO outbox (event_id, subscriber_id, channel, state, attempts, next_attempt_at, created_at, updated_at)
    SELECT ${eventId}, s.id, s.kind, 'pending', 0, ${t}, ${t}, ${t}
    FROM subscribers s
    WHERE ${sql.join(conditions, sql` AND `)}
    ON CONFLICT (event_id, subscriber_id) DO NOTHING`);
  return { eventId, recipients: result.rowsAffected };
}

export type IncidentEventKind = Extract<EventKind, `incident_${string}` | 'postmortem_published'>;
export type MaintenanceEventKind = Extract<EventKind, `maintenance_${string}`>;

/** The components an incident touches: the ones linked to it plus the ones an update changed. */
async function touchedComponents(tx: Executor, incidentId: string, extra: string[] = []): Promise<string[]> {
  const rows = await tx.select({ id: incidentComponents.componentId }).from(incidentComponents).where(eq(incidentComponents.incidentId, incidentId));
  return [...new Set([...rows.map((r) => r.id), ...extra])];
}

/** An event key: per update when there is one (so two code paths naming one update enqueue it once). */
function eventKey(kind: EventKind, incidentId: string, updateId: string | null | undefined): string {
  return updateId ? `update:${updateId}` : `${kind}:${incidentId}`;
}

/** Incident created / updated / resolved (and postmortem published): to email and webhook subscribers. */
export async function enqueueIncidentEvent(
  tx: Executor,
  input: { kind: IncidentEventKind; incidentId: string; updateId?: string | null; componentIds?: string[]; link?: string },
  now: Date,
): Promise<EnqueueResult> {
  const componentIds = await touchedComponents(tx, input.incidentId, input.componentIds);
  return enqueueEvent(
    tx,
    {
      key: eventKey(input.kind, input.incidentId, input.updateId),
      kind: input.kind,
      incidentId: input.incidentId,
      ref: { type: 'incident', incidentId: input.incidentId, updateId: input.updateId ?? null, componentIds, link: input.link },
      channels: ['email', 'webhook'],
      componentIds,
    },
    now,
  );
}

/**
 * Maintenance scheduled / started / updated / completed / reminder, for the maintenance module
 * (api/maintenance/maintenance-routes.ts) to call inside its own transaction. A reminder has no update, so its key
 * is per maintenance and kind: it goes out once.
 */
export async function enqueueMaintenanceEvent(
  tx: Executor,
  input: { kind: MaintenanceEventKind; maintenanceId: string; updateId?: string | null },
  now: Date,
): Promise<EnqueueResult> {
  const componentIds = await touchedComponents(tx, input.maintenanceId);
  return enqueueEvent(
    tx,
    {
      key: eventKey(input.kind, input.maintenanceId, input.updateId),
      kind: input.kind,
      incidentId: input.maintenanceId,
      ref: { type: 'incident', incidentId: input.maintenanceId, updateId: input.updateId ?? null, componentIds },
      channels: ['email', 'webhook'],
      componentIds,
    },
    now,
  );
}

/** A component's status change: webhooks only (Statuspage's `component_update`); email is per incident. */
export async function enqueueComponentUpdate(
  tx: Executor,
  input: { componentId: string; oldStatus: ComponentStatus; newStatus: ComponentStatus; key: string },
  now: Date,
): Promise<EnqueueResult> {
  return enqueueEvent(
    tx,
    {
      key: `component:${input.key}:${input.componentId}`,
      kind: 'component_update',
      ref: { type: 'component', componentId: input.componentId, oldStatus: input.oldStatus, newStatus: input.newStatus, at: now.toISOString(), componentIds: [input.componentId] },
      channels: ['webhook'],
      componentIds: [input.componentId],
    },
    now,
  );
}

/** The double opt-in message to one pending subscriber. */
export async function enqueueConfirmation(tx: Executor, subscriberId: string, componentIds: string[], now: Date): Promise<EnqueueResult> {
  return enqueueEvent(
    tx,
    {
      key: `confirm:${subscriberId}:${now.getTime()}:${randomString(6)}`,
      kind: 'subscription_confirmation',
      ref: { type: 'confirmation', componentIds },
      channels: ['email'],
      state: 'pending',
      onlySubscriberId: subscriberId,
      componentIds: [],
    },
    now,
  );
}

/** Which message an incident's published update sends. */
export function kindForUpdate(event: Pick<UpdatePublishedEvent, 'incident' | 'update' | 'firstPublish'>): IncidentEventKind | MaintenanceEventKind {
  const status = event.update.status;
  if (event.incident.kind === 'maintenance') {
    if (status === 'completed') return 'maintenance_completed';
    if (status === 'in_progress') return 'maintenance_started';
    return event.firstPublish ? 'maintenance_scheduled' : 'maintenance_updated';
  }
  if (status === 'resolved') return 'incident_resolved';
  return event.firstPublish ? 'incident_created' : 'incident_updated';
}

/**
 * Called from onUpdatePublished (api/incidents/update-published.ts) in the publishing transaction: the
 * subscriber messages when the update has notify on, and a component_update webhook per changed
 * component either way (Statuspage sends those for every status change).
 */
export async function enqueueForPublishedUpdate(tx: Executor, event: UpdatePublishedEvent): Promise<void> {
  const { incident, update, now } = event;
  const changed = (update.affectedComponents ?? []).filter((a) => a.old_status !== a.new_status);
  if (update.notify) {
    const kind = kindForUpdate(event);
    const componentIds = changed.map((a) => a.code);
    if (incident.kind === 'maintenance') await enqueueMaintenanceEvent(tx, { kind: kind as MaintenanceEventKind, maintenanceId: incident.id, updateId: update.id }, now);
    else await enqueueIncidentEvent(tx, { kind: kind as IncidentEventKind, incidentId: incident.id, updateId: update.id, componentIds }, now);
  }
  for (const a of changed) {
    await enqueueComponentUpdate(tx, { componentId: a.code, oldStatus: a.old_status, newStatus: a.new_status, key: `update:${update.id}` }, now);
  }
}

/** Where `meta.documentation` points: the signing scheme a receiver has to implement. */
export const WEBHOOK_DOCUMENTATION = 'https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md';

// ---------------------------------------------------------------------------------------------
// Delivery: claim a batch with a conditional update and a lease, send, record.

type OutboxRow = typeof outbox.$inferSelect;
type SubscriberRow = typeof subscribers.$inferSelect;

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
 * Claims up to `n` due rows for `workerId`. One UPDATE … WHERE id IN (SELECT … LIMIT n) AND <still
 * due>: the database runs it under its write lock, so two instances never claim the same row.
 */
export async function claimDue(db: Executor, workerId: string, n: number, now: Date, leaseMs: number): Promise<OutboxRow[]> {
  const due = db.select({ id: outbox.id }).from(outbox).where(dueCondition(now)).orderBy(asc(outbox.id)).limit(n);
  return db
    .update(outbox)
    .set({ leaseUntil: new Date(now.getTime() + leaseMs), leasedBy: workerId, attempts: sql`${outbox.attempts} + 1`, updatedAt: now })
    .where(and(inArray(outbox.id, due), dueCondition(now)))
    .returning();
}

type Outcome = { id: number; result: 'sent' | 'held' | 'skipped' } | { id: number; result: 'error'; permanent: boolean; error: string; attempts: number };

/** The composed form of each event, made once per run (the markdown rendered once for 10,000 messages). */
class EventCache {
  readonly #items = new Map<string, Promise<ComposedEvent | GoneError>>();
  constructor(private readonly deps: AppDeps) {}

  get(eventId: string): Promise<ComposedEvent | GoneError> {
    let item = this.#items.get(eventId);
    if (!item) {
      item = this.load(eventId);
      this.#items.set(eventId, item);
    }
    return item;
  }

  private async load(eventId: string): Promise<ComposedEvent | GoneError> {
    const [row] = await this.deps.db.select().from(outboxEvents).where(eq(outboxEvents.id, eventId));
    if (!row) return new GoneError('the event was deleted');
    try {
      return await composeEvent(this.deps, row.kind as EventKind, row.content as EventRef);
    } catch (err) {
      if (err instanceof GoneError) return err;
      throw err;
    }
  }
}

async function deliverOne(deps: AppDeps, row: OutboxRow, sub: SubscriberRow | undefined, events: EventCache, key: Buffer, now: Date): Promise<Outcome> {
  const skip = { id: row.id, result: 'skipped' as const };
  if (!sub) return skip;
  const event = await events.get(row.eventId);
  if (event instanceof GoneError) return skip;
  // Unsubscribed since the event was queued: nothing more goes out. A confirmation goes only to a pending address.
  const wanted: SubscriberState = event.kind === 'subscription_confirmation' ? 'pending' : 'confirmed';
  if (sub.state !== wanted) return skip;
  const links = subscriberLinks(event.page.base, key, sub.id, now);
  const fail = (permanent: boolean, error: string): Outcome => ({ id: row.id, result: 'error', permanent, error, attempts: row.attempts });

  if (row.channel === 'email') {
    if (!event.email || !sub.email) return skip;
    const recipientLinks = event.kind === 'subscription_confirmation' ? { ...links, confirm: confirmUrl(event.page.base, signLinkToken(key, 'confirm', sub.id, now)) } : links;
    if (!deps.mailer) return { id: row.id, result: 'held' };
    const message = personalize(event.email, event.page, { eventId: row.eventId, subscriberId: sub.id, email: sub.email, links: recipientLinks });
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
  if (isSlackWebhookUrl(sub.url)) {
    if (!event.slack) return skip;
    body = JSON.stringify(event.slack);
  } else {
    if (!event.webhook || !sub.signingSecret) return skip;
    body = JSON.stringify({
      meta: { unsubscribe: links.manage, documentation: WEBHOOK_DOCUMENTATION },
      ...event.webhook,
    });
    headers = webhookHeaders(sub.signingSecret, `msg_${row.eventId}_${sub.id}`, now, body);
  }
  const res = await postJson(sub.url, body, headers);
  return res.ok ? { id: row.id, result: 'sent' } : fail(res.permanent, res.error);
}

/** Runs `fn` over `items` with at most `n` at once. */
async function eachLimited<T, R>(items: T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  });
  await Promise.all(lanes);
  return out;
}

/** Writes a batch's outcomes; each write is conditional on still holding the lease. */
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

/**
 * Delivers what is due, batch after batch, until nothing is due (or `limit`/`signal` stops it).
 * Returns how many rows it finished (sent, held, skipped, failed or rescheduled). Bounded: each
 * batch claims rows that are due now, and a rescheduled row is not due again within this run.
 */
export async function deliverDue(deps: AppDeps, run: DeliverRunOptions = {}): Promise<number> {
  // The common case, every second on an idle page: nothing due. A read answers it without taking
  // the database's write lock, which a claim (an UPDATE, even one matching nothing) would.
  const [anyDue] = await deps.db.select({ id: outbox.id }).from(outbox).where(dueCondition(deps.clock.now())).limit(1);
  if (!anyDue) return 0;
  const opts = deliveryOptions(deps);
  const workerId = run.workerId ?? `w-${randomString(10)}`;
  const events = new EventCache(deps);
  const key = await linkKey(deps.db);
  let done = 0;
  const tally: Record<Outcome['result'] | 'failed', number> = { sent: 0, held: 0, skipped: 0, error: 0, failed: 0 };
  const limit = run.limit ?? Number.POSITIVE_INFINITY;
  while (done < limit && !run.signal?.aborted) {
    const now = deps.clock.now();
    const rows = await claimDue(deps.db, workerId, Math.min(opts.batchSize, limit - done), now, opts.leaseMs);
    if (!rows.length) break;
    const subs = await deps.db
      .select()
      .from(subscribers)
      .where(inArray(subscribers.id, [...new Set(rows.map((r) => r.subscriberId))]));
    const byId = new Map(subs.map((s) => [s.id, s]));
    const outcomes = await eachLimited(rows, opts.concurrency, (row) => deliverOne(deps, row, byId.get(row.subscriberId), events, key, now));
    await record(deps.db, workerId, outcomes, deps.clock.now(), opts);
    for (const o of outcomes) {
      tally[o.result] += 1;
      // Row ids and channels only: addresses are personal data and Slack URLs are credentials.
      if (o.result === 'error' && (o.permanent || o.attempts >= opts.maxAttempts)) {
        tally.failed += 1;
        deps.log?.(`outbox: message ${o.id} failed after ${o.attempts} attempt(s): ${o.error.replace(/[^\s<>@]+@[^\s<>]+/g, '<address>')}`);
      }
    }
    done += rows.length;
  }
  if (done > 0) {
    deps.log?.(`outbox: ${done} message(s): ${tally.sent} sent, ${tally.held} held, ${tally.skipped} skipped, ${tally.error - tally.failed} to retry, ${tally.failed} failed`);
  }
  return done;
}

/** How long the delivery log keeps finished messages (sent, held, skipped); failed ones stay until retried or removed. */
export const OUTBOX_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
const PRUNE_EVERY_MS = 60 * 60 * 1000;
const PRUNE_BATCH = 5000;

/**
 * Forgets finished messages older than the retention, and events left without messages, a batch at
 * a time (bounded: a large backlog is worked off over several runs). Returns the rows deleted.
 */
export async function pruneOutbox(db: Executor, now: Date, retentionMs = OUTBOX_RETENTION_MS): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionMs);
  const old = db
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(inArray(outbox.state, ['sent', 'held', 'skipped']), lte(outbox.updatedAt, cutoff)))
    .limit(PRUNE_BATCH);
  const gone = await db.delete(outbox).where(inArray(outbox.id, old));
  await db.run(sql`DELETE FROM outbox_events WHERE created_at <= ${cutoff.getTime()} AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.event_id = outbox_events.id)`);
  return gone.rowsAffected;
}

/** Most messages one scheduler tick delivers, so the other jobs (scheduled updates) keep their turn. */
export const DELIVERIES_PER_TICK = 5000;

// When each app's process last pruned (per deps object, so tests with many apps do not share it).
const lastPruned = new WeakMap<AppDeps, number>();

/**
 * The scheduler job (api/server/scheduler.ts): delivers what is due; about once an hour also prunes the log.
 * `signal` is the server's shutdown: the batch in flight is finished and recorded, no new one is
 * claimed, so a stopped server leaves nothing half-sent.
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
