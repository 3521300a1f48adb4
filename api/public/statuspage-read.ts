// The public read side in Statuspage v2 shapes: the read functions the public pages, feeds and /api/v2 call.
import { and, asc, desc, eq, gte, inArray, isNotNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { DB } from '../../db/client.ts';
import {
componentGroups,
components,
contentVersion,
incidentComponents,
incidents,
incidentUpdates,
settings as settingsTable,
type ComponentStatus,
type Impact,
} from '../../db/schema.ts';
import type { AppDeps } from '../core/deps.ts';
import { ACTIVE_MAINTENANCE_STATUSES, OPEN_INCIDENT_STATUSES, UPCOMING_MAINTENANCE_STATUSES } from '../core/vocabulary.ts';
import { getPublishedPostmortems, postmortemUrl } from '../postmortems/postmortem-read.ts';
import { getSettings, publicBaseUrl } from '../core/settings.ts';
import type { LanguageSettings } from '../core/i18n/locale.ts';
import { rollupStatus, worstComponentStatus } from './status-rollup.ts';
import type {
AnyIncidentJson,
ComponentJson,
ComponentsResponse,
IncidentJson,IncidentUpdateJson,PageJson,
ScheduledMaintenanceJson,
StatusJson,
StatusResponse,
SummaryJson
} from './statuspage-types.ts';

/** What the read functions need from the app's deps (the pages pass `Astro.locals.herald.deps`). */
export type ReadDeps = Pick<AppDeps, 'db' | 'publicUrl'>;

/** Statuspage's lists show the 50 most recent. */
const DEFAULT_LIST_LIMIT = 50;
/** No call loads more incidents than this at once (keeps every query's IN list and memory bounded). */
const MAX_LIST_LIMIT = 1000;

const iso = (d: Date) => d.toISOString();
const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

/** The page object and the base URL every public link starts with. */
export interface PageContext {
  page: PageJson;
  base: string;
  timeZone: string;
  /** The page's languages (settings `language` and `languages`): feeds, the calendar and emails speak them. */
  languages: LanguageSettings;
}

/** Settings plus the content version's time: `page.updated_at` is the time of the latest public change. */
export async function loadPageContext(deps: ReadDeps): Promise<PageContext> {
  const [s, cv] = await Promise.all([
    getSettings(deps.db),
    deps.db.select({ updatedAt: contentVersion.updatedAt }).from(contentVersion).limit(1),
  ]);
  let updatedAt = cv[0]?.updatedAt;
  if (!updatedAt) {
    // Nothing was ever written: the settings row made on first read is the page's only change.
    const rows = await deps.db.select({ at: sql<number>`max(${settingsTable.updatedAt})` }).from(settingsTable);
    updatedAt = new Date(Number(rows[0]?.at ?? 0));
  }
  const base = publicBaseUrl(s, deps.publicUrl);
  return {
    page: { id: s.pageId, name: s.pageName, url: base, time_zone: s.timeZone, updated_at: iso(updatedAt) },
    base,
    timeZone: s.timeZone,
    languages: { language: s.language, languages: s.languages },
  };
}

// ---------------------------------------------------------------------------------------------
// Components and groups

export interface ComponentSet {
  /** The flat Statuspage array: top-level items by position, each group followed by its children. */
  list: ComponentJson[];
  byId: Map<string, ComponentJson>;
  /** Statuses of the real components (groups excluded), for the roll-up. */
  statuses: ComponentStatus[];
  /** Group id → child component ids. */
  groupChildren: Map<string, string[]>;
  /** Component id → its index in `list`, to list an incident's components in page order. */
  rank: Map<string, number>;
}

const byPosition = (a: { position: number; name: string; id: string }, b: { position: number; name: string; id: string }) =>
  a.position - b.position || a.name.localeCompare(b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

type ComponentRow = typeof components.$inferSelect;
type GroupRow = typeof componentGroups.$inferSelect;
type Stored<T> = { [K in keyof T]: T[K] extends Date ? number : T[K] extends boolean ? number : T[K] };

/**
 * Every component and group: a page has tens of components, not thousands. One query, whose rows SQLite packs
 * into two JSON arrays: every public page and /api/v2 document reads them, and the driver's cost per row was
 * most of the time (measured: 0.40 ms for 50 components as rows).
 */
async function readComponentRows(db: DB): Promise<{ rows: ComponentRow[]; groups: GroupRow[] }> {
  const [packed] = await db.all<{ c: string; g: string }>(sql`
    select
      (select json_group_array(json_object('id', id, 'name', name, 'description', description, 'groupId', group_id,
         'status', status, 'position', position, 'showcase', showcase, 'onlyShowIfDegraded', only_show_if_degraded,
         'startDate', start_date, 'slaTargetPercent', sla_target_percent, 'createdAt', created_at, 'updatedAt', updated_at)) from ${components}) as c,
      (select json_group_array(json_object('id', id, 'name', name, 'description', description, 'position', position,
         'createdAt', created_at, 'updatedAt', updated_at)) from ${componentGroups}) as g`);
  const rows = (JSON.parse(packed?.c ?? '[]') as Stored<ComponentRow>[]).map((r) => ({
    ...r,
    showcase: r.showcase === 1,
    onlyShowIfDegraded: r.onlyShowIfDegraded === 1,
    createdAt: new Date(r.createdAt),
    updatedAt: new Date(r.updatedAt),
  }));
  const groups = (JSON.parse(packed?.g ?? '[]') as Stored<GroupRow>[]).map((g) => ({ ...g, createdAt: new Date(g.createdAt), updatedAt: new Date(g.updatedAt) }));
  return { rows, groups };
}

export async function loadComponents(db: DB, pageId: string): Promise<ComponentSet> {
  const { rows, groups } = await readComponentRows(db);
  const groupIds = new Set(groups.map((g) => g.id));
  const children = new Map<string, (typeof rows)[number][]>();
  const topLevel: { position: number; name: string; id: string; json: () => ComponentJson[] }[] = [];
  const componentJson = (r: (typeof rows)[number], groupId: string | null): ComponentJson => ({
    id: r.id,
    name: r.name,
    status: r.status,
    created_at: iso(r.createdAt),
    updated_at: iso(r.updatedAt),
    position: r.position,
    description: r.description,
    showcase: r.showcase,
    start_date: r.startDate,
    group_id: groupId,
    page_id: pageId,
    group: false,
    only_show_if_degraded: r.onlyShowIfDegraded,
  });
  for (const r of rows) {
    if (r.groupId && groupIds.has(r.groupId)) {
      const list = children.get(r.groupId) ?? [];
      list.push(r);
      children.set(r.groupId, list);
    } else {
      topLevel.push({ position: r.position, name: r.name, id: r.id, json: () => [componentJson(r, null)] });
    }
  }
  const groupChildren = new Map<string, string[]>();
  for (const g of groups) {
    const kids = (children.get(g.id) ?? []).sort(byPosition);
    groupChildren.set(g.id, kids.map((k) => k.id));
    topLevel.push({
      position: g.position,
      name: g.name,
      id: g.id,
      json: () => {
        // A group changes whenever a child does: its updated_at is the latest of them.
        let updated = g.updatedAt.getTime();
        for (const k of kids) updated = Math.max(updated, k.updatedAt.getTime());
        const group: ComponentJson = {
          id: g.id,
          name: g.name,
          status: worstComponentStatus(kids.map((k) => k.status)),
          created_at: iso(g.createdAt),
          updated_at: iso(new Date(updated)),
          position: g.position,
          description: g.description,
          showcase: false,
          start_date: null,
          group_id: null,
          page_id: pageId,
          group: true,
          only_show_if_degraded: false,
          components: kids.map((k) => k.id),
        };
        return [group, ...kids.map((k) => componentJson(k, g.id))];
      },
    });
  }
  const list = topLevel.sort(byPosition).flatMap((t) => t.json());
  return {
    list,
    byId: new Map(list.map((c) => [c.id, c])),
    statuses: rows.map((r) => r.status),
    groupChildren,
    rank: new Map(list.map((c, i) => [c.id, i])),
  };
}

export async function getComponentsJson(deps: ReadDeps): Promise<ComponentsResponse> {
  const ctx = await loadPageContext(deps);
  const set = await loadComponents(deps.db, ctx.page.id);
  return { page: ctx.page, components: set.list };
}

// ---------------------------------------------------------------------------------------------
// Roll-up

/** The open incidents' impacts and whether maintenance is in progress: one small DISTINCT query. */
async function loadRollup(db: DB, set: ComponentSet): Promise<StatusJson> {
  const rows = await db
    .selectDistinct({ kind: incidents.kind, impact: incidents.impact })
    .from(incidents)
    .where(
      and(
        isNotNull(incidents.publishedAt),
        or(
          and(eq(incidents.kind, 'incident'), inArray(incidents.status, [...OPEN_INCIDENT_STATUSES])),
          and(eq(incidents.kind, 'maintenance'), inArray(incidents.status, [...ACTIVE_MAINTENANCE_STATUSES])),
        ),
      ),
    );
  const openIncidentImpacts: Impact[] = rows.filter((r) => r.kind === 'incident').map((r) => r.impact);
  return rollupStatus({
    openIncidentImpacts,
    componentStatuses: set.statuses,
    maintenanceInProgress: rows.some((r) => r.kind === 'maintenance'),
  });
}

export async function getStatusJson(deps: ReadDeps): Promise<StatusResponse> {
  const ctx = await loadPageContext(deps);
  const set = await loadComponents(deps.db, ctx.page.id);
  return { page: ctx.page, status: await loadRollup(deps.db, set) };
}

// ---------------------------------------------------------------------------------------------
// Incidents and maintenance

/** Which public incidents to load. Only published incidents (published_at set) are ever returned. */
export interface IncidentQuery {
  kind: 'incident' | 'maintenance' | 'any';
  /** Meant for the small sets (open incidents, upcoming or active maintenance): see the ORDER BY below. */
  statuses?: readonly string[];
  /** Only incidents affecting one of these components (via incident_components). */
  componentIds?: readonly string[];
  /** started_at >= since */
  since?: Date;
  /** started_at < before (for paging back through history) */
  before?: Date;
  order: 'started_desc' | 'scheduled_asc' | 'scheduled_desc';
  limit: number;
  offset?: number;
}

function whereOf(q: IncidentQuery, db: DB): SQL | undefined {
  const parts: (SQL | undefined)[] = [isNotNull(incidents.publishedAt)];
  if (q.kind !== 'any') parts.push(eq(incidents.kind, q.kind));
  if (q.statuses) parts.push(inArray(incidents.status, [...q.statuses]));
  if (q.componentIds) {
    parts.push(
      inArray(
        incidents.id,
        db
          .select({ id: incidentComponents.incidentId })
          .from(incidentComponents)
          .where(inArray(incidentComponents.componentId, [...q.componentIds])),
      ),
    );
  }
  if (q.since) parts.push(gte(incidents.startedAt, q.since));
  if (q.before) parts.push(lt(incidents.startedAt, q.before));
  return and(...parts);
}

const clampLimit = (n: number) => Math.max(0, Math.min(MAX_LIST_LIMIT, Math.floor(n)));

/** Loads the incident rows of a query, then their updates and components in one query each. */
export async function queryIncidentsJson(deps: ReadDeps, q: IncidentQuery, ctx?: PageContext, set?: ComponentSet): Promise<AnyIncidentJson[]> {
  const limit = clampLimit(q.limit);
  if (limit === 0 || q.componentIds?.length === 0) return [];
  const page = ctx ?? (await loadPageContext(deps));
  const scheduledAt = sql`coalesce(${incidents.scheduledFor}, ${incidents.startedAt})`;
  // With a status filter (the small open sets) SQLite should find rows by (kind, status) and sort the
  // few it finds; `+started_at` stops it from walking the (kind, started_at) index over all history.
  const started = q.statuses ? sql`+${incidents.startedAt}` : incidents.startedAt;
  const orderBy =
    q.order === 'started_desc'
      ? [desc(started), desc(incidents.id)]
      : q.order === 'scheduled_asc'
        ? [asc(scheduledAt), asc(incidents.id)]
        : [desc(scheduledAt), desc(incidents.id)];
  const [rows, comps] = await Promise.all([
    deps.db
      .select()
      .from(incidents)
      .where(whereOf(q, deps.db))
      .orderBy(...orderBy)
      .limit(limit)
      .offset(Math.max(0, Math.floor(q.offset ?? 0))),
    set ? Promise.resolve(set) : loadComponents(deps.db, page.page.id),
  ]);
  return hydrateIncidents(deps.db, rows, page, comps);
}

type IncidentRow = typeof incidents.$inferSelect;

async function hydrateIncidents(db: DB, rows: IncidentRow[], ctx: PageContext, set: ComponentSet): Promise<AnyIncidentJson[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [updates, links, postmortemsOf] = await Promise.all([
    db
      .select({
        id: incidentUpdates.id,
        incidentId: incidentUpdates.incidentId,
        status: incidentUpdates.status,
        body: incidentUpdates.body,
        createdAt: incidentUpdates.createdAt,
        updatedAt: incidentUpdates.updatedAt,
        displayAt: incidentUpdates.displayAt,
        affectedComponents: incidentUpdates.affectedComponents,
        notify: incidentUpdates.notify,
      })
      .from(incidentUpdates)
      // `+state`: keeps SQLite on the (incident_id, display_at) index; the (state, publish_at) index
      // would read every published update in the database.
      .where(and(inArray(incidentUpdates.incidentId, ids), sql`+${incidentUpdates.state} = 'published'`))
      .orderBy(desc(incidentUpdates.displayAt), desc(incidentUpdates.createdAt), desc(incidentUpdates.id)),
    db
      .select({ incidentId: incidentComponents.incidentId, componentId: incidentComponents.componentId })
      .from(incidentComponents)
      .where(inArray(incidentComponents.incidentId, ids)),
    getPublishedPostmortems(db, ids),
  ]);
  const updatesOf = new Map<string, IncidentUpdateJson[]>();
  const componentIdsOf = new Map<string, Set<string>>();
  const addComponent = (incidentId: string, componentId: string) => {
    const s = componentIdsOf.get(incidentId) ?? new Set<string>();
    s.add(componentId);
    componentIdsOf.set(incidentId, s);
  };
  for (const l of links) addComponent(l.incidentId, l.componentId);
  for (const u of updates) {
    const affected = u.affectedComponents && u.affectedComponents.length > 0 ? u.affectedComponents : null;
    // Components named in a published update's diff are affected too, even without a link row.
    for (const a of affected ?? []) addComponent(u.incidentId, a.code);
    const list = updatesOf.get(u.incidentId) ?? [];
    list.push({
      id: u.id,
      status: u.status,
      body: u.body,
      incident_id: u.incidentId,
      created_at: iso(u.createdAt),
      updated_at: iso(u.updatedAt),
      display_at: iso(u.displayAt),
      affected_components: affected ? affected.map((a) => ({ code: a.code, name: a.name, old_status: a.old_status, new_status: a.new_status })) : null,
      deliver_notifications: u.notify,
      custom_tweet: null,
      tweet_id: null,
    });
    updatesOf.set(u.incidentId, list);
  }
  return rows.map((r) => {
    const comps: ComponentJson[] = [];
    for (const id of componentIdsOf.get(r.id) ?? []) {
      const c = set.byId.get(id);
      if (c) comps.push(c);
    }
    comps.sort((a, b) => (set.rank.get(a.id) ?? 0) - (set.rank.get(b.id) ?? 0));
    // A resolved incident with a published postmortem reads `postmortem`, as on Statuspage.
    const postmortem = r.kind === 'incident' ? postmortemsOf.get(r.id) : undefined;
    const json: IncidentJson = {
      id: r.id,
      name: r.title,
      status: postmortem && r.status === 'resolved' ? 'postmortem' : r.status,
      created_at: iso(r.createdAt),
      updated_at: iso(r.updatedAt),
      monitoring_at: isoOrNull(r.monitoringAt),
      resolved_at: isoOrNull(r.resolvedAt),
      impact: r.impact,
      shortlink: `${ctx.base}/incidents/${r.id}`,
      started_at: iso(r.startedAt),
      page_id: ctx.page.id,
      incident_updates: updatesOf.get(r.id) ?? [],
      components: comps,
      postmortem_url: postmortem ? postmortemUrl(ctx.base, r.id, postmortem.externalUrl) : null,
    };
    if (r.kind !== 'maintenance') return json;
    const maintenance: ScheduledMaintenanceJson = {
      ...json,
      scheduled_for: isoOrNull(r.scheduledFor),
      scheduled_until: isoOrNull(r.scheduledUntil),
    };
    return maintenance;
  });
}

export interface ListIncidentsOptions {
  limit?: number;
  unresolvedOnly?: boolean;
}

function incidentListQuery(opts: ListIncidentsOptions): IncidentQuery {
  return {
    kind: 'incident',
    statuses: opts.unresolvedOnly ? OPEN_INCIDENT_STATUSES : undefined,
    order: 'started_desc',
    // Unresolved incidents are few by nature; "all" is Statuspage's 50 most recent.
    limit: opts.limit ?? (opts.unresolvedOnly ? MAX_LIST_LIMIT : DEFAULT_LIST_LIMIT),
  };
}

/** Public incidents (not maintenance), newest first by started_at. */
export async function listIncidentsJson(deps: ReadDeps, opts: ListIncidentsOptions = {}, ctx?: PageContext): Promise<IncidentJson[]> {
  return queryIncidentsJson(deps, incidentListQuery(opts), ctx);
}

/** One public incident or maintenance; null when unknown or not yet published. */
export async function getIncidentJson(deps: ReadDeps, id: string): Promise<AnyIncidentJson | null> {
  const ctx = await loadPageContext(deps);
  const [rows, set] = await Promise.all([
    deps.db
      .select()
      .from(incidents)
      .where(and(eq(incidents.id, id), isNotNull(incidents.publishedAt)))
      .limit(1),
    loadComponents(deps.db, ctx.page.id),
  ]);
  const [json] = await hydrateIncidents(deps.db, rows, ctx, set);
  return json ?? null;
}

export type MaintenanceSelection = 'all' | 'upcoming' | 'active';

function maintenanceQuery(which: MaintenanceSelection | 'open'): IncidentQuery {
  switch (which) {
    case 'upcoming':
      return { kind: 'maintenance', statuses: UPCOMING_MAINTENANCE_STATUSES, order: 'scheduled_asc', limit: MAX_LIST_LIMIT };
    case 'active':
      return { kind: 'maintenance', statuses: ACTIVE_MAINTENANCE_STATUSES, order: 'scheduled_asc', limit: MAX_LIST_LIMIT };
    case 'open':
      return {
        kind: 'maintenance',
        statuses: [...ACTIVE_MAINTENANCE_STATUSES, ...UPCOMING_MAINTENANCE_STATUSES],
        order: 'scheduled_asc',
        limit: MAX_LIST_LIMIT,
      };
    case 'all':
      return { kind: 'maintenance', order: 'scheduled_desc', limit: DEFAULT_LIST_LIMIT };
  }
}

/**
 * Public maintenances: `all` = the 50 most recent by scheduled start (newest first); `upcoming` =
 * status scheduled, `active` = in_progress or verifying, both soonest first.
 */
export async function listMaintenancesJson(deps: ReadDeps, which: MaintenanceSelection, ctx?: PageContext): Promise<ScheduledMaintenanceJson[]> {
  return (await queryIncidentsJson(deps, maintenanceQuery(which), ctx)) as ScheduledMaintenanceJson[];
}

/** summary.json: components, unresolved incidents, upcoming and in-progress maintenance, the roll-up. */
export async function getSummary(deps: ReadDeps): Promise<SummaryJson> {
  const ctx = await loadPageContext(deps);
  const set = await loadComponents(deps.db, ctx.page.id);
  const [open, maintenances, status] = await Promise.all([
    queryIncidentsJson(deps, { kind: 'incident', statuses: OPEN_INCIDENT_STATUSES, order: 'started_desc', limit: MAX_LIST_LIMIT }, ctx, set),
    queryIncidentsJson(deps, maintenanceQuery('open'), ctx, set),
    loadRollup(deps.db, set),
  ]);
  return {
    page: ctx.page,
    components: set.list,
    incidents: open as IncidentJson[],
    scheduled_maintenances: maintenances as ScheduledMaintenanceJson[],
    status,
  };
}

