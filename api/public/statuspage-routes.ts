// /api/v2: the Statuspage public API routes (mounted with CORS * by createApp) over the read model.
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../http/access.ts';
import type {
IncidentsResponse,MaintenancesResponse
} from './statuspage-types.ts';

// Routes (mounted at /api/v2 with CORS * by createApp)

import { getComponentsJson, getStatusJson, getSummary, listIncidentsJson, listMaintenancesJson, loadPageContext, type ListIncidentsOptions, type MaintenanceSelection } from './statuspage-read.ts';

export function statuspageRoutes() {
  const r = new Hono<AppEnv>();
  r.get('/summary.json', async (c) => c.json(await getSummary(c.get('deps'))));
  r.get('/status.json', async (c) => c.json(await getStatusJson(c.get('deps'))));
  r.get('/components.json', async (c) => c.json(await getComponentsJson(c.get('deps'))));
  const incidentsRoute = (opts: ListIncidentsOptions) => async (c: Context<AppEnv>) => {
    const deps = c.get('deps');
    const ctx = await loadPageContext(deps);
    const body: IncidentsResponse = { page: ctx.page, incidents: await listIncidentsJson(deps, opts, ctx) };
    return c.json(body);
  };
  r.get('/incidents.json', incidentsRoute({}));
  r.get('/incidents/unresolved.json', incidentsRoute({ unresolvedOnly: true }));
  const maintenanceRoute = (which: MaintenanceSelection) => async (c: Context<AppEnv>) => {
    const deps = c.get('deps');
    const ctx = await loadPageContext(deps);
    const body: MaintenancesResponse = { page: ctx.page, scheduled_maintenances: await listMaintenancesJson(deps, which, ctx) };
    return c.json(body);
  };
  r.get('/scheduled-maintenances.json', maintenanceRoute('all'));
  r.get('/scheduled-maintenances/upcoming.json', maintenanceRoute('upcoming'));
  r.get('/scheduled-maintenances/active.json', maintenanceRoute('active'));
  return r;
}
