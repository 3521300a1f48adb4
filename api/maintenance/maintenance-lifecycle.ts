// Scheduled maintenance's state machine: create, move status (by hand or by the worker, exactly once), put components under maintenance and restore them.
import { and, asc, eq, inArray, ne } from 'drizzle-orm';
import type { Executor, Tx } from '../../db/client.ts';
import {
  components,
  incidentComponents,
  incidents,
  incidentUpdates,
  MAINTENANCE_STATUSES,
  type ComponentStatus,
  type MaintenanceStatus,
} from '../../db/schema.ts';
import type { Actor } from '../core/actor.ts';
import type { Write } from '../audit/write.ts';
import { conflict, invalidTransition } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import { applyComponentChanges, linkComponents, publishUpdate, type IncidentRow, type Published } from '../incidents/incident-store.ts';
import { ACTIVE_MAINTENANCE_STATUSES } from '../core/vocabulary.ts';

export type MaintenanceRow = IncidentRow;

const ORDER: Record<MaintenanceStatus, number> = { scheduled: 0, in_progress: 1, verifying: 2, completed: 3 };

const isMaintenanceStatus = (s: string): s is MaintenanceStatus => (MAINTENANCE_STATUSES as readonly string[]).includes(s);
export const isActive = (s: string) => (ACTIVE_MAINTENANCE_STATUSES as readonly string[]).includes(s);

/**
 * Null when `from` → `to` is legal, else the reason. Maintenance only moves forward
 * (scheduled → in_progress → verifying → completed; a step may be skipped); the same status again
 * is a further note. Unlike an incident it never goes back: a maintenance that needs more work is
 * still in progress or verifying, and a finished one is followed by a new maintenance.
 */
function maintenanceTransitionError(from: string, to: string): string | null {
  if (!isMaintenanceStatus(to)) return `"${to}" is not a maintenance status (${MAINTENANCE_STATUSES.join(', ')}).`;
  if (!isMaintenanceStatus(from)) return `The maintenance has an unknown status "${from}".`;
  if (from === to) return null;
  if (from === 'completed') return 'This maintenance is completed: it only takes further "completed" notes. Schedule a new maintenance instead.';
  if (ORDER[to] < ORDER[from]) return `A maintenance moves forward only (scheduled → in_progress → verifying → completed); it cannot go from ${from} back to ${to}.`;
  return null;
}

/** The text of the update a status change posts when no message is given. */
const DEFAULT_MESSAGES: Record<MaintenanceStatus, string> = {
  scheduled: 'This maintenance is scheduled.',
  in_progress: 'The scheduled maintenance is now in progress.',
  verifying: 'The maintenance work is done; we are verifying the results.',
  completed: 'The scheduled maintenance has been completed.',
};

/**
 * Stores each component's current status as its previous one and asks for under_maintenance.
 * A component already under another maintenance keeps "under_maintenance" as its previous status;
 * the maintenance that finishes first hands its own stored status over (see leaveMaintenance).
 */
async function enterMaintenance(tx: Tx, maintenanceId: string, componentIds?: string[]): Promise<Record<string, ComponentStatus>> {
  const links = await tx
    .select({ componentId: incidentComponents.componentId, status: components.status })
    .from(incidentComponents)
    .innerJoin(components, eq(components.id, incidentComponents.componentId))
    .where(
      componentIds
        ? and(eq(incidentComponents.incidentId, maintenanceId), inArray(incidentComponents.componentId, componentIds))
        : eq(incidentComponents.incidentId, maintenanceId),
    );
  const changes: Record<string, ComponentStatus> = {};
  for (const link of links) {
    await tx
      .update(incidentComponents)
      .set({ previousStatus: link.status })
      .where(and(eq(incidentComponents.incidentId, maintenanceId), eq(incidentComponents.componentId, link.componentId)));
    changes[link.componentId] = 'under_maintenance';
  }
  return changes;
}

