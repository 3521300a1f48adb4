// /api/v1/incidents/:id/updates: post, edit, delete and publish update posts (drafts, scheduled, published).
import { and, eq, ne } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { STAGES, incidentUpdates } from '../../db/schema.ts';
import { actorOf, requireRole, roleAtLeast, type AppEnv } from '../http/access.ts';
import { write } from '../audit/write.ts';
import { badRequest, conflict } from '../core/errors.ts';
import { forbidden } from '../http/errors.ts';
import { componentMap, isoTime, markdown } from './incident-schemas.ts';
import { incidentsJson, updateOut } from './incident-json.ts';
import {
  assertComponentsExist,
  assertStatusForKind,
  assertTransition,
  createUpdate,
  findIncident,
  findUpdate,
  publishUpdate,
  type UpdateRow,
} from './incident-store.ts';
import { jsonBody, optionalJson } from '../http/validate.ts';

const status = z.string().min(1, 'Required.').max(40);

const createUpdateSchema = z
  .object({
    status,
    message: markdown,
    components: componentMap.optional(),
    stage: z.enum(STAGES).nullable().optional(),
    publish_at: isoTime.optional(),
    notify: z.boolean().optional(),
    draft: z.boolean().optional(),
  })
  .strict();

const patchUpdateSchema = z
  .object({
    status: status.optional(),
    message: markdown.optional(),
    components: componentMap.nullable().optional(),
    stage: z.enum(STAGES).nullable().optional(),
    publish_at: isoTime.nullable().optional(),
    notify: z.boolean().optional(),
    /** Only for published updates: correct the time shown publicly. */
    display_at: isoTime.optional(),
  })
  .strict();

const publishSchema = z.object({ publish_at: isoTime.optional() }).strict();

/** Everything an edit may touch, for the audit log's before/after. */
const auditable = (u: UpdateRow) => ({
  status: u.status,
  body: u.body,
  state: u.state,
  stage: u.stage,
  components: u.componentChanges,
  notify: u.notify,
  display_at: u.displayAt.toISOString(),
  publish_at: u.publishAt?.toISOString() ?? null,
});

