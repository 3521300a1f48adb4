// Feeds and the calendar escape per format: a page name or title stored with CR/LF or markup (before the API
// refused them, or written by another tool) can inject neither calendar lines nor markup into a reader.
import Parser from 'rss-parser';
import ical from 'node-ical';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { putSettings } from '../../api/core/settings.ts';
import { icsCalendarText } from '../../api/public/ical-routes.ts';
import { json, makeTestApp, userWithSession, type TestApp, type TestUser } from '../support/app.ts';
import { addIncident } from '../support/public-rows.ts';

let t: TestApp;
let publisher: TestUser;

beforeEach(async () => {
  t = await makeTestApp({ memory: true });
  publisher = await userWithSession(t, 'publisher');
});
afterEach(() => t.close());

const INJECTED_NAME = 'Acme\r\nEND:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:evil\r\nSUMMARY:Free money\r\nEND:VEVENT\r\nX-A:1';

describe('/maintenance.ics', () => {
  it('a page name with CR/LF stays one escaped value: no injected events or properties', async () => {
    await putSettings(t.database.db, { pageName: INJECTED_NAME }, t.clock.now());
    const now = t.clock.now().getTime();
    const res = await t.app.request(
      '/api/v1/maintenances',
      json('POST', { title: 'Upgrade\rX-INJECTED:1', message: 'm', components: [], scheduled_for: new Date(now + 3_600_000).toISOString(), scheduled_until: new Date(now + 7_200_000).toISOString() }, publisher.headers),
    );
    // The API refuses the title itself; schedule a clean one.
    expect(res.status).toBe(400);
    expect(
      (await t.app.request('/api/v1/maintenances', json('POST', { title: 'Upgrade', message: 'm', components: [], scheduled_for: new Date(now + 3_600_000).toISOString(), scheduled_until: new Date(now + 7_200_000).toISOString() }, publisher.headers))).status,
    ).toBe(201);
    const text = await (await t.app.request('/maintenance.ics')).text();
    // Unfolded (RFC 5545 folds long lines with CRLF + space).
    const lines = text.replace(/\r\n[ \t]/g, '').split('\r\n');
    expect(lines.filter((l) => l === 'BEGIN:VEVENT')).toHaveLength(1);
    expect(lines.filter((l) => l === 'END:VCALENDAR')).toHaveLength(1);
    expect(lines.some((l) => l.startsWith('UID:evil') || l.startsWith('X-A:') || l.startsWith('SUMMARY:Free'))).toBe(false);
    expect(lines.find((l) => l.startsWith('X-WR-CALNAME:'))).toBe(`X-WR-CALNAME:${icsCalendarText(`${INJECTED_NAME} maintenance`)}`);
    const parsed = Object.values(ical.sync.parseICS(text)).filter((c) => c && typeof c === 'object' && 'type' in c && c.type === 'VEVENT');
    expect(parsed).toHaveLength(1);
  });

  it('escapes calendar text per RFC 5545', () => {
    expect(icsCalendarText('a;b,c\\d\ne')).toBe('a\\;b\\,c\\\\d e');
  });
});

describe('RSS', () => {
  it('channel and item titles are escaped text, never raw markup in CDATA', async () => {
    await putSettings(t.database.db, { pageName: 'Acme <img src=x onerror=alert(1)> ]]> Status\r\nX' }, t.clock.now());
    await addIncident(t, { title: '<script>alert(1)</script> ]]><b>bold</b>', startedMinutesAgo: 5 });
    const xml = await (await t.app.request('/history.rss')).text();
    expect(xml).not.toContain('CDATA');
    expect(xml).not.toMatch(/<(script|img|b)\b/i);
    const feed = await new Parser().parseString(xml);
    expect(feed.title).toBe('Acme <img src=x onerror=alert(1)> ]]> Status X status');
    expect(feed.items[0]?.title).toBe('<script>alert(1)</script> ]]><b>bold</b>');
  });
});
