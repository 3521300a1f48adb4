// /maintenance.ics: the public maintenance windows as an iCalendar feed calendar apps can subscribe to; /<lang>/maintenance.ics
// in another of the page's languages (the descriptions' fixed words translated, what the lead wrote as written).
import { Hono } from 'hono';
import ical, { ICalEventStatus } from 'ical-generator';
import type { AppEnv } from '../http/access.ts';
import { markdownToText } from '../core/markdown.ts';
import { languagePrefix, localeFor, offeredLanguages, type Locale } from '../core/i18n/locale.ts';
import { loadPageContext, queryIncidentsJson, type ReadDeps } from './statuspage-read.ts';
import type { ScheduledMaintenanceJson } from './statuspage-types.ts';
import { pathLanguage } from './feed-routes.ts';

const ICS_CONTENT_TYPE = 'text/calendar; charset=utf-8';
/** The most recent windows, by start; old ones fall off, upcoming ones are always in. */
const ICS_LIMIT = 200;

/**
 * A calendar-level TEXT value (NAME, X-WR-CALNAME, X-WR-CALDESC), which ical-generator writes as given: control
 * characters out (a CR/LF would end the line and start properties or events of the sender's choosing), then
 * RFC 5545's escapes for backslash, semicolon and comma.
 */
export function icsCalendarText(value: string): string {
  return value
    .replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ')
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,');
}

/** An event's one-line text (SUMMARY): ical-generator escapes it, but keeps a lone CR or other control characters. */
const oneLine = (value: string) => value.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');

/** The host part of the UID: stable for one page, so a calendar app recognises the same event again. */
function uidDomain(base: string): string {
  try {
    return new URL(base).host || 'herald';
  } catch {
    return 'herald';
  }
}

function description(m: ScheduledMaintenanceJson, loc: Locale): string {
  const updates = [...m.incident_updates].reverse();
  const first = updates[0];
  const parts: string[] = [];
  parts.push(loc.t('calendar.status', { status: loc.status(m.status) }));
  if (m.components.length) parts.push(loc.t('calendar.affected', { components: loc.list(m.components.map((c) => oneLine(c.name))) }));
  if (first) parts.push(markdownToText(first.body));
  const latest = m.incident_updates[0];
  if (latest && latest !== first) parts.push(loc.t('calendar.latest', { status: loc.status(latest.status), text: markdownToText(latest.body) }));
  // Line breaks are escaped by ical-generator; a lone CR or another control character is dropped here.
  return parts.join('\n\n').replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, '');
}

/**
 * The calendar text. Every value comes from the data, never from the clock, so the bytes change
 * only when a maintenance does (the page cache serves it until then). DTSTAMP and LAST-MODIFIED
 * are the maintenance's last change; SEQUENCE grows with it (seconds), as RFC 5545 asks of a
 * revised event.
 */
async function maintenanceCalendar(deps: ReadDeps, language?: string): Promise<string> {
  const ctx = await loadPageContext(deps);
  const tag = language ?? offeredLanguages(ctx.languages)[0]!;
  const loc = localeFor(tag);
  const pages = languagePrefix(ctx.languages, tag);
  const rows = (await queryIncidentsJson(deps, { kind: 'maintenance', order: 'scheduled_desc', limit: ICS_LIMIT }, ctx)) as ScheduledMaintenanceJson[];
  const domain = uidDomain(ctx.base);
  const cal = ical({
    name: icsCalendarText(loc.t('calendar.name', { page: ctx.page.name })),
    description: icsCalendarText(loc.t('calendar.description', { page: ctx.page.name })),
    prodId: { company: 'Herald', product: 'status page', language: tag.toUpperCase() },
    url: `${ctx.base}${pages}/maintenance.ics`,
    ttl: 60 * 60,
  });
  for (const m of rows) {
    if (!m.scheduled_for || !m.scheduled_until) continue;
    const updated = new Date(m.updated_at);
    cal.createEvent({
      // The same UID in every language: it is one event, whichever language's calendar it came from.
      id: `maintenance-${m.id}@${domain}`,
      start: new Date(m.scheduled_for),
      end: new Date(m.scheduled_until),
      summary: oneLine(loc.t('calendar.summary', { name: m.name })),
      description: description(m, loc),
      url: pages && m.shortlink.startsWith(`${ctx.base}/`) ? `${ctx.base}${pages}${m.shortlink.slice(ctx.base.length)}` : m.shortlink,
      status: ICalEventStatus.CONFIRMED,
      created: new Date(m.created_at),
      stamp: updated,
      lastModified: updated,
      sequence: Math.floor(updated.getTime() / 1000),
      x: { 'X-HERALD-STATUS': m.status },
    });
  }
  return cal.toString();
}

export function icalRoutes() {
  const r = new Hono<AppEnv>();
  for (const path of ['/maintenance.ics', '/:lang/maintenance.ics']) {
    r.get(path, async (c) => {
      const lang = await pathLanguage(c);
      if (lang instanceof Response) return lang;
      const body = await maintenanceCalendar(c.get('deps'), lang.tag);
      return c.body(body, 200, { 'Content-Type': ICS_CONTENT_TYPE, 'Content-Disposition': 'inline; filename="maintenance.ics"' });
    });
  }
  return r;
}
