// The admin API's incident shapes: list items with computed dues, detail with updates and the merged timeline.
import { and, asc, desc, eq, inArray, or, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { auditLog, components, incidentComponents, incidentUpdates, users, type AffectedComponent, type ComponentStatus } from '../../db/schema.ts';
import { isClosed } from './incident-status.ts';
import type { IncidentRow, UpdateRow } from './incident-store.ts';
import { escalationLevelName, incidentTiming, MAX_ESCALATION_LEVEL } from './incident-timing.ts';
import { iso, isoOrNull } from '../core/iso.ts';
import { getSettings, type Settings } from '../core/settings.ts';
import { INCIDENT_ROLE_LABELS, PAGE_REASON_LABELS, SEVERITIES, stageLabel, statusLabel, type IncidentRoleField } from '../core/vocabulary.ts';
import { formatDateTime, safeTimeZone } from '../core/time-format.ts';

interface AffectedComponentOut {
  id: string;
  name: string;
  status: ComponentStatus;
}

export interface IncidentOut {
  id: string;
  kind: IncidentRow['kind'];
  title: string;
  /** Statuspage's name for the title. */
  name: string;
  severity: IncidentRow['severity'];
  status: string;
  stage: IncidentRow['stage'];
  impact: IncidentRow['impact'];
  commander_id: string | null;
  tech_lead_id: string | null;
  comms_lead_id: string | null;
  commander_name: string | null;
  tech_lead_name: string | null;
  comms_lead_name: string | null;
  escalation_level: number;
  /** A security incident (calls for escalation; internal, never shown publicly). */
  security: boolean;
  /** The current level's name (0 = on-call engineer). */
  escalation_level_name: string;
  /** The next level's name when a target missed since the last escalation calls for escalating, else null. */
  escalate_to: string | null;
  /** When the level was last raised (by anyone), or null. */
  escalated_at: string | null;
  /** The name of the level above the current one; null at the top. */
  next_escalation_level_name: string | null;
  /** When the next target will be missed if nothing changes, calling for the next level; null when none will. */
  next_escalation_at: string | null;
  started_at: string;
  identified_at: string | null;
  monitoring_at: string | null;
  resolved_at: string | null;
  /** Null while the incident is a draft (no update published yet): not public. */
  published_at: string | null;
  created_at: string;
  updated_at: string;
  scheduled_for: string | null;
  scheduled_until: string | null;
  /** When the first update went public. */
  responded_at: string | null;
  /** When the latest update went public. */
  last_update_at: string | null;
  response_due_at: string | null;
  resolution_due_at: string | null;
  next_update_due_at: string | null;
  update_overdue: boolean;
  response_missed: boolean;
  resolution_missed: boolean;
  /** Seconds from start to resolution, once resolved. */
  duration_seconds: number | null;
  /** Updates waiting for their time, and the earliest of those times. */
  scheduled_update_count: number;
  next_scheduled_at: string | null;
  draft_update_count: number;
  components: AffectedComponentOut[];
}

export interface UpdateOut {
  id: string;
  incident_id: string;
  status: string;
  body: string;
  state: UpdateRow['state'];
  stage: UpdateRow['stage'];
  author_id: string | null;
  author_name: string | null;
  /** Filled when published: the real component changes, Statuspage's shape. */
  affected_components: AffectedComponent[] | null;
  /** The component statuses the update asks for (applied when it is published). */
  components: Record<string, ComponentStatus>;
  notify: boolean;
  created_at: string;
  updated_at: string;
  display_at: string;
  publish_at: string | null;
  published_at: string | null;
}

type TimelineEntry =
  | { type: 'update'; at: string; update: UpdateOut }
  | {
      type: 'event';
      at: string;
      id: number;
      action: string;
      summary: string;
      user_id: string | null;
      user_name: string | null;
      entity_type: string;
      entity_id: string | null;
      before: unknown;
      after: unknown;
    };

export interface IncidentDetailOut extends IncidentOut {
  /** Every update in any state, newest first. */
  updates: UpdateOut[];
  /** Published updates and internal events (stage, roles, escalation, edits), newest first. */
  timeline: TimelineEntry[];
}

type UserNames = Map<string, string>;

async function userNames(db: Executor): Promise<UserNames> {
  const rows = await db.select({ id: users.id, name: users.name }).from(users);
  return new Map(rows.map((u) => [u.id, u.name]));
}

interface UpdateStats {
  respondedAt: Date | null;
  lastPublishedAt: Date | null;
  scheduled: number;
  nextScheduledAt: Date | null;
  drafts: number;
  /** When the escalation level was last raised. */
  escalatedAt: Date | null;
  /** When the security flag was last set by an edit (null: from the start, or never). */
  securityAt: Date | null;
}

async function updateStats(db: Executor, ids: string[]): Promise<Map<string, UpdateStats>> {
  const out = new Map<string, UpdateStats>();
  if (!ids.length) return out;
  const rows = await db
    .select({
      incidentId: incidentUpdates.incidentId,
      first: sql<number | null>`min(case when ${incidentUpdates.state} = 'published' then ${incidentUpdates.publishedAt} end)`,
      last: sql<number | null>`max(case when ${incidentUpdates.state} = 'published' then ${incidentUpdates.publishedAt} end)`,
      scheduled: sql<number>`sum(case when ${incidentUpdates.state} = 'scheduled' then 1 else 0 end)`,
      nextScheduled: sql<number | null>`min(case when ${incidentUpdates.state} = 'scheduled' then ${incidentUpdates.publishAt} end)`,
      drafts: sql<number>`sum(case when ${incidentUpdates.state} = 'draft' then 1 else 0 end)`,
    })
    .from(incidentUpdates)
    .where(inArray(incidentUpdates.incidentId, ids))
    .groupBy(incidentUpdates.incidentId);
  // Raised levels only: setting a lower level answers nothing. And when the security flag was last set.
  const marks = await db
    .select({ incidentId: auditLog.incidentId, action: auditLog.action, at: sql<number | null>`max(${auditLog.at})` })
    .from(auditLog)
    .where(
      and(
        inArray(auditLog.incidentId, ids),
        or(
          and(eq(auditLog.action, 'incident.escalation'), sql`coalesce(json_extract(${auditLog.after}, '$.escalation_level'), 0) > coalesce(json_extract(${auditLog.before}, '$.escalation_level'), 0)`),
          and(eq(auditLog.action, 'incident.security'), sql`json_extract(${auditLog.after}, '$.security') = 1`),
        ),
      ),
    )
    .groupBy(auditLog.incidentId, auditLog.action);
  const date = (v: number | null) => (v === null || v === undefined ? null : new Date(Number(v)));
  const markAt = (id: string, action: string) => date(marks.find((m) => m.incidentId === id && m.action === action)?.at ?? null);
  const empty = { respondedAt: null, lastPublishedAt: null, scheduled: 0, nextScheduledAt: null, drafts: 0 };
  for (const r of rows) {
    out.set(r.incidentId, {
      respondedAt: date(r.first),
      lastPublishedAt: date(r.last),
      scheduled: Number(r.scheduled ?? 0),
      nextScheduledAt: date(r.nextScheduled),
      drafts: Number(r.drafts ?? 0),
      escalatedAt: null,
      securityAt: null,
    });
  }
  for (const m of marks) {
    if (!m.incidentId) continue;
    const stats = out.get(m.incidentId) ?? { ...empty, escalatedAt: null, securityAt: null };
    stats.escalatedAt = markAt(m.incidentId, 'incident.escalation');
    stats.securityAt = markAt(m.incidentId, 'incident.security');
    out.set(m.incidentId, stats);
  }
  return out;
}

async function affectedComponents(db: Executor, ids: string[]): Promise<Map<string, AffectedComponentOut[]>> {
  const out = new Map<string, AffectedComponentOut[]>();
  if (!ids.length) return out;
  const rows = await db
    .select({ incidentId: incidentComponents.incidentId, id: components.id, name: components.name, status: components.status })
    .from(incidentComponents)
    .innerJoin(components, eq(components.id, incidentComponents.componentId))
    .where(inArray(incidentComponents.incidentId, ids))
    .orderBy(asc(components.position), asc(components.name));
  for (const r of rows) {
    const list = out.get(r.incidentId) ?? [];
    list.push({ id: r.id, name: r.name, status: r.status });
    out.set(r.incidentId, list);
  }
  return out;
}

function incidentJson(
  row: IncidentRow,
  stats: UpdateStats | undefined,
  affected: AffectedComponentOut[],
  names: UserNames,
  settings: Settings,
  now: Date,
): IncidentOut {
  const closed = isClosed(row.kind, row.status);
  const policy = row.kind === 'incident' && row.severity ? settings.severities[row.severity] : null;
  const timing = policy
    ? incidentTiming(
        {
          startedAt: row.startedAt,
          respondedAt: stats?.respondedAt ?? null,
          lastPublishedAt: stats?.lastPublishedAt ?? null,
          resolvedAt: row.resolvedAt,
          closed,
          escalationLevel: row.escalationLevel,
          escalatedAt: stats?.escalatedAt ?? null,
          security: row.security,
          securityAt: stats?.securityAt ?? null,
        },
        policy,
        now,
        settings.escalationLevelNames,
      )
    : null;
  const name = (id: string | null) => (id ? (names.get(id) ?? null) : null);
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    name: row.title,
    severity: row.severity,
    status: row.status,
    stage: row.stage,
    impact: row.impact,
    commander_id: row.commanderId,
    tech_lead_id: row.techLeadId,
    comms_lead_id: row.commsLeadId,
    commander_name: name(row.commanderId),
    tech_lead_name: name(row.techLeadId),
    comms_lead_name: name(row.commsLeadId),
    escalation_level: row.escalationLevel,
    security: row.security,
    escalation_level_name: escalationLevelName(row.escalationLevel, settings.escalationLevelNames),
    escalate_to: timing?.escalateTo ?? null,
    escalated_at: isoOrNull(stats?.escalatedAt),
    next_escalation_level_name: row.escalationLevel < MAX_ESCALATION_LEVEL ? escalationLevelName(row.escalationLevel + 1, settings.escalationLevelNames) : null,
    next_escalation_at: isoOrNull(timing?.nextEscalationAt),
    started_at: iso(row.startedAt),
    identified_at: isoOrNull(row.identifiedAt),
    monitoring_at: isoOrNull(row.monitoringAt),
    resolved_at: isoOrNull(row.resolvedAt),
    published_at: isoOrNull(row.publishedAt),
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
    scheduled_for: isoOrNull(row.scheduledFor),
    scheduled_until: isoOrNull(row.scheduledUntil),
    responded_at: isoOrNull(stats?.respondedAt),
    last_update_at: isoOrNull(stats?.lastPublishedAt),
    response_due_at: isoOrNull(timing?.responseDueAt),
    resolution_due_at: isoOrNull(timing?.resolutionDueAt),
    next_update_due_at: isoOrNull(timing?.nextUpdateDueAt),
    update_overdue: timing?.updateOverdue ?? false,
    response_missed: timing?.responseMissed ?? false,
    resolution_missed: timing?.resolutionMissed ?? false,
    duration_seconds: row.resolvedAt && closed ? Math.round((row.resolvedAt.getTime() - row.startedAt.getTime()) / 1000) : null,
    scheduled_update_count: stats?.scheduled ?? 0,
    next_scheduled_at: isoOrNull(stats?.nextScheduledAt),
    draft_update_count: stats?.drafts ?? 0,
    components: affected,
  };
}

