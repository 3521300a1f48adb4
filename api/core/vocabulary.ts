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
  WEBHOOK_FORMATS,
  type ComponentStatus,
  type Impact,
  type IncidentStatus,
  type MaintenanceStatus,
  type Role,
  type Severity,
  type Stage,
  type WebhookFormat,
} from '../../db/schema.ts';

export { COMPONENT_STATUSES, DELIVERY_STATES, ESCALATION_LEVELS, INCIDENT_STATUSES, MAINTENANCE_STATUSES, ROLES, SEVERITIES, SUBSCRIBER_STATES, WEBHOOK_FORMATS };
export type { ComponentStatus, Impact, IncidentStatus, MaintenanceStatus, Role, Severity, Stage, WebhookFormat };

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

/** Each severity's criteria, from our incident-response procedure: shown wherever a severity is chosen. */
export const SEVERITY_CRITERIA: Record<'P1' | 'P2' | 'P3' | 'P4', string> = {
  P1: 'Critical: complete outage, data loss or corruption, security breach, payment failure.',
  P2: 'High: partial outage, significant degradation, vulnerability exposure, data access issues.',
  P3: 'Medium: minor degradation, non-critical feature failure, a subset of users affected.',
  P4: 'Low: cosmetic issue, minor feature, documentation.',
};

/** Why someone was paged: the reasons our procedure gives for escalating, and the system's own. */
export const PAGE_REASON_LABELS: Record<string, string> = {
  incident_opened: 'incident opened: activate the response team',
  missed_target: 'response or resolution target missed',
  needs_expertise: 'more expertise needed',
  business_impact: 'significant business impact',
  security: 'security is involved',
  unacknowledged: 'the previous level did not acknowledge in time',
};

/** The reasons a person may give when escalating (the procedure's four). */
export const ESCALATION_REASONS = ['missed_target', 'needs_expertise', 'business_impact', 'security'] as const;

/** The roles on an incident and their duties, from our procedure: told to whoever is assigned one. */
export const ROLE_DUTIES: Record<'commander_id' | 'tech_lead_id' | 'comms_lead_id', { title: string; duties: string[] }> = {
  commander_id: {
    title: 'Incident commander',
    duties: [
      'Own the incident from declaration to the post-incident review.',
      'Confirm the severity, keep the response team focused, and assign the technical and communications leads.',
      'Escalate when a response or resolution target is missed, more expertise is needed, the business impact is significant, or security is involved.',
      'Decide when the incident is resolved and make sure the postmortem and its action items are written.',
    ],
  },
  tech_lead_id: {
    title: 'Technical lead',
    duties: [
      'Lead the technical work: triage, contain, investigate, remediate and verify.',
      'Direct the engineers working on it and ask the commander for more expertise when needed.',
      'Keep the commander and the communications lead informed of findings, impact and expected recovery.',
    ],
  },
  comms_lead_id: {
    title: 'Communications lead',
    duties: [
      'Post public status updates on the severity’s cadence: Herald reminds you before each is due.',
      'Keep internal stakeholders informed: severity, stage, escalations, resolution.',
      'Make sure public text is accurate and says no more than it should (security incidents especially).',
    ],
  },
};

/** Alert states as the console names them. */
export const ALERT_STATE_LABELS: Record<'open' | 'declared' | 'attached' | 'dismissed' | 'resolved', string> = {
  open: 'Open',
  declared: 'Declared',
  attached: 'Attached',
  dismissed: 'Dismissed',
  resolved: 'Resolved unhandled',
};

/** Kinds of contacts and stakeholders. */
export const CONTACT_KIND_LABELS: Record<'user' | 'email' | 'slack' | 'teams' | 'discord' | 'webhook', string> = {
  user: 'Herald user',
  email: 'Email address',
  slack: 'Slack incoming webhook',
  teams: 'Microsoft Teams webhook',
  discord: 'Discord webhook',
  webhook: 'Plain webhook (signed JSON)',
};

/** What a subscriber webhook receives. */
export const WEBHOOK_FORMAT_LABELS: Record<WebhookFormat, string> = {
  statuspage: 'Statuspage JSON',
  slack: 'Slack',
  teams: 'Microsoft Teams',
  discord: 'Discord',
};
