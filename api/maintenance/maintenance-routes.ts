// Scheduled maintenance in the admin API: /api/v1/maintenances (list, schedule, edit, move status, post updates).
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Executor } from '../../db/client.ts';
import { components, incidentComponents, incidents, incidentUpdates, MAINTENANCE_STATUSES, users, type ComponentStatus } from '../../db/schema.ts';
import { actorOf, requireRole, type AppEnv } from '../http/access.ts';
import { write } from '../audit/write.ts';
import { badRequest, conflict, invalidTransition, notFound } from '../core/errors.ts';
import { updateJson, type UpdateOut } from '../incidents/incident-json.ts';
import { assertComponentsExist, findIncident } from '../incidents/incident-store.ts';
import { iso, isoOrNull } from '../core/iso.ts';
import { changeActiveComponents, createMaintenance, isActive, moveMaintenance, type MaintenanceRow } from './maintenance-lifecycle.ts';
import { reminderDueAt } from './maintenance-worker.ts';
import { jsonBody, oneLine, queryParams } from '../http/validate.ts';
import { ACTIVE_MAINTENANCE_STATUSES, UPCOMING_MAINTENANCE_STATUSES } from '../core/vocabulary.ts';

interface MaintenanceComponentOut {
  id: string;
  name: string;
  status: ComponentStatus;
  /** The status it had when the maintenance started (restored at completion); null before the start. */
  previous_status: ComponentStatus | null;
}

export interface MaintenanceOut {
  id: string;
  kind: 'maintenance';
  title: string;
  name: string;
  status: string;
  impact: string;
  /** The description: the body of the first ("scheduled") update. */
  message: string;
  components: MaintenanceComponentOut[];
  component_ids: string[];
  scheduled_for: string | null;
  scheduled_until: string | null;
  auto_start: boolean;
  auto_complete: boolean;
  remind_before_minutes: number | null;
  /** When the reminder is due (null without one), and when the worker sent it. */
  remind_at: string | null;
  reminder_sent_at: string | null;
  /** When it really started (null while scheduled) and completed. */
  started_at: string | null;
  completed_at: string | null;
  published_at: string | null;
  created_at: string;
  updated_at: string;
  /** Newest first. */
  updates: UpdateOut[];
}

const WINDOW_MAX_DAYS = 366;
const DAY = 86_400_000;

const title = oneLine(z.string().trim().min(1, 'Required.').max(200, 'At most 200 characters.'));
const message = z.string().trim().min(1, 'Required.').max(20_000, 'At most 20000 characters.');
const instant = z
  .string()
  .datetime({ offset: true, message: 'An ISO-8601 time like 2026-01-31T22:00:00Z.' })
  .transform((s) => new Date(s));
const componentIds = z.array(z.string().min(1).max(100)).max(500);
const remind = z.number().int().min(1, 'At least 1 minute.').max(60 * 24 * 30, 'At most 30 days (43200 minutes).').nullable();

/** What is wrong with a window (reported on scheduled_until), or null. */
function windowError(from: Date | null | undefined, until: Date | null | undefined): string | null {
  if (!from || !until) return null;
  if (until.getTime() <= from.getTime()) return 'Must be after the start (scheduled_for).';
  if (until.getTime() - from.getTime() > WINDOW_MAX_DAYS * DAY) return `A window is at most ${WINDOW_MAX_DAYS} days.`;
  return null;
}

function checkWindow(from: Date, until: Date, ctx: z.RefinementCtx) {
  const error = windowError(from, until);
  if (error) ctx.addIssue({ code: 'custom', path: ['scheduled_until'], message: error });
}

const createSchema = z
  .object({
    title,
    message,
    components: componentIds.default([]),
    scheduled_for: instant,
    scheduled_until: instant,
    auto_start: z.boolean().default(false),
    auto_complete: z.boolean().default(false),
    remind_before_minutes: remind.optional(),
    notify: z.boolean().default(true),
  })
  .strict()
  .superRefine((v, ctx) => checkWindow(v.scheduled_for, v.scheduled_until, ctx));

