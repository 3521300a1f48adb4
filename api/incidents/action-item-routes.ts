// Follow-up action items from incidents: per incident and across incidents (open ones, overdue first); every change audited on the incident.
import { and, asc, desc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Executor } from '../../db/client.ts';
import { actionItems, incidents, postmortems, users } from '../../db/schema.ts';
import { actorOf, requireRole, roleAtLeast, type AppEnv } from '../http/access.ts';
import { forbidden } from '../http/errors.ts';
import type { Actor } from '../core/actor.ts';
import { write } from '../audit/write.ts';
import { notFound } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import { assertUsersExist, findIncident } from './incident-store.ts';
import { iso, isoOrNull } from '../core/iso.ts';
import { jsonBody, oneLine, queryParams } from '../http/validate.ts';

export type ActionItemRow = typeof actionItems.$inferSelect;

export interface ActionItemOut {
  id: string;
  incident_id: string;
  incident_title: string;
  title: string;
  owner_id: string | null;
  owner_name: string | null;
  due_at: string | null;
  done: boolean;
  done_at: string | null;
  /** Shown on the public postmortem; internal otherwise. */
  public: boolean;
  /** Open and past its due time. */
  overdue: boolean;
  created_at: string;
  updated_at: string;
}

const title = oneLine(z.string().trim().min(1, 'Required.').max(500, 'At most 500 characters.'));
const ownerId = z.string().min(1).max(100).nullable();
const dueAt = z
  .string()
  .datetime({ offset: true, message: 'An ISO-8601 time like 2026-02-01T17:00:00Z.' })
  .transform((s) => new Date(s))
  .nullable();

const createSchema = z
  .object({ title, owner_id: ownerId.optional(), due_at: dueAt.optional(), public: z.boolean().default(false), done: z.boolean().default(false) })
  .strict();
const patchSchema = z
  .object({ title: title.optional(), owner_id: ownerId.optional(), due_at: dueAt.optional(), done: z.boolean().optional(), public: z.boolean().optional() })
  .strict();
const listSchema = z.object({
  open: z.enum(['true', 'false']).optional(),
  owner_id: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});

const columns = {
  item: actionItems,
  incidentTitle: incidents.title,
  ownerName: users.name,
};

function itemJson(r: { item: ActionItemRow; incidentTitle: string; ownerName: string | null }, now: Date): ActionItemOut {
  const { item } = r;
  return {
    id: item.id,
    incident_id: item.incidentId,
    incident_title: r.incidentTitle,
    title: item.title,
    owner_id: item.ownerId,
    owner_name: r.ownerName,
    due_at: isoOrNull(item.dueAt),
    done: item.doneAt !== null,
    done_at: isoOrNull(item.doneAt),
    public: item.public,
    overdue: item.doneAt === null && item.dueAt !== null && item.dueAt.getTime() < now.getTime(),
    created_at: iso(item.createdAt),
    updated_at: iso(item.updatedAt),
  };
}

/**
 * Action items, open ones first; among open ones overdue first (oldest due first), then the rest
 * by due time (no due time last); done ones after, most recently done first.
 */
async function listActionItems(db: Executor, now: Date, where?: SQL, limit = 500): Promise<ActionItemOut[]> {
  const rows = await db
    .select(columns)
    .from(actionItems)
    .innerJoin(incidents, eq(incidents.id, actionItems.incidentId))
    .leftJoin(users, eq(users.id, actionItems.ownerId))
    .where(where)
    .orderBy(
      sql`case when ${actionItems.doneAt} is null then 0 else 1 end`,
      sql`case when ${actionItems.doneAt} is null and ${actionItems.dueAt} < ${now.getTime()} then 0 else 1 end`,
      sql`case when ${actionItems.dueAt} is null then 1 else 0 end`,
      asc(actionItems.dueAt),
      desc(actionItems.doneAt),
      asc(actionItems.createdAt),
      asc(actionItems.id),
    )
    .limit(limit);
  return rows.map((r) => itemJson(r, now));
}

async function findItem(db: Executor, id: string): Promise<ActionItemRow> {
  const rows = await db.select().from(actionItems).where(eq(actionItems.id, id));
  if (!rows[0]) throw notFound('action item');
  return rows[0];
}

async function itemOut(db: Executor, id: string, now: Date): Promise<ActionItemOut> {
  const [out] = await listActionItems(db, now, eq(actionItems.id, id), 1);
  if (!out) throw notFound('action item');
  return out;
}

/** Whether the incident's postmortem is public: only then do public items change a public page. */
async function postmortemIsPublic(db: Executor, incidentId: string): Promise<boolean> {
  const rows = await db.select({ published: postmortems.publishedAt }).from(postmortems).where(eq(postmortems.incidentId, incidentId));
  return !!rows[0]?.published;
}

/**
 * A public item of a published postmortem is on the public page at once: changing one (creating, editing,
 * closing, making public or private, deleting) is a publisher's, as publishing the postmortem is. Editors keep
 * every other change, and public items of an unpublished postmortem reach the page only when a publisher publishes.
 */
async function assertMayChangePublicPage(db: Executor, actor: Actor, incidentId: string): Promise<boolean> {
  if (!(await postmortemIsPublic(db, incidentId))) return false;
  if (!roleAtLeast(actor.role, 'publisher')) {
    throw forbidden('This action item is shown on the published postmortem: changing it needs the publisher role.');
  }
  return true;
}

