// What alerting tools post, checked at the edge and reduced to one shape: Prometheus Alertmanager's webhook
// (version 4), Grafana alerting's webhook contact point, and Herald's own generic JSON.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { SEVERITIES, type AlertStatus, type Severity } from '../../db/schema.ts';

/** One alert as the store takes it, whatever sent it. */
export interface IncomingAlert {
  fingerprint: string;
  status: AlertStatus;
  title: string;
  description: string | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** When the source says it started firing / stopped. */
  startsAt: Date | null;
  endsAt: Date | null;
  url: string | null;
  /** Given by the sender (generic JSON); otherwise suggested from labels. */
  severity: Severity | null;
  /** Given by the sender (generic JSON); otherwise matched from labels. */
  componentIds: string[] | null;
}

const MAX_ALERTS = 1000;
const MAX_LABELS = 100;

const labelSet = z
  .record(z.string().max(200, 'Label names of at most 200 characters.'), z.string().max(4000, 'Label values of at most 4000 characters.'))
  .refine((m) => Object.keys(m).length <= MAX_LABELS, `At most ${MAX_LABELS} labels.`);

/** RFC 3339 as Alertmanager writes it: nanoseconds and any offset. */
const rfc3339 = z.string().max(64).regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/, 'An RFC 3339 time, e.g. 2026-01-31T12:00:00Z.');

const status = z.enum(['firing', 'resolved']);

/** The alert object Alertmanager's webhook sends, which Grafana's extends (silenceURL, dashboardURL, panelURL, values…). */
const alertObject = z
  .object({
    status,
    labels: labelSet,
    annotations: labelSet.optional(),
    startsAt: rfc3339.optional(),
    endsAt: rfc3339.optional(),
    generatorURL: z.string().max(2000).optional(),
    fingerprint: z.string().min(1).max(200).optional(),
  })
  .passthrough();

const groupFields = {
  receiver: z.string().max(500).optional(),
  status,
  alerts: z.array(alertObject).min(1, 'At least one alert.').max(MAX_ALERTS, `At most ${MAX_ALERTS} alerts per payload.`),
  groupLabels: labelSet.optional(),
  commonLabels: labelSet.optional(),
  commonAnnotations: labelSet.optional(),
  externalURL: z.string().max(2000).optional(),
  groupKey: z.string().max(4000).optional(),
  truncatedAlerts: z.number().int().min(0).optional(),
};

/** Prometheus Alertmanager's webhook_config payload, version 4. */
export const alertmanagerPayload = z
  .object({ ...groupFields, version: z.literal('4', { errorMap: () => ({ message: 'Alertmanager webhook payloads are version "4".' }) }) })
  .passthrough();

/** Grafana alerting's webhook contact point payload (version 1, with orgId, title, state, message). */
export const grafanaPayload = z
  .object({
    ...groupFields,
    version: z.string().max(10).optional(),
    orgId: z.number().int().optional(),
    title: z.string().max(2000).optional(),
    state: z.string().max(100).optional(),
    message: z.string().max(100_000).optional(),
  })
  .passthrough();

/** Herald's generic JSON: one alert from a script or any other tool. */
export const genericPayload = z
  .object({
    source: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'A short name of the sender: letters, digits, . _ - (at most 64).'),
    fingerprint: z.string().trim().min(1, 'Required.').max(200),
    status,
    title: z.string().trim().min(1, 'Required.').max(300, 'At most 300 characters.'),
    description: z.string().trim().max(10_000).optional(),
    severity: z.enum(SEVERITIES).optional(),
    component_ids: z.array(z.string().min(1).max(100)).max(100).optional(),
    url: z
      .string()
      .trim()
      .max(2000)
      .refine((v) => link(v) !== null, 'An absolute http(s) URL back to the alert.')
      .optional(),
    labels: labelSet.optional(),
  })
  .strict();

/** A Date from RFC 3339, or null for Go's zero time (Alertmanager's endsAt of a firing alert) and unreadable values. */
function parseTime(value: string | undefined): Date | null {
  if (!value || value.startsWith('0001-01-01')) return null;
  // JavaScript reads milliseconds: cut Alertmanager's nanoseconds to three digits.
  const d = new Date(value.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(d.getTime()) ? null : d;
}

/** An http(s) link back to the source, or null. */
function link(...candidates: (unknown | undefined)[]): string | null {
  for (const c of candidates) {
    if (typeof c !== 'string' || !c) continue;
    try {
      const u = new URL(c);
      if (u.protocol === 'http:' || u.protocol === 'https:') return u.toString().slice(0, 2000);
    } catch {
      // not a URL: try the next
    }
  }
  return null;
}

/** Alertmanager's own fingerprint when sent; otherwise one made the same way from the label set (sorted names). */
function labelFingerprint(labels: Record<string, string>): string {
  const text = Object.keys(labels)
    .sort()
    .map((k) => `${k}\u0000${labels[k]}`)
    .join('\u0001');
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The alerts of an Alertmanager or Grafana payload, each with the group's common labels and annotations under its own. */
export function fromGroupPayload(payload: z.infer<typeof alertmanagerPayload> | z.infer<typeof grafanaPayload>): IncomingAlert[] {
  return payload.alerts.map((a) => {
    const labels = { ...(payload.commonLabels ?? {}), ...a.labels };
    const annotations = { ...(payload.commonAnnotations ?? {}), ...(a.annotations ?? {}) };
    const title = annotations.summary || annotations.title || labels.alertname || 'Alert';
    const description = annotations.description || annotations.message || null;
    const extra = a as Record<string, unknown>;
    return {
      fingerprint: a.fingerprint ?? labelFingerprint(a.labels),
      status: a.status,
      title: clip(title.trim() || 'Alert', 300),
      description: description ? clip(description, 10_000) : null,
      labels,
      annotations,
      startsAt: parseTime(a.startsAt),
      endsAt: parseTime(a.endsAt),
      url: link(a.generatorURL, extra.panelURL, extra.dashboardURL),
      severity: null,
      componentIds: null,
    };
  });
}

export function fromGenericPayload(p: z.infer<typeof genericPayload>): IncomingAlert {
  return {
    fingerprint: p.fingerprint,
    status: p.status,
    title: p.title,
    description: p.description || null,
    labels: p.labels ?? {},
    annotations: {},
    startsAt: null,
    endsAt: null,
    url: link(p.url),
    severity: p.severity ?? null,
    componentIds: p.component_ids ? [...new Set(p.component_ids)] : null,
  };
}
