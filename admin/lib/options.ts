// The choices of the console's select fields, in the vocabulary's words (api/core/vocabulary.ts).
import {
  COMPONENT_STATUS_LABELS,
  COMPONENT_STATUSES,
  INCIDENT_STATUS_LABELS,
  INCIDENT_STATUSES,
  MAINTENANCE_STATUS_LABELS,
  MAINTENANCE_STATUSES,
  ROLES,
  SEVERITIES,
  SEVERITY_LABELS,
  STAGE_LABELS,
  WORK_STAGES,
} from '../../api/core/vocabulary.ts';

export interface Option {
  value: string;
  label: string;
}

export const severityOptions: Option[] = SEVERITIES.map((s) => ({ value: s, label: SEVERITY_LABELS[s] }));
export const incidentStatusOptions: Option[] = INCIDENT_STATUSES.map((s) => ({ value: s, label: INCIDENT_STATUS_LABELS[s] }));
export const maintenanceStatusOptions: Option[] = MAINTENANCE_STATUSES.map((s) => ({ value: s, label: MAINTENANCE_STATUS_LABELS[s] }));
export const componentStatusOptions: Option[] = COMPONENT_STATUSES.map((s) => ({ value: s, label: COMPONENT_STATUS_LABELS[s] }));
export const stageOptions: Option[] = WORK_STAGES.map((s) => ({ value: s, label: STAGE_LABELS[s] }));
/** Roles go by their codes: the users page explains each. */
export const roleOptions: Option[] = ROLES.map((r) => ({ value: r, label: r }));
