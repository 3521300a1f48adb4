// /api/v1/alerts: intake from Alertmanager, Grafana and scripts (tokens with alerts scope), the list, and what a
// person decides: declare an incident, attach to one, dismiss.
import { Hono } from 'hono';
import { z } from 'zod';
import { ALERT_STATES, INCIDENT_STATUSES, SEVERITIES } from '../../db/schema.ts';
import { actorOf, requireAlertIntake, requireRole, type AppEnv } from '../http/access.ts';
import { jsonBody, queryParams } from '../http/validate.ts';
import { write } from '../audit/write.ts';
import { componentMap, isoTime, markdown, userRef } from '../incidents/incident-schemas.ts';
import { incidentDetailJson } from '../incidents/incident-json.ts';
import { alertmanagerPayload, fromGenericPayload, fromGroupPayload, genericPayload, grafanaPayload, type IncomingAlert } from './alert-payloads.ts';
import { alertsJson, attachAlert, declareAlert, dismissAlert, findAlert, listAlerts, receiveAlerts } from './alert-store.ts';
import type { Context } from 'hono';

const listQuery = z.object({
  state: z.enum(ALERT_STATES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.string().min(1).max(100).optional(),
});

const declareSchema = z
  .object({
    title: z.string().trim().min(1, 'Required.').max(300, 'At most 300 characters.').optional(),
    severity: z.enum(SEVERITIES).optional(),
    message: markdown.optional(),
    components: componentMap.optional(),
    status: z.enum(INCIDENT_STATUSES).optional(),
    notify: z.boolean().optional(),
    draft: z.boolean().optional(),
    publish_at: isoTime.optional(),
    commander_id: userRef.optional(),
    tech_lead_id: userRef.optional(),
    comms_lead_id: userRef.optional(),
    security: z.boolean().optional(),
  })
  .strict();

const attachSchema = z.object({ incident_id: z.string().min(1, 'Required.').max(100) }).strict();
const dismissSchema = z.object({ reason: z.string().trim().max(1000, 'At most 1000 characters.').optional() }).strict();

async function intake(c: Context<AppEnv>, source: string, incoming: IncomingAlert[]) {
  const deps = c.get('deps');
  const results = await write(deps, actorOf(c), (w) => receiveAlerts(w, source, incoming));
  return c.json({ alerts: results }, 202);
}

export function alertRoutes() {
  const r = new Hono<AppEnv>();

  r.post('/alerts/alertmanager', requireAlertIntake, jsonBody(alertmanagerPayload), (c) => intake(c, 'alertmanager', fromGroupPayload(c.req.valid('json'))));
  r.post('/alerts/grafana', requireAlertIntake, jsonBody(grafanaPayload), (c) => intake(c, 'grafana', fromGroupPayload(c.req.valid('json'))));
  r.post('/alerts', requireAlertIntake, jsonBody(genericPayload), (c) => {
    const body = c.req.valid('json');
    return intake(c, body.source, [fromGenericPayload(body)]);
  });

  r.get('/alerts', requireRole('viewer'), queryParams(listQuery), async (c) => {
    const { db, clock } = c.get('deps');
    const q = c.req.valid('query');
    const page = await listAlerts(db, q);
    return c.json({ alerts: await alertsJson(db, page.alerts, clock.now()), counts: page.counts, next_before: page.nextBefore });
  });

  r.get('/alerts/:id', requireRole('viewer'), async (c) => {
    const { db, clock } = c.get('deps');
    const [out] = await alertsJson(db, [await findAlert(db, c.req.param('id'))], clock.now());
    return c.json(out);
  });

  // Declaring opens an incident: an editor's is a draft, as when opening one by hand.
  r.post('/alerts/:id/declare', requireRole('editor'), jsonBody(declareSchema), async (c) => {
    const deps = c.get('deps');
    const b = c.req.valid('json');
    const incident = await write(deps, actorOf(c), (w) =>
      declareAlert(w, c.req.param('id'), {
        title: b.title,
        severity: b.severity,
        message: b.message,
        components: b.components,
        status: b.status,
        notify: b.notify,
        draft: b.draft,
        publishAt: b.publish_at,
        commanderId: b.commander_id,
        techLeadId: b.tech_lead_id,
        commsLeadId: b.comms_lead_id,
        security: b.security,
      }),
    );
    return c.json(await incidentDetailJson(deps.db, incident, deps.clock.now()), 201);
  });

  r.post('/alerts/:id/attach', requireRole('editor'), jsonBody(attachSchema), async (c) => {
    const deps = c.get('deps');
    const { incident_id } = c.req.valid('json');
    const row = await write(deps, actorOf(c), (w) => attachAlert(w, c.req.param('id'), incident_id));
    const [out] = await alertsJson(deps.db, [row], deps.clock.now());
    return c.json(out);
  });

  r.post('/alerts/:id/dismiss', requireRole('editor'), jsonBody(dismissSchema), async (c) => {
    const deps = c.get('deps');
    const { reason } = c.req.valid('json');
    const row = await write(deps, actorOf(c), (w) => dismissAlert(w, c.req.param('id'), reason || null));
    const [out] = await alertsJson(deps.db, [row], deps.clock.now());
    return c.json(out);
  });

  return r;
}
