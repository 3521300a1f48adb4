// Alerts: received (a repeat updates, a resolution resolves, a firing after a resolution is a new occurrence),
// component automation, and what a person decides: declare an incident, attach to one, dismiss.
import { and, count, desc, eq, inArray, lt, or, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import {
  alertComponentHolds,
  alerts,
  components,
  users,
  type AlertState,
  type ComponentStatus,
  type IncidentStatus,
  type Severity,
} from '../../db/schema.ts';
import type { Write } from '../audit/write.ts';
import type { Actor } from '../core/actor.ts';
import { badRequest, conflict, invalidTransition, notFound } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import { iso, isoOrNull } from '../core/iso.ts';
import { getSettings } from '../core/settings.ts';
import { isClosed } from '../incidents/incident-status.ts';
import { findIncident, openIncident, type ComponentChanges, type IncidentRow } from '../incidents/incident-store.ts';
import type { IncomingAlert } from './alert-payloads.ts';
import { matchComponents, suggestSeverity } from './alert-rules.ts';

export type AlertRow = typeof alerts.$inferSelect;

export interface AlertOut {
  id: string;
  source: string;
  fingerprint: string;
  status: AlertRow['status'];
  state: AlertState;
  title: string;
  description: string | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  severity_suggestion: Severity | null;
  component_ids: string[];
  /** The link back to the source (Alertmanager's generatorURL, Grafana's panel). */
  url: string | null;
  /** When it started firing (the source's startsAt, else when Herald first heard of this occurrence). */
  starts_at: string;
  /** Seconds it has been firing, or fired for (once resolved). */
  firing_seconds: number;
  first_seen_at: string;
  last_seen_at: string;
  resolved_at: string | null;
  incident_id: string | null;
  dismiss_reason: string | null;
  decided_by: string | null;
  decided_by_name: string | null;
  decided_at: string | null;
}

function alertJson(a: AlertRow, now: Date, decidedByName: string | null = null): AlertOut {
  const start = a.startsAt ?? a.firstSeenAt;
  const end = a.status === 'resolved' ? (a.resolvedAt ?? a.lastSeenAt) : now;
  return {
    id: a.id,
    source: a.source,
    fingerprint: a.fingerprint,
    status: a.status,
    state: a.state,
    title: a.title,
    description: a.description,
    labels: a.labels,
    annotations: a.annotations,
    severity_suggestion: a.severitySuggestion,
    component_ids: a.componentIds,
    url: a.url,
    starts_at: iso(start),
    firing_seconds: Math.max(0, Math.round((end.getTime() - start.getTime()) / 1000)),
    first_seen_at: iso(a.firstSeenAt),
    last_seen_at: iso(a.lastSeenAt),
    resolved_at: isoOrNull(a.resolvedAt),
    incident_id: a.incidentId,
    dismiss_reason: a.dismissReason,
    decided_by: a.decidedBy,
    decided_by_name: decidedByName,
    decided_at: isoOrNull(a.decidedAt),
  };
}

/** Alerts with the names of who decided, computed at `now`. */
export async function alertsJson(db: Executor, rows: AlertRow[], now: Date): Promise<AlertOut[]> {
  const ids = [...new Set(rows.map((r) => r.decidedBy).filter((id): id is string => !!id))];
  const names = new Map(ids.length ? (await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, ids))).map((u) => [u.id, u.name]) : []);
  return rows.map((r) => alertJson(r, now, r.decidedBy ? (names.get(r.decidedBy) ?? null) : null));
}

export async function findAlert(db: Executor, id: string): Promise<AlertRow> {
  const [row] = await db.select().from(alerts).where(eq(alerts.id, id));
  if (!row) throw notFound('alert');
  return row;
}

export interface AlertPage {
  alerts: AlertRow[];
  counts: Record<AlertState, number>;
  nextBefore: string | null;
}

/** Newest first (by when they started firing); `before` is the id of the last alert of the previous page. */
export async function listAlerts(db: Executor, q: { state?: AlertState; limit: number; before?: string }): Promise<AlertPage> {
  const where: SQL[] = [];
  if (q.state) where.push(eq(alerts.state, q.state));
  if (q.before) {
    const [cursor] = await db.select({ startsAt: alerts.startsAt, id: alerts.id }).from(alerts).where(eq(alerts.id, q.before));
    if (!cursor) throw badRequest('Unknown cursor.', { before: `No alert "${q.before}".` });
    const older = or(lt(alerts.startsAt, cursor.startsAt!), and(eq(alerts.startsAt, cursor.startsAt!), lt(alerts.id, cursor.id)));
    if (older) where.push(older);
  }
  const [rows, byState] = await Promise.all([
    db
      .select()
      .from(alerts)
      .where(where.length ? and(...where) : undefined)
      .orderBy(desc(alerts.startsAt), desc(alerts.id))
      .limit(q.limit + 1),
    db.select({ state: alerts.state, n: count() }).from(alerts).groupBy(alerts.state),
  ]);
  const counts: Record<AlertState, number> = { open: 0, declared: 0, attached: 0, dismissed: 0, resolved: 0 };
  for (const s of byState) counts[s.state] = s.n;
  const page = rows.slice(0, q.limit);
  return { alerts: page, counts, nextBefore: rows.length > q.limit ? (page.at(-1)?.id ?? null) : null };
}

