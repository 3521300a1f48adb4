// Demo and test data for the public pages: row builders, and a realistic demo page (`node --import tsx test/support/seed-demo.ts <db-url>`).
import { inArray } from 'drizzle-orm';
import { openMigratedDatabase, type DB } from '../../db/client.ts';
import {
  componentGroups,
  components,
  incidentComponents,
  incidents,
  incidentUpdates,
  type AffectedComponent,
  type ComponentStatus,
  type Impact,
  type Severity,
} from '../../db/schema.ts';
import { bumpContentVersion } from '../../api/audit/audit.ts';
import { newId } from '../../api/core/ids.ts';
import { putSettings } from '../../api/core/settings.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export async function addGroup(db: DB, g: { name: string; position?: number; at?: Date }): Promise<string> {
  const id = newId();
  const at = g.at ?? new Date();
  await db.insert(componentGroups).values({ id, name: g.name, position: g.position ?? 0, createdAt: at, updatedAt: at });
  return id;
}

export async function addComponent(
  db: DB,
  c: { name: string; groupId?: string | null; status?: ComponentStatus; position?: number; createdAt: Date; updatedAt?: Date; description?: string; startDate?: string },
): Promise<string> {
  const id = newId();
  await db.insert(components).values({
    id,
    name: c.name,
    description: c.description ?? null,
    groupId: c.groupId ?? null,
    status: c.status ?? 'operational',
    position: c.position ?? 0,
    startDate: c.startDate ?? null,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt ?? c.createdAt,
  });
  return id;
}

interface SeedUpdate {
  status: string;
  body: string;
  at: Date;
  /** component id → [old, new] */
  affected?: Record<string, [ComponentStatus, ComponentStatus]>;
  state?: 'published' | 'draft' | 'scheduled';
}

export interface SeedIncident {
  kind?: 'incident' | 'maintenance';
  title: string;
  severity?: Severity | null;
  impact: Impact;
  status: string;
  startedAt: Date;
  resolvedAt?: Date | null;
  monitoringAt?: Date | null;
  scheduledFor?: Date | null;
  scheduledUntil?: Date | null;
  componentIds?: string[];
  updates: SeedUpdate[];
}

/** Inserts an incident (or maintenance) and its updates; public when at least one update is published. */
export async function addIncident(db: DB, inc: SeedIncident): Promise<string> {
  const id = newId();
  const published = inc.updates.filter((u) => (u.state ?? 'published') === 'published');
  const firstPublished = published.reduce<Date | null>((a, u) => (!a || u.at < a ? u.at : a), null);
  const ids = [...new Set([...(inc.componentIds ?? []), ...inc.updates.flatMap((u) => Object.keys(u.affected ?? {}))])];
  const names = new Map<string, string>();
  if (ids.length) {
    for (const r of await db.select({ id: components.id, name: components.name }).from(components).where(inArray(components.id, ids))) {
      names.set(r.id, r.name);
    }
  }
  const last = inc.updates.reduce<Date>((a, u) => (u.at > a ? u.at : a), inc.startedAt);
  await db.insert(incidents).values({
    id,
    kind: inc.kind ?? 'incident',
    title: inc.title,
    severity: inc.severity === undefined ? (inc.kind === 'maintenance' ? null : 'P3') : inc.severity,
    status: inc.status,
    impact: inc.impact,
    startedAt: inc.startedAt,
    resolvedAt: inc.resolvedAt ?? null,
    monitoringAt: inc.monitoringAt ?? null,
    scheduledFor: inc.scheduledFor ?? null,
    scheduledUntil: inc.scheduledUntil ?? null,
    publishedAt: firstPublished,
    createdAt: inc.startedAt,
    updatedAt: last,
  });
  if (ids.length) await db.insert(incidentComponents).values(ids.map((componentId) => ({ incidentId: id, componentId })));
  for (const u of inc.updates) {
    const state = u.state ?? 'published';
    const affected: AffectedComponent[] | null = u.affected
      ? Object.entries(u.affected).map(([code, [old_status, new_status]]) => ({ code, name: names.get(code) ?? code, old_status, new_status }))
      : null;
    await db.insert(incidentUpdates).values({
      id: newId(),
      incidentId: id,
      status: u.status,
      body: u.body,
      state,
      affectedComponents: affected,
      createdAt: u.at,
      updatedAt: u.at,
      displayAt: u.at,
      publishedAt: state === 'published' ? u.at : null,
    });
  }
  return id;
}

