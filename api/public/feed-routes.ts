// RSS 2.0 and Atom 1.0 feeds of public incidents and maintenance, for the whole page and per component.
import { Hono } from 'hono';
import type { AppEnv } from '../http/access.ts';
import { notFound } from '../core/errors.ts';
import { markdownToText, renderMarkdown } from '../core/markdown.ts';
import { loadComponents, loadPageContext, queryIncidentsJson, type PageContext, type ReadDeps } from './statuspage-read.ts';
import { isMaintenanceJson, type AnyIncidentJson } from './statuspage-types.ts';
import { formatDateTime, safeTimeZone } from '../core/time-format.ts';
import { componentStatusLabel, statusLabel } from '../core/vocabulary.ts';

/** Feeds carry the last 50 incidents and maintenances, newest first by start. */
const FEED_LIMIT = 50;
const RSS_CONTENT_TYPE = 'application/rss+xml; charset=utf-8';
const ATOM_CONTENT_TYPE = 'application/atom+xml; charset=utf-8';

/** The public label of an incident or maintenance status ("in_progress" → "In progress"). */

// ---------------------------------------------------------------------------------------------
// Links for <head>

export interface FeedLink {
  rel: 'alternate';
  type: 'application/rss+xml' | 'application/atom+xml';
  href: string;
  title: string;
}

/** The feeds' paths without extension: `/history` or `/components/<id>/history`. */
function feedPath(componentId?: string): string {
  return componentId ? `/components/${encodeURIComponent(componentId)}/history` : '/history';
}

/** `<link rel="alternate">` entries for a page's head: the RSS and Atom feed of the page or of one component. */
export function feedLinks(base: string, opts: { title?: string; componentId?: string } = {}): FeedLink[] {
  const path = `${base.replace(/\/+$/, '')}${feedPath(opts.componentId)}`;
  const title = opts.title ?? 'Status history';
  return [
    { rel: 'alternate', type: 'application/rss+xml', href: `${path}.rss`, title: `${title} (RSS)` },
    { rel: 'alternate', type: 'application/atom+xml', href: `${path}.atom`, title: `${title} (Atom)` },
  ];
}

// ---------------------------------------------------------------------------------------------
// What goes in a feed

interface FeedData {
  ctx: PageContext;
  title: string;
  description: string;
  /** Absolute URL of the feed without extension. */
  selfBase: string;
  /** The HTML page the feed follows. */
  alternate: string;
  items: AnyIncidentJson[];
}

/** The feed's incidents; null when `componentId` names no component or group. */
async function loadFeed(deps: ReadDeps, componentId?: string): Promise<FeedData | null> {
  const ctx = await loadPageContext(deps);
  const set = await loadComponents(deps.db, ctx.page.id);
  let componentIds: string[] | undefined;
  let title = `${ctx.page.name} status`;
  let description = `Incidents and maintenance of ${ctx.page.name}`;
  if (componentId !== undefined) {
    const component = set.byId.get(componentId);
    if (!component) return null;
    // A group's feed follows its children: incidents are linked to components, never to groups.
    componentIds = component.group ? (set.groupChildren.get(component.id) ?? []) : [component.id];
    title = `${ctx.page.name} status: ${component.name}`;
    description = `Incidents and maintenance affecting ${component.name} on ${ctx.page.name}`;
  }
  const items = await queryIncidentsJson(deps, { kind: 'any', componentIds, order: 'started_desc', limit: FEED_LIMIT }, ctx, set);
  return { ctx: { ...ctx, timeZone: safeTimeZone(ctx.timeZone) }, title, description, selfBase: `${ctx.base}${feedPath(componentId)}`, alternate: `${ctx.base}/`, items };
}

/** "Nov 27, 2026, 05:00 UTC" in the page's time zone, as the pages show it. */
const displayTime = (isoTime: string, timeZone: string) => formatDateTime(new Date(isoTime), timeZone);

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

