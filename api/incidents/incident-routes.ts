// /api/v1/incidents: list, open, read and edit incidents; the update routes are mounted from update-routes.ts (escalating is api/response/'s).
import { and, desc, eq, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { INCIDENT_STATUSES, SEVERITIES, STAGES, incidents } from '../../db/schema.ts';
import { actorOf, requireRole, roleAtLeast, type AppEnv } from '../http/access.ts';
import { write } from '../audit/write.ts';
import { badRequest } from '../core/errors.ts';
import { forbidden } from '../http/errors.ts';
import { incidentDetailJson, incidentsJson } from './incident-json.ts';
import { KIND_RULES } from './incident-status.ts';
import type { DB } from '../../db/client.ts';
import { assertUsersExist, findIncident, openIncident, openOf, recomputeNextUpdateDue, type IncidentRow } from './incident-store.ts';
import { MAX_ESCALATION_LEVEL } from './incident-timing.ts';
import { incidentUpdateRoutes } from './update-routes.ts';
import { isoTime, markdown, componentMap, userRef } from './incident-schemas.ts';
import { getSettings } from '../core/settings.ts';
import { jsonBody, oneLine, queryParams } from '../http/validate.ts';

const createIncidentSchema = z
  .object({
    title: oneLine(z.string().trim().min(1, 'Required.').max(300, 'At most 300 characters.')),
    severity: z.enum(SEVERITIES),
    status: z.enum(INCIDENT_STATUSES).optional(),
    message: markdown,
    components: componentMap.optional(),
    notify: z.boolean().optional(),
    commander_id: userRef.optional(),
    tech_lead_id: userRef.optional(),
    comms_lead_id: userRef.optional(),
    stage: z.enum(STAGES).optional(),
    /** Publish the first update later; the incident stays private until then. */
    publish_at: isoTime.optional(),
    /** A publisher may save the new incident as a draft. */
    draft: z.boolean().optional(),
    /** When the incident really began, if earlier than now. */
    started_at: isoTime.optional(),
    /** A security incident: calls for escalation; the console warns before public text names it. */
    security: z.boolean().optional(),
  })
  .strict();

const patchIncidentSchema = z
  .object({
    title: oneLine(z.string().trim().min(1, 'Required.').max(300, 'At most 300 characters.')).optional(),
    severity: z.enum(SEVERITIES).optional(),
    commander_id: userRef.optional(),
    tech_lead_id: userRef.optional(),
    comms_lead_id: userRef.optional(),
    stage: z.enum(STAGES).optional(),
    escalation_level: z.number().int().min(0).max(MAX_ESCALATION_LEVEL).optional(),
    started_at: isoTime.optional(),
    security: z.boolean().optional(),
  })
  .strict();

const listSchema = z.object({
  status: z.enum(['open', 'resolved', 'all']).default('all'),
  kind: z.enum(['incident', 'maintenance']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  /** The id of the last incident of the previous page. */
  before: z.string().min(1).max(100).optional(),
});

const ROLE_FIELDS = [
  ['commander_id', 'commanderId'],
  ['tech_lead_id', 'techLeadId'],
  ['comms_lead_id', 'commsLeadId'],
] as const;

const CLOSED_STATUSES = Object.values(KIND_RULES).map((r) => r.closed);

/** A page of the console's incident list, newest first, `limit + 1` rows (the extra one says a next page exists). */
export function incidentListQuery(db: DB, q: Pick<z.infer<typeof listSchema>, 'kind' | 'status' | 'limit'>, cursor?: { startedAt: Date; id: string }) {
  const where: SQL[] = [];
  // Each kind's open statuses by name (openOf, the kind included), over incidents_kind_status_idx: NOT IN the closed
  // ones walked the whole history newest first looking for a page of open incidents (the dashboard asks for up to 100).
  if (q.status === 'open') where.push(q.kind ? openOf(q.kind) : or(openOf('incident'), openOf('maintenance'))!);
  else if (q.kind) where.push(eq(incidents.kind, q.kind));
  if (q.status === 'resolved') where.push(inArray(incidents.status, CLOSED_STATUSES));
  if (cursor) where.push(or(lt(incidents.startedAt, cursor.startedAt), and(eq(incidents.startedAt, cursor.startedAt), lt(incidents.id, cursor.id)))!);
  // The open ones are few: found by status, then sorted. Ordered by the start time's index, SQLite would walk that
  // through the whole history instead; the unary plus keeps it from choosing it.
  const started = q.status === 'open' ? sql`+${incidents.startedAt}` : incidents.startedAt;
  return db
    .select()
    .from(incidents)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(started), desc(incidents.id))
    .limit(q.limit + 1);
}

export function incidentRoutes() {
  const r = new Hono<AppEnv>();

  r.get('/incidents', requireRole('viewer'), queryParams(listSchema), async (c) => {
    const { db, clock } = c.get('deps');
    const q = c.req.valid('query');
    let cursor: { startedAt: Date; id: string } | undefined;
    if (q.before) {
      [cursor] = await db.select({ startedAt: incidents.startedAt, id: incidents.id }).from(incidents).where(eq(incidents.id, q.before));
      if (!cursor) throw badRequest('Unknown cursor.', { before: `No incident "${q.before}".` });
    }
    const rows = await incidentListQuery(db, q, cursor);
    const page = rows.slice(0, q.limit);
    const items = await incidentsJson(db, page, clock.now());
    return c.json({ incidents: items, next_before: rows.length > q.limit ? (page.at(-1)?.id ?? null) : null });
  });

  r.post('/incidents', requireRole('editor'), jsonBody(createIncidentSchema), async (c) => {
    const deps = c.get('deps');
    const { db, clock } = deps;
    const body = c.req.valid('json');
    const opened = await write(deps, actorOf(c), (w) =>
      openIncident(w, {
        title: body.title,
        severity: body.severity,
        status: body.status,
        message: body.message,
        components: body.components,
        notify: body.notify,
        commanderId: body.commander_id,
        techLeadId: body.tech_lead_id,
        commsLeadId: body.comms_lead_id,
        stage: body.stage,
        security: body.security,
        publishAt: body.publish_at,
        draft: body.draft,
        startedAt: body.started_at,
      }),
    );
    const incident = await findIncident(db, opened.id);
    return c.json(await incidentDetailJson(db, incident, clock.now()), 201);
  });

  r.get('/incidents/:id', requireRole('viewer'), async (c) => {
    const { db, clock } = c.get('deps');
    const incident = await findIncident(db, c.req.param('id'));
    return c.json(await incidentDetailJson(db, incident, clock.now()));
  });

  r.patch('/incidents/:id', requireRole('editor'), jsonBody(patchIncidentSchema), async (c) => {
    const deps = c.get('deps');
    const { db, clock } = deps;
    const body = c.req.valid('json');
    const actor = actorOf(c);
    if (body.started_at && body.started_at.getTime() > clock.now().getTime()) {
      throw badRequest('The start time is in the future.', { started_at: 'Must not be in the future.' });
    }
    await write(deps, actor, async (w) => {
      const { tx, now } = w;
      const before = await findIncident(tx, c.req.param('id'));
      // An editor may shape a draft incident; once public, changes are a publisher's.
      if (before.publishedAt && !roleAtLeast(actor.role, 'publisher')) {
        throw forbidden('This incident is public: changing it needs the publisher role.');
      }
      if (body.severity && before.kind !== 'incident') throw badRequest('Maintenance has no severity.', { severity: 'Not for maintenance.' });
      await assertUsersExist(tx, { commander_id: body.commander_id, tech_lead_id: body.tech_lead_id, comms_lead_id: body.comms_lead_id });

      const after: IncidentRow = { ...before, updatedAt: now };
      const audits: { action: string; before: Record<string, unknown>; after: Record<string, unknown> }[] = [];
      let publicChange = false;
      if (body.title !== undefined && body.title !== before.title) {
        after.title = body.title;
        audits.push({ action: 'incident.title', before: { title: before.title }, after: { title: body.title } });
        publicChange = true;
      }
      if (body.severity !== undefined && body.severity !== before.severity) {
        after.severity = body.severity;
        after.impact = (await getSettings(tx)).severities[body.severity].impact;
        audits.push({ action: 'incident.severity', before: { severity: before.severity, impact: before.impact }, after: { severity: after.severity, impact: after.impact } });
        publicChange = true;
      }
      for (const [field, column] of ROLE_FIELDS) {
        const value = body[field];
        if (value !== undefined && value !== before[column]) {
          after[column] = value;
          audits.push({ action: 'incident.role', before: { [field]: before[column] }, after: { [field]: value } });
        }
      }
      if (body.stage !== undefined && body.stage !== before.stage) {
        after.stage = body.stage;
        audits.push({ action: 'incident.stage', before: { stage: before.stage }, after: { stage: body.stage } });
      }
      if (body.escalation_level !== undefined && body.escalation_level !== before.escalationLevel) {
        after.escalationLevel = body.escalation_level;
        audits.push({ action: 'incident.escalation', before: { escalation_level: before.escalationLevel }, after: { escalation_level: body.escalation_level } });
      }
      if (body.security !== undefined && body.security !== before.security) {
        after.security = body.security;
        audits.push({ action: 'incident.security', before: { security: before.security }, after: { security: body.security } });
      }
      if (body.started_at !== undefined && body.started_at.getTime() !== before.startedAt.getTime()) {
        after.startedAt = body.started_at;
        audits.push({ action: 'incident.started_at', before: { started_at: before.startedAt.toISOString() }, after: { started_at: body.started_at.toISOString() } });
        publicChange = true;
      }
      if (!audits.length) return;
      if (after.severity !== before.severity) after.nextUpdateDueAt = await recomputeNextUpdateDue(tx, after);
      await tx
        .update(incidents)
        .set({
          title: after.title,
          severity: after.severity,
          impact: after.impact,
          commanderId: after.commanderId,
          techLeadId: after.techLeadId,
          commsLeadId: after.commsLeadId,
          stage: after.stage,
          escalationLevel: after.escalationLevel,
          security: after.security,
          startedAt: after.startedAt,
          nextUpdateDueAt: after.nextUpdateDueAt,
          updatedAt: now,
        })
        .where(eq(incidents.id, before.id));
      for (const a of audits) {
        await w.audit({ action: a.action, entityType: 'incident', entityId: before.id, incidentId: before.id, before: a.before, after: a.after });
      }
      if (publicChange && before.publishedAt) w.changedPublic();
      await w.events.incidentChanged(tx, { before, incident: after, actor: w.actor, now });
    });
    const incident = await findIncident(db, c.req.param('id'));
    return c.json(await incidentDetailJson(db, incident, clock.now()));
  });

  r.route('/', incidentUpdateRoutes());
  return r;
}