/** List items for incident rows, with everything computed at `now`. */
export async function incidentsJson(db: Executor, rows: IncidentRow[], now: Date): Promise<IncidentOut[]> {
  const ids = rows.map((r) => r.id);
  const [stats, affected, names, settings] = await Promise.all([updateStats(db, ids), affectedComponents(db, ids), userNames(db), getSettings(db)]);
  return rows.map((r) => incidentJson(r, stats.get(r.id), affected.get(r.id) ?? [], names, settings, now));
}

export function updateJson(u: UpdateRow, names: UserNames): UpdateOut {
  return {
    id: u.id,
    incident_id: u.incidentId,
    status: u.status,
    body: u.body,
    state: u.state,
    stage: u.stage,
    author_id: u.authorId,
    author_name: u.authorId ? (names.get(u.authorId) ?? null) : null,
    affected_components: u.affectedComponents ?? null,
    components: u.componentChanges ?? {},
    notify: u.notify,
    created_at: iso(u.createdAt),
    updated_at: iso(u.updatedAt),
    display_at: iso(u.displayAt),
    publish_at: isoOrNull(u.publishAt),
    published_at: isoOrNull(u.publishedAt),
  };
}

export async function updateOut(db: Executor, u: UpdateRow): Promise<UpdateOut> {
  return updateJson(u, await userNames(db));
}