// Characters XML 1.0 forbids (C0 controls, lone surrogates, U+FFFE/FFFF): one would make the whole feed unreadable.
const NOT_XML = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const xmlSafe = (s: string) => s.replace(NOT_XML, '');
/** A title or name on one line: a line break or other control character stored before names refused them becomes a space. */
const oneLineText = (s: string) => s.replace(/[\t\n\r]+/g, ' ');

/** An item's HTML: its updates newest first (status, time, sanitized markdown), then its components. */
function itemHtml(x: AnyIncidentJson, timeZone: string): string {
  const parts: string[] = [];
  if (isMaintenanceJson(x) && x.scheduled_for) {
    const until = x.scheduled_until ? ` – ${escapeXml(displayTime(x.scheduled_until, timeZone))}` : '';
    parts.push(`<p><strong>Scheduled</strong> ${escapeXml(displayTime(x.scheduled_for, timeZone))}${until}</p>`);
  }
  for (const u of x.incident_updates) {
    parts.push(`<p><strong>${escapeXml(statusLabel(u.status))}</strong> — ${escapeXml(displayTime(u.display_at, timeZone))}</p>`);
    parts.push(renderMarkdown(u.body));
    if (u.affected_components) {
      const changes = u.affected_components.map(
        (a) => `<li>${escapeXml(a.name)}: ${escapeXml(componentStatusLabel(a.old_status))} → ${escapeXml(componentStatusLabel(a.new_status))}</li>`,
      );
      parts.push(`<ul>${changes.join('')}</ul>`);
    }
    parts.push('<hr />');
  }
  if (x.components.length > 0) {
    parts.push(`<p>Affected components: ${x.components.map((c) => escapeXml(c.name)).join(', ')}</p>`);
  }
  // The postmortem link is validated when saved; checked again here because it lands in an href.
  if (x.postmortem_url && /^https?:\/\//i.test(x.postmortem_url)) {
    parts.push(`<p><a rel="nofollow noopener noreferrer" href="${escapeXml(x.postmortem_url)}">Read the postmortem</a></p>`);
  }
  return parts.join('\n');
}

/** A short plain-text summary: the latest update's status and text. */
function itemSummary(x: AnyIncidentJson): string {
  const latest = x.incident_updates[0];
  if (!latest) return statusLabel(x.status);
  const text = markdownToText(latest.body);
  return `${statusLabel(latest.status)}: ${text.length > 500 ? `${text.slice(0, 499)}…` : text}`;
}

/** The latest public change of an item: the incident itself or any of its published updates. */
function itemUpdated(x: AnyIncidentJson): string {
  let latest = x.updated_at;
  for (const u of x.incident_updates) {
    if (u.updated_at > latest) latest = u.updated_at;
    if (u.display_at > latest) latest = u.display_at;
  }
  return latest;
}

function feedUpdated(data: FeedData): string {
  let latest = data.items.length > 0 ? '' : data.ctx.page.updated_at;
  for (const x of data.items) {
    const u = itemUpdated(x);
    if (u > latest) latest = u;
  }
  return latest;
}

// ---------------------------------------------------------------------------------------------
// RSS 2.0

/**
 * Written by hand rather than with a library that wraps every text in CDATA: inside CDATA a title is raw markup
 * to any reader that renders titles as HTML (and `]]>` would end the section early). Here every value is escaped
 * text: titles are plain text, descriptions are HTML escaped once, as RSS 2.0 readers expect.
 */
