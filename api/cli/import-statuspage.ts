// `npm run import:statuspage -- <page URL | folder>`: brings a Statuspage page's components and groups, incidents with
// every update at its original time, postmortems and maintenances into Herald, in one transaction. A second run
// updates what the first made (import_links remembers the source ids) and never adds copies. Nothing is sent to
// subscribers: this is history, not news.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import { openMigratedDatabase, type Tx } from '../../db/client.ts';
import {
  componentGroups,
  components,
  importLinks,
  incidentComponents,
  incidents,
  incidentUpdates,
  postmortems,
  type AffectedComponent,
  type PostmortemContent,
} from '../../db/schema.ts';
import { write, type Write } from '../audit/write.ts';
import { systemClock, type AppDeps } from '../core/deps.ts';
import { newId } from '../core/ids.ts';
import { isComponentStatus, SEVERITIES, SEVERITY_IMPACTS, type Impact, type Severity } from '../core/vocabulary.ts';
import { notifyingEvents } from '../notify/events.ts';
import { getSettings, type Settings } from '../core/settings.ts';
import { describeDatabaseUrl, readConfigOrExit } from '../server/config.ts';
import { readStatuspageSource, SourceError, type SpComponent, type SpIncident, type SpMaintenance, type SpUpdate, type StatuspageDump } from './statuspage-source.ts';

const USAGE = `Usage: npm run import:statuspage -- <page address | folder>

  npm run import:statuspage -- https://status.example.com
  npm run import:statuspage -- ./saved-statuspage     (holding summary.json, components.json,
                                                      incidents.json, scheduled-maintenances.json)

Reads the page's public API v2 and creates its components and groups, incidents with their updates (at their
original times), postmortems and maintenances in the database of DATABASE_URL (default file:data/herald.db).
Run it again to bring in what changed since: what it made before is updated, never copied.`;

type LinkKind = (typeof importLinks.$inferSelect)['kind'];

export interface Tally {
  created: number;
  updated: number;
  unchanged: number;
}

export interface ImportResult {
  source: string;
  pageName: string;
  groups: Tally;
  components: Tally;
  incidents: Tally;
  maintenances: Tally;
  updates: Tally;
  postmortems: Tally;
}

const tally = (): Tally => ({ created: 0, updated: 0, unchanged: 0 });

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', ndash: '–', mdash: '—', hellip: '…', rsquo: '’', lsquo: '‘', rdquo: '”', ldquo: '“' };

/**
 * Names come HTML-escaped from some Statuspage pages ("Billing &amp; Invoices"); Herald keeps plain text and escapes
 * on the way out, so names are decoded. Update bodies are left as they are: they are markdown, where an entity
 * already shows as its character.
 */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

const name = (s: string, max = 200) => decodeEntities(s).replace(/\s+/g, ' ').trim().slice(0, max) || '(no name)';
const at = (s: string | null | undefined): Date | null => (s ? new Date(s) : null);
const isStatus = isComponentStatus;
/** The impacts a maintenance may keep (Statuspage gives them one like an incident's, or `maintenance`). */
const IMPACTS: readonly Impact[] = [...SEVERITY_IMPACTS, 'maintenance'];

/** Statuspage's impact to a severity: the page's own setting read backwards, else DESIGN.md's default (P1 critical … P4 none). */
function severityOf(impact: string, settings: Settings): Severity {
  for (const s of SEVERITIES) if (settings.severities[s].impact === impact) return s;
  return impact === 'critical' ? 'P1' : impact === 'major' ? 'P2' : impact === 'minor' ? 'P3' : 'P4';
}

/** Fields equal (dates compared by time); what decides "updated" or "unchanged". */
function same(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return Object.keys(b).every((k) => {
    const x = a[k];
    const y = b[k];
    if (x instanceof Date || y instanceof Date) return (x instanceof Date ? x.getTime() : x) === (y instanceof Date ? y.getTime() : y);
    return JSON.stringify(x ?? null) === JSON.stringify(y ?? null);
  });
}

class Importer {
  readonly links = new Map<string, string>();
  readonly result: ImportResult;

  private readonly tx: Tx;
  private readonly now: Date;

  constructor(
    private readonly w: Write<null>,
    private readonly source: string,
    private readonly dump: StatuspageDump,
    private readonly settings: Settings,
    private readonly progress: (done: number, total: number) => void,
  ) {
    this.tx = w.tx;
    this.now = w.now;
    this.result = {
      source,
      pageName: decodeEntities(dump.page.name),
      groups: tally(),
      components: tally(),
      incidents: tally(),
      maintenances: tally(),
      updates: tally(),
      postmortems: tally(),
    };
  }