/**
 * The statuses to restore when a maintenance ends. A component is left alone when an incident
 * changed it meanwhile (it is no longer under_maintenance), or when another active maintenance
 * still covers it: that one then inherits our stored status, so it restores the right one later.
 */
async function leaveMaintenance(tx: Tx, maintenanceId: string, componentIds?: string[]): Promise<Record<string, ComponentStatus>> {
  const links = await tx
    .select({ componentId: incidentComponents.componentId, previous: incidentComponents.previousStatus, status: components.status })
    .from(incidentComponents)
    .innerJoin(components, eq(components.id, incidentComponents.componentId))
    .where(
      componentIds
        ? and(eq(incidentComponents.incidentId, maintenanceId), inArray(incidentComponents.componentId, componentIds))
        : eq(incidentComponents.incidentId, maintenanceId),
    );
  const changes: Record<string, ComponentStatus> = {};
  for (const link of links) {
    if (!link.previous || link.status !== 'under_maintenance') continue;
    const others = await tx
      .select({ id: incidents.id, previous: incidentComponents.previousStatus })
      .from(incidentComponents)
      .innerJoin(incidents, eq(incidents.id, incidentComponents.incidentId))
      .where(
        and(
          eq(incidentComponents.componentId, link.componentId),
          ne(incidents.id, maintenanceId),
          eq(incidents.kind, 'maintenance'),
          inArray(incidents.status, [...ACTIVE_MAINTENANCE_STATUSES]),
        ),
      );
    if (others.length) {
      for (const other of others) {
        if (other.previous === 'under_maintenance' && link.previous !== 'under_maintenance') {
          await tx
            .update(incidentComponents)
            .set({ previousStatus: link.previous })
            .where(and(eq(incidentComponents.incidentId, other.id), eq(incidentComponents.componentId, link.componentId)));
        }
      }
      continue;
    }
    if (link.previous !== 'under_maintenance') changes[link.componentId] = link.previous;
  }
  return changes;
}

/**
 * Whether automatic moves notify subscribers: as the maintenance was scheduled (its first update's
 * notify), so "don't notify" at scheduling time holds for the start and completion the worker posts.
 */
export async function notifiesByDefault(tx: Executor, maintenanceId: string): Promise<boolean> {
  const [first] = await tx
    .select({ notify: incidentUpdates.notify })
    .from(incidentUpdates)
    .where(eq(incidentUpdates.incidentId, maintenanceId))
    .orderBy(asc(incidentUpdates.createdAt), asc(incidentUpdates.id))
    .limit(1);
  return first?.notify ?? true;
}

export interface TransitionOptions {
  message?: string;
  notify: boolean;
  /** True for the worker's automatic start/complete (recorded in the audit log). */
  automatic?: boolean;
}

/**
 * Posts one maintenance update with `to`, moving the status when it differs, in the caller's write
 * (`w.actor` is null when the worker moves it). The move is claimed first with a conditional UPDATE
 * on the current status, and everything else happens only when that changed exactly one row: two
 * workers (or a worker and a person) racing for the same transition produce it once. Returns null
 * when the claim was lost (the caller decides whether that is a 409 or, for the worker, nothing to do).
 */