function rssXml(data: FeedData): string {
  const e = (s: string) => escapeXml(xmlSafe(s));
  const rfc822 = (isoTime: string) => new Date(isoTime).toUTCString();
  const updated = feedUpdated(data);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?><rss xmlns:atom="http://www.w3.org/2005/Atom" version="2.0">',
    '<channel>',
    `<title>${e(oneLineText(data.title))}</title>`,
    `<description>${e(oneLineText(data.description))}</description>`,
    `<link>${e(data.alternate)}</link>`,
    '<generator>Herald</generator>',
    // The page's own change time, never the wall clock: the same bytes on every instance (same ETag).
    `<lastBuildDate>${e(new Date(data.ctx.page.updated_at).toUTCString())}</lastBuildDate>`,
    `<atom:link href="${e(`${data.selfBase}.rss`)}" rel="self" type="application/rss+xml"/>`,
    ...(updated ? [`<pubDate>${e(rfc822(updated))}</pubDate>`] : []),
    '<ttl>5</ttl>',
  ];
  for (const x of data.items) {
    lines.push(
      '<item>',
      `<title>${e(oneLineText(x.name))}</title>`,
      `<description>${e(itemHtml(x, data.ctx.timeZone))}</description>`,
      `<link>${e(x.shortlink)}</link>`,
      // The incident URL never changes when the incident is edited: readers see one item per incident.
      `<guid isPermaLink="false">${e(x.shortlink)}</guid>`,
      `<category>${isMaintenanceJson(x) ? 'maintenance' : 'incident'}</category>`,
      `<pubDate>${e(rfc822(x.started_at))}</pubDate>`,
      '</item>',
    );
  }
  lines.push('</channel>', '</rss>', '');
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Atom 1.0

function atomXml(data: FeedData): string {
  const e = (s: string) => escapeXml(xmlSafe(s));
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">',
    `<id>${e(`${data.selfBase}.atom`)}</id>`,
    `<title type="text">${e(oneLineText(data.title))}</title>`,
    `<subtitle type="text">${e(oneLineText(data.description))}</subtitle>`,
    `<updated>${e(feedUpdated(data))}</updated>`,
    `<link rel="self" type="application/atom+xml" href="${e(`${data.selfBase}.atom`)}"/>`,
    `<link rel="alternate" type="text/html" href="${e(data.alternate)}"/>`,
    `<author><name>${e(oneLineText(data.ctx.page.name))}</name><uri>${e(data.alternate)}</uri></author>`,
    '<generator>Herald</generator>',
  ];
  for (const x of data.items) {
    lines.push(
      '<entry>',
      `<id>${e(x.shortlink)}</id>`,
      `<title type="text">${e(oneLineText(x.name))}</title>`,
      `<link rel="alternate" type="text/html" href="${e(x.shortlink)}"/>`,
      `<published>${e(x.started_at)}</published>`,
      `<updated>${e(itemUpdated(x))}</updated>`,
      `<category term="${isMaintenanceJson(x) ? 'maintenance' : 'incident'}"/>`,
      `<summary type="text">${e(itemSummary(x))}</summary>`,
      `<content type="html">${e(itemHtml(x, data.ctx.timeZone))}</content>`,
      '</entry>',
    );
  }
  lines.push('</feed>', '');
  return lines.join('\n');
}

/** The RSS 2.0 feed of the page, or of one component or group; null when the component is unknown. */
async function buildRssFeed(deps: ReadDeps, componentId?: string): Promise<string | null> {
  const data = await loadFeed(deps, componentId);
  return data && rssXml(data);
}

/** The Atom 1.0 feed of the page, or of one component or group; null when the component is unknown. */
async function buildAtomFeed(deps: ReadDeps, componentId?: string): Promise<string | null> {
  const data = await loadFeed(deps, componentId);
  return data && atomXml(data);
}

/** GET /history.rss, /history.atom, /components/:id/history.rss, /components/:id/history.atom (mounted at /). */
export function feedRoutes() {
  const r = new Hono<AppEnv>();
  const serve = (format: 'rss' | 'atom', componentId?: string) => async (deps: ReadDeps) => {
    const xml = format === 'rss' ? await buildRssFeed(deps, componentId) : await buildAtomFeed(deps, componentId);
    if (xml === null) throw notFound('component');
    return new Response(xml, { headers: { 'Content-Type': format === 'rss' ? RSS_CONTENT_TYPE : ATOM_CONTENT_TYPE } });
  };
  r.get('/history.rss', (c) => serve('rss')(c.get('deps')));
  r.get('/history.atom', (c) => serve('atom')(c.get('deps')));
  r.get('/components/:id/history.rss', (c) => serve('rss', c.req.param('id'))(c.get('deps')));
  r.get('/components/:id/history.atom', (c) => serve('atom', c.req.param('id'))(c.get('deps')));
  return r;
}
