// The outbox, enqueue side: one row per (event, recipient), written inside the transaction that caused it.
import { eq, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { incidentComponents, outboxEvents, type ComponentStatus, type SubscriberKind, type SubscriberState } from '../../db/schema.ts';
import { newId, randomString } from '../core/ids.ts';
import { type EventKind, type EventRef } from './compose.ts';
import type { UpdatePublishedEvent } from '../core/events.ts';

// ---------------------------------------------------------------------------------------------
// Enqueue: inside the caller's transaction.

interface EnqueueInput {
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
async function enqueueEvent(tx: Executor, input: EnqueueInput, now: Date): Promise<EnqueueResult> {
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
 * The updatePublished handler (notify/events.ts), in the publishing transaction: the
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
