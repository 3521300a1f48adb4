// Postmortems (the post-incident report): the template, the console JSON, and the public read the pages and /api/v2 use.
import { and, asc, eq, inArray, isNotNull } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { actionItems, incidents, postmortems, users, type PostmortemContent } from '../../db/schema.ts';
import type { AppDeps } from '../core/deps.ts';
import { incidentDetailJson } from '../incidents/incident-json.ts';
import { type IncidentRow } from '../incidents/incident-store.ts';
import { iso, isoOrNull } from '../core/iso.ts';
import { renderMarkdown } from '../core/markdown.ts';
import { getSettings, publicBaseUrl } from '../core/settings.ts';
import { formatDateTime, safeTimeZone } from '../core/time-format.ts';
import { statusLabel } from '../core/vocabulary.ts';

export type PostmortemRow = typeof postmortems.$inferSelect;

/** The report template's sections (DESIGN.md), in order, with their API keys and headings. */
export const SECTIONS = [
  { key: 'summary', field: 'summary', title: 'Summary' },
  { key: 'timeline', field: 'timeline', title: 'Timeline' },
  { key: 'root_cause', field: 'rootCause', title: 'Root cause analysis' },
  { key: 'impact', field: 'impact', title: 'Impact assessment' },
  { key: 'remediation', field: 'remediation', title: 'Remediation steps' },
  { key: 'lessons', field: 'lessons', title: 'Lessons learned' },
] as const;

export type SectionKey = (typeof SECTIONS)[number]['key'];

export interface PostmortemOut {
  incident_id: string;
  incident_title: string;
  incident_status: string;
  /** none: nothing saved yet; draft: saved, never published; published: public (maybe with newer draft edits). */
  state: 'none' | 'draft' | 'published';
  /** Published, and the draft differs from what the public sees. */
  has_unpublished_changes: boolean;
  /** Publishing needs a resolved incident. */
  can_publish: boolean;
  summary: string;
  timeline: string;
  root_cause: string;
  impact: string;
  remediation: string;
  lessons: string;
  external_url: string | null;
  /** Each section rendered by the public renderer (the console's preview). */
  html: Record<SectionKey, string>;
  /** A timeline built from the incident's published updates and internal events (the draft's starting point). */
  suggested_timeline: string;
  /** Where the public reads it once published: ours, or the external document. */
  public_url: string | null;
  author_id: string | null;
  author_name: string | null;
  created_at: string | null;
  updated_at: string | null;
  published_at: string | null;
  last_published_at: string | null;
}


export const contentOf = (p: PostmortemRow): PostmortemContent => ({
  summary: p.summary,
  timeline: p.timeline,
  rootCause: p.rootCause,
  impact: p.impact,
  remediation: p.remediation,
  lessons: p.lessons,
  externalUrl: p.externalUrl,
});

export const sameContent = (a: PostmortemContent, b: PostmortemContent) =>
  SECTIONS.every((s) => a[s.field] === b[s.field]) && (a.externalUrl ?? null) === (b.externalUrl ?? null);

export const hasContent = (c: PostmortemContent) => !!c.externalUrl || SECTIONS.some((s) => c[s.field].trim() !== '');

/** The public address of a published postmortem: the external document when one is linked, else ours. */
export function postmortemUrl(base: string, incidentId: string, externalUrl: string | null | undefined): string {
  return externalUrl || `${base.replace(/\/+$/, '')}/incidents/${encodeURIComponent(incidentId)}/postmortem`;
}

export interface PublishedPostmortemRef {
  externalUrl: string | null;
  publishedAt: Date;
  lastPublishedAt: Date;
}