const pick = (v: unknown, key: string): unknown =>
  v && typeof v === 'object' && key in v ? (v as Record<string, unknown>)[key] : undefined;
const text = (v: unknown) => (v === null || v === undefined ? 'none' : String(v));

/** The first line of a note, for a one-line summary. */
const oneLineText = (v: unknown) => {
  const t = typeof v === 'string' ? v.trim().split(/\r?\n/)[0] ?? '' : '';
  return t.length > 140 ? `${t.slice(0, 139)}…` : t;
};

const REMINDER_SUMMARIES: Record<string, string> = {
  update_due: 'Reminder sent: the next public update is due soon',
  update_overdue: 'Reminder sent: the public update is overdue',
  response_missed: 'Incident commander told: the response target was missed',
  resolution_missed: 'Incident commander told: the resolution target was missed',
};

/**
 * One line for a person reading the timeline: statuses and stages by their labels, times in the page's zone and
 * format (`timeZone`), as every other line of the console shows them.
 */
function eventSummary(action: string, before: unknown, after: unknown, names: UserNames, timeZone = 'Etc/UTC'): string {
  const person = (v: unknown) => (typeof v === 'string' ? (names.get(v) ?? v) : 'unassigned');
  const status = (v: unknown) => (typeof v === 'string' ? statusLabel(v) : text(v));
  const stage = (v: unknown) => (typeof v === 'string' ? stageLabel(v) : text(v));
  const when = (v: unknown) => {
    const t = typeof v === 'string' || typeof v === 'number' ? new Date(v) : null;
    return t && !Number.isNaN(t.getTime()) ? formatDateTime(t, safeTimeZone(timeZone)) : text(v);
  };
  const severity = (v: unknown) => (typeof v === 'string' && (SEVERITIES as readonly string[]).includes(v) ? v : text(v));
  switch (action) {
    case 'incident.create':
      return `Incident opened (${severity(pick(after, 'severity'))}, ${status(pick(after, 'status'))})`;
    case 'incident.title':
      return `Title changed to "${text(pick(after, 'title'))}"`;
    case 'incident.severity':
      return `Severity ${text(pick(before, 'severity'))} → ${text(pick(after, 'severity'))}`;
    case 'incident.stage':
      return `Stage ${stage(pick(before, 'stage'))} → ${stage(pick(after, 'stage'))}`;
    case 'incident.started_at':
      return `Start time set to ${when(pick(after, 'started_at'))}`;
    case 'incident.role': {
      const field = Object.keys(after && typeof after === 'object' ? after : {})[0] ?? '';
      return `${INCIDENT_ROLE_LABELS[field as IncidentRoleField] ?? field}: ${person(pick(after, field))}`;
    }
    case 'incident.escalation': {
      const level = Number(pick(after, 'escalation_level') ?? 0);
      const previous = Number(pick(before, 'escalation_level') ?? 0);
      const reason = pick(after, 'reason');
      const why = typeof reason === 'string' && PAGE_REASON_LABELS[reason] ? `: ${PAGE_REASON_LABELS[reason]}` : '';
      const name = typeof pick(after, 'level_name') === 'string' ? String(pick(after, 'level_name')) : escalationLevelName(level);
      if (pick(after, 'automatic')) return `Escalated automatically to ${name}${why}`;
      return level > previous ? `Escalated to ${name}${why}` : `Escalation level set to ${name}`;
    }
    case 'incident.page_again': {
      const reason = pick(after, 'reason');
      return `Paged ${text(pick(after, 'level_name'))} again${typeof reason === 'string' && PAGE_REASON_LABELS[reason] ? `: ${PAGE_REASON_LABELS[reason]}` : ''}`;
    }
    case 'incident.security':
      return pick(after, 'security') ? 'Marked as a security incident' : 'No longer marked as a security incident';
    case 'incident.note':
      return `Internal note: ${oneLineText(pick(after, 'body'))}`;
    case 'page.sent': {
      const n = Number(pick(after, 'contacts') ?? 0);
      const channels = pick(after, 'channels');
      const via = Array.isArray(channels) && channels.length ? ` by ${channels.join(', ')}` : '';
      return `Paged ${text(pick(after, 'level_name'))}: ${n} contact${n === 1 ? '' : 's'}${via}`;
    }
    case 'page.none':
      return `Nobody paged at ${text(pick(after, 'level_name'))}: the level has no contacts (Settings → Escalation)`;
    case 'page.ack':
      return `Page acknowledged (${text(pick(after, 'level_name'))}${pick(after, 'via') === 'link' ? ', by its link' : ''})`;
    case 'response.reminder':
      return REMINDER_SUMMARIES[String(pick(after, 'kind'))] ?? 'Reminder sent';
    case 'alert.declare':
      return `Declared from alert: ${text(pick(after, 'title'))}`;
    case 'alert.attach':
      return `Alert attached: ${text(pick(after, 'title'))}`;
    case 'alert.resolve':
      return `Alert resolved: ${text(pick(after, 'title'))}`;
    case 'alert.fire':
      return `Alert firing again: ${text(pick(after, 'title'))}`;
    case 'incident_update.create': {
      const state = pick(after, 'state');
      if (state === 'scheduled') return `Update (${status(pick(after, 'status'))}) scheduled for ${when(pick(after, 'publish_at'))}`;
      return `Draft update (${status(pick(after, 'status'))}) saved`;
    }
    case 'incident_update.schedule':
      return `Update (${status(pick(after, 'status'))}) scheduled for ${when(pick(after, 'publish_at'))}`;
    case 'incident_update.publish':
      return `Update (${status(pick(after, 'status'))}) published`;
    case 'incident_update.edit':
      return `Update (${status(pick(after, 'status'))}) edited`;
    case 'incident_update.delete':
      return `Update (${status(pick(before, 'status'))}) deleted`;
    case 'incident_update.schedule_failed':
      return `Scheduled update could not be published: ${text(pick(after, 'reason'))}`;
    case 'postmortem.save':
      return 'Postmortem draft saved';
    case 'postmortem.publish':
      return pick(before, 'published') ? 'Postmortem changes published' : 'Postmortem published';
    case 'action_item.create':
      return `Action item added: "${text(pick(after, 'title'))}"${pick(after, 'owner_id') ? ` (owner ${person(pick(after, 'owner_id'))})` : ''}`;
    case 'action_item.edit':
      return `Action item edited: "${text(pick(after, 'title'))}"`;
    case 'action_item.close':
      return `Action item done: "${text(pick(after, 'title'))}"`;
    case 'action_item.reopen':
      return `Action item reopened: "${text(pick(after, 'title'))}"`;
    case 'action_item.delete':
      return `Action item removed: "${text(pick(before, 'title'))}"`;
    case 'maintenance.create':
      return 'Maintenance scheduled';
    case 'maintenance.edit':
      return `Maintenance plan changed (${Object.keys(after && typeof after === 'object' ? after : {}).join(', ')})`;
    case 'maintenance.status':
      return `Maintenance ${status(pick(before, 'status'))} → ${status(pick(after, 'status'))}${pick(after, 'automatic') ? ' (automatic)' : ''}`;
    case 'maintenance.reminder':
      return 'Maintenance reminder sent';
    case 'maintenance.reminder_skipped':
      return 'Maintenance reminder skipped (the window had already started)';
    default:
      return action;
  }
}

