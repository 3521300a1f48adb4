// GET /api/v1/reports/uptime: the uptime report as JSON, or CSV with `Accept: text/csv` (or `format=csv`, for links).
import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { components, componentGroups } from '../../db/schema.ts';
import { requireRole, type AppEnv } from '../http/access.ts';
import { badRequest } from '../core/errors.ts';
import { queryParams } from '../http/validate.ts';
import { getSettings } from '../core/settings.ts';
import { safeTimeZone } from '../core/time-format.ts';
import { buildUptimeReport, currentMonth, daysBetween, MAX_REPORT_DAYS, parseCivilDate, uptimeReportCsv } from './uptime-report.ts';

const day = z
  .string()
  .max(10)
  .refine((v) => parseCivilDate(v) !== null, 'A date like 2026-01-31.');

const query = z.object({
  from: day.optional(),
  to: day.optional(),
  component_id: z.string().min(1).max(100).optional(),
  format: z.enum(['json', 'csv']).optional(),
});

/** True when the client asks for CSV rather than JSON. */
function wantsCsv(accept: string | undefined, format: string | undefined): boolean {
  if (format) return format === 'csv';
  return /\btext\/csv\b/i.test(accept ?? '') && !/\bapplication\/json\b/i.test(accept ?? '');
}

export function reportRoutes() {
  const r = new Hono<AppEnv>();

  r.get('/reports/uptime', requireRole('viewer'), queryParams(query), async (c) => {
    const deps = c.get('deps');
    const q = c.req.valid('query');
    const tz = safeTimeZone((await getSettings(deps.db)).timeZone);
    const month = currentMonth(deps.clock.now().getTime(), tz);
    const from = q.from ? parseCivilDate(q.from)! : month.from;
    const to = q.to ? parseCivilDate(q.to)! : month.to;
    const n = daysBetween(from, to);
    if (n < 1) throw badRequest('`from` is after `to`.', { from: 'Must not be after `to`.' });
    if (n > MAX_REPORT_DAYS) throw badRequest(`A report covers at most ${MAX_REPORT_DAYS} days; this range has ${n}.`, { to: `At most ${MAX_REPORT_DAYS} days after \`from\`.` });

    let componentIds: string[] | undefined;
    if (q.component_id) {
      const id = q.component_id;
      const [component] = await deps.db.select({ id: components.id }).from(components).where(eq(components.id, id));
      if (component) componentIds = [id];
      else {
        // A group's report is its components'.
        const [group] = await deps.db.select({ id: componentGroups.id }).from(componentGroups).where(eq(componentGroups.id, id));
        if (!group) throw badRequest(`No component or group "${id}".`, { component_id: `No component or group "${id}".` });
        componentIds = (await deps.db.select({ id: components.id }).from(components).where(eq(components.groupId, id))).map((x) => x.id);
      }
    }

    const report = await buildUptimeReport(deps, { from, to, componentIds });
    if (wantsCsv(c.req.header('accept'), q.format)) {
      c.header('Content-Type', 'text/csv; charset=utf-8');
      c.header('Content-Disposition', `attachment; filename="uptime-${report.from}-to-${report.to}.csv"`);
      return c.body(uptimeReportCsv(report));
    }
    return c.json(report);
  });

  return r;
}
