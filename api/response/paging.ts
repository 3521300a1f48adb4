// Pages: escalating an incident (by hand, on open, or when nobody acknowledged in time) writes one page per contact of the level; acknowledging one.
import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { ESCALATION_LEVELS, incidents, outbox, outboxEvents, pages, users, type PageReason } from '../../db/schema.ts';
import { conflict, invalidTransition, notFound } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import { iso, isoOrNull } from '../core/iso.ts';
import { getSettings, type Settings } from '../core/settings.ts';
import type { Write } from '../audit/write.ts';
import { isClosed } from '../incidents/incident-status.ts';
import { findIncident, type IncidentRow } from '../incidents/incident-store.ts';
import { MAX_PAGE_LEVEL, levelContacts } from './escalation-settings.ts';
import { KIND_LABELS, recipientLabel } from './internal-recipients.ts';

export type PageRow = typeof pages.$inferSelect;

/** The outbox event key that carries a page: one event per page, one message. */
export const pageEventKey = (pageId: string) => `page:${pageId}`;

export function levelName(settings: Pick<Settings, 'escalationLevelNames'>, level: number): string {
  return settings.escalationLevelNames[level - 1] || ESCALATION_LEVELS[level - 1] || `level ${level}`;
}

/**
 * Writes a page for each active contact of `level` (1..4) in the caller's write, with one audit entry
 * (on the incident's timeline). A level without contacts pages nobody and says so, unless `quiet`.
 */
async function pageLevel(w: Write, incident: IncidentRow, level: number, reason: PageReason | null, opts: { quiet?: boolean } = {}): Promise<PageRow[]> {
  const { tx, now } = w;
  const [settings, contacts] = await Promise.all([getSettings(tx), levelContacts(tx, level)]);
  const active = contacts.filter((c) => c.active);
  const name = levelName(settings, level);
  const entry = { entityType: 'incident', entityId: incident.id, incidentId: incident.id };
  if (!active.length) {
    if (!opts.quiet) await w.audit({ ...entry, action: 'page.none', after: { level, level_name: name, reason } });
    return [];
  }
  const batchId = newId();
  const rows: PageRow[] = active.map((c) => ({
    id: newId(),
    incidentId: incident.id,
    level,
    recipientId: c.recipient.id,
    contact: recipientLabel(c.recipient, c.userName),
    channel: c.recipient.kind,
    reason,
    batchId,
    sentAt: now,
    acknowledgedAt: null,
    acknowledgedBy: null,
    acknowledgedVia: null,
  }));
  await tx.insert(pages).values(rows);
  const channels = [...new Set(active.map((c) => (c.recipient.kind === 'email' ? 'email' : KIND_LABELS[c.recipient.kind])))];
  await w.audit({ ...entry, action: 'page.sent', after: { level, level_name: name, reason, contacts: rows.length, channels, batch_id: batchId } });
  return rows;
}

export interface EscalateInput {
  /** The path position to page, 1..4; default the next one above the incident's. */
  level?: number;
  reason?: PageReason | null;
  /** The scheduler's escalation (nobody acknowledged in time). */
  automatic?: boolean;
  /** Only if the incident is still at this escalation_level (0..3): the scheduler's conditional claim. */
  fromLevel?: number;
}

export interface Escalated {
  incident: IncidentRow;
  level: number;
  pages: PageRow[];
}

/**
 * Escalates in the caller's write: moves the incident up (a conditional UPDATE on its current level, so two
 * instances escalating at once move it once), pages the level's contacts, audits, and emits incidentEscalated
 * (their messages and the stakeholders' go out in this transaction). Paging the incident's current level again is
 * allowed; a lower level is a 409. Returns null when `fromLevel` no longer holds (someone else escalated).
 */
export async function escalateIncident(w: Write, incidentId: string, input: EscalateInput): Promise<Escalated | null> {
  const { tx, now } = w;
  const before = await findIncident(tx, incidentId);
  if (before.kind !== 'incident') throw conflict('Maintenance has no escalation path.');
  if (isClosed(before.kind, before.status)) throw invalidTransition('This incident is closed: there is nothing to escalate.');
  if (input.fromLevel !== undefined && before.escalationLevel !== input.fromLevel) return null;
  const settings = await getSettings(tx);
  const position = before.escalationLevel + 1;
  const target = input.level ?? position + 1;
  if (target > MAX_PAGE_LEVEL) throw conflict('This incident is already at the highest escalation level.');
  if (target < position) {
    throw conflict(`This incident is already escalated to ${levelName(settings, position)} (level ${position}): page that level again, or a higher one.`);
  }
  const reason = input.reason ?? null;
  const name = levelName(settings, target);
  const entry = { entityType: 'incident', entityId: before.id, incidentId: before.id };
  if (target > position) {
    const claim = await tx
      .update(incidents)
      .set({ escalationLevel: target - 1, updatedAt: now })
      .where(and(eq(incidents.id, before.id), eq(incidents.escalationLevel, before.escalationLevel)));
    if (claim.rowsAffected !== 1) {
      if (input.fromLevel !== undefined) return null;
      throw conflict('The incident was escalated by someone else meanwhile: look again, then escalate.');
    }
    await w.audit({
      ...entry,
      action: 'incident.escalation',
      before: { escalation_level: before.escalationLevel },
      after: { escalation_level: target - 1, level: target, level_name: name, reason, automatic: !!input.automatic },
    });
  } else {
    await w.audit({ ...entry, action: 'incident.page_again', after: { level: target, level_name: name, reason } });
  }
  const incident: IncidentRow = { ...before, escalationLevel: target - 1, updatedAt: now };
  const written = await pageLevel(w, incident, target, reason);
  await w.events.incidentEscalated(tx, { incident, level: target, reason, automatic: !!input.automatic, pages: written, actor: w.actor, now });
  return { incident, level: target, pages: written };
}

