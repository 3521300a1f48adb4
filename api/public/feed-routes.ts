// RSS 2.0 and Atom 1.0 feeds of public incidents and maintenance, for the whole page and per component, in each of
// the page's languages: `/history.rss` in the default one, `/de/history.rss` in German (Herald's words translated,
// what the lead wrote as written, times as the pages show them).
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { AppEnv } from '../http/access.ts';
import { notFound } from '../core/errors.ts';
import { markdownToText, renderMarkdown } from '../core/markdown.ts';
import { loadComponents, loadPageContext, queryIncidentsJson, type PageContext, type ReadDeps } from './statuspage-read.ts';
import { isMaintenanceJson, type AnyIncidentJson } from './statuspage-types.ts';
import { formatDateTime, safeTimeZone } from '../core/time-format.ts';
import { getSettings } from '../core/settings.ts';
import { LANGUAGE_TAGS, languagePrefix, localeFor, offeredLanguages, type Locale } from '../core/i18n/locale.ts';
import { escapeXml, xmlSafe } from '../core/xml.ts';

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
  loc: Locale;
  /** The language's path prefix ("" for the default language): the feed's own URL and its links. */
  pages: string;
  title: string;
  description: string;
  /** Absolute URL of the feed without extension. */
  selfBase: string;
  /** The HTML page the feed follows. */
  alternate: string;
  items: AnyIncidentJson[];
}

/** The feed's incidents in `language` (the page's default when absent); null when `componentId` names no component or group. */
async function loadFeed(deps: ReadDeps, componentId?: string, language?: string): Promise<FeedData | null> {
  const ctx = await loadPageContext(deps);
  const tag = language ?? offeredLanguages(ctx.languages)[0]!;
  const loc = localeFor(tag);
  const pages = languagePrefix(ctx.languages, tag);
  const set = await loadComponents(deps.db, ctx.page.id);
  let componentIds: string[] | undefined;
  let title = loc.t('feed.title', { page: ctx.page.name });
  let description = loc.t('feed.description', { page: ctx.page.name });
  if (componentId !== undefined) {
    const component = set.byId.get(componentId);
    if (!component) return null;
    // A group's feed follows its children: incidents are linked to components, never to groups.
    componentIds = component.group ? (set.groupChildren.get(component.id) ?? []) : [component.id];
    title = loc.t('feed.componentTitle', { page: ctx.page.name, component: component.name });
    description = loc.t('feed.componentDescription', { page: ctx.page.name, component: component.name });
  }
  const items = await queryIncidentsJson(deps, { kind: 'any', componentIds, order: 'started_desc', limit: FEED_LIMIT }, ctx, set);
  return {
    ctx: { ...ctx, timeZone: safeTimeZone(ctx.timeZone) },
    loc,
    pages,
    title,
    description,
    selfBase: `${ctx.base}${pages}${feedPath(componentId)}`,
    alternate: `${ctx.base}${pages}/`,
    items,
  };
}

/** An item's page in the feed's language (its shortlink is the default language's). */
const itemLink = (data: FeedData, x: AnyIncidentJson) => (data.pages && x.shortlink.startsWith(`${data.ctx.base}/`) ? `${data.ctx.base}${data.pages}${x.shortlink.slice(data.ctx.base.length)}` : x.shortlink);

/** A title or name on one line: a line break or other control character stored before names refused them becomes a space. */
const oneLineText = (s: string) => s.replace(/[\t\n\r]+/g, ' ');

/** An item's HTML: its updates newest first (status, time, sanitized markdown), then its components. */
function itemHtml(x: AnyIncidentJson, data: FeedData): string {
  const { loc } = data;
  const timeZone = data.ctx.timeZone;
  /** "Nov 27, 2026, 05:00 UTC" in the page's time zone and the feed's language, as the pages show it. */
  const time = (isoTime: string) => escapeXml(formatDateTime(new Date(isoTime), timeZone, loc));
  const parts: string[] = [];
  if (isMaintenanceJson(x) && x.scheduled_for) {
    const until = x.scheduled_until ? ` – ${time(x.scheduled_until)}` : '';
    parts.push(`<p><strong>${escapeXml(loc.t('feed.scheduled'))}</strong> ${time(x.scheduled_for)}${until}</p>`);
  }
  for (const u of x.incident_updates) {
    parts.push(`<p><strong>${escapeXml(loc.status(u.status))}</strong> — ${time(u.display_at)}</p>`);
    parts.push(renderMarkdown(u.body));
    if (u.affected_components) {
      const changes = u.affected_components.map(
        (a) => `<li>${escapeXml(loc.t('update.change', { component: a.name, from: loc.componentStatus(a.old_status), to: loc.componentStatus(a.new_status) }))}</li>`,
      );
      parts.push(`<ul>${changes.join('')}</ul>`);
    }
    parts.push('<hr />');
  }
  if (x.components.length > 0) {
    parts.push(`<p>${escapeXml(loc.t('feed.affected', { components: loc.list(x.components.map((c) => c.name)) }))}</p>`);
  }
  // The postmortem link is validated when saved; checked again here because it lands in an href.
  if (x.postmortem_url && /^https?:\/\//i.test(x.postmortem_url)) {
    const url = data.pages && x.postmortem_url.startsWith(`${data.ctx.base}/`) ? `${data.ctx.base}${data.pages}${x.postmortem_url.slice(data.ctx.base.length)}` : x.postmortem_url;
    parts.push(`<p><a rel="nofollow noopener noreferrer" href="${escapeXml(url)}">${escapeXml(loc.t('incident.readPostmortem'))}</a></p>`);
  }
  return parts.join('\n');
}