  async loadLinks(): Promise<void> {
    const rows = await this.tx.select().from(importLinks).where(eq(importLinks.source, this.source));
    for (const r of rows) this.links.set(`${r.kind}:${r.externalId}`, r.localId);
  }

  local(kind: LinkKind, externalId: string): string | undefined {
    return this.links.get(`${kind}:${externalId}`);
  }

  async link(kind: LinkKind, externalId: string, localId: string): Promise<void> {
    this.links.set(`${kind}:${externalId}`, localId);
    await this.tx
      .insert(importLinks)
      .values({ source: this.source, kind, externalId, localId, importedAt: this.now })
      .onConflictDoUpdate({ target: [importLinks.source, importLinks.kind, importLinks.externalId], set: { localId, importedAt: this.now } });
  }

  /**
   * Inserts the row, or updates the one an earlier run made (when it still exists), counting which. `table` is one
   * of ours with an `id` column; `values` holds every field the import owns.
   */
  async upsert<T extends typeof componentGroups | typeof components | typeof incidents | typeof incidentUpdates>(
    table: T,
    kind: LinkKind,
    externalId: string,
    values: Record<string, unknown>,
    count: Tally,
  ): Promise<string> {
    const known = this.local(kind, externalId);
    if (known) {
      const [existing] = (await this.tx.select().from(table as typeof components).where(eq((table as typeof components).id, known))) as Record<string, unknown>[];
      if (existing) {
        if (same(existing, values)) count.unchanged++;
        else {
          await this.tx.update(table as typeof components).set(values as never).where(eq((table as typeof components).id, known));
          count.updated++;
        }
        return known;
      }
    }
    const id = newId();
    await this.tx.insert(table as typeof components).values({ ...values, id } as never);
    await this.link(kind, externalId, id);
    count.created++;
    return id;
  }

  async run(): Promise<ImportResult> {
    await this.loadLinks();
    const { dump } = this;
    const groups = dump.components.filter((c) => c.group);
    const plain = dump.components.filter((c) => !c.group);
    const total = groups.length + plain.length + dump.incidents.length + dump.maintenances.length;
    let done = 0;
    const step = () => this.progress(++done, total);
    for (const g of groups) {
      await this.group(g);
      step();
    }
    for (const c of plain) {
      await this.component(c);
      step();
    }
    for (const i of dump.incidents) {
      await this.incident(i, 'incident');
      step();
    }
    for (const m of dump.maintenances) {
      await this.incident(m, 'maintenance');
      step();
    }
    // No domain event: this is history, not news (nothing goes to subscribers); the page changed all the same.
    await this.w.audit({ action: 'import.statuspage', entityType: 'import', entityId: this.source, after: { origin: dump.origin, ...this.result } }, { public: true });
    return this.result;
  }

  async group(g: SpComponent): Promise<void> {
    const createdAt = at(g.created_at) ?? this.now;
    await this.upsert(
      componentGroups,
      'group',
      g.id,
      { name: name(g.name), description: g.description ? decodeEntities(g.description) : null, position: g.position ?? 0, createdAt, updatedAt: at(g.updated_at) ?? createdAt },
      this.result.groups,
    );
  }

  async component(c: SpComponent): Promise<void> {
    const createdAt = at(c.created_at) ?? this.now;
    await this.upsert(
      components,
      'component',
      c.id,
      {
        name: name(c.name),
        description: c.description ? decodeEntities(c.description).slice(0, 2000) : null,
        groupId: c.group_id ? (this.local('group', c.group_id) ?? null) : null,
        status: c.status,
        position: c.position ?? 0,
        showcase: c.showcase ?? true,
        onlyShowIfDegraded: c.only_show_if_degraded ?? false,
        startDate: c.start_date && /^\d{4}-\d{2}-\d{2}/.test(c.start_date) ? c.start_date.slice(0, 10) : null,
        createdAt,
        updatedAt: at(c.updated_at) ?? createdAt,
      },
      this.result.components,
    );
  }

  /** The update's component changes in Herald's ids (unknown components and statuses left out). */
  affected(u: SpUpdate): AffectedComponent[] | null {
    const out: AffectedComponent[] = [];
    for (const a of u.affected_components ?? []) {
      const code = this.local('component', a.code);
      if (!code || !isStatus(a.old_status) || !isStatus(a.new_status)) continue;
      out.push({ code, name: name(a.name ?? a.code), old_status: a.old_status, new_status: a.new_status });
    }
    return out.length ? out : null;
  }