export interface DemoIds {
  api: string;
  dashboard: string;
  search: string;
  database: string;
  activeIncident: string;
  monitoringIncident: string;
  maintenance: string;
  resolvedIncident: string;
}

/** A page that looks lived-in: groups, an active incident with several updates, a degraded component, maintenance, history. */
export async function seedDemo(db: DB, now: Date = new Date()): Promise<DemoIds> {
  const t = now.getTime();
  const ago = (ms: number) => new Date(t - ms);
  const created = ago(120 * DAY);
  await putSettings(db, { pageName: 'Acme Cloud' }, now);

  const core = await addGroup(db, { name: 'Core platform', position: 0, at: created });
  const data = await addGroup(db, { name: 'Data services', position: 1, at: created });
  const api = await addComponent(db, { name: 'API', groupId: core, position: 0, createdAt: created, status: 'partial_outage', updatedAt: ago(38 * MIN), description: 'REST and GraphQL endpoints' });
  const dashboard = await addComponent(db, { name: 'Dashboard', groupId: core, position: 1, createdAt: created, status: 'degraded_performance', updatedAt: ago(38 * MIN) });
  const auth = await addComponent(db, { name: 'Authentication', groupId: core, position: 2, createdAt: created });
  const webhooks = await addComponent(db, { name: 'Webhooks', groupId: core, position: 3, createdAt: created });
  const database = await addComponent(db, { name: 'Managed databases', groupId: data, position: 0, createdAt: created });
  const storage = await addComponent(db, { name: 'Object storage', groupId: data, position: 1, createdAt: created });
  const search = await addComponent(db, { name: 'Search', groupId: data, position: 2, createdAt: created, status: 'degraded_performance', updatedAt: ago(5 * HOUR) });
  await addComponent(db, { name: 'Website', position: 10, createdAt: created });
  const email = await addComponent(db, { name: 'Email delivery', position: 11, createdAt: ago(60 * DAY) });

  const activeIncident = await addIncident(db, {
    title: 'Elevated error rates on the API',
    severity: 'P2',
    impact: 'major',
    status: 'identified',
    startedAt: ago(52 * MIN),
    updates: [
      {
        status: 'investigating',
        at: ago(48 * MIN),
        body: 'We are investigating elevated **5xx error rates** on API requests in the EU region. Some dashboard pages may load slowly.',
        affected: { [api]: ['operational', 'degraded_performance'], [dashboard]: ['operational', 'degraded_performance'] },
      },
      {
        status: 'identified',
        at: ago(38 * MIN),
        body: 'The errors started after a configuration change to one of our load balancers. About 20% of API requests fail with `502 Bad Gateway`.',
        affected: { [api]: ['degraded_performance', 'partial_outage'] },
      },
      {
        status: 'identified',
        at: ago(9 * MIN),
        body: 'We are rolling the change back region by region. Error rates are falling in `eu-west-1`; `eu-central-1` is next.\n\n- Retries with backoff succeed for most clients\n- No data has been lost',
      },
    ],
  });
  const monitoringIncident = await addIncident(db, {
    title: 'Search results lag behind recent writes',
    severity: 'P3',
    impact: 'minor',
    status: 'monitoring',
    startedAt: ago(5 * HOUR),
    monitoringAt: ago(70 * MIN),
    updates: [
      { status: 'investigating', at: ago(5 * HOUR), body: 'New documents take up to 10 minutes to appear in search results.', affected: { [search]: ['operational', 'degraded_performance'] } },
      { status: 'monitoring', at: ago(70 * MIN), body: 'We added indexing capacity and the backlog is draining. We are monitoring until indexing delay is back under a minute.' },
    ],
  });
  const maintenance = await addIncident(db, {
    kind: 'maintenance',
    title: 'Managed database storage upgrade',
    impact: 'maintenance',
    status: 'scheduled',
    // As the API keeps it: started_at is the window's start until the maintenance begins.
    startedAt: new Date(t + 2 * DAY + 3 * HOUR),
    scheduledFor: new Date(t + 2 * DAY + 3 * HOUR),
    scheduledUntil: new Date(t + 2 * DAY + 5 * HOUR),
    componentIds: [database],
    updates: [
      {
        status: 'scheduled',
        at: ago(2 * DAY),
        body: 'We will move database volumes to faster storage. Expect brief (under 30 s) connection resets per cluster; no action is needed.',
      },
    ],
  });

  // History: resolved incidents and a completed maintenance spread over the 90-day window.
  const past = async (daysAgo: number, hours: number, title: string, impact: Impact, comp: string, worst: ComponentStatus, body: string) => {
    // At 09:00 UTC of that day, whatever the time now: an incident of a few hours then stays within its day in the
    // page's zone (UTC), where one started at "now minus N days" crossed midnight in the evening (on two days' bars).
    const day = ago(daysAgo * DAY);
    const start = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 9));
    const end = new Date(start.getTime() + hours * HOUR);
    return addIncident(db, {
      title,
      impact,
      severity: impact === 'critical' ? 'P1' : impact === 'major' ? 'P2' : 'P3',
      status: 'resolved',
      startedAt: start,
      resolvedAt: end,
      updates: [
        { status: 'investigating', at: start, body, affected: { [comp]: ['operational', worst] } },
        { status: 'monitoring', at: new Date(start.getTime() + hours * 0.7 * HOUR), body: 'A fix has been deployed and we are monitoring the results.' },
        { status: 'resolved', at: end, body: 'This incident has been resolved.', affected: { [comp]: [worst, 'operational'] } },
      ],
    });
  };
  const resolvedIncident = await past(2, 1.5, 'Delayed webhook deliveries', 'minor', webhooks, 'degraded_performance', 'Webhook deliveries are delayed by up to 15 minutes.');
  await past(6, 0.7, 'Sign-in failures for SSO users', 'major', auth, 'major_outage', 'Users who sign in with SSO see an error page.');
  await past(11, 3, 'Slow object uploads in us-east', 'minor', storage, 'partial_outage', 'Uploads larger than 100 MB time out for some customers.');
  await past(27, 2, 'API latency increase', 'minor', api, 'degraded_performance', 'p95 API latency is up to 4 s.');
  await past(45, 1, 'Database connection errors', 'critical', database, 'major_outage', 'New connections to managed databases fail in eu-west-1.');
  await past(33, 4, 'Email delivery delays', 'minor', email, 'partial_outage', 'Transactional emails are delayed by up to an hour.');
  await past(86, 0.5, 'Dashboard unavailable', 'major', dashboard, 'major_outage', 'The dashboard returns errors for all users.');
  const mStart = ago(19 * DAY + 2 * HOUR);
  await addIncident(db, {
    kind: 'maintenance',
    title: 'Search cluster upgrade',
    impact: 'maintenance',
    status: 'completed',
    startedAt: mStart,
    scheduledFor: mStart,
    scheduledUntil: new Date(mStart.getTime() + 2 * HOUR),
    resolvedAt: new Date(mStart.getTime() + 90 * MIN),
    componentIds: [search],
    updates: [
      { status: 'scheduled', at: ago(25 * DAY), body: 'We will upgrade the search cluster to a new version.' },
      { status: 'in_progress', at: mStart, body: 'The upgrade is in progress.', affected: { [search]: ['operational', 'under_maintenance'] } },
      { status: 'completed', at: new Date(mStart.getTime() + 90 * MIN), body: 'The upgrade is complete.', affected: { [search]: ['under_maintenance', 'operational'] } },
    ],
  });
  await bumpContentVersion(db, now);
  return { api, dashboard, search, database, activeIncident, monitoringIncident, maintenance, resolvedIncident };
}

// As a script: seed the given database (default: the server's default file).
if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.argv[2] ?? 'file:data/herald.db';
  const database = await openMigratedDatabase(url);
  const ids = await seedDemo(database.db);
  console.log(JSON.stringify(ids));
  database.close();
}
