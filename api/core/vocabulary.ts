// Herald's words: statuses, severities, stages, roles and impacts, their order, their labels and the lists made of
// them, the same on the page, in the console, in feeds, in emails and in Slack messages. The enums themselves are
// db/schema.ts's (the tables need them); they are re-exported here so that site/ and admin/ read no db/ module.
import {
  COMPONENT_STATUSES,
  DELIVERY_STATES,
  ESCALATION_LEVELS,
  INCIDENT_STATUSES,
  MAINTENANCE_STATUSES,
  ROLES,
  SEVERITIES,
  SUBSCRIBER_STATES,
  type ComponentStatus,
  type Impact,
  type IncidentStatus,
  type MaintenanceStatus,
  type Role,
  type Severity,
  type Stage,
} from '../../db/schema.ts';

export { COMPONENT_STATUSES, DELIVERY_STATES, ESCALATION_LEVELS, INCIDENT_STATUSES, MAINTENANCE_STATUSES, ROLES, SEVERITIES, SUBSCRIBER_STATES };
export type { ComponentStatus, Impact, IncidentStatus, MaintenanceStatus, Role, Severity, Stage };

// Roles of a user

/** Each role may do everything the roles ranked below it may. */
const ROLE_RANK: Record<Role, number> = { viewer: 0, editor: 1, publisher: 2, owner: 3 };

export const roleAtLeast = (role: Role, min: Role): boolean => ROLE_RANK[role] >= ROLE_RANK[min];

// Roles on an incident

/** The incident's fields naming who holds each role. */
export const INCIDENT_ROLE_FIELDS = ['commander_id', 'tech_lead_id', 'comms_lead_id'] as const;
export type IncidentRoleField = (typeof INCIDENT_ROLE_FIELDS)[number];

export const INCIDENT_ROLE_LABELS: Record<IncidentRoleField, string> = {
  commander_id: 'Incident commander',
  tech_lead_id: 'Technical lead',
  comms_lead_id: 'Communications lead',
};

// Severities

export const SEVERITY_LABELS: Record<Severity, string> = {
  P1: 'P1 critical',
  P2: 'P2 high',
  P3: 'P3 medium',
  P4: 'P4 low',
};

/** Worst first: P1 ranks 0. */
export const SEVERITY_RANK: Record<Severity, number> = { P1: 0, P2: 1, P3: 2, P4: 3 };

// Public statuses of incidents and maintenances

export const INCIDENT_STATUS_LABELS: Record<IncidentStatus, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
};

export const MAINTENANCE_STATUS_LABELS: Record<MaintenanceStatus, string> = {
  scheduled: 'Scheduled',
  in_progress: 'In progress',
  verifying: 'Verifying',
  completed: 'Completed',
};

/** Statuspage's public status of a resolved incident whose postmortem is published (never stored). */
const POSTMORTEM_STATUS = 'postmortem';

const STATUS_LABELS: Record<string, string> = {
  ...INCIDENT_STATUS_LABELS,
  [POSTMORTEM_STATUS]: 'Postmortem',
  ...MAINTENANCE_STATUS_LABELS,
};

/** An incident that is not resolved yet. */
export const OPEN_INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring'] as const satisfies readonly IncidentStatus[];
/** Statuspage's "upcoming" maintenances. */
export const UPCOMING_MAINTENANCE_STATUSES = ['scheduled'] as const satisfies readonly MaintenanceStatus[];
/** Statuspage's "active" maintenances. */
export const ACTIVE_MAINTENANCE_STATUSES = ['in_progress', 'verifying'] as const satisfies readonly MaintenanceStatus[];
/** Over: a resolved incident (with or without its postmortem) or a completed maintenance. */
const CLOSED_STATUSES = ['resolved', POSTMORTEM_STATUS, 'completed'] as const;

export const isClosedStatus = (status: string): boolean => (CLOSED_STATUSES as readonly string[]).includes(status);

/** An incident or maintenance status in words ("in_progress" → "In progress"). */
export function statusLabel(status: string): string {
  return STATUS_LABELS[status] ?? status.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

// Internal stages

export const STAGE_LABELS: Record<Stage, string> = {
  detection: 'Detection',
  triage: 'Triage',
  contain: 'Contain',
  investigate: 'Investigate',
  remediate: 'Remediate',
  verify: 'Verify',
  resolved: 'Resolved',
  post_incident: 'Post-incident',
};

/** The stages a person moves an open incident through (detection happens before Herald; resolved is set by resolving). */
export const WORK_STAGES = ['triage', 'contain', 'investigate', 'remediate', 'verify'] as const satisfies readonly Stage[];

export function stageLabel(stage: string): string {
  return STAGE_LABELS[stage as Stage] ?? stage;
}

// Component statuses

export const COMPONENT_STATUS_LABELS: Record<ComponentStatus, string> = {
  operational: 'Operational',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
  under_maintenance: 'Under maintenance',
};

/** Worse statuses rank higher: a group, or a day of the uptime bar, shows its highest-ranked status. */
export const COMPONENT_STATUS_RANK: Record<ComponentStatus, number> = {
  operational: 0,
  under_maintenance: 1,
  degraded_performance: 2,
  partial_outage: 3,
  major_outage: 4,
};

export function isComponentStatus(s: unknown): s is ComponentStatus {
  return typeof s === 'string' && (COMPONENT_STATUSES as readonly string[]).includes(s);
}

export function componentStatusLabel(status: string): string {
  return COMPONENT_STATUS_LABELS[status as ComponentStatus] ?? status;
}

// Impacts

const IMPACT_LABELS: Record<Impact, string> = {
  none: 'No impact',
  minor: 'Minor impact',
  major: 'Major impact',
  critical: 'Critical impact',
  maintenance: 'Maintenance',
};

/** The impacts a severity can show publicly (maintenance is a maintenance's own). */
export const SEVERITY_IMPACTS = ['none', 'minor', 'major', 'critical'] as const satisfies readonly Impact[];

export function impactLabel(impact: string): string {
  return IMPACT_LABELS[impact as Impact] ?? impact;
}
