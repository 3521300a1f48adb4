// Components and component groups: /api/v1/components, /api/v1/component-groups (list, create, edit, delete, reorder).
import { asc, eq, inArray, isNull, max } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Executor } from '../../db/client.ts';
import { COMPONENT_STATUSES, componentGroups, components } from '../../db/schema.ts';
import { actorOf, requireRole, type AppEnv } from '../http/access.ts';
import { write } from '../audit/write.ts';
import { badRequest, notFound } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import { iso } from '../core/iso.ts';
import { jsonBody, oneLine } from '../http/validate.ts';

export type ComponentRow = typeof components.$inferSelect;
export type ComponentGroupRow = typeof componentGroups.$inferSelect;

export interface ComponentOut {
  id: string;
  name: string;
  description: string | null;
  status: ComponentRow['status'];
  group_id: string | null;
  position: number;
  showcase: boolean;
  only_show_if_degraded: boolean;
  start_date: string | null;
  /** The status a firing alert mapped to this component sets (restored when it resolves); null: off. */
  alert_status: ComponentRow['alertStatus'];
  created_at: string;
  updated_at: string;
}

export interface ComponentGroupOut {
  id: string;
  name: string;
  description: string | null;
  position: number;
  /** Ids of the group's components, in display order. */
  components: string[];
  created_at: string;
  updated_at: string;
}

function componentJson(c: ComponentRow): ComponentOut {
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    status: c.status,
    group_id: c.groupId,
    position: c.position,
    showcase: c.showcase,
    only_show_if_degraded: c.onlyShowIfDegraded,
    start_date: c.startDate,
    alert_status: c.alertStatus,
    created_at: iso(c.createdAt),
    updated_at: iso(c.updatedAt),
  };
}

function componentGroupJson(g: ComponentGroupRow, memberIds: string[]): ComponentGroupOut {
  return {
    id: g.id,
    name: g.name,
    description: g.description,
    position: g.position,
    components: memberIds,
    created_at: iso(g.createdAt),
    updated_at: iso(g.updatedAt),
  };
}

/** Every component in display order: by group, then position, then name. */
async function listComponents(db: Executor): Promise<ComponentRow[]> {
  return db.select().from(components).orderBy(asc(components.position), asc(components.name), asc(components.id));
}

async function listGroups(db: Executor): Promise<ComponentGroupOut[]> {
  const [groups, all] = await Promise.all([
    db.select().from(componentGroups).orderBy(asc(componentGroups.position), asc(componentGroups.name)),
    listComponents(db),
  ]);
  return groups.map((g) => componentGroupJson(g, all.filter((c) => c.groupId === g.id).map((c) => c.id)));
}

/** What component automation may set: an outage or degradation (never operational or maintenance). */
const ALERT_SETTABLE_STATUSES = ['degraded_performance', 'partial_outage', 'major_outage'] as const;

const name = oneLine(z.string().trim().min(1, 'Required.').max(200, 'At most 200 characters.'));
const description = z.string().trim().max(2000, 'At most 2000 characters.').nullable();
const position = z.number().int().min(0).max(1_000_000);
const groupId = z.string().min(1).max(100).nullable();
const startDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'A date like 2026-01-31.')
  .nullable();

const componentFields = {
  name,
  description: description.optional(),
  group_id: groupId.optional(),
  status: z.enum(COMPONENT_STATUSES).optional(),
  position: position.optional(),
  showcase: z.boolean().optional(),
  only_show_if_degraded: z.boolean().optional(),
  start_date: startDate.optional(),
  alert_status: z.enum(ALERT_SETTABLE_STATUSES).nullable().optional(),
};
const createComponentSchema = z.object(componentFields).strict();
const patchComponentSchema = z.object({ ...componentFields, name: name.optional() }).strict();
const groupFields = { name, description: description.optional(), position: position.optional() };
const createGroupSchema = z.object(groupFields).strict();
const patchGroupSchema = z.object({ ...groupFields, name: name.optional() }).strict();
const reorderSchema = z
  .object({ ids: z.array(z.string().min(1).max(100)).min(1).max(1000) })
  .strict()
  .refine((v) => new Set(v.ids).size === v.ids.length, { message: 'Each id once.', path: ['ids'] });