/** The item's fields as the audit log keeps them (what the timeline shows). */
const auditView = (i: Pick<ActionItemRow, 'title' | 'ownerId' | 'dueAt' | 'doneAt' | 'public'>) => ({
  title: i.title,
  owner_id: i.ownerId,
  due_at: isoOrNull(i.dueAt),
  done: i.doneAt !== null,
  public: i.public,
});

export function actionItemRoutes() {
  const r = new Hono<AppEnv>();

  r.get('/action-items', requireRole('viewer'), queryParams(listSchema), async (c) => {
    const { db, clock } = c.get('deps');
    const q = c.req.valid('query');
    const parts: SQL[] = [];
    if (q.open === 'true') parts.push(isNull(actionItems.doneAt));
    if (q.open === 'false') parts.push(sql`${actionItems.doneAt} is not null`);
    if (q.owner_id) parts.push(eq(actionItems.ownerId, q.owner_id));
    return c.json({ action_items: await listActionItems(db, clock.now(), parts.length ? and(...parts) : undefined, q.limit) });
  });

  r.get('/incidents/:id/action-items', requireRole('viewer'), async (c) => {
    const { db, clock } = c.get('deps');
    const incident = await findIncident(db, c.req.param('id'), 'incident');
    return c.json({ action_items: await listActionItems(db, clock.now(), eq(actionItems.incidentId, incident.id)) });
  });

  r.post('/incidents/:id/action-items', requireRole('editor'), jsonBody(createSchema), async (c) => {
    const deps = c.get('deps');
    const body = c.req.valid('json');
    const id = newId();
    const at = await write(deps, actorOf(c), async (w) => {
      const { tx, now } = w;
      const incident = await findIncident(tx, c.req.param('id'), 'incident');
      await assertUsersExist(tx, { owner_id: body.owner_id });
      const row = {
        id,
        incidentId: incident.id,
        title: body.title,
        ownerId: body.owner_id ?? null,
        dueAt: body.due_at ?? null,
        doneAt: body.done ? now : null,
        public: body.public,
        createdAt: now,
        updatedAt: now,
      };
      await tx.insert(actionItems).values(row);
      await w.audit(
        { action: 'action_item.create', entityType: 'action_item', entityId: id, incidentId: incident.id, after: auditView(row) },
        { public: row.public && (await assertMayChangePublicPage(tx, w.actor, incident.id)) },
      );
      return now;
    });
    return c.json(await itemOut(deps.db, id, at), 201);
  });

  r.patch('/action-items/:id', requireRole('editor'), jsonBody(patchSchema), async (c) => {
    const deps = c.get('deps');
    const body = c.req.valid('json');
    const id = c.req.param('id');
    const at = await write(deps, actorOf(c), async (w) => {
      const { tx, now } = w;
      const before = await findItem(tx, id);
      await assertUsersExist(tx, { owner_id: body.owner_id });
      const after: ActionItemRow = {
        ...before,
        title: body.title ?? before.title,
        ownerId: body.owner_id === undefined ? before.ownerId : body.owner_id,
        dueAt: body.due_at === undefined ? before.dueAt : body.due_at,
        // Closing keeps the first close time; reopening clears it.
        doneAt: body.done === undefined ? before.doneAt : body.done ? (before.doneAt ?? now) : null,
        public: body.public ?? before.public,
        updatedAt: now,
      };
      const was = auditView(before);
      const is = auditView(after);
      const changed = (Object.keys(is) as (keyof typeof is)[]).filter((k) => was[k] !== is[k]);
      if (!changed.length) return now;
      await tx
        .update(actionItems)
        .set({ title: after.title, ownerId: after.ownerId, dueAt: after.dueAt, doneAt: after.doneAt, public: after.public, updatedAt: now })
        .where(eq(actionItems.id, id));
      const pick = (v: Record<string, unknown>) => Object.fromEntries(changed.map((k) => [k, v[k]]));
      const action = changed.length === 1 && changed[0] === 'done' ? (is.done ? 'action_item.close' : 'action_item.reopen') : 'action_item.edit';
      await w.audit(
        { action, entityType: 'action_item', entityId: id, incidentId: before.incidentId, before: { title: before.title, ...pick(was) }, after: { title: after.title, ...pick(is) } },
        { public: (before.public || after.public) && (await assertMayChangePublicPage(tx, w.actor, before.incidentId)) },
      );
      return now;
    });
    return c.json(await itemOut(deps.db, id, at));
  });

  r.delete('/action-items/:id', requireRole('editor'), async (c) => {
    const id = c.req.param('id');
    await write(c.get('deps'), actorOf(c), async (w) => {
      const { tx } = w;
      const before = await findItem(tx, id);
      await tx.delete(actionItems).where(eq(actionItems.id, id));
      await w.audit(
        { action: 'action_item.delete', entityType: 'action_item', entityId: id, incidentId: before.incidentId, before: auditView(before) },
        { public: before.public && (await assertMayChangePublicPage(tx, w.actor, before.incidentId)) },
      );
    });
    return c.body(null, 204);
  });

  return r;
}