const patchSchema = z
  .object({
    title: title.optional(),
    message: message.optional(),
    components: componentIds.optional(),
    scheduled_for: instant.optional(),
    scheduled_until: instant.optional(),
    auto_start: z.boolean().optional(),
    auto_complete: z.boolean().optional(),
    remind_before_minutes: remind.optional(),
    status: z.enum(MAINTENANCE_STATUSES).optional(),
    /** Only with `status`: whether subscribers hear about the move. */
    notify: z.boolean().optional(),
  })
  .strict();

const updateSchema = z
  .object({
    status: z.enum(MAINTENANCE_STATUSES),
    message,
    notify: z.boolean().default(true),
  })
  .strict();

const listSchema = z.object({
  status: z.enum([...MAINTENANCE_STATUSES, 'upcoming', 'active', 'open']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

/** The maintenance JSON for rows (components, updates and the description in a few queries). */
async function maintenancesJson(db: Executor, rows: MaintenanceRow[]): Promise<MaintenanceOut[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const [links, updates, names] = await Promise.all([
    db
      .select({
        incidentId: incidentComponents.incidentId,
        id: components.id,
        name: components.name,
        status: components.status,
        previous: incidentComponents.previousStatus,
        position: components.position,
      })
      .from(incidentComponents)
      .innerJoin(components, eq(components.id, incidentComponents.componentId))
      .where(inArray(incidentComponents.incidentId, ids))
      .orderBy(asc(components.position), asc(components.name)),
    db
      .select()
      .from(incidentUpdates)
      .where(inArray(incidentUpdates.incidentId, ids))
      .orderBy(desc(incidentUpdates.displayAt), desc(incidentUpdates.createdAt)),
    db.select({ id: users.id, name: users.name }).from(users),
  ]);
  const nameMap = new Map(names.map((u) => [u.id, u.name]));
  return rows.map((m) => {
    const own = updates.filter((u) => u.incidentId === m.id);
    const first = own[own.length - 1];
    const comps = links.filter((l) => l.incidentId === m.id);
    const remindAt = reminderDueAt(m);
    return {
      id: m.id,
      kind: 'maintenance',
      title: m.title,
      name: m.title,
      status: m.status,
      impact: m.impact,
      message: first?.body ?? '',
      components: comps.map((l) => ({ id: l.id, name: l.name, status: l.status, previous_status: l.previous })),
      component_ids: comps.map((l) => l.id),
      scheduled_for: isoOrNull(m.scheduledFor),
      scheduled_until: isoOrNull(m.scheduledUntil),
      auto_start: m.autoStart,
      auto_complete: m.autoComplete,
      remind_before_minutes: m.remindBeforeMinutes,
      remind_at: isoOrNull(remindAt),
      reminder_sent_at: isoOrNull(m.reminderSentAt),
      started_at: m.status === 'scheduled' ? null : iso(m.startedAt),
      completed_at: isoOrNull(m.resolvedAt),
      published_at: isoOrNull(m.publishedAt),
      created_at: iso(m.createdAt),
      updated_at: iso(m.updatedAt),
      updates: own.map((u) => updateJson(u, nameMap)),
    };
  });
}

async function maintenanceOut(db: Executor, id: string): Promise<MaintenanceOut> {
  const row = await findIncident(db, id, 'maintenance');
  const [out] = await maintenancesJson(db, [row]);
  if (!out) throw notFound('maintenance');
  return out;
}

export function maintenanceRoutes() {
  const r = new Hono<AppEnv>();

  r.get('/maintenances', requireRole('viewer'), queryParams(listSchema), async (c) => {
    const { db } = c.get('deps');
    const q = c.req.valid('query');
    const statuses =
      q.status === 'upcoming'
        ? [...UPCOMING_MAINTENANCE_STATUSES]
        : q.status === 'active'
          ? [...ACTIVE_MAINTENANCE_STATUSES]
          : q.status === 'open'
            ? [...UPCOMING_MAINTENANCE_STATUSES, ...ACTIVE_MAINTENANCE_STATUSES]
            : q.status
              ? [q.status]
              : null;
    const where = statuses ? and(eq(incidents.kind, 'maintenance'), inArray(incidents.status, statuses)) : eq(incidents.kind, 'maintenance');
    // Open ones soonest first (what comes next); the full list newest first.
    const order = statuses && !statuses.includes('completed') ? [asc(incidents.scheduledFor), asc(incidents.id)] : [desc(incidents.scheduledFor), desc(incidents.id)];
    const rows = await db
      .select()
      .from(incidents)
      .where(where)
      .orderBy(...order)
      .limit(q.limit);
    return c.json({ maintenances: await maintenancesJson(db, rows) });
  });

  r.post('/maintenances', requireRole('publisher'), jsonBody(createSchema), async (c) => {
    const deps = c.get('deps');
    const body = c.req.valid('json');
    const id = await write(deps, actorOf(c), async (w) => {
      await assertComponentsExist(w.tx, Object.fromEntries(body.components.map((id) => [id, 'under_maintenance' as const])));
      const m = await createMaintenance(w, {
        title: body.title,
        message: body.message,
        components: body.components,
        scheduledFor: body.scheduled_for,
        scheduledUntil: body.scheduled_until,
        autoStart: body.auto_start,
        autoComplete: body.auto_complete,
        remindBeforeMinutes: body.remind_before_minutes ?? null,
        notify: body.notify,
      });
      return m.id;
    });
    return c.json(await maintenanceOut(deps.db, id), 201);
  });

  r.get('/maintenances/:id', requireRole('viewer'), async (c) => {
    return c.json(await maintenanceOut(c.get('deps').db, c.req.param('id')));
  });

  r.patch('/maintenances/:id', requireRole('publisher'), jsonBody(patchSchema), async (c) => {
    const deps = c.get('deps');
    const body = c.req.valid('json');
    const id = c.req.param('id');
    await write(deps, actorOf(c), async (w) => {
      const { tx, now } = w;
      const m = await findIncident(tx, id, 'maintenance');
      const closed = m.status === 'completed';
      // Only real changes count: a client may send the whole plan back unchanged (a PUT-like PATCH).
      const linked = (await tx.select({ id: incidentComponents.componentId }).from(incidentComponents).where(eq(incidentComponents.incidentId, m.id))).map((l) => l.id);
      const sameSet = (a: string[], b: string[]) => new Set(a).size === new Set(b).size && a.every((x) => b.includes(x));
      const changes = {
        components: body.components !== undefined && !sameSet(body.components, linked),
        scheduledFor: body.scheduled_for !== undefined && body.scheduled_for.getTime() !== m.scheduledFor?.getTime(),
        scheduledUntil: body.scheduled_until !== undefined && body.scheduled_until.getTime() !== m.scheduledUntil?.getTime(),
        autoStart: body.auto_start !== undefined && body.auto_start !== m.autoStart,
        autoComplete: body.auto_complete !== undefined && body.auto_complete !== m.autoComplete,
        remind: body.remind_before_minutes !== undefined && body.remind_before_minutes !== m.remindBeforeMinutes,
      };
      if (closed && Object.values(changes).some(Boolean)) throw invalidTransition('This maintenance is completed: only its title and description can still be edited.');
      if (m.status !== 'scheduled' && (changes.scheduledFor || changes.remind)) {
        throw invalidTransition('The maintenance has started: its start time and reminder can no longer change (the end time still can).');
      }

      const windowProblem = windowError(body.scheduled_for ?? m.scheduledFor, body.scheduled_until ?? m.scheduledUntil);
      if (windowProblem) throw badRequest(`The request is not valid: scheduled_until: ${windowProblem}`, { scheduled_until: windowProblem });

      const before: Record<string, unknown> = {};
      const after: Record<string, unknown> = {};
      const set: Partial<typeof incidents.$inferInsert> = {};
      const note = (key: string, was: unknown, now_: unknown) => {
        before[key] = was;
        after[key] = now_;
      };
      if (body.title !== undefined && body.title !== m.title) {
        set.title = body.title;
        note('title', m.title, body.title);
      }
      if (body.scheduled_for && body.scheduled_for.getTime() !== m.scheduledFor?.getTime()) {
        set.scheduledFor = body.scheduled_for;
        set.startedAt = body.scheduled_for;
        note('scheduled_for', isoOrNull(m.scheduledFor), iso(body.scheduled_for));
      }
      if (body.scheduled_until && body.scheduled_until.getTime() !== m.scheduledUntil?.getTime()) {
        set.scheduledUntil = body.scheduled_until;
        note('scheduled_until', isoOrNull(m.scheduledUntil), iso(body.scheduled_until));
      }
      if (body.auto_start !== undefined && body.auto_start !== m.autoStart) {
        set.autoStart = body.auto_start;
        note('auto_start', m.autoStart, body.auto_start);
      }
      if (body.auto_complete !== undefined && body.auto_complete !== m.autoComplete) {
        set.autoComplete = body.auto_complete;
        note('auto_complete', m.autoComplete, body.auto_complete);
      }
      if (body.remind_before_minutes !== undefined && body.remind_before_minutes !== m.remindBeforeMinutes) {
        set.remindBeforeMinutes = body.remind_before_minutes;
        note('remind_before_minutes', m.remindBeforeMinutes, body.remind_before_minutes);
      }
      // A new start or reminder time is a new reminder: the old one (sent or not) was for another time.
      if (set.scheduledFor !== undefined || set.remindBeforeMinutes !== undefined) set.reminderSentAt = null;

      if (body.components !== undefined) {
        await assertComponentsExist(tx, Object.fromEntries(body.components.map((cid) => [cid, 'under_maintenance' as const])));
        const current = linked;
        const wanted = [...new Set(body.components)];
        const added = wanted.filter((cid) => !current.includes(cid));
        const removed = current.filter((cid) => !wanted.includes(cid));
        if (added.length || removed.length) {
          if (isActive(m.status)) await changeActiveComponents(tx, m, added, removed, now);
          else {
            if (removed.length)
              await tx.delete(incidentComponents).where(and(eq(incidentComponents.incidentId, m.id), inArray(incidentComponents.componentId, removed)));
            if (added.length) await tx.insert(incidentComponents).values(added.map((componentId) => ({ incidentId: m.id, componentId })));
          }
          note('components', current, wanted);
        }
      }

      if (body.message !== undefined) {
        const [first] = await tx
          .select()
          .from(incidentUpdates)
          .where(eq(incidentUpdates.incidentId, m.id))
          .orderBy(asc(incidentUpdates.createdAt), asc(incidentUpdates.displayAt))
          .limit(1);
        if (first && first.body !== body.message) {
          await tx.update(incidentUpdates).set({ body: body.message, updatedAt: now }).where(eq(incidentUpdates.id, first.id));
          note('message', first.body, body.message);
        }
      }

      const edited = Object.keys(after).length > 0;
      if (edited) {
        await tx
          .update(incidents)
          .set({ ...set, updatedAt: now })
          .where(eq(incidents.id, m.id));
        await w.audit({ action: 'maintenance.edit', entityType: 'maintenance', entityId: m.id, incidentId: m.id, before, after }, { public: true });
      }

      if (body.status !== undefined && body.status !== m.status) {
        const fresh = edited ? await findIncident(tx, m.id, 'maintenance') : m;
        const moved = await moveMaintenance(w, fresh, body.status, { notify: body.notify ?? true });
        if (!moved) throw conflict('The maintenance changed status meanwhile; reload and try again.');
      }
    });
    return c.json(await maintenanceOut(deps.db, id));
  });

  r.post('/maintenances/:id/updates', requireRole('publisher'), jsonBody(updateSchema), async (c) => {
    const deps = c.get('deps');
    const body = c.req.valid('json');
    const id = c.req.param('id');
    const updateId = await write(deps, actorOf(c), async (w) => {
      const m = await findIncident(w.tx, id, 'maintenance');
      const moved = await moveMaintenance(w, m, body.status, { notify: body.notify, message: body.message });
      if (!moved) throw conflict('The maintenance changed status meanwhile; reload and try again.');
      return moved.update.id;
    });
    const out = await maintenanceOut(deps.db, id);
    return c.json({ update: out.updates.find((u) => u.id === updateId) ?? null, maintenance: out }, 201);
  });

  return r;
}