async function assertGroupExists(db: Executor, id: string | null | undefined): Promise<void> {
  if (!id) return;
  const found = await db.select({ id: componentGroups.id }).from(componentGroups).where(eq(componentGroups.id, id));
  if (!found[0]) throw badRequest('The component group does not exist.', { group_id: `No component group "${id}".` });
}

/** The next free position at the end of a group (or of the ungrouped components). */
async function nextComponentPosition(db: Executor, group: string | null): Promise<number> {
  const rows = await db
    .select({ top: max(components.position) })
    .from(components)
    .where(group ? eq(components.groupId, group) : isNull(components.groupId));
  const top = rows[0]?.top;
  return top === null || top === undefined ? 0 : top + 1;
}

/** True when two versions of a row differ at most in updatedAt. */
function sameExceptUpdatedAt<T extends { updatedAt: Date }>(a: T, b: T): boolean {
  const keys = Object.keys(a) as (keyof T)[];
  return keys.every((k) => k === 'updatedAt' || a[k] === b[k]);
}

async function findComponent(db: Executor, id: string): Promise<ComponentRow> {
  const rows = await db.select().from(components).where(eq(components.id, id));
  if (!rows[0]) throw notFound('component');
  return rows[0];
}

async function findGroup(db: Executor, id: string): Promise<ComponentGroupRow> {
  const rows = await db.select().from(componentGroups).where(eq(componentGroups.id, id));
  if (!rows[0]) throw notFound('component group');
  return rows[0];
}