export function incidentUpdateRoutes() {
  const r = new Hono<AppEnv>();

  r.post('/incidents/:id/updates', requireRole('editor'), jsonBody(createUpdateSchema), async (c) => {
    const deps = c.get('deps');
    const { db, clock } = deps;
    const body = c.req.valid('json');
    const update = await write(deps, actorOf(c), async (w) => {
      const incident = await findIncident(w.tx, c.req.param('id'));
      // A maintenance's status moves put components under maintenance and back: only its own route does that.
      if (incident.kind === 'maintenance') throw conflict('This is a maintenance: post its updates to /api/v1/maintenances/:id/updates.');
      return createUpdate(w, incident, { status: body.status, body: body.message, components: body.components, stage: body.stage, notify: body.notify, publishAt: body.publish_at, draft: body.draft });
    });
    const incident = await findIncident(db, update.incidentId);
    const [incidentOut] = await incidentsJson(db, [incident], clock.now());
    return c.json({ ...(await updateOut(db, update)), incident: incidentOut }, 201);
  });

  r.patch('/incidents/:id/updates/:update_id', requireRole('editor'), jsonBody(patchUpdateSchema), async (c) => {
    const deps = c.get('deps');
    const body = c.req.valid('json');
    const actor = actorOf(c);
    const publisher = roleAtLeast(actor.role, 'publisher');
    const saved = await write(deps, actor, async (w) => {
      const { tx, now } = w;
      const incident = await findIncident(tx, c.req.param('id'));
      const before = await findUpdate(tx, incident.id, c.req.param('update_id'));
      if (!publisher && before.state !== 'draft') throw forbidden('Editors may change drafts only; this update is ' + before.state + '.');
      const after: UpdateRow = { ...before, updatedAt: now };

      if (before.state === 'published') {
        const fixed = (['status', 'components', 'stage', 'publish_at', 'notify'] as const).filter((k) => body[k] !== undefined);
        if (fixed.length) {
          throw badRequest('A published update keeps its status, components and stage: post a new update instead.', Object.fromEntries(fixed.map((k) => [k, 'Cannot change on a published update.'])));
        }
        if (body.message !== undefined) after.body = body.message;
        if (body.display_at !== undefined) after.displayAt = body.display_at;
      } else {
        if (body.display_at !== undefined) throw badRequest('display_at is set when the update is published.', { display_at: 'Only for published updates.' });
        if (body.status !== undefined) {
          assertStatusForKind(incident.kind, body.status);
          assertTransition(incident, body.status);
          after.status = body.status;
        }
        if (body.components !== undefined) {
          await assertComponentsExist(tx, body.components);
          after.componentChanges = body.components && Object.keys(body.components).length ? body.components : null;
        }
        if (body.message !== undefined) after.body = body.message;
        if (body.stage !== undefined) after.stage = body.stage;
        if (body.notify !== undefined) after.notify = body.notify;
        if (body.publish_at !== undefined) {
          after.publishAt = body.publish_at;
          // A publisher's time (re)schedules the update, null takes it back to a draft; an
          // editor's time is only a proposal on the draft.
          if (publisher) {
            if (body.publish_at && body.publish_at.getTime() <= now.getTime()) {
              throw badRequest('The publish time has passed: publish it now instead (POST .../publish).', { publish_at: 'Must be in the future.' });
            }
            after.state = body.publish_at ? 'scheduled' : 'draft';
          }
          if (after.state === 'scheduled' && body.publish_at) after.displayAt = body.publish_at;
        }
      }

      await tx
        .update(incidentUpdates)
        .set({
          status: after.status,
          body: after.body,
          state: after.state,
          stage: after.stage,
          componentChanges: after.componentChanges,
          notify: after.notify,
          displayAt: after.displayAt,
          publishAt: after.publishAt,
          updatedAt: now,
        })
        // the state check keeps an edit from racing the scheduler's publication
        .where(and(eq(incidentUpdates.id, before.id), eq(incidentUpdates.state, before.state)));
      await w.audit(
        { action: 'incident_update.edit', entityType: 'incident_update', entityId: before.id, incidentId: incident.id, before: auditable(before), after: auditable(after) },
        { public: before.state === 'published' },
      );
      return after;
    });
    return c.json(await updateOut(deps.db, saved));
  });

  r.delete('/incidents/:id/updates/:update_id', requireRole('editor'), async (c) => {
    const actor = actorOf(c);
    await write(c.get('deps'), actor, async (w) => {
      const { tx } = w;
      const incident = await findIncident(tx, c.req.param('id'));
      const before = await findUpdate(tx, incident.id, c.req.param('update_id'));
      if (!roleAtLeast(actor.role, 'publisher') && before.state !== 'draft') throw forbidden('Editors may delete drafts only; this update is ' + before.state + '.');
      if (before.state === 'published') {
        const others = await tx
          .select({ id: incidentUpdates.id })
          .from(incidentUpdates)
          .where(and(eq(incidentUpdates.incidentId, incident.id), eq(incidentUpdates.state, 'published'), ne(incidentUpdates.id, before.id)))
          .limit(1);
        if (!others.length) throw conflict('This is the only published update of a public incident: edit it instead of deleting it.');
      }
      await tx.delete(incidentUpdates).where(eq(incidentUpdates.id, before.id));
      await w.audit(
        { action: 'incident_update.delete', entityType: 'incident_update', entityId: before.id, incidentId: incident.id, before: auditable(before) },
        { public: before.state === 'published' },
      );
    });
    return c.body(null, 204);
  });

  r.post('/incidents/:id/updates/:update_id/publish', requireRole('publisher'), async (c) => {
    const deps = c.get('deps');
    const { db, clock } = deps;
    const body = await optionalJson(c, publishSchema);
    const update = await write(deps, actorOf(c), async (w) => {
      const { tx, now } = w;
      const incident = await findIncident(tx, c.req.param('id'));
      const before = await findUpdate(tx, incident.id, c.req.param('update_id'));
      if (before.state === 'published') throw conflict('This update is already published.');
      if (body.publish_at && body.publish_at.getTime() > now.getTime()) {
        // Scheduling, not publishing: the worker publishes it at that time.
        assertTransition(incident, before.status);
        const after: UpdateRow = { ...before, state: 'scheduled', publishAt: body.publish_at, displayAt: body.publish_at, updatedAt: now };
        await tx
          .update(incidentUpdates)
          .set({ state: after.state, publishAt: after.publishAt, displayAt: after.displayAt, updatedAt: now })
          .where(and(eq(incidentUpdates.id, before.id), eq(incidentUpdates.state, before.state)));
        await w.audit({ action: 'incident_update.schedule', entityType: 'incident_update', entityId: before.id, incidentId: incident.id, before: auditable(before), after: auditable(after) });
        return after;
      }
      const published = await publishUpdate(w, before.id, { from: ['draft', 'scheduled'] });
      if (!published) throw conflict('This update was published by someone else a moment ago.');
      return published.update;
    });
    const incident = await findIncident(db, update.incidentId);
    const [incidentOut] = await incidentsJson(db, [incident], clock.now());
    return c.json({ ...(await updateOut(db, update)), incident: incidentOut });
  });

  return r;
}