/** The published postmortems of these incidents (for /api/v2's status `postmortem` and `postmortem_url`, feeds and pages). */
export async function getPublishedPostmortems(db: Executor, incidentIds: readonly string[]): Promise<Map<string, PublishedPostmortemRef>> {
  const out = new Map<string, PublishedPostmortemRef>();
  if (!incidentIds.length) return out;
  const rows = await db
    .select({ incidentId: postmortems.incidentId, published: postmortems.published, publishedAt: postmortems.publishedAt, lastPublishedAt: postmortems.lastPublishedAt })
    .from(postmortems)
    .where(and(inArray(postmortems.incidentId, [...new Set(incidentIds)]), isNotNull(postmortems.published)));
  for (const r of rows) {
    if (!r.published || !r.publishedAt) continue;
    out.set(r.incidentId, { externalUrl: r.published.externalUrl ?? null, publishedAt: r.publishedAt, lastPublishedAt: r.lastPublishedAt ?? r.publishedAt });
  }
  return out;
}

const BLOCK_START = /^\s*(?:[-*+]\s|\d+[.)]\s|#{1,6}\s|>|```|~~~|\|)/;

/**
 * An update's markdown as a timeline entry's text: its first paragraph on the entry's line, everything after it
 * (lists, further paragraphs) nested under the entry, so a list in an update stays a list instead of running
 * into one line ("…HTTP 500. - Dashboard is unaffected - Next update…").
 */
export function timelineEntryText(md: string): string {
  const lines = md.replace(/\r\n?/g, '\n').trim().split('\n');
  const first: string[] = [];
  while (lines.length && lines[0]!.trim() !== '' && !BLOCK_START.test(lines[0]!)) {
    first.push(lines.shift()!.trim());
  }
  while (lines.length && lines[0]!.trim() === '' && lines.some((l) => l.trim() !== '')) lines.shift();
  const rest = lines.every((l) => l.trim() === '') ? [] : lines.map((l) => (l.trim() === '' ? '' : `  ${l}`));
  return [first.join(' '), ...rest].join('\n');
}

/**
 * The timeline as markdown, oldest first: every published update and the internal events (stage,
 * escalation, severity) from the audit log, marked "(internal)" for the writer to keep or cut.
 * Draft edits, role assignments, postmortem and action item changes, internal notes, reminders, alerts and the
 * security flag are left out; no names.
 */
export async function suggestedTimeline(db: Executor, incident: IncidentRow, now: Date): Promise<string> {
  const [detail, settings] = await Promise.all([incidentDetailJson(db, incident, now), getSettings(db)]);
  const zone = safeTimeZone(settings.timeZone);
  const lines: string[] = [];
  for (const entry of [...detail.timeline].reverse()) {
    const when = `**${formatDateTime(new Date(entry.at), zone)}**`;
    if (entry.type === 'update') {
      lines.push(`- ${when} — ${statusLabel(entry.update.status)}: ${timelineEntryText(entry.update.body)}`);
    } else {
      // Who held which role is about people, not the incident: left out, as the draft may become public. So are
      // internal notes, reminders, alerts and the security flag: internal by nature, for the writer to add if wanted.
      if (/^(incident_update|postmortem|action_item|alert|response)\./.test(entry.action)) continue;
      if (entry.action === 'incident.role' || entry.action === 'incident.note' || entry.action === 'incident.security') continue;
      lines.push(`- ${when} — _(internal)_ ${entry.summary}`);
    }
  }
  return lines.join('\n');
}

export async function findPostmortem(db: Executor, incidentId: string): Promise<PostmortemRow | null> {
  const rows = await db.select().from(postmortems).where(eq(postmortems.incidentId, incidentId));
  return rows[0] ?? null;
}

