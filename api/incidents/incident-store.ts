// Incident and update writes shared by the routes, the scheduler and later features: create, validate, publish.
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Executor, Tx } from '../../db/client.ts';
import {
  components,
  incidentComponents,
  incidents,
  incidentUpdates,
  STAGES,
  users,
  type AffectedComponent,
  type ComponentStatus,
  type IncidentStatus,
  type Severity,
  type Stage,
} from '../../db/schema.ts';
import type { Actor } from '../core/actor.ts';
import { roleAtLeast } from '../http/access.ts';
import type { Write } from '../audit/write.ts';
import { badRequest, invalidTransition, notFound } from '../core/errors.ts';
import { KIND_RULES, isClosed, transitionError, type Kind } from './incident-status.ts';
import { nextUpdateDueAfter } from './incident-timing.ts';
import { newId } from '../core/ids.ts';
import { getSettings } from '../core/settings.ts';

export type IncidentRow = typeof incidents.$inferSelect;
export type UpdateRow = typeof incidentUpdates.$inferSelect;
type UpdateState = UpdateRow['state'];
export type ComponentChanges = Record<string, ComponentStatus>;

/**
 * The open incidents or maintenances of `kind`: an IN list of its open statuses, which SQLite answers from
 * incidents_kind_status_idx. A condition on the closed status (`<>`, NOT IN) can use only the kind, and walks the index
 * entries of the whole history: 2 ms a call on the bench's 10,000 incidents, once a second in the response team's job.
 */
export function openOf(kind: Kind): SQL {
  const rules = KIND_RULES[kind];
  return and(eq(incidents.kind, kind), inArray(incidents.status, rules.statuses.filter((s) => s !== rules.closed)))!;
}

/** Open incidents, not maintenance. */
export const OPEN_INCIDENTS = openOf('incident');

export async function findIncident(db: Executor, id: string, kind?: Kind): Promise<IncidentRow> {
  const rows = await db.select().from(incidents).where(eq(incidents.id, id));
  const row = rows[0];
  if (!row || (kind && row.kind !== kind)) throw notFound(kind ?? 'incident');
  return row;
}

export async function findUpdate(db: Executor, incidentId: string, updateId: string): Promise<UpdateRow> {
  const rows = await db
    .select()
    .from(incidentUpdates)
    .where(and(eq(incidentUpdates.id, updateId), eq(incidentUpdates.incidentId, incidentId)));
  if (!rows[0]) throw notFound('incident update');
  return rows[0];
}

/** 400 naming each unknown component id (`fields["components.<id>"]`). */
export async function assertComponentsExist(db: Executor, changes: ComponentChanges | null | undefined): Promise<void> {
  const ids = Object.keys(changes ?? {});
  if (!ids.length) return;
  const found = await db.select({ id: components.id }).from(components).where(inArray(components.id, ids));
  const known = new Set(found.map((f) => f.id));
  const fields: Record<string, string> = {};
  for (const id of ids) if (!known.has(id)) fields[`components.${id}`] = `No component "${id}".`;
  if (Object.keys(fields).length) throw badRequest(`Unknown component ids: ${Object.keys(fields).map((k) => k.slice(11)).join(', ')}.`, fields);
}

/** 400 naming each field whose user id is unknown or disabled. `ids` maps field name → user id. */
export async function assertUsersExist(db: Executor, ids: Record<string, string | null | undefined>): Promise<void> {
  const wanted = Object.entries(ids).filter((e): e is [string, string] => typeof e[1] === 'string');
  if (!wanted.length) return;
  const found = await db
    .select({ id: users.id, disabledAt: users.disabledAt })
    .from(users)
    .where(inArray(users.id, wanted.map(([, id]) => id)));
  const active = new Set(found.filter((u) => !u.disabledAt).map((u) => u.id));
  const fields: Record<string, string> = {};
  for (const [field, id] of wanted) if (!active.has(id)) fields[field] = `No active user "${id}".`;
  if (Object.keys(fields).length) throw badRequest('Unknown users in role assignments.', fields);
}