  async incident(x: SpIncident | SpMaintenance, kind: 'incident' | 'maintenance'): Promise<void> {
    const updates = [...x.incident_updates].sort((a, b) => Date.parse(a.display_at ?? a.created_at) - Date.parse(b.display_at ?? b.created_at));
    const shownAt = (u: SpUpdate) => new Date(u.display_at ?? u.created_at);
    const firstWith = (status: string) => {
      const u = updates.find((v) => v.status === status);
      return u ? shownAt(u) : null;
    };
    const createdAt = new Date(x.created_at);
    const last = updates.at(-1);
    let values: Record<string, unknown>;
    if (kind === 'incident') {
      const i = x as SpIncident;
      const status = i.status === 'postmortem' ? 'resolved' : i.status;
      const severity = severityOf(i.impact, this.settings);
      const open = status !== 'resolved';
      const cadence = this.settings.severities[severity].cadenceMinutes * 60_000;
      values = {
        kind: 'incident',
        title: name(i.name, 300),
        severity,
        status,
        stage: i.status === 'postmortem' ? 'post_incident' : open ? 'triage' : 'resolved',
        impact: i.impact satisfies Impact,
        startedAt: at(i.started_at) ?? createdAt,
        identifiedAt: firstWith('identified'),
        monitoringAt: at(i.monitoring_at) ?? firstWith('monitoring'),
        resolvedAt: open ? null : (at(i.resolved_at) ?? (last ? shownAt(last) : createdAt)),
        scheduledFor: null,
        scheduledUntil: null,
        nextUpdateDueAt: open && last ? new Date(shownAt(last).getTime() + cadence) : null,
        publishedAt: updates[0] ? shownAt(updates[0]) : createdAt,
        createdAt,
        updatedAt: at(i.updated_at) ?? createdAt,
      };
    } else {
      const m = x as SpMaintenance;
      const scheduledFor = at(m.scheduled_for);
      const began = m.status === 'scheduled' ? null : (firstWith('in_progress') ?? scheduledFor ?? createdAt);
      values = {
        kind: 'maintenance',
        title: name(m.name, 300),
        severity: null,
        status: m.status,
        stage: m.status === 'completed' ? 'resolved' : 'triage',
        impact: (IMPACTS as readonly string[]).includes(m.impact ?? '') ? m.impact : 'maintenance',
        // As Herald keeps it: the window's start until it begins, then when it really began.
        startedAt: began ?? scheduledFor ?? createdAt,
        identifiedAt: null,
        monitoringAt: null,
        resolvedAt: m.status === 'completed' ? (at(m.resolved_at) ?? firstWith('completed') ?? at(m.scheduled_until) ?? createdAt) : null,
        scheduledFor,
        scheduledUntil: at(m.scheduled_until),
        nextUpdateDueAt: null,
        publishedAt: updates[0] ? shownAt(updates[0]) : createdAt,
        createdAt,
        updatedAt: at(m.updated_at) ?? createdAt,
      };
    }
    const id = await this.upsert(incidents, 'incident', x.id, values, kind === 'incident' ? this.result.incidents : this.result.maintenances);

    for (const u of updates) {
      const shown = shownAt(u);
      await this.upsert(
        incidentUpdates,
        'update',
        u.id,
        {
          incidentId: id,
          status: u.status,
          body: u.body ?? '',
          state: 'published',
          authorId: null,
          stage: null,
          affectedComponents: this.affected(u),
          componentChanges: null,
          notify: u.deliver_notifications ?? false,
          createdAt: new Date(u.created_at),
          updatedAt: at(u.updated_at) ?? new Date(u.created_at),
          displayAt: shown,
          publishAt: null,
          publishedAt: shown,
        },
        this.result.updates,
      );
    }

    // Its components: those it lists, and those its updates changed.
    const wanted = new Set<string>();
    for (const c of x.components ?? []) {
      const local = this.local('component', c.id);
      if (local) wanted.add(local);
    }
    for (const u of updates) for (const a of this.affected(u) ?? []) wanted.add(a.code);
    const have = await this.tx.select({ id: incidentComponents.componentId }).from(incidentComponents).where(eq(incidentComponents.incidentId, id));
    const add = [...wanted].filter((c) => !have.some((h) => h.id === c));
    if (add.length) await this.tx.insert(incidentComponents).values(add.map((componentId) => ({ incidentId: id, componentId }))).onConflictDoNothing();

    if (kind === 'incident' && x.status === 'postmortem') await this.postmortem(id, x as SpIncident, last ? shownAt(last) : createdAt);
  }

