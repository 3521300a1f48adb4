// Words for statuses, the same on the page, in feeds, in emails and in Slack messages.
import type { ComponentStatus } from '../../db/schema.ts';

const STATUS_LABELS: Record<string, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
  postmortem: 'Postmortem',
  scheduled: 'Scheduled',
  in_progress: 'In progress',
  verifying: 'Verifying',
  completed: 'Completed',
};

export const COMPONENT_STATUS_LABELS: Record<ComponentStatus, string> = {
  operational: 'Operational',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
  under_maintenance: 'Under maintenance',
};

/** An incident or maintenance status in words ("in_progress" → "In progress"). */
export function statusLabel(status: string): string {
  return STATUS_LABELS[status] ?? status.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

export function componentStatusLabel(status: ComponentStatus): string {
  return COMPONENT_STATUS_LABELS[status] ?? status;
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
export type EscalationReason = (typeof ESCALATION_REASONS)[number];

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
