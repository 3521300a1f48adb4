// /api/v1/templates: incident templates (title, first update, severity, components) picked when opening an incident.
import { asc, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Executor } from '../../db/client.ts';
import { SEVERITIES, incidentTemplates } from '../../db/schema.ts';
import { actorOf, requireRole, type AppEnv } from '../http/access.ts';
import { write } from '../audit/write.ts';
import { notFound } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import { componentMap, markdown } from './incident-schemas.ts';
import { assertComponentsExist } from './incident-store.ts';
import { iso } from '../core/iso.ts';
import { jsonBody, oneLine } from '../http/validate.ts';

type TemplateRow = typeof incidentTemplates.$inferSelect;

export interface TemplateOut {
  id: string;
  name: string;
  title: string;
  body: string;
  severity: TemplateRow['severity'];
  components: TemplateRow['components'];
  created_at: string;
  updated_at: string;
}

function templateJson(t: TemplateRow): TemplateOut {
  return {
    id: t.id,
    name: t.name,
    title: t.title,
    body: t.body,
    severity: t.severity,
    components: t.components,
    created_at: iso(t.createdAt),
    updated_at: iso(t.updatedAt),
  };
}

const fields = {
  name: oneLine(z.string().trim().min(1, 'Required.').max(100, 'At most 100 characters.')),
  title: oneLine(z.string().trim().min(1, 'Required.').max(300, 'At most 300 characters.')),
  body: markdown,
  severity: z.enum(SEVERITIES),
  components: componentMap.optional(),
};
const createSchema = z.object(fields).strict();
const patchSchema = z
  .object({ ...fields, name: fields.name.optional(), title: fields.title.optional(), body: markdown.optional(), severity: fields.severity.optional() })
  .strict();

async function findTemplate(db: Executor, id: string): Promise<TemplateRow> {
  const rows = await db.select().from(incidentTemplates).where(eq(incidentTemplates.id, id)).limit(1);
  if (!rows[0]) throw notFound('template');
  return rows[0];
}

export function templateRoutes() {
  const r = new Hono<AppEnv>();

  r.get('/templates', requireRole('viewer'), async (c) => {
    const rows = await c.get('deps').db.select().from(incidentTemplates).orderBy(asc(incidentTemplates.name), asc(incidentTemplates.id));
    return c.json({ templates: rows.map(templateJson) });
  });

  r.get('/templates/:id', requireRole('viewer'), async (c) => c.json(templateJson(await findTemplate(c.get('deps').db, c.req.param('id')))));

  // Templates shape what goes public, so managing them is a publisher's job.
  r.post('/templates', requireRole('publisher'), jsonBody(createSchema), async (c) => {
    const body = c.req.valid('json');
    const row = await write(c.get('deps'), actorOf(c), async (w) => {
      const { tx, now } = w;
      await assertComponentsExist(tx, body.components);
      const row: TemplateRow = { id: newId(), name: body.name, title: body.title, body: body.body, severity: body.severity, components: body.components ?? {}, createdAt: now, updatedAt: now };
      await tx.insert(incidentTemplates).values(row);
      await w.audit({ action: 'template.create', entityType: 'template', entityId: row.id, after: templateJson(row) });
      return row;
    });
    return c.json(templateJson(row), 201);
  });

  r.patch('/templates/:id', requireRole('publisher'), jsonBody(patchSchema), async (c) => {
    const body = c.req.valid('json');
    const row = await write(c.get('deps'), actorOf(c), async (w) => {
      const { tx, now } = w;
      const before = await findTemplate(tx, c.req.param('id'));
      await assertComponentsExist(tx, body.components);
      const after: TemplateRow = {
        ...before,
        name: body.name ?? before.name,
        title: body.title ?? before.title,
        body: body.body ?? before.body,
        severity: body.severity ?? before.severity,
        components: body.components ?? before.components,
        updatedAt: now,
      };
      const { id: _id, createdAt: _created, ...changes } = after;
      await tx.update(incidentTemplates).set(changes).where(eq(incidentTemplates.id, before.id));
      await w.audit({ action: 'template.update', entityType: 'template', entityId: before.id, before: templateJson(before), after: templateJson(after) });
      return after;
    });
    return c.json(templateJson(row));
  });

  r.delete('/templates/:id', requireRole('publisher'), async (c) => {
    await write(c.get('deps'), actorOf(c), async (w) => {
      const { tx } = w;
      const before = await findTemplate(tx, c.req.param('id'));
      await tx.delete(incidentTemplates).where(eq(incidentTemplates.id, before.id));
      await w.audit({ action: 'template.delete', entityType: 'template', entityId: before.id, before: templateJson(before) });
    });
    return c.body(null, 204);
  });

  return r;
}