export async function moveMaintenance(w: Write, m: MaintenanceRow, to: string, opts: TransitionOptions): Promise<Published | null> {
  const error = maintenanceTransitionError(m.status, to);
  if (error) throw invalidTransition(error);
  const { tx, now } = w;
  if (to !== m.status) {
    const set: Partial<typeof incidents.$inferInsert> = { status: to, updatedAt: now };
    // A maintenance's started_at is its planned start until it really starts.
    if (m.status === 'scheduled' && to !== 'completed') set.startedAt = now;
    const claim = await tx
      .update(incidents)
      .set(set)
      .where(and(eq(incidents.id, m.id), eq(incidents.kind, 'maintenance'), eq(incidents.status, m.status)));
    if (claim.rowsAffected !== 1) return null;
  }
  let changes: Record<string, ComponentStatus> = {};
  if (m.status === 'scheduled' && isActive(to)) changes = await enterMaintenance(tx, m.id);
  else if (isActive(m.status) && to === 'completed') changes = await leaveMaintenance(tx, m.id);

  const updateId = newId();
  await tx.insert(incidentUpdates).values({
    id: updateId,
    incidentId: m.id,
    status: to,
    body: opts.message?.trim() || DEFAULT_MESSAGES[to as MaintenanceStatus],
    state: 'draft',
    authorId: w.actor?.user.id ?? null,
    componentChanges: Object.keys(changes).length ? changes : null,
    notify: opts.notify,
    createdAt: now,
    updatedAt: now,
    displayAt: now,
  });
  const published = await publishUpdate(w, updateId, { from: ['draft'] });
  if (!published) throw conflict('The maintenance update could not be published; try again.');
  if (to !== m.status) {
    await w.audit({
      action: 'maintenance.status',
      entityType: 'maintenance',
      entityId: m.id,
      incidentId: m.id,
      before: { status: m.status },
      after: { status: to, automatic: opts.automatic ?? false, components: changes },
    });
  }
  return published;
}

export interface NewMaintenance {
  title: string;
  message: string;
  components: string[];
  scheduledFor: Date;
  scheduledUntil: Date;
  autoStart: boolean;
  autoComplete: boolean;
  remindBeforeMinutes: number | null;
  notify: boolean;
}

/** Creates a scheduled maintenance by `w.actor` and publishes its first ("scheduled") update: public at once. */
export async function createMaintenance(w: Write<Actor>, input: NewMaintenance): Promise<MaintenanceRow> {
  const { tx, actor, now } = w;
  const id = newId();
  const row: typeof incidents.$inferInsert = {
    id,
    kind: 'maintenance',
    title: input.title,
    severity: null,
    status: 'scheduled',
    impact: 'maintenance',
    startedAt: input.scheduledFor,
    scheduledFor: input.scheduledFor,
    scheduledUntil: input.scheduledUntil,
    autoStart: input.autoStart,
    autoComplete: input.autoComplete,
    remindBeforeMinutes: input.remindBeforeMinutes,
    createdAt: now,
    updatedAt: now,
  };
  await tx.insert(incidents).values(row);
  await linkComponents(tx, id, [...new Set(input.components)]);
  await w.audit({
    action: 'maintenance.create',
    entityType: 'maintenance',
    entityId: id,
    incidentId: id,
    after: {
      title: input.title,
      components: input.components,
      scheduled_for: input.scheduledFor.toISOString(),
      scheduled_until: input.scheduledUntil.toISOString(),
      auto_start: input.autoStart,
      auto_complete: input.autoComplete,
      remind_before_minutes: input.remindBeforeMinutes,
    },
  });
  const updateId = newId();
  await tx.insert(incidentUpdates).values({
    id: updateId,
    incidentId: id,
    status: 'scheduled',
    body: input.message,
    state: 'draft',
    authorId: actor.user.id,
    notify: input.notify,
    createdAt: now,
    updatedAt: now,
    displayAt: now,
  });
  const published = await publishUpdate(w, updateId, { from: ['draft'] });
  if (!published) throw new Error('unreachable: a fresh draft is always claimable in its own transaction');
  return published.incident;
}

/** Changes the set of components while a maintenance runs: new ones go under maintenance, removed ones are restored. */
export async function changeActiveComponents(tx: Tx, m: MaintenanceRow, added: string[], removed: string[], now: Date) {
  const restore = removed.length ? await leaveMaintenance(tx, m.id, removed) : {};
  if (removed.length) {
    await tx.delete(incidentComponents).where(and(eq(incidentComponents.incidentId, m.id), inArray(incidentComponents.componentId, removed)));
  }
  await linkComponents(tx, m.id, added);
  const enter = added.length ? await enterMaintenance(tx, m.id, added) : {};
  return applyComponentChanges(tx, { ...restore, ...enter }, now);
}