/** The full incident: list fields, every update, and the timeline. */
export async function incidentDetailJson(db: Executor, row: IncidentRow, now: Date): Promise<IncidentDetailOut> {
  const [base] = await incidentsJson(db, [row], now);
  const [updates, events, names, settings] = await Promise.all([
    db
      .select()
      .from(incidentUpdates)
      .where(eq(incidentUpdates.incidentId, row.id))
      .orderBy(desc(incidentUpdates.displayAt), desc(incidentUpdates.createdAt)),
    db.select().from(auditLog).where(eq(auditLog.incidentId, row.id)).orderBy(asc(auditLog.at), asc(auditLog.id)),
    userNames(db),
    getSettings(db),
  ]);
  const updatesOut = updates.map((u) => updateJson(u, names));
  const timeline: { sortAt: number; order: number; seq: number; entry: TimelineEntry }[] = [];
  for (const u of updatesOut) {
    if (u.state === 'published') timeline.push({ sortAt: Date.parse(u.display_at), order: 1, seq: 0, entry: { type: 'update', at: u.display_at, update: u } });
  }
  for (const e of events) {
    timeline.push({
      sortAt: e.at.getTime(),
      order: 0,
      seq: e.id,
      entry: {
        type: 'event',
        at: iso(e.at),
        id: e.id,
        action: e.action,
        summary: eventSummary(e.action, e.before, e.after, names, settings.timeZone),
        user_id: e.userId,
        user_name: e.userId ? (names.get(e.userId) ?? null) : null,
        entity_type: e.entityType,
        entity_id: e.entityId,
        before: e.before,
        after: e.after,
      },
    });
  }
  // Newest first; at the same instant the update reads above the event that produced it.
  timeline.sort((a, b) => b.sortAt - a.sortAt || b.order - a.order || b.seq - a.seq);
  if (!base) throw new Error('unreachable: one row in, one item out');
  return { ...base, updates: updatesOut, timeline: timeline.map((t) => t.entry) };
}