// ---- component automation -------------------------------------------------------------------------------

const RANK: Record<ComponentStatus, number> = { operational: 0, degraded_performance: 1, partial_outage: 2, major_outage: 3, under_maintenance: -1 };

async function setComponentStatus(w: Write, componentId: string, from: ComponentStatus, to: ComponentStatus, alert: AlertRow): Promise<void> {
  await w.tx.update(components).set({ status: to, updatedAt: w.now }).where(eq(components.id, componentId));
  await w.audit(
    {
      action: 'component.update',
      entityType: 'component',
      entityId: componentId,
      before: { status: from },
      after: { status: to, automatic: true, alert_id: alert.id, alert_title: alert.title },
    },
    { public: true },
  );
  await w.events.componentStatusChanged(w.tx, { componentId, oldStatus: from, newStatus: to, actor: w.actor, now: w.now });
}

/**
 * A firing alert sets each of its components that has automation on (`alert_status`) to that status, unless the
 * component is as bad or worse already (an incident set it) or under maintenance. Holds remember the status before,
 * to restore at resolution; a second alert on a component that automation set joins the first one's hold.
 */
async function applyAutomation(w: Write, alert: AlertRow): Promise<void> {
  if (!alert.componentIds.length) return;
  const rows = await w.tx.select().from(components).where(inArray(components.id, alert.componentIds));
  for (const c of rows) {
    if (!c.alertStatus || c.status === 'under_maintenance') continue;
    const [mine] = await w.tx
      .select()
      .from(alertComponentHolds)
      .where(and(eq(alertComponentHolds.alertId, alert.id), eq(alertComponentHolds.componentId, c.id)));
    if (mine) continue;
    if (RANK[c.alertStatus] > RANK[c.status]) {
      await w.tx.insert(alertComponentHolds).values({ alertId: alert.id, componentId: c.id, previousStatus: c.status, appliedStatus: c.alertStatus, createdAt: w.now });
      await setComponentStatus(w, c.id, c.status, c.alertStatus, alert);
      continue;
    }
    const [other] = await w.tx.select().from(alertComponentHolds).where(eq(alertComponentHolds.componentId, c.id)).limit(1);
    if (other && other.appliedStatus === c.status) {
      await w.tx.insert(alertComponentHolds).values({ alertId: alert.id, componentId: c.id, previousStatus: other.previousStatus, appliedStatus: c.status, createdAt: w.now });
    }
  }
}

/**
 * A resolved alert gives back what automation set: when no other firing alert holds the component and nobody
 * changed it meanwhile (it still has the status automation set), it returns to its status before.
 */
async function releaseAutomation(w: Write, alert: AlertRow): Promise<void> {
  const holds = await w.tx.select().from(alertComponentHolds).where(eq(alertComponentHolds.alertId, alert.id));
  for (const h of holds) {
    await w.tx.delete(alertComponentHolds).where(and(eq(alertComponentHolds.alertId, alert.id), eq(alertComponentHolds.componentId, h.componentId)));
    const [others] = await w.tx.select({ n: count() }).from(alertComponentHolds).where(eq(alertComponentHolds.componentId, h.componentId));
    if ((others?.n ?? 0) > 0) continue;
    const [c] = await w.tx.select().from(components).where(eq(components.id, h.componentId));
    if (!c || c.status !== h.appliedStatus) continue;
    await setComponentStatus(w, c.id, c.status, h.previousStatus, alert);
  }
}

// ---- receiving --------------------------------------------------------------------------------------------

const DECIDED: AlertState[] = ['declared', 'attached', 'dismissed'];

/**
 * Stores what an alerting tool sent, in one transaction (a bad payload was refused before: nothing is stored).
 * Returns each alert's id and state, in the order sent.
 */
