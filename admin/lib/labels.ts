// Words for codes: statuses, stages, severities and roles as a person reads them.
import { COMPONENT_STATUSES, INCIDENT_STATUSES, SEVERITIES, type ComponentStatus, type Severity } from '../../db/schema.ts';

export const INCIDENT_STATUS_LABELS: Record<string, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
  scheduled: 'Scheduled',
  in_progress: 'In progress',
  verifying: 'Verifying',
  completed: 'Completed',
};

/** The stages a person moves an open incident through (detection happens before Herald; resolved is set by resolving). */
export const WORK_STAGES = ['triage', 'contain', 'investigate', 'remediate', 'verify'] as const;

export const STAGE_LABELS: Record<string, string> = {
  detection: 'Detection',
  triage: 'Triage',
  contain: 'Contain',
  investigate: 'Investigate',
  remediate: 'Remediate',
  verify: 'Verify',
  resolved: 'Resolved',
  post_incident: 'Post-incident',
};

export const COMPONENT_STATUS_LABELS: Record<ComponentStatus, string> = {
  operational: 'Operational',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
  under_maintenance: 'Under maintenance',
};

export const SEVERITY_LABELS: Record<Severity, string> = {
  P1: 'P1 critical',
  P2: 'P2 high',
  P3: 'P3 medium',
  P4: 'P4 low',
};

export const ROLE_FIELDS = [
  { field: 'commander_id', label: 'Incident commander' },
  { field: 'tech_lead_id', label: 'Technical lead' },
  { field: 'comms_lead_id', label: 'Communications lead' },
] as const;

export const label = (map: Record<string, string>, code: string | null | undefined): string => (code ? (map[code] ?? code) : '—');

export const severityOptions = SEVERITIES.map((s) => ({ value: s, label: SEVERITY_LABELS[s] }));
export const incidentStatusOptions = INCIDENT_STATUSES.map((s) => ({ value: s, label: INCIDENT_STATUS_LABELS[s] ?? s }));
export const componentStatusOptions = COMPONENT_STATUSES.map((s) => ({ value: s, label: COMPONENT_STATUS_LABELS[s] }));
export const stageOptions = WORK_STAGES.map((s) => ({ value: s, label: STAGE_LABELS[s] ?? s }));