/**
 * "Activate the response team": when the severity's policy says so, pages level 1 for a newly opened incident (or
 * one raised to such a severity before anyone was paged). Quiet when level 1 has no contacts.
 */
export async function pageOnOpen(w: Write, incident: IncidentRow): Promise<PageRow[]> {
  if (incident.kind !== 'incident' || !incident.severity || isClosed(incident.kind, incident.status)) return [];
  const settings = await getSettings(w.tx);
  if (!settings.pageOnOpen[incident.severity]) return [];
  const [already] = await w.tx.select({ id: pages.id }).from(pages).where(eq(pages.incidentId, incident.id)).limit(1);
  if (already) return [];
  return pageLevel(w, incident, incident.escalationLevel + 1, 'incident_opened', { quiet: true });
}

export type AckVia = 'console' | 'link' | 'token';

/**
 * Acknowledges a page (a conditional UPDATE: the first acknowledgement counts, a second changes nothing), audited
 * on the incident's timeline. Acknowledging stops the automatic climb to the next level.
 */
export async function acknowledgePage(w: Write, pageId: string, via: AckVia): Promise<PageRow> {
  const { tx, now, actor } = w;
  const [page] = await tx.select().from(pages).where(eq(pages.id, pageId));
  if (!page) throw notFound('page');
  if (page.acknowledgedAt) return page;
  const claim = await tx
    .update(pages)
    .set({ acknowledgedAt: now, acknowledgedBy: actor?.user.id ?? null, acknowledgedVia: via })
    .where(and(eq(pages.id, pageId), isNull(pages.acknowledgedAt)));
  if (claim.rowsAffected !== 1) return (await tx.select().from(pages).where(eq(pages.id, pageId)))[0] ?? page;
  const settings = await getSettings(tx);
  await w.audit({
    action: 'page.ack',
    entityType: 'page',
    entityId: page.id,
    incidentId: page.incidentId,
    after: { level: page.level, level_name: levelName(settings, page.level), via, contact: page.contact },
  });
  return { ...page, acknowledgedAt: now, acknowledgedBy: actor?.user.id ?? null, acknowledgedVia: via };
}

export interface PageOut {
  id: string;
  incident_id: string;
  level: number;
  level_name: string;
  /** The contact as a person reads it (URLs masked). */
  contact: string;
  channel: PageRow['channel'];
  reason: PageReason | null;
  state: 'sent' | 'acknowledged' | 'failed';
  /** The message's delivery: pending (queued or retrying), sent, held (no SMTP), failed, skipped. */
  delivery: string | null;
  sent_at: string;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  acknowledged_by_name: string | null;
  acknowledged_via: string | null;
}

/** The pages sent for an incident, newest first, with their delivery state from the outbox. */
export async function incidentPages(db: Executor, incidentId: string): Promise<PageOut[]> {
  const [settings, rows] = await Promise.all([
    getSettings(db),
    db
      .select({ page: pages, delivery: outbox.state, ackName: users.name })
      .from(pages)
      .leftJoin(outboxEvents, eq(outboxEvents.key, sql`'page:' || ${pages.id}`))
      .leftJoin(outbox, and(eq(outbox.eventId, outboxEvents.id), eq(outbox.recipientId, pages.recipientId)))
      .leftJoin(users, eq(users.id, pages.acknowledgedBy))
      .where(eq(pages.incidentId, incidentId))
      .orderBy(desc(pages.sentAt), asc(pages.level), asc(pages.contact)),
  ]);
  return rows.map((r) => pageJson(r.page, r.delivery, r.ackName, settings));
}

export function pageJson(p: PageRow, delivery: string | null, ackName: string | null, settings: Pick<Settings, 'escalationLevelNames'>): PageOut {
  return {
    id: p.id,
    incident_id: p.incidentId,
    level: p.level,
    level_name: levelName(settings, p.level),
    contact: p.contact,
    channel: p.channel,
    reason: p.reason,
    state: p.acknowledgedAt ? 'acknowledged' : delivery === 'failed' ? 'failed' : 'sent',
    delivery,
    sent_at: iso(p.sentAt),
    acknowledged_at: isoOrNull(p.acknowledgedAt),
    acknowledged_by: p.acknowledgedBy,
    acknowledged_by_name: ackName ?? (p.acknowledgedVia === 'link' ? p.contact : null),
    acknowledged_via: p.acknowledgedVia,
  };
}

export async function findPage(db: Executor, id: string): Promise<PageRow> {
  const [page] = await db.select().from(pages).where(eq(pages.id, id));
  if (!page) throw notFound('page');
  return page;
}

/** Whether any page of `incident` at `level` was acknowledged, and when the latest went out. */
export async function levelPageState(db: Executor, incidentId: string, level: number): Promise<{ latest: Date | null; acknowledged: boolean }> {
  const rows = await db
    .select({ latest: sql<number | null>`max(${pages.sentAt})`, acked: sql<number>`sum(case when ${pages.acknowledgedAt} is not null then 1 else 0 end)` })
    .from(pages)
    .where(and(eq(pages.incidentId, incidentId), eq(pages.level, level)));
  const r = rows[0];
  return { latest: r?.latest === null || r?.latest === undefined ? null : new Date(Number(r.latest)), acknowledged: Number(r?.acked ?? 0) > 0 };
}