export function componentRoutes() {
  const r = new Hono<AppEnv>();

  r.get('/components', requireRole('viewer'), async (c) => {
    const rows = await listComponents(c.get('deps').db);
    return c.json({ components: rows.map(componentJson) });
  });

  r.post('/components', requireRole('publisher'), jsonBody(createComponentSchema), async (c) => {
    const body = c.req.valid('json');
    const row = await write(c.get('deps'), actorOf(c), async (w) => {
      const { tx, now } = w;
      await assertGroupExists(tx, body.group_id);
      const group = body.group_id ?? null;
      const [values] = await tx
        .insert(components)
        .values({
        id: newId(),
        name: body.name,
        description: body.description ?? null,
        groupId: group,
        status: body.status ?? 'operational',
        position: body.position ?? (await nextComponentPosition(tx, group)),
        showcase: body.showcase ?? true,
        onlyShowIfDegraded: body.only_show_if_degraded ?? false,
        startDate: body.start_date ?? null,
        alertStatus: body.alert_status ?? null,
        createdAt: now,
        updatedAt: now,
        })
        .returning();
      if (!values) throw new Error('unreachable: insert returned no row');
      await w.audit({ action: 'component.create', entityType: 'component', entityId: values.id, after: values }, { public: true });
      return values;
    });
    return c.json(componentJson(row), 201);
  });

  r.post('/components/reorder', requireRole('publisher'), jsonBody(reorderSchema), async (c) => {
    const { ids } = c.req.valid('json');
    const rows = await write(c.get('deps'), actorOf(c), async (w) => {
      const { tx, now } = w;
      const found = await tx.select().from(components).where(inArray(components.id, ids));
      const unknown = ids.filter((id) => !found.some((f) => f.id === id));
      if (unknown.length) throw badRequest(`Unknown component ids: ${unknown.join(', ')}.`, { ids: `Unknown: ${unknown.join(', ')}` });
      const groups = new Set(found.map((f) => f.groupId));
      if (groups.size > 1) throw badRequest('Reorder the components of one group at a time.', { ids: 'The components are in different groups.' });
      const group = found[0]?.groupId ?? null;
      const siblings = await tx
        .select({ id: components.id })
        .from(components)
        .where(group ? eq(components.groupId, group) : isNull(components.groupId));
      if (siblings.length !== ids.length) {
        throw badRequest('List every component of the group, in the new order.', {
          ids: `The group has ${siblings.length} components; ${ids.length} were given.`,
        });
      }
      const before = found.map((f) => ({ id: f.id, position: f.position })).sort((a, b) => a.position - b.position);
      for (const [index, id] of ids.entries()) {
        await tx.update(components).set({ position: index, updatedAt: now }).where(eq(components.id, id));
      }
      await w.audit({ action: 'component.reorder', entityType: 'component_group', entityId: group, before, after: ids.map((id, position) => ({ id, position })) }, { public: true });
      return listComponents(tx);
    });
    return c.json({ components: rows.map(componentJson) });
  });

  r.get('/components/:id', requireRole('viewer'), async (c) => {
    return c.json(componentJson(await findComponent(c.get('deps').db, c.req.param('id'))));
  });

  r.patch('/components/:id', requireRole('publisher'), jsonBody(patchComponentSchema), async (c) => {
    const body = c.req.valid('json');
    const row = await write(c.get('deps'), actorOf(c), async (w) => {
      const { tx, now } = w;
      const before = await findComponent(tx, c.req.param('id'));
      await assertGroupExists(tx, body.group_id);
      const movesGroup = body.group_id !== undefined && body.group_id !== before.groupId;
      const group = body.group_id === undefined ? before.groupId : body.group_id;
      const after: ComponentRow = {
        ...before,
        name: body.name ?? before.name,
        description: body.description === undefined ? before.description : body.description,
        groupId: group,
        status: body.status ?? before.status,
        // a component moving to another group goes to its end unless a position is given
        position: body.position ?? (movesGroup ? await nextComponentPosition(tx, group) : before.position),
        showcase: body.showcase ?? before.showcase,
        onlyShowIfDegraded: body.only_show_if_degraded ?? before.onlyShowIfDegraded,
        startDate: body.start_date === undefined ? before.startDate : body.start_date,
        alertStatus: body.alert_status === undefined ? before.alertStatus : body.alert_status,
        updatedAt: now,
      };
      // nothing changed: no write, no audit entry, no cache invalidation
      if (sameExceptUpdatedAt(before, after)) return before;
      await tx.update(components).set(after).where(eq(components.id, before.id));
      if (after.status !== before.status) {
        await w.events.componentStatusChanged(tx, { componentId: before.id, oldStatus: before.status, newStatus: after.status, actor: w.actor, now });
      }
      await w.audit({ action: 'component.update', entityType: 'component', entityId: before.id, before, after }, { public: true });
      return after;
    });
    return c.json(componentJson(row));
  });

  r.delete('/components/:id', requireRole('publisher'), async (c) => {
    await write(c.get('deps'), actorOf(c), async (w) => {
      const { tx } = w;
      const before = await findComponent(tx, c.req.param('id'));
      await tx.delete(components).where(eq(components.id, before.id));
      await w.audit({ action: 'component.delete', entityType: 'component', entityId: before.id, before }, { public: true });
    });
    return c.body(null, 204);
  });

  r.get('/component-groups', requireRole('viewer'), async (c) => {
    return c.json({ component_groups: await listGroups(c.get('deps').db) });
  });

  r.post('/component-groups', requireRole('publisher'), jsonBody(createGroupSchema), async (c) => {
    const body = c.req.valid('json');
    const row = await write(c.get('deps'), actorOf(c), async (w) => {
      const { tx, now } = w;
      let pos = body.position;
      if (pos === undefined) {
        const top = (await tx.select({ top: max(componentGroups.position) }).from(componentGroups))[0]?.top;
        pos = top === null || top === undefined ? 0 : top + 1;
      }
      const [values] = await tx
        .insert(componentGroups)
        .values({ id: newId(), name: body.name, description: body.description ?? null, position: pos, createdAt: now, updatedAt: now })
        .returning();
      if (!values) throw new Error('unreachable: insert returned no row');
      await w.audit({ action: 'component_group.create', entityType: 'component_group', entityId: values.id, after: values }, { public: true });
      return values;
    });
    return c.json(componentGroupJson(row, []), 201);
  });

  r.post('/component-groups/reorder', requireRole('publisher'), jsonBody(reorderSchema), async (c) => {
    const { ids } = c.req.valid('json');
    const groups = await write(c.get('deps'), actorOf(c), async (w) => {
      const { tx, now } = w;
      const all = await tx.select().from(componentGroups);
      const unknown = ids.filter((id) => !all.some((g) => g.id === id));
      if (unknown.length) throw badRequest(`Unknown component group ids: ${unknown.join(', ')}.`, { ids: `Unknown: ${unknown.join(', ')}` });
      if (all.length !== ids.length) {
        throw badRequest('List every component group, in the new order.', { ids: `There are ${all.length} groups; ${ids.length} were given.` });
      }
      for (const [index, id] of ids.entries()) {
        await tx.update(componentGroups).set({ position: index, updatedAt: now }).where(eq(componentGroups.id, id));
      }
      const before = all.map((g) => ({ id: g.id, position: g.position })).sort((a, b) => a.position - b.position);
      await w.audit({ action: 'component_group.reorder', entityType: 'component_group', before, after: ids.map((id, position) => ({ id, position })) }, { public: true });
      return listGroups(tx);
    });
    return c.json({ component_groups: groups });
  });

  r.get('/component-groups/:id', requireRole('viewer'), async (c) => {
    const db = c.get('deps').db;
    const group = await findGroup(db, c.req.param('id'));
    const members = await db
      .select({ id: components.id })
      .from(components)
      .where(eq(components.groupId, group.id))
      .orderBy(asc(components.position), asc(components.name));
    return c.json(componentGroupJson(group, members.map((m) => m.id)));
  });

  r.patch('/component-groups/:id', requireRole('publisher'), jsonBody(patchGroupSchema), async (c) => {
    const body = c.req.valid('json');
    const out = await write(c.get('deps'), actorOf(c), async (w) => {
      const { tx, now } = w;
      const before = await findGroup(tx, c.req.param('id'));
      const after: ComponentGroupRow = {
        ...before,
        name: body.name ?? before.name,
        description: body.description === undefined ? before.description : body.description,
        position: body.position ?? before.position,
        updatedAt: now,
      };
      const changed = !sameExceptUpdatedAt(before, after);
      if (changed) {
        await tx.update(componentGroups).set(after).where(eq(componentGroups.id, before.id));
        await w.audit({ action: 'component_group.update', entityType: 'component_group', entityId: before.id, before, after }, { public: true });
      }
      const members = await tx
        .select({ id: components.id })
        .from(components)
        .where(eq(components.groupId, before.id))
        .orderBy(asc(components.position), asc(components.name));
      return componentGroupJson(changed ? after : before, members.map((m) => m.id));
    });
    return c.json(out);
  });

  r.delete('/component-groups/:id', requireRole('publisher'), async (c) => {
    await write(c.get('deps'), actorOf(c), async (w) => {
      const { tx, now } = w;
      const before = await findGroup(tx, c.req.param('id'));
      const members = await tx
        .select({ id: components.id })
        .from(components)
        .where(eq(components.groupId, before.id))
        .orderBy(asc(components.position), asc(components.name));
      // Its components stay, ungrouped, after the components that were already ungrouped.
      const start = await nextComponentPosition(tx, null);
      for (const [index, m] of members.entries()) {
        await tx.update(components).set({ groupId: null, position: start + index, updatedAt: now }).where(eq(components.id, m.id));
      }
      await tx.delete(componentGroups).where(eq(componentGroups.id, before.id));
      await w.audit(
        { action: 'component_group.delete', entityType: 'component_group', entityId: before.id, before: { ...before, components: members.map((m) => m.id) } },
        { public: true },
      );
    });
    return c.body(null, 204);
  });

  return r;
}
