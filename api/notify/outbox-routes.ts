// The console's delivery log: /api/v1/outbox (list, one message with its rendered preview, manual retry).
import { and, count, desc, eq, inArray, lt } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { DELIVERY_STATES, outbox, outboxEvents, recipients, subscribers, users, type DeliveryState } from '../../db/schema.ts';
import { actorOf, requireRole, type AppEnv } from '../http/access.ts';
import { write } from '../audit/write.ts';
import type { AppDeps } from '../core/deps.ts';
import { personalize } from './email-templates.ts';
import { invalidTransition, notFound } from '../core/errors.ts';
import { iso, isoOrNull } from '../core/iso.ts';
import { composeEvent, GoneError, recipientLinks, type EventKind, type EventRef } from './compose.ts';
import { linkKey } from './subscription-links.ts';
import { queryParams } from '../http/validate.ts';
import { displayUrl } from './webhook-transport.ts';
import { composeAccountMail, isAccountMailRef } from './account-mail.ts';
import { roleAtLeast } from '../core/vocabulary.ts';
import { composeInternalEvent, internalMailMessage } from './deliver.ts';
import { isInternalRef, type InternalEventKind } from './internal-messages.ts';
import { recipientLabel } from '../response/internal-recipients.ts';

export interface DeliveryOut {
  id: number;
  event_id: string;
  event_kind: string;
  incident_id: string | null;
  /** A public subscriber's id, or null for an internal message (then `recipient_id`). */
  subscriber_id: string | null;
  recipient_id: string | null;
  /** True for the response team's messages (pages, reminders, stakeholder updates, role assignments). */
  internal: boolean;
  channel: 'email' | 'webhook';
  /** The address as shown (URLs masked after their secret part). */
  recipient: string;
  state: DeliveryState;
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

/** A page of deliveries, newest first, with the count per state. */
export interface DeliveryListOut {
  deliveries: DeliveryOut[];
  counts: Record<DeliveryState, number>;
  /** Pass as `before_id` for the next page; null on the last one. */
  next_before_id: number | null;
}

/** An email as it was (or would be) sent. */
export interface MessagePreviewOut {
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

/** One delivery and, for an email, its message (null for a webhook, or when its incident is gone). */
export interface DeliveryDetailOut extends DeliveryOut {
  message: MessagePreviewOut | null;
}

const listQuery = z.object({
  state: z.enum(DELIVERY_STATES).optional(),
  event_id: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** Keyset paging: rows older (smaller id) than this. */
  before_id: z.coerce.number().int().min(1).optional(),
});

const selection = {
  row: outbox,
  kind: outboxEvents.kind,
  incidentId: outboxEvents.incidentId,
  email: subscribers.email,
  url: subscribers.url,
  language: subscribers.language,
  internal: recipients,
  userName: users.name,
  userEmail: users.email,
};

type Joined = {
  row: typeof outbox.$inferSelect;
  kind: string;
  incidentId: string | null;
  email: string | null;
  url: string | null;
  language: string | null;
  internal: typeof recipients.$inferSelect | null;
  userName: string | null;
  userEmail: string | null;
};

/** The outbox joined with whoever each row is for: a subscriber, or an internal recipient (and its user). */
function joined(db: AppDeps['db']) {
  return db
    .select(selection)
    .from(outbox)
    .innerJoin(outboxEvents, eq(outboxEvents.id, outbox.eventId))
    .leftJoin(subscribers, eq(subscribers.id, outbox.subscriberId))
    .leftJoin(recipients, eq(recipients.id, outbox.recipientId))
    .leftJoin(users, eq(users.id, recipients.userId));
}

function recipientText(j: Joined): string {
  if (j.internal) return recipientLabel({ ...j.internal, address: j.userEmail ?? j.internal.address }, j.userName);
  return j.row.channel === 'email' ? (j.email ?? '') : displayUrl(j.url ?? '');
}

function deliveryJson(j: Joined): DeliveryOut {
  const r = j.row;
  return {
    id: r.id,
    event_id: r.eventId,
    event_kind: j.kind,
    incident_id: j.incidentId,
    subscriber_id: r.subscriberId,
    recipient_id: r.recipientId,
    internal: r.recipientId !== null,
    channel: r.channel,
    recipient: recipientText(j),
    state: r.state,
    attempts: r.attempts,
    next_attempt_at: r.state === 'pending' ? iso(r.nextAttemptAt) : null,
    last_error: r.lastError,
    created_at: iso(r.createdAt),
    sent_at: isoOrNull(r.sentAt),
  };
}

/**
 * The email as it was (or would be) sent, for held messages (no SMTP configured) and the log. A password reset's
 * link is in it only for owners: whoever reads it can set the account's password.
 */
async function preview(deps: AppDeps, j: Joined, showSecrets: boolean): Promise<MessagePreviewOut | null> {
  if (j.row.channel !== 'email') return null;
  const [event] = await deps.db.select().from(outboxEvents).where(eq(outboxEvents.id, j.row.eventId));
  if (!event) return null;
  if (j.internal) {
    if (isAccountMailRef(event.content)) {
      const m = await composeAccountMail(deps, event.content, { showLink: showSecrets });
      return m ? { subject: m.subject, text: m.text, html: m.html, headers: { 'Message-ID': `<${m.messageId}>`, ...m.headers } } : null;
    }
    if (!isInternalRef(event.content)) return null;
    try {
      const composed = await composeInternalEvent(deps, event.kind as InternalEventKind, event.content);
      const m = internalMailMessage(composed, j.row.eventId, j.internal.id, j.userEmail ?? j.internal.address);
      return { subject: m.subject, text: m.text, html: m.html, headers: { 'Message-ID': `<${m.messageId}>`, ...m.headers } };
    } catch (err) {
      if (err instanceof GoneError) return null;
      throw err;
    }
  }
  if (!j.email || !j.row.subscriberId) return null;
  let composed;
  try {
    composed = await composeEvent(deps, event.kind as EventKind, event.content as EventRef, j.language);
  } catch (err) {
    if (err instanceof GoneError) return null;
    throw err;
  }
  if (!composed.email) return null;
  const key = await linkKey(deps.db);
  const now = deps.clock.now();
  const subscriberId = j.row.subscriberId;
  const links = recipientLinks(composed, key, subscriberId, now);
  const m = personalize(composed.email, composed.page, { eventId: j.row.eventId, subscriberId, email: j.email, links });
  return { subject: m.subject, text: m.text, html: m.html, headers: { 'Message-ID': `<${m.messageId}>`, ...m.headers } };
}

export function outboxRoutes() {
  const r = new Hono<AppEnv>();

  r.get('/outbox', requireRole('publisher'), queryParams(listQuery), async (c) => {
    const { db } = c.get('deps');
    const q = c.req.valid('query');
    const where = and(
      q.state ? eq(outbox.state, q.state) : undefined,
      q.event_id ? eq(outbox.eventId, q.event_id) : undefined,
      q.before_id ? lt(outbox.id, q.before_id) : undefined,
    );
    const [rows, byState] = await Promise.all([
      joined(db)
        .where(where)
        .orderBy(desc(outbox.id))
        .limit(q.limit),
      db.select({ state: outbox.state, n: count() }).from(outbox).groupBy(outbox.state),
    ]);
    const counts: Record<DeliveryState, number> = { pending: 0, sent: 0, failed: 0, held: 0, skipped: 0 };
    for (const s of byState) counts[s.state] = s.n;
    const last = rows[rows.length - 1];
    const out: DeliveryListOut = {
      deliveries: rows.map(deliveryJson),
      counts,
      next_before_id: rows.length === q.limit && last ? last.row.id : null,
    };
    return c.json(out);
  });

  r.get('/outbox/:id{[0-9]+}', requireRole('publisher'), async (c) => {
    const deps = c.get('deps');
    const [j] = await joined(deps.db).where(eq(outbox.id, Number(c.req.param('id'))));
    if (!j) throw notFound('delivery');
    const out: DeliveryDetailOut = { ...deliveryJson(j), message: await preview(deps, j, roleAtLeast(actorOf(c).role, 'owner')) };
    return c.json(out);
  });

  // A failed message goes back to pending with a fresh set of attempts; so does a held one once
  // SMTP is configured. The worker picks it up on its next tick.
  r.post('/outbox/:id{[0-9]+}/retry', requireRole('publisher'), async (c) => {
    const deps = c.get('deps');
    const { mailer } = deps;
    const id = Number(c.req.param('id'));
    await write(deps, actorOf(c), async (w) => {
      const { tx, now } = w;
      const [row] = await tx.select().from(outbox).where(eq(outbox.id, id));
      if (!row) throw notFound('delivery');
      const retriable: DeliveryState[] = mailer ? ['failed', 'held'] : ['failed'];
      if (!retriable.includes(row.state)) throw invalidTransition(`Only ${retriable.join(' or ')} messages can be retried; this one is ${row.state}.`);
      await tx
        .update(outbox)
        .set({ state: 'pending', attempts: 0, nextAttemptAt: now, leaseUntil: null, leasedBy: null, lastError: null, updatedAt: now })
        .where(and(eq(outbox.id, id), inArray(outbox.state, retriable)));
      await w.audit({ action: 'outbox.retry', entityType: 'outbox', entityId: String(id), before: { state: row.state, attempts: row.attempts } });
    });
    return c.json({ id, state: 'pending' });
  });

  r.post('/outbox/retry-failed', requireRole('publisher'), async (c) => {
    const retried = await write(c.get('deps'), actorOf(c), async (w) => {
      const { tx, now } = w;
      const res = await tx
        .update(outbox)
        .set({ state: 'pending', attempts: 0, nextAttemptAt: now, leaseUntil: null, leasedBy: null, lastError: null, updatedAt: now })
        .where(eq(outbox.state, 'failed'));
      await w.audit({ action: 'outbox.retry_failed', entityType: 'outbox', after: { retried: res.rowsAffected } });
      return res.rowsAffected;
    });
    return c.json({ retried });
  });

  return r;
}