export async function postmortemJson(deps: Pick<AppDeps, 'db' | 'publicUrl'>, incident: IncidentRow, now: Date): Promise<PostmortemOut> {
  const { db } = deps;
  const [p, suggested, settings] = await Promise.all([findPostmortem(db, incident.id), suggestedTimeline(db, incident, now), getSettings(db)]);
  const author = p?.authorId ? (await db.select({ name: users.name }).from(users).where(eq(users.id, p.authorId)))[0] : undefined;
  const draft: PostmortemContent = p
    ? contentOf(p)
    : { summary: '', timeline: suggested, rootCause: '', impact: '', remediation: '', lessons: '', externalUrl: null };
  const html = Object.fromEntries(SECTIONS.map((s) => [s.key, renderMarkdown(draft[s.field])])) as Record<SectionKey, string>;
  const published = p?.published ?? null;
  return {
    incident_id: incident.id,
    incident_title: incident.title,
    incident_status: incident.status,
    state: !p ? 'none' : published ? 'published' : 'draft',
    has_unpublished_changes: !!(p && published && !sameContent(contentOf(p), published)),
    can_publish: incident.status === 'resolved',
    summary: draft.summary,
    timeline: draft.timeline,
    root_cause: draft.rootCause,
    impact: draft.impact,
    remediation: draft.remediation,
    lessons: draft.lessons,
    external_url: draft.externalUrl,
    html,
    suggested_timeline: suggested,
    public_url: published ? postmortemUrl(publicBaseUrl(settings, deps.publicUrl), incident.id, published.externalUrl) : null,
    author_id: p?.authorId ?? null,
    author_name: author?.name ?? null,
    created_at: isoOrNull(p?.createdAt),
    updated_at: isoOrNull(p?.updatedAt),
    published_at: isoOrNull(p?.publishedAt),
    last_published_at: isoOrNull(p?.lastPublishedAt),
  };
}

// ---------------------------------------------------------------------------------------------
// The public read (the page at /incidents/:id/postmortem)

export interface PublicPostmortem {
  incident: {
    id: string;
    title: string;
    impact: string;
    status: string;
    started_at: string;
    resolved_at: string | null;
  };
  /** Set when the postmortem lives elsewhere; the page then links there. */
  external_url: string | null;
  /** The non-empty sections, rendered and sanitized. */
  sections: { key: SectionKey; title: string; html: string }[];
  /** Only the action items marked public; never owners. */
  action_items: { id: string; title: string; done: boolean; due_at: string | null }[];
  published_at: string;
  updated_at: string;
  time_zone: string;
}

/** What the public sees, or null when the incident is not public or has no published postmortem. */
export async function getPublicPostmortem(deps: Pick<AppDeps, 'db'>, incidentId: string): Promise<PublicPostmortem | null> {
  const { db } = deps;
  const [incident] = await db
    .select()
    .from(incidents)
    .where(and(eq(incidents.id, incidentId), eq(incidents.kind, 'incident'), isNotNull(incidents.publishedAt)));
  if (!incident) return null;
  const p = await findPostmortem(db, incident.id);
  if (!p?.published || !p.publishedAt) return null;
  const [items, settings] = await Promise.all([
    db
      .select()
      .from(actionItems)
      .where(and(eq(actionItems.incidentId, incident.id), eq(actionItems.public, true)))
      .orderBy(asc(actionItems.createdAt), asc(actionItems.id)),
    getSettings(db),
  ]);
  const content = p.published;
  return {
    incident: {
      id: incident.id,
      title: incident.title,
      impact: incident.impact,
      status: incident.status,
      started_at: iso(incident.startedAt),
      resolved_at: isoOrNull(incident.resolvedAt),
    },
    external_url: content.externalUrl ?? null,
    sections: SECTIONS.filter((s) => content[s.field].trim() !== '').map((s) => ({ key: s.key, title: s.title, html: renderMarkdown(content[s.field]) })),
    action_items: items.map((i) => ({ id: i.id, title: i.title, done: i.doneAt !== null, due_at: isoOrNull(i.dueAt) })),
    published_at: iso(p.publishedAt),
    updated_at: iso(p.lastPublishedAt ?? p.publishedAt),
    time_zone: safeTimeZone(settings.timeZone),
  };
}

// ---------------------------------------------------------------------------------------------
// Routes

