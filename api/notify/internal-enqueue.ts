// The outbox for internal recipients: pages, role assignments, stakeholder updates and reminders, written in the
// transaction that caused them, one row per (event, recipient) like every other message.
import { sql } from 'drizzle-orm';
import type { Executor, Tx } from '../../db/client.ts';
import { outboxEvents } from '../../db/schema.ts';
import type { Actor } from '../core/actor.ts';
import type { IncidentChangedEvent, IncidentEscalatedEvent, IncidentOpenedEvent, InternalNoteEvent, ReminderEvent, UpdatePublishedEvent } from '../core/events.ts';
import { newId, randomString } from '../core/ids.ts';
import { writeWithin } from '../audit/write.ts';
import { pageOnOpen, pageEventKey, type PageRow } from '../response/paging.ts';
import { stakeholderRecipientIds } from '../response/stakeholders.ts';
import { userRecipients } from '../response/internal-recipients.ts';
import type { IncidentRow } from '../incidents/incident-store.ts';
import type { InternalEventKind, InternalRef, RoleField, StakeholderWhat } from './internal-messages.ts';

interface InternalEnqueue {
  /** Unique per event: the same key again adds nothing. */
  key: string;
  kind: InternalEventKind;
  incidentId: string;
  ref: InternalRef;
  recipientIds: string[];
}

/** Writes the event and one outbox row per recipient (email rows by SMTP, chat and webhooks by HTTP). */
async function enqueueInternal(tx: Executor, input: InternalEnqueue, now: Date): Promise<{ eventId: string | null; recipients: number }> {
  const ids = [...new Set(input.recipientIds)];
  if (!ids.length) return { eventId: null, recipients: 0 };
  const eventId = newId();
  const inserted = await tx
    .insert(outboxEvents)
    .values({ id: eventId, key: input.key, kind: input.kind, incidentId: input.incidentId, content: input.ref, createdAt: now })
    .onConflictDoNothing({ target: outboxEvents.key })
    .returning({ id: outboxEvents.id });
  if (!inserted.length) return { eventId: null, recipients: 0 };
  const t = now.getTime();
  const result = await tx.run(sql`
    INSERT INTO outbox (event_id, recipient_id, channel, state, attempts, next_attempt_at, created_at, updated_at)
    SELECT ${eventId}, r.id, CASE r.kind WHEN 'email' THEN 'email' ELSE 'webhook' END, 'pending', 0, ${t}, ${t}, ${t}
    FROM recipients r
    WHERE r.id IN (${sql.join(
      ids.map((id) => sql`${id}`),
      sql`, `,
    )})
    ON CONFLICT DO NOTHING`);
  return { eventId, recipients: result.rowsAffected };
}

/** One message per page (its acknowledge link is its own). */
async function enqueuePages(tx: Executor, pages: PageRow[], now: Date): Promise<void> {
  for (const p of pages) {
    await enqueueInternal(tx, { key: pageEventKey(p.id), kind: 'page', incidentId: p.incidentId, ref: { type: 'page', pageId: p.id }, recipientIds: p.recipientId ? [p.recipientId] : [] }, now);
  }
}

/** A fresh key: each change is its own event, never deduplicated against another. */
const freshKey = (prefix: string, now: Date) => `${prefix}:${now.getTime()}:${randomString(6)}`;

async function toStakeholders(tx: Executor, incidentId: string, key: string, ref: Extract<InternalRef, { type: 'stakeholder' }>, now: Date): Promise<void> {
  const ids = await stakeholderRecipientIds(tx);
  if (ids.length) await enqueueInternal(tx, { key, kind: 'stakeholder_update', incidentId, ref, recipientIds: ids }, now);
}

const ROLE_COLUMNS: [RoleField, 'commanderId' | 'techLeadId' | 'commsLeadId'][] = [
  ['commander_id', 'commanderId'],
  ['tech_lead_id', 'techLeadId'],
  ['comms_lead_id', 'commsLeadId'],
];