export async function receiveAlerts(w: Write, source: string, incoming: IncomingAlert[]): Promise<{ id: string; state: AlertState }[]> {
  const { tx, now } = w;
  const settings = await getSettings(tx);
  const all = await tx.select({ id: components.id, name: components.name }).from(components);
  const known = new Set(all.map((c) => c.id));
  const out: { id: string; state: AlertState }[] = [];
  for (const a of incoming) {
    if (a.componentIds) {
      const unknown = a.componentIds.filter((id) => !known.has(id));
      if (unknown.length) throw badRequest(`Unknown component ids: ${unknown.join(', ')}.`, { component_ids: `Unknown: ${unknown.join(', ')}` });
    }
    const fields = {
      title: a.title,
      description: a.description,
      labels: a.labels,
      annotations: a.annotations,
      severitySuggestion: a.severity ?? suggestSeverity(a.labels, settings.alertSeverityMap),
      componentIds: a.componentIds ?? matchComponents(a.labels, all, settings.alertComponentRules),
      url: a.url,
    };
    const [existing] = await tx
      .select()
      .from(alerts)
      .where(and(eq(alerts.source, source), eq(alerts.fingerprint, a.fingerprint)));
    const entry = (row: AlertRow) => ({ entityType: 'alert', entityId: row.id, incidentId: row.incidentId, after: { title: row.title, source, fingerprint: row.fingerprint, status: row.status, state: row.state } });

    if (!existing) {
      const row: AlertRow = {
        id: newId(),
        source,
        fingerprint: a.fingerprint,
        status: a.status,
        state: a.status === 'firing' ? 'open' : 'resolved',
        ...fields,
        startsAt: a.startsAt ?? now,
        firstSeenAt: now,
        lastSeenAt: now,
        resolvedAt: a.status === 'resolved' ? (a.endsAt ?? now) : null,
        incidentId: null,
        dismissReason: null,
        decidedBy: null,
        decidedAt: null,
        createdAt: now,
        updatedAt: now,
      };
      await tx.insert(alerts).values(row);
      await w.audit({ action: 'alert.receive', ...entry(row) });
      if (row.status === 'firing') await applyAutomation(w, row);
      out.push({ id: row.id, state: row.state });
      continue;
    }

    if (a.status === 'firing' && existing.status === 'firing') {
      // a repeat (Alertmanager re-sends every repeat_interval): the latest labels and text, nothing else
      await tx.update(alerts).set({ ...fields, lastSeenAt: now, updatedAt: now }).where(eq(alerts.id, existing.id));
      const row = { ...existing, ...fields, lastSeenAt: now };
      await applyAutomation(w, row);
      out.push({ id: existing.id, state: existing.state });
      continue;
    }

    if (a.status === 'firing') {
      // firing again after a resolution: a new occurrence. It stays with its incident while that is open;
      // otherwise someone has to look at it again.
      let keep = false;
      if ((existing.state === 'declared' || existing.state === 'attached') && existing.incidentId) {
        const [inc] = await findIncidents(tx, [existing.incidentId]);
        keep = !!inc && !isClosed(inc.kind, inc.status);
      }
      const row: AlertRow = {
        ...existing,
        ...fields,
        status: 'firing',
        state: keep ? existing.state : 'open',
        startsAt: a.startsAt ?? now,
        lastSeenAt: now,
        resolvedAt: null,
        incidentId: keep ? existing.incidentId : null,
        dismissReason: keep ? existing.dismissReason : null,
        decidedBy: keep ? existing.decidedBy : null,
        decidedAt: keep ? existing.decidedAt : null,
        updatedAt: now,
      };
      await tx.update(alerts).set(row).where(eq(alerts.id, existing.id));
      await w.audit({ action: 'alert.fire', ...entry(row) });
      await applyAutomation(w, row);
      out.push({ id: row.id, state: row.state });
      continue;
    }

    // resolved
    if (existing.status === 'resolved') {
      await tx.update(alerts).set({ lastSeenAt: now, updatedAt: now }).where(eq(alerts.id, existing.id));
      out.push({ id: existing.id, state: existing.state });
      continue;
    }
    const row: AlertRow = {
      ...existing,
      ...fields,
      status: 'resolved',
      state: DECIDED.includes(existing.state) ? existing.state : 'resolved',
      resolvedAt: a.endsAt && a.endsAt.getTime() <= now.getTime() ? a.endsAt : now,
      lastSeenAt: now,
      updatedAt: now,
    };
    await tx.update(alerts).set(row).where(eq(alerts.id, existing.id));
    await w.audit({ action: 'alert.resolve', ...entry(row) });
    await releaseAutomation(w, row);
    out.push({ id: row.id, state: row.state });
  }
  return out;
}

async function findIncidents(db: Executor, ids: string[]): Promise<IncidentRow[]> {
  const out: IncidentRow[] = [];
  for (const id of ids) {
    try {
      out.push(await findIncident(db, id));
    } catch {
      // deleted: left out
    }
  }
  return out;
}

// ---- deciding -----------------------------------------------------------------------------------------------

function assertUndecided(a: AlertRow): void {
  if (a.state === 'declared' || a.state === 'attached') throw conflict(`This alert was ${a.state} already (incident ${a.incidentId ?? 'since deleted'}).`);
  if (a.state === 'dismissed') throw conflict('This alert was dismissed already.');
}