/** 422 when `to` is not a legal next status for the incident. */
export function assertTransition(incident: IncidentRow, to: string): void {
  const error = transitionError(incident.kind, incident.status, to);
  if (error) throw invalidTransition(error);
}

/**
 * What a new or edited update becomes: an editor's is always a draft; a publisher's is a draft
 * when asked, scheduled when `publishAt` is in the future, else published now.
 */
function decideUpdateState(actor: Actor, opts: { draft?: boolean; publishAt?: Date | null }, now: Date): UpdateState | 'publish_now' {
  if (!roleAtLeast(actor.role, 'publisher') || opts.draft) return 'draft';
  if (opts.publishAt && opts.publishAt.getTime() > now.getTime()) return 'scheduled';
  return 'publish_now';
}

/** Adds the components to the incident's affected set (idempotent). */
export async function linkComponents(tx: Executor, incidentId: string, ids: string[]): Promise<void> {
  if (!ids.length) return;
  await tx
    .insert(incidentComponents)
    .values(ids.map((componentId) => ({ incidentId, componentId })))
    .onConflictDoNothing();
}

/**
 * Sets component statuses; returns the real changes in Statuspage's `affected_components` shape,
 * or null when nothing changed. Components deleted since the update was written are skipped.
 */
export async function applyComponentChanges(tx: Tx, changes: ComponentChanges | null, now: Date): Promise<AffectedComponent[] | null> {
  const ids = Object.keys(changes ?? {});
  if (!changes || !ids.length) return null;
  const rows = await tx.select().from(components).where(inArray(components.id, ids));
  const affected: AffectedComponent[] = [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  // in the order the update lists them, so the diff reads as it was written
  for (const id of ids) {
    const row = byId.get(id);
    const next = changes[id];
    if (!row) continue;
    if (!next || next === row.status) continue;
    await tx.update(components).set({ status: next, updatedAt: now }).where(eq(components.id, row.id));
    affected.push({ code: row.id, name: row.name, old_status: row.status, new_status: next });
  }
  return affected.length ? affected : null;
}

export interface PublishOptions {
  /** The states the update may be claimed from; the claim fails (returns null) from any other. */
  from: UpdateState[];
}

export interface Published {
  incident: IncidentRow;
  update: UpdateRow;
}

/**
 * Publishes one update, in the caller's write (by `w.actor`, null for the scheduler, at `w.now`):
 * the one code path for "publish now", the publish endpoint and the scheduler.
 *
 * It first claims the update with a conditional UPDATE (state must still be one of `from`) and
 * goes on only when that changed exactly one row, so an update goes out exactly once even with
 * several processes on one database. Then it applies the component changes, moves the incident
 * (status, first-time milestones, stage, next update due, published_at), audits (a public change:
 * the write bumps the content version) and emits updatePublished through `w.events`, so
 * notifications queue in this transaction. An illegal transition throws 422 and the caller's
 * transaction rolls the claim back. Returns null when the claim was lost.
 */
export async function publishUpdate(w: Write, updateId: string, opts: PublishOptions): Promise<Published | null> {
  const { tx, now, actor } = w;
  const [prior] = await tx.select().from(incidentUpdates).where(eq(incidentUpdates.id, updateId));
  if (!prior || !opts.from.includes(prior.state)) return null;
  const claim = await tx
    .update(incidentUpdates)
    .set({ state: 'published', publishedAt: now, displayAt: now, updatedAt: now })
    .where(and(eq(incidentUpdates.id, updateId), inArray(incidentUpdates.state, opts.from)));
  if (claim.rowsAffected !== 1) return null;
  const claimed: UpdateRow = { ...prior, state: 'published', publishedAt: now, displayAt: now, updatedAt: now };
  const before = await findIncident(tx, claimed.incidentId);
  assertTransition(before, claimed.status);

  const rules = KIND_RULES[before.kind];
  const affected = await applyComponentChanges(tx, claimed.componentChanges, now);
  await linkComponents(tx, before.id, Object.keys(claimed.componentChanges ?? {}));
  await tx.update(incidentUpdates).set({ affectedComponents: affected }).where(eq(incidentUpdates.id, updateId));
  const update: UpdateRow = { ...claimed, affectedComponents: affected };

  const closed = isClosed(before.kind, claimed.status);
  const milestone = rules.milestones[claimed.status];
  let stage: Stage = before.stage;
  if (claimed.stage) stage = claimed.stage;
  // closing moves the stage forward to the closed stage, never back (post_incident stays)
  else if (closed && rules.closedStage && STAGES.indexOf(before.stage) < STAGES.indexOf(rules.closedStage)) stage = rules.closedStage;
  let nextUpdateDueAt: Date | null = null;
  if (rules.timed && !closed && before.severity) {
    const policy = (await getSettings(tx)).severities[before.severity];
    nextUpdateDueAt = nextUpdateDueAfter(now, policy);
  }
  const incident: IncidentRow = {
    ...before,
    status: claimed.status,
    stage,
    nextUpdateDueAt,
    publishedAt: before.publishedAt ?? now,
    updatedAt: now,
  };
  if (milestone && !before[milestone]) incident[milestone] = now;
  await tx
    .update(incidents)
    .set({
      status: incident.status,
      stage: incident.stage,
      nextUpdateDueAt: incident.nextUpdateDueAt,
      publishedAt: incident.publishedAt,
      identifiedAt: incident.identifiedAt,
      monitoringAt: incident.monitoringAt,
      resolvedAt: incident.resolvedAt,
      updatedAt: now,
    })
    .where(eq(incidents.id, before.id));

  await w.audit(
    {
      action: 'incident_update.publish',
      entityType: 'incident_update',
      entityId: update.id,
      incidentId: before.id,
      before: { state: prior.state, publish_at: prior.publishAt, incident_status: before.status },
      after: { ...update, incident_status: incident.status },
    },
    { public: true },
  );
  await w.events.updatePublished(tx, { incident, update, firstPublish: before.publishedAt === null, previous: before, actor, now });
  return { incident, update };
}

/** Recomputes the stored next-update-due from the latest published update (after a severity change). */
export async function recomputeNextUpdateDue(tx: Executor, incident: IncidentRow): Promise<Date | null> {
  if (!incident.severity || !KIND_RULES[incident.kind].timed || isClosed(incident.kind, incident.status)) return null;
  const rows = await tx
    .select({ last: sql<number | null>`max(${incidentUpdates.publishedAt})` })
    .from(incidentUpdates)
    .where(and(eq(incidentUpdates.incidentId, incident.id), eq(incidentUpdates.state, 'published')));
  const last = rows[0]?.last;
  if (last === null || last === undefined) return null;
  const policy = (await getSettings(tx)).severities[incident.severity];
  return nextUpdateDueAfter(new Date(Number(last)), policy);
}

/** 400 when `status` is not one of the kind's statuses (bad input, not a transition). */
export function assertStatusForKind(kind: Kind, status: string, field = 'status'): void {
  const statuses = KIND_RULES[kind].statuses;
  if (!statuses.includes(status)) {
    throw badRequest(`"${status}" is not a ${kind} status.`, { [field]: `One of: ${statuses.join(', ')}.` });
  }
}

export interface NewUpdate {
  status: string;
  body: string;
  components?: ComponentChanges | null;
  stage?: Stage | null;
  notify?: boolean;
  publishAt?: Date | null;
  /** A publisher may still save a draft. */
  draft?: boolean;
}

/**
 * Writes a new update for `incident` in the caller's write, authored by `w.actor`: validates everything first
 * (status for the kind, the transition, component ids), then saves it as a draft, schedules it,
 * or publishes it at once through publishUpdate, as decideUpdateState says.
 */
export async function createUpdate(w: Write<Actor>, incident: IncidentRow, input: NewUpdate): Promise<UpdateRow> {
  const { tx, actor, now } = w;
  assertStatusForKind(incident.kind, input.status);
  assertTransition(incident, input.status);
  await assertComponentsExist(tx, input.components);
  const decided = decideUpdateState(actor, { draft: input.draft, publishAt: input.publishAt }, now);
  const changes = input.components && Object.keys(input.components).length ? input.components : null;
  const [row] = await tx
    .insert(incidentUpdates)
    .values({
      id: newId(),
      incidentId: incident.id,
      status: input.status,
      body: input.body,
      state: decided === 'publish_now' ? 'draft' : decided,
      authorId: actor.user.id,
      stage: input.stage ?? null,
      affectedComponents: null,
      componentChanges: changes,
      notify: input.notify ?? true,
      createdAt: now,
      updatedAt: now,
      displayAt: decided === 'scheduled' && input.publishAt ? input.publishAt : now,
      publishAt: decided === 'publish_now' ? null : (input.publishAt ?? null),
      publishedAt: null,
    })
    .returning();
  if (!row) throw new Error('unreachable: insert returned no row');
  if (decided === 'publish_now') {
    const published = await publishUpdate(w, row.id, { from: ['draft'] });
    if (!published) throw new Error('unreachable: a row inserted in this transaction could not be claimed');
    return published.update;
  }
  await w.audit({ action: 'incident_update.create', entityType: 'incident_update', entityId: row.id, incidentId: incident.id, after: { ...row, publish_at: row.publishAt?.toISOString() ?? null } });
  return row;
}

export interface NewIncident {
  title: string;
  severity: Severity;
  status?: IncidentStatus;
  message: string;
  components?: ComponentChanges;
  notify?: boolean;
  commanderId?: string | null;
  techLeadId?: string | null;
  commsLeadId?: string | null;
  stage?: Stage;
  security?: boolean;
  /** Publish the first update later; the incident stays private until then. */
  publishAt?: Date;
  /** Save the first update as a draft (a publisher's choice; an editor's always is). */
  draft?: boolean;
  /** When the incident really began, if earlier than now. */
  startedAt?: Date;
}

/**
 * Opens an incident in the caller's write: the incident, its components, its first update (published, scheduled or
 * a draft, as decideUpdateState says), the audit entry, and incidentOpened (the response team is activated: page on
 * open, roles and stakeholders told). The one code path for the console, the API and declaring an alert.
 */
export async function openIncident(w: Write<Actor>, input: NewIncident): Promise<IncidentRow> {
  const { tx, now } = w;
  if (input.startedAt && input.startedAt.getTime() > now.getTime()) {
    throw badRequest('The start time is in the future.', { started_at: 'Must not be in the future.' });
  }
  await assertComponentsExist(tx, input.components);
  await assertUsersExist(tx, { commander_id: input.commanderId, tech_lead_id: input.techLeadId, comms_lead_id: input.commsLeadId });
  const policy = (await getSettings(tx)).severities[input.severity];
  const status = input.status ?? 'investigating';
  const [row] = await tx
    .insert(incidents)
    .values({
      id: newId(),
      kind: 'incident',
      title: input.title,
      severity: input.severity,
      status,
      stage: input.stage ?? 'triage',
      impact: policy.impact,
      commanderId: input.commanderId ?? null,
      techLeadId: input.techLeadId ?? null,
      commsLeadId: input.commsLeadId ?? null,
      security: input.security ?? false,
      startedAt: input.startedAt ?? now,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  if (!row) throw new Error('unreachable: insert returned no row');
  await linkComponents(tx, row.id, Object.keys(input.components ?? {}));
  await w.audit({ action: 'incident.create', entityType: 'incident', entityId: row.id, incidentId: row.id, after: row });
  await createUpdate(w, row, { status, body: input.message, components: input.components, notify: input.notify, publishAt: input.publishAt, draft: input.draft });
  const opened = await findIncident(tx, row.id);
  await w.events.incidentOpened(tx, { incident: opened, actor: w.actor, now });
  return opened;
}