/** Tells each newly assigned role holder their duties; not whoever assigned themselves (they know). */
async function tellRoles(tx: Executor, before: IncidentRow | null, incident: IncidentRow, actor: Actor | null, now: Date): Promise<void> {
  for (const [field, column] of ROLE_COLUMNS) {
    const userId = incident[column];
    if (!userId || userId === before?.[column] || userId === actor?.user.id) continue;
    const [recipient] = await userRecipients(tx, [userId], now);
    if (!recipient) continue;
    await enqueueInternal(
      tx,
      { key: freshKey(`role:${incident.id}:${field}:${userId}`, now), kind: 'role_assigned', incidentId: incident.id, ref: { type: 'role', incidentId: incident.id, role: field, userId }, recipientIds: [recipient.id] },
      now,
    );
  }
}

export async function onIncidentOpened(tx: Tx, e: IncidentOpenedEvent): Promise<void> {
  const paged = await pageOnOpen(writeWithin(tx, e.actor, e.now), e.incident);
  await enqueuePages(tx, paged, e.now);
  await tellRoles(tx, null, e.incident, e.actor, e.now);
  await toStakeholders(tx, e.incident.id, `stakeholder:declared:${e.incident.id}`, { type: 'stakeholder', incidentId: e.incident.id, what: 'declared', to: e.incident.severity }, e.now);
}

export async function onIncidentChanged(tx: Tx, e: IncidentChangedEvent): Promise<void> {
  const { before, incident, now } = e;
  if (incident.kind !== 'incident') return;
  const say = (what: StakeholderWhat, from: string | null, to: string | null) =>
    toStakeholders(tx, incident.id, freshKey(`stakeholder:${what}:${incident.id}`, now), { type: 'stakeholder', incidentId: incident.id, what, from, to }, now);
  if (before.severity !== incident.severity) {
    await say('severity', before.severity, incident.severity);
    // raised to a severity that activates the response team, with nobody paged yet
    await enqueuePages(tx, await pageOnOpen(writeWithin(tx, e.actor, now), incident), now);
  }
  if (before.stage !== incident.stage) await say('stage', before.stage, incident.stage);
  if (before.security !== incident.security) await say('security', String(before.security), String(incident.security));
  await tellRoles(tx, before, incident, e.actor, now);
}

export async function onIncidentEscalated(tx: Tx, e: IncidentEscalatedEvent): Promise<void> {
  await enqueuePages(tx, e.pages, e.now);
  await toStakeholders(
    tx,
    e.incident.id,
    freshKey(`stakeholder:escalated:${e.incident.id}`, e.now),
    { type: 'stakeholder', incidentId: e.incident.id, what: 'escalated', level: e.level, reason: e.reason, automatic: e.automatic },
    e.now,
  );
}

export async function onInternalNote(tx: Tx, e: InternalNoteEvent): Promise<void> {
  await toStakeholders(tx, e.incident.id, `stakeholder:note:${e.note.id}`, { type: 'stakeholder', incidentId: e.incident.id, what: 'note', noteId: e.note.id }, e.now);
}

export async function onReminder(tx: Tx, e: ReminderEvent): Promise<void> {
  const list = await userRecipients(tx, e.userIds, e.now);
  await enqueueInternal(
    tx,
    { key: e.key, kind: 'reminder', incidentId: e.incident.id, ref: { type: 'reminder', incidentId: e.incident.id, kind: e.kind, dueAt: e.dueAt.toISOString() }, recipientIds: list.map((r) => r.id) },
    e.now,
  );
}

/** A published update that resolves an incident, or moves its stage: the stakeholders hear of it. */
export async function onUpdatePublishedInternally(tx: Tx, e: UpdatePublishedEvent): Promise<void> {
  const { incident, previous, update, now } = e;
  if (incident.kind !== 'incident') return;
  if (incident.status === 'resolved' && previous.status !== 'resolved') {
    await toStakeholders(tx, incident.id, `stakeholder:resolved:${update.id}`, { type: 'stakeholder', incidentId: incident.id, what: 'resolved' }, now);
  } else if (incident.stage !== previous.stage) {
    await toStakeholders(tx, incident.id, `stakeholder:stage:${update.id}`, { type: 'stakeholder', incidentId: incident.id, what: 'stage', from: previous.stage, to: incident.stage }, now);
  }
}
