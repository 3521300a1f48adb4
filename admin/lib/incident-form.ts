// Turning the console's incident and update forms into API bodies (and back into values to re-show on error).
import { prefixed, raw, text, checked } from './forms.ts';
import { readWallTime, wallTimeToUtc } from './zoned.ts';
import { INCIDENT_ROLE_FIELDS } from '../../api/core/vocabulary.ts';

export const COMPONENT_PREFIX = 'component:';

/** When to publish: now, at a time (scheduled), or keep as a draft. */
export type PublishMode = 'now' | 'schedule' | 'draft';

export interface UpdateFormValues {
  status: string;
  stage: string;
  message: string;
  notify: boolean;
  components: Record<string, string>;
  mode: PublishMode;
  /** "YYYY-MM-DDTHH:MM" in the page's time zone, as typed (DateTimeField). */
  publishAt: string;
}

export interface IncidentFormValues extends UpdateFormValues {
  title: string;
  severity: string;
  commander_id: string;
  tech_lead_id: string;
  comms_lead_id: string;
  startedAt: string;
  /** A security incident (calls for escalation; the console asks before public text names it). */
  security: boolean;
}

const mode = (v: string): PublishMode => (v === 'schedule' || v === 'draft' ? v : 'now');

export function readUpdateForm(form: FormData): UpdateFormValues {
  return {
    status: text(form, 'status'),
    stage: text(form, 'stage'),
    message: raw(form, 'message'),
    notify: checked(form, 'notify'),
    components: prefixed(form, COMPONENT_PREFIX),
    mode: mode(text(form, 'mode')),
    publishAt: readWallTime(form, 'publish_at'),
  };
}

export function readIncidentForm(form: FormData): IncidentFormValues {
  return {
    ...readUpdateForm(form),
    title: text(form, 'title'),
    severity: text(form, 'severity'),
    commander_id: text(form, 'commander_id'),
    tech_lead_id: text(form, 'tech_lead_id'),
    comms_lead_id: text(form, 'comms_lead_id'),
    startedAt: readWallTime(form, 'started_at'),
    security: checked(form, 'security'),
  };
}

export interface Built<T> {
  body: T | null;
  /** Field errors found before asking the API (e.g. a time that cannot be read). */
  fields: Record<string, string>;
}

/** The publish part of a body: publish_at for a schedule, draft for a draft. */
function publishPart(v: UpdateFormValues, timeZone: string, now: Date, fields: Record<string, string>): { publish_at?: string; draft?: boolean } {
  if (v.mode === 'draft') return { draft: true };
  if (v.mode === 'schedule') {
    const at = wallTimeToUtc(v.publishAt, timeZone);
    if (!at) {
      fields.publish_at = 'Choose the date and time to publish.';
      return {};
    }
    // The API would publish a past time at once; someone who chose "schedule" meant later.
    if (at.getTime() <= now.getTime()) {
      fields.publish_at = 'That time has passed: choose a later time, or publish now.';
      return {};
    }
    return { publish_at: at.toISOString() };
  }
  return {};
}

/** POST /api/v1/incidents/:id/updates. */
export function updateBody(v: UpdateFormValues, timeZone: string, now: Date): Built<Record<string, unknown>> {
  const fields: Record<string, string> = {};
  const body: Record<string, unknown> = {
    status: v.status,
    message: v.message,
    notify: v.notify,
    ...publishPart(v, timeZone, now, fields),
  };
  if (v.stage) body.stage = v.stage;
  if (Object.keys(v.components).length) body.components = v.components;
  return { body: Object.keys(fields).length ? null : body, fields };
}

/** POST /api/v1/incidents. */
export function incidentBody(v: IncidentFormValues, timeZone: string, now: Date): Built<Record<string, unknown>> {
  const fields: Record<string, string> = {};
  const body: Record<string, unknown> = {
    title: v.title,
    severity: v.severity,
    status: v.status || 'investigating',
    message: v.message,
    notify: v.notify,
    ...publishPart(v, timeZone, now, fields),
  };
  if (v.stage) body.stage = v.stage;
  if (Object.keys(v.components).length) body.components = v.components;
  for (const role of INCIDENT_ROLE_FIELDS) if (v[role]) body[role] = v[role];
  if (v.security) body.security = true;
  if (v.startedAt) {
    const at = wallTimeToUtc(v.startedAt, timeZone);
    if (at) body.started_at = at.toISOString();
    else fields.started_at = 'Use a date and time, or leave blank for now.';
  }
  return { body: Object.keys(fields).length ? null : body, fields };
}