/** The status a declared incident gives each component by default, from its severity (never better than now). */
function declaredStatus(severity: Severity, current: ComponentStatus): ComponentStatus {
  const wanted: ComponentStatus = severity === 'P1' ? 'major_outage' : severity === 'P2' ? 'partial_outage' : 'degraded_performance';
  return RANK[current] > RANK[wanted] ? current : wanted;
}

export interface DeclareInput {
  title?: string;
  severity?: Severity;
  message?: string;
  components?: ComponentChanges;
  status?: IncidentStatus;
  notify?: boolean;
  draft?: boolean;
  publishAt?: Date;
  commanderId?: string | null;
  techLeadId?: string | null;
  commsLeadId?: string | null;
  security?: boolean;
}

/** The first public update when none is given: says nothing the alert's internal text might. */
const DEFAULT_DECLARE_MESSAGE = 'We are investigating a problem and will post an update shortly.';

/**
 * Declares an incident from an alert: title, severity and components prefilled from it (each can be given), the first
 * update published, scheduled or a draft as asked (an editor's is a draft); the alert becomes `declared`.
 */
export async function declareAlert(w: Write<Actor>, alertId: string, input: DeclareInput): Promise<IncidentRow> {
  const { tx, now } = w;
  const alert = await findAlert(tx, alertId);
  assertUndecided(alert);
  const severity = input.severity ?? alert.severitySuggestion;
  if (!severity) throw badRequest('Choose a severity: the alert suggests none.', { severity: 'Required: the alert has no severity label.' });
  let changes = input.components;
  if (!changes && alert.componentIds.length) {
    const rows = await tx.select().from(components).where(inArray(components.id, alert.componentIds));
    changes = Object.fromEntries(rows.map((c) => [c.id, declaredStatus(severity, c.status)]));
  }
  const incident = await openIncident(w, {
      title: input.title ?? alert.title,
      severity,
      status: input.status,
      message: input.message ?? DEFAULT_DECLARE_MESSAGE,
      components: changes,
      notify: input.notify,
      draft: input.draft,
      publishAt: input.publishAt,
      commanderId: input.commanderId,
      techLeadId: input.techLeadId,
      commsLeadId: input.commsLeadId,
      security: input.security,
      startedAt: alert.startsAt && alert.startsAt.getTime() <= now.getTime() ? alert.startsAt : undefined,
  });
  await tx.update(alerts).set({ state: 'declared', incidentId: incident.id, decidedBy: w.actor.user.id, decidedAt: now, updatedAt: now }).where(eq(alerts.id, alert.id));
  await w.audit({ action: 'alert.declare', entityType: 'alert', entityId: alert.id, incidentId: incident.id, before: { state: alert.state }, after: { state: 'declared', title: alert.title, source: alert.source } });
  return findIncident(tx, incident.id);
}

/** Attaches an alert to an open incident (the same problem, already declared). */
export async function attachAlert(w: Write, alertId: string, incidentId: string): Promise<AlertRow> {
  const { tx, now } = w;
  const alert = await findAlert(tx, alertId);
  assertUndecided(alert);
  let incident: IncidentRow;
  try {
    incident = await findIncident(tx, incidentId, 'incident');
  } catch {
    throw badRequest('No such incident.', { incident_id: `No incident "${incidentId}".` });
  }
  if (isClosed(incident.kind, incident.status)) throw invalidTransition('That incident is resolved: declare a new one instead.');
  const after: AlertRow = { ...alert, state: 'attached', incidentId: incident.id, decidedBy: w.actor?.user.id ?? null, decidedAt: now, updatedAt: now };
  await tx.update(alerts).set(after).where(eq(alerts.id, alert.id));
  await w.audit({ action: 'alert.attach', entityType: 'alert', entityId: alert.id, incidentId: incident.id, before: { state: alert.state }, after: { state: 'attached', title: alert.title, source: alert.source } });
  return after;
}

/** Dismisses an alert: verified, not an incident (with a reason, for whoever looks later). */
export async function dismissAlert(w: Write, alertId: string, reason: string | null): Promise<AlertRow> {
  const { tx, now } = w;
  const alert = await findAlert(tx, alertId);
  assertUndecided(alert);
  const after: AlertRow = { ...alert, state: 'dismissed', dismissReason: reason, decidedBy: w.actor?.user.id ?? null, decidedAt: now, updatedAt: now };
  await tx.update(alerts).set(after).where(eq(alerts.id, alert.id));
  await w.audit({ action: 'alert.dismiss', entityType: 'alert', entityId: alert.id, before: { state: alert.state }, after: { state: 'dismissed', title: alert.title, reason } });
  return after;
}
