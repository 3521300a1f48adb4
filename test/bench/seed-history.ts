// Bulk seeding for the history-scale benchmark: N incidents with M updates each and K components, in big transactions.
import type { DB, Executor } from '../../db/client.ts';
import { componentGroups, components, incidentComponents, incidents, incidentUpdates, type Impact, type Severity } from '../../db/schema.ts';
import { bumpContentVersion } from '../../api/audit/audit.ts';
import { putSettings } from '../../api/core/settings.ts';
import { DEFAULT_LANGUAGE, LANGUAGE_TAGS } from '../../api/core/i18n/locale.ts';

const DAY = 24 * 60 * 60 * 1000;

export interface HistorySeed {
  incidents: number;
  updatesPerIncident: number;
  components: number;
  /** How far back the history reaches; incidents are spread evenly over it. */
  years: number;
  now: Date;
}

/** A small deterministic PRNG, so that every bench run seeds the same history. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const id = (prefix: string, n: number) => `${prefix}${n.toString(36).padStart(7, '0')}`;

const SEVERITY_IMPACT: [Severity, Impact][] = [['P1', 'critical'], ['P2', 'major'], ['P3', 'minor'], ['P4', 'none']];
const PROGRESS = ['investigating', 'identified', 'monitoring'] as const;

/** Inserts chunked rows: SQLite takes at most 32,766 bound values per statement. */
async function insertChunked<T>(rows: T[], columns: number, insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  const size = Math.max(1, Math.floor(30_000 / columns));
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size));
}

/**
 * The bench page's settings. Every shipped language is on offer: each page carries its alternates and switcher, and
 * the bench weighs each home page. The empty database of (b) gets them too, so that its ratios compare the same page
 * with and without history.
 */
export async function seedSettings(db: Executor, now: Date): Promise<void> {
  await putSettings(db, { pageName: 'Bench Cloud', languages: LANGUAGE_TAGS.filter((t) => t !== DEFAULT_LANGUAGE) }, now);
}

export async function seedHistory(db: DB, opts: HistorySeed): Promise<void> {
  const rand = prng(42);
  const now = opts.now.getTime();
  const groupIds = Array.from({ length: Math.max(1, Math.ceil(opts.components / 10)) }, (_, i) => id('g', i));
  const componentIds = Array.from({ length: opts.components }, (_, i) => id('c', i));
  const span = opts.years * 365 * DAY;

  await db.transaction(async (tx) => {
    await seedSettings(tx, opts.now);
    await tx.insert(componentGroups).values(groupIds.map((gid, i) => ({ id: gid, name: `Region ${i + 1}`, position: i, createdAt: new Date(now - span), updatedAt: new Date(now - span) })));
    await tx.insert(components).values(
      componentIds.map((cid, i) => ({
        id: cid,
        name: `Service ${i + 1}`,
        description: `The ${i + 1}th service of the bench page.`,
        groupId: groupIds[i % groupIds.length]!,
        status: 'operational' as const,
        position: i,
        createdAt: new Date(now - span),
        updatedAt: new Date(now - span),
      })),
    );
  });

  // One transaction per 1,000 incidents keeps memory flat and the WAL small.
  const batch = 1000;
  for (let start = 0; start < opts.incidents; start += batch) {
    const incidentRows: (typeof incidents.$inferInsert)[] = [];
    const linkRows: (typeof incidentComponents.$inferInsert)[] = [];
    const updateRows: (typeof incidentUpdates.$inferInsert)[] = [];
    for (let n = start; n < Math.min(opts.incidents, start + batch); n++) {
      const incidentId = id('i', n);
      // Evenly spread from `years` ago up to a day ago, oldest first; all resolved (history, not current events).
      const startedAt = now - span + Math.floor(((n + rand()) / opts.incidents) * (span - DAY));
      const duration = Math.floor((0.25 + rand() * 4) * 60 * 60 * 1000);
      const maintenance = n % 10 === 9;
      const [severity, impact] = SEVERITY_IMPACT[Math.floor(rand() * 4)]!;
      const affected = [componentIds[Math.floor(rand() * componentIds.length)]!];
      if (rand() < 0.3) affected.push(componentIds[Math.floor(rand() * componentIds.length)]!);
      const unique = [...new Set(affected)];
      incidentRows.push({
        id: incidentId,
        kind: maintenance ? 'maintenance' : 'incident',
        title: maintenance ? `Planned database upgrade #${n}` : `Elevated error rates on Service ${n % opts.components} (#${n})`,
        severity: maintenance ? null : severity,
        status: maintenance ? 'completed' : 'resolved',
        stage: 'resolved',
        impact: maintenance ? 'maintenance' : impact,
        startedAt: new Date(startedAt),
        identifiedAt: new Date(startedAt + duration / 4),
        monitoringAt: new Date(startedAt + duration / 2),
        resolvedAt: new Date(startedAt + duration),
        scheduledFor: maintenance ? new Date(startedAt) : null,
        scheduledUntil: maintenance ? new Date(startedAt + duration) : null,
        publishedAt: new Date(startedAt),
        createdAt: new Date(startedAt),
        updatedAt: new Date(startedAt + duration),
      });
      for (const componentId of unique) linkRows.push({ incidentId, componentId });
      for (let u = 0; u < opts.updatesPerIncident; u++) {
        const last = u === opts.updatesPerIncident - 1;
        const at = startedAt + Math.floor((duration * u) / Math.max(1, opts.updatesPerIncident - 1));
        const status = last ? (maintenance ? 'completed' : 'resolved') : maintenance ? (u === 0 ? 'scheduled' : 'in_progress') : PROGRESS[Math.min(u, 2)]!;
        updateRows.push({
          id: `${incidentId}u${u}`,
          incidentId,
          status,
          body: last
            ? 'This incident has been **resolved**. We will publish a postmortem with the root cause.'
            : `Update ${u + 1}: engineers are working on it. Error rates are _down_ from their peak; next update within the hour.`,
          state: 'published',
          stage: null,
          affectedComponents: null,
          componentChanges: null,
          notify: false,
          createdAt: new Date(at),
          updatedAt: new Date(at),
          displayAt: new Date(at),
          publishAt: null,
          publishedAt: new Date(at),
        });
      }
    }
    await db.transaction(async (tx) => {
      await insertChunked(incidentRows, 20, (chunk) => tx.insert(incidents).values(chunk));
      await insertChunked(linkRows, 3, (chunk) => tx.insert(incidentComponents).values(chunk));
      await insertChunked(updateRows, 16, (chunk) => tx.insert(incidentUpdates).values(chunk));
    });
  }
  await bumpContentVersion(db, opts.now);
}
