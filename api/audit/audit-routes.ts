// GET /api/v1/audit: the audit log, newest first, filterable by user, incident, action and entity; paged by id.
import { and, desc, eq, like, lt, type SQL } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { auditLog, users } from '../../db/schema.ts';
import { requireRole, type AppEnv } from '../http/access.ts';
import { iso } from '../core/iso.ts';
import { queryParams } from '../http/validate.ts';

const listSchema = z
  .object({
    user_id: z.string().min(1).max(100).optional(),
    incident_id: z.string().min(1).max(100).optional(),
    entity_type: z.string().min(1).max(50).optional(),
    entity_id: z.string().min(1).max(100).optional(),
    /** An action ("incident.stage") or a prefix ending in a dot ("incident."). */
    action: z.string().min(1).max(100).regex(/^[a-z_.]+$/, 'Letters, dots and underscores.').optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    /** The id of the last event of the previous page. */
    before: z.coerce.number().int().min(1).optional(),
  })
  .strict();

export interface AuditEventOut {
  id: number;
  at: string;
  user_id: string | null;
  user_name: string | null;
  token_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  incident_id: string | null;
  before: unknown;
  after: unknown;
}

export function auditRoutes() {
  const r = new Hono<AppEnv>();

  // Viewers read admin data; the log holds no secrets (writers record rows without hashes).
  r.get('/audit', requireRole('viewer'), queryParams(listSchema), async (c) => {
    const { db } = c.get('deps');
    const q = c.req.valid('query');
    const where: SQL[] = [];
    if (q.user_id) where.push(eq(auditLog.userId, q.user_id));
    if (q.incident_id) where.push(eq(auditLog.incidentId, q.incident_id));
    if (q.entity_type) where.push(eq(auditLog.entityType, q.entity_type));
    if (q.entity_id) where.push(eq(auditLog.entityId, q.entity_id));
    if (q.action) where.push(q.action.endsWith('.') ? like(auditLog.action, `${q.action}%`) : eq(auditLog.action, q.action));
    if (q.before) where.push(lt(auditLog.id, q.before));
    const rows = await db
      .select({ event: auditLog, userName: users.name })
      .from(auditLog)
      .leftJoin(users, eq(users.id, auditLog.userId))
      .where(where.length ? and(...where) : undefined)
      .orderBy(desc(auditLog.id))
      .limit(q.limit + 1);
    const page = rows.slice(0, q.limit);
    const events: AuditEventOut[] = page.map(({ event: e, userName }) => ({
      id: e.id,
      at: iso(e.at),
      user_id: e.userId,
      user_name: userName ?? null,
      token_id: e.tokenId,
      action: e.action,
      entity_type: e.entityType,
      entity_id: e.entityId,
      incident_id: e.incidentId,
      before: e.before,
      after: e.after,
    }));
    return c.json({ events, next_before: rows.length > q.limit ? (page.at(-1)?.event.id ?? null) : null });
  });

  return r;
}