  /**
   * Statuspage's "postmortem" status: published with the postmortem's text when the page gives it, else as a link to
   * the incident on Statuspage (which shows it), so the incident keeps reading `postmortem`.
   */
  async postmortem(incidentId: string, i: SpIncident, fallbackAt: Date): Promise<void> {
    const body = i.postmortem_body?.trim() ?? '';
    const link = i.shortlink && /^https?:\/\//i.test(i.shortlink) ? i.shortlink : null;
    if (!body && !link) return;
    const content: PostmortemContent = {
      summary: body,
      timeline: '',
      rootCause: '',
      impact: '',
      remediation: '',
      lessons: '',
      externalUrl: body ? null : link,
    };
    const publishedAt = at(i.postmortem_published_at) ?? fallbackAt;
    const values = { ...content, published: content, publishedAt, lastPublishedAt: publishedAt, updatedAt: publishedAt };
    const [existing] = await this.tx.select().from(postmortems).where(eq(postmortems.incidentId, incidentId));
    if (!existing) {
      await this.tx.insert(postmortems).values({ incidentId, ...values, authorId: null, createdAt: publishedAt });
      this.result.postmortems.created++;
    } else if (same(existing as unknown as Record<string, unknown>, values)) this.result.postmortems.unchanged++;
    else {
      await this.tx.update(postmortems).set(values).where(eq(postmortems.incidentId, incidentId));
      this.result.postmortems.updated++;
    }
  }
}

/** Writes a checked dump into the database in one write (no actor: the shell's): all of it, or (on any error) nothing. */
export async function importStatuspage(
  deps: Pick<AppDeps, 'db' | 'clock' | 'events'>,
  dump: StatuspageDump,
  opts: { onProgress?: (done: number, total: number) => void } = {},
): Promise<ImportResult> {
  const settings = await getSettings(deps.db);
  return write(deps, null, (w) => new Importer(w, `statuspage:${dump.page.id}`, dump, settings, opts.onProgress ?? (() => undefined)).run());
}

// ---------------------------------------------------------------------------------------------
// The command

function line(label: string, t: Tally, extra = ''): string {
  return `  ${label.padEnd(13)} ${String(t.created).padStart(5)} created, ${String(t.updated).padStart(5)} updated, ${String(t.unchanged).padStart(5)} unchanged${extra}`;
}

function describeResult(r: ImportResult): string[] {
  return [
    line('groups', r.groups),
    line('components', r.components),
    line('incidents', r.incidents),
    line('maintenances', r.maintenances),
    line('updates', r.updates, ' (of incidents and maintenances)'),
    line('postmortems', r.postmortems),
  ];
}

/** A progress bar on a terminal, redrawn in place; nothing when the output is not one. */
function progressBar(stream: NodeJS.WriteStream): (done: number, total: number) => void {
  if (!stream.isTTY) return () => undefined;
  let last = -1;
  return (done, total) => {
    const width = 30;
    const filled = total ? Math.round((done / total) * width) : width;
    if (filled === last && done !== total) return;
    last = filled;
    stream.write(`\r  [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${done === total ? '\n' : ''}`);
  };
}

async function main(argv: string[], io: { out: (s: string) => void; err: (s: string) => void; progressStream: NodeJS.WriteStream }): Promise<number> {
  const input = argv.find((a) => !a.startsWith('-'));
  if (!input || argv.includes('--help') || argv.includes('-h')) {
    (input ? io.out : io.err)(USAGE);
    return input ? 0 : 2;
  }
  const config = readConfigOrExit();
  let dump: StatuspageDump;
  try {
    dump = await readStatuspageSource(input);
  } catch (err) {
    if (err instanceof SourceError) {
      io.err(`Nothing imported. ${err.message}`);
      return 1;
    }
    throw err;
  }
  io.out(`Importing "${decodeEntities(dump.page.name)}" (Statuspage page ${dump.page.id}) from ${dump.origin}`);
  io.out(`  into ${describeDatabaseUrl(config.databaseUrl)}: ${dump.components.length} components and groups, ${dump.incidents.length} incidents, ${dump.maintenances.length} maintenances`);
  const database = await openMigratedDatabase(config.databaseUrl, config.databaseAuthToken);
  try {
    const started = Date.now();
    const result = await importStatuspage({ db: database.db, clock: systemClock, events: notifyingEvents }, dump, { onProgress: progressBar(io.progressStream) });
    for (const l of describeResult(result)) io.out(l);
    io.out(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s. Nothing was sent to subscribers. Run it again to bring in later changes: what it made is updated, never copied.`);
    return 0;
  } finally {
    database.close();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const code = await main(process.argv.slice(2), {
    out: (s) => process.stdout.write(`${s}\n`),
    err: (s) => process.stderr.write(`${s}\n`),
    progressStream: process.stderr,
  });
  process.exit(code);
}