/** A short plain-text summary: the latest update's status and text. */
function itemSummary(x: AnyIncidentJson, loc: Locale): string {
  const latest = x.incident_updates[0];
  if (!latest) return loc.status(x.status);
  const text = markdownToText(latest.body);
  return loc.t('feed.summary', { status: loc.status(latest.status), text: text.length > 500 ? `${text.slice(0, 499)}…` : text });
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
    `<language>${e(data.loc.tag)}</language>`,
    '<generator>Herald</generator>',
    // The page's own change time, never the wall clock: the same bytes on every instance (same ETag).
    `<lastBuildDate>${e(new Date(data.ctx.page.updated_at).toUTCString())}</lastBuildDate>`,
    `<atom:link href="${e(`${data.selfBase}.rss`)}" rel="self" type="application/rss+xml"/>`,
    ...(updated ? [`<pubDate>${e(rfc822(updated))}</pubDate>`] : []),
    '<ttl>5</ttl>',
  ];
  for (const x of data.items) {
    const link = itemLink(data, x);
    lines.push(
      '<item>',
      `<title>${e(oneLineText(x.name))}</title>`,
      `<description>${e(itemHtml(x, data))}</description>`,
      `<link>${e(link)}</link>`,
      // The incident URL never changes when the incident is edited: readers see one item per incident.
      `<guid isPermaLink="false">${e(link)}</guid>`,
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
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${e(data.loc.tag)}">`,
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
    const link = itemLink(data, x);
    lines.push(
      '<entry>',
      `<id>${e(link)}</id>`,
      `<title type="text">${e(oneLineText(x.name))}</title>`,
      `<link rel="alternate" type="text/html" href="${e(link)}"/>`,
      `<published>${e(x.started_at)}</published>`,
      `<updated>${e(itemUpdated(x))}</updated>`,
      `<category term="${isMaintenanceJson(x) ? 'maintenance' : 'incident'}"/>`,
      `<summary type="text">${e(itemSummary(x, data.loc))}</summary>`,
      `<content type="html">${e(itemHtml(x, data))}</content>`,
      '</entry>',
    );
  }
  lines.push('</feed>', '');
  return lines.join('\n');
}

/** The RSS 2.0 feed of the page, or of one component or group, in `language`; null when the component is unknown. */
async function buildRssFeed(deps: ReadDeps, componentId?: string, language?: string): Promise<string | null> {
  const data = await loadFeed(deps, componentId, language);
  return data && rssXml(data);
}

/** The Atom 1.0 feed of the page, or of one component or group, in `language`; null when the component is unknown. */
async function buildAtomFeed(deps: ReadDeps, componentId?: string, language?: string): Promise<string | null> {
  const data = await loadFeed(deps, componentId, language);
  return data && atomXml(data);
}

/**
 * The language of a `/<tag>/…` address: one of the page's further languages. The default one's own prefix leads to
 * the address without it for good (301); a language the page does not offer (any more) to the default language's
 * feed for now (302), so a feed reader subscribed to it keeps reading. Shared by the feeds and the calendar.
 */
export async function pathLanguage(c: Context<AppEnv>): Promise<{ tag: string | undefined } | Response> {
  const tag = c.req.param('lang');
  if (tag === undefined) return { tag: undefined };
  if (!LANGUAGE_TAGS.includes(tag)) throw notFound('page');
  const offered = offeredLanguages(await getSettings(c.get('deps').db));
  if (tag === offered[0] || !offered.includes(tag)) return c.redirect(c.req.path.slice(tag.length + 1), tag === offered[0] ? 301 : 302);
  return { tag };
}

/** GET /history.rss, /history.atom, /components/:id/history.rss, /components/:id/history.atom, each also under /<lang>/ (mounted at /). */
export function feedRoutes() {
  const r = new Hono<AppEnv>();
  const serve = (format: 'rss' | 'atom', component: boolean) => async (c: Context<AppEnv>) => {
    const lang = await pathLanguage(c);
    if (lang instanceof Response) return lang;
    const deps = c.get('deps');
    const componentId = component ? c.req.param('id') : undefined;
    const xml = format === 'rss' ? await buildRssFeed(deps, componentId, lang.tag) : await buildAtomFeed(deps, componentId, lang.tag);
    if (xml === null) throw notFound('component');
    return new Response(xml, { headers: { 'Content-Type': format === 'rss' ? RSS_CONTENT_TYPE : ATOM_CONTENT_TYPE } });
  };
  for (const prefix of ['', '/:lang']) {
    r.get(`${prefix}/history.rss`, serve('rss', false));
    r.get(`${prefix}/history.atom`, serve('atom', false));
    r.get(`${prefix}/components/:id/history.rss`, serve('rss', true));
    r.get(`${prefix}/components/:id/history.atom`, serve('atom', true));
  }
  return r;
}
