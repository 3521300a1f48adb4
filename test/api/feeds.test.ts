// RSS and Atom feeds, read back with a real feed parser: items, links, GUIDs, dates, per-component feeds, XSS.
import Parser from 'rss-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { feedLinks } from '../../api/public/feed-routes.ts';
import { json, makeTestApp, PUBLIC_URL, userWithSession, type TestApp } from '../support/app.ts';
import { addComponent, addGroup, addIncident, addUpdate, bump, setIncident } from '../support/public-rows.ts';
import { findUnsafeHtml, XSS_PAYLOADS } from '../support/xss-payloads.ts';

const HOUR = 3_600_000;
const parser = new Parser();

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

async function fetchFeed(path: string) {
  const res = await t.app.request(path);
  expect(res.status, path).toBe(200);
  const xml = await res.text();
  return { res, xml, feed: await parser.parseString(xml) };
}

async function seed() {
  const group = await addGroup(t, { name: 'Core' });
  const api = await addComponent(t, { name: 'API', groupId: group });
  const web = await addComponent(t, { name: 'Web' });
  const older = await addIncident(t, { title: 'Web slow', status: 'resolved', impact: 'minor', startedMinutesAgo: 48 * 60, componentIds: [web] });
  await addUpdate(t, older, { status: 'investigating', body: 'Web is slow', minutesAgo: 48 * 60 });
  await addUpdate(t, older, { status: 'resolved', body: 'Web is fast again', minutesAgo: 47 * 60 });
  const maint = await addIncident(t, {
    title: 'Database upgrade',
    kind: 'maintenance',
    status: 'scheduled',
    startedMinutesAgo: 24 * 60,
    scheduledFor: new Date(t.clock.now().getTime() + 24 * HOUR),
    scheduledUntil: new Date(t.clock.now().getTime() + 26 * HOUR),
    componentIds: [api],
  });
  await addUpdate(t, maint, { status: 'scheduled', body: 'We will upgrade the database.', minutesAgo: 24 * 60 });
  const open = await addIncident(t, { title: 'API errors', status: 'identified', startedMinutesAgo: 60, componentIds: [api] });
  await addUpdate(t, open, {
    status: 'investigating',
    body: 'Looking into **errors**.',
    minutesAgo: 60,
    affected: [{ code: api, name: 'API', old_status: 'operational', new_status: 'major_outage' }],
  });
  await addUpdate(t, open, { status: 'identified', body: 'Found the cause.', minutesAgo: 20 });
  await addUpdate(t, open, { status: 'monitoring', body: 'DRAFT text', state: 'draft', minutesAgo: 5 });
  const hidden = await addIncident(t, { title: 'SECRET unpublished', published: false, componentIds: [api] });
  await addUpdate(t, hidden, { status: 'investigating', body: 'SECRET', state: 'draft' });
  await bump(t);
  return { group, api, web, older, maint, open, hidden };
}

describe('/history.rss', () => {
  it('RSS 2.0 with the right content type: one item per public incident or maintenance, newest first', async () => {
    const s = await seed();
    const { res, xml, feed } = await fetchFeed('/history.rss');
    expect(res.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><rss [^>]*version="2.0"/);
    expect(feed.title).toBe('Herald status');
    expect(feed.link).toBe(`${PUBLIC_URL}/`);
    expect(feed.feedUrl).toBe(`${PUBLIC_URL}/history.rss`);
    expect(feed.items.map((i) => i.title)).toEqual(['API errors', 'Database upgrade', 'Web slow']);
    const [open, maint, older] = feed.items;
    expect(open?.link).toBe(`${PUBLIC_URL}/incidents/${s.open}`);
    expect(open?.guid).toBe(`${PUBLIC_URL}/incidents/${s.open}`);
    expect(open?.isoDate).toBe(new Date(t.clock.now().getTime() - HOUR).toISOString());
    expect(older?.isoDate).toBe(new Date(t.clock.now().getTime() - 48 * HOUR).toISOString());
    expect(open?.categories).toEqual(['incident']);
    expect(maint?.categories).toEqual(['maintenance']);
    expect(xml).not.toContain('SECRET');
    expect(xml).not.toContain('DRAFT');
  });

  it("an item's content: its updates newest first with status label, time and rendered markdown; component changes", async () => {
    await seed();
    const { feed } = await fetchFeed('/history.rss');
    const content = feed.items[0]?.content ?? '';
    expect(content.indexOf('<strong>Identified</strong>')).toBeGreaterThanOrEqual(0);
    expect(content.indexOf('<strong>Identified</strong>')).toBeLessThan(content.indexOf('<strong>Investigating</strong>'));
    expect(content).toContain('Jan 1, 2026, 11:40 UTC');
    expect(content).toContain('Looking into <strong>errors</strong>.');
    expect(content).toContain('API: Operational → Major outage');
    expect(findUnsafeHtml(content)).toEqual([]);
    const maint = feed.items[1]?.content ?? '';
    expect(maint).toContain('<strong>Scheduled</strong> Jan 2, 2026, 12:00 UTC – Jan 2, 2026, 14:00 UTC');
  });

  it('GUIDs and links stay the same when an incident is edited; dates follow the page time zone', async () => {
    const s = await seed();
    const before = await fetchFeed('/history.rss');
    await setIncident(t, s.open, { title: 'API errors (EU only)', updatedAt: t.clock.now() });
    await bump(t);
    const after = await fetchFeed('/history.rss');
    expect(after.feed.items[0]?.title).toBe('API errors (EU only)');
    expect(after.feed.items.map((i) => i.guid)).toEqual(before.feed.items.map((i) => i.guid));
    expect(after.feed.items.map((i) => i.link)).toEqual(before.feed.items.map((i) => i.link));
  });

  it("times are in the page's time zone (UTC when the setting is not a zone)", async () => {
    const { putSettings } = await import('../../api/core/settings.ts');
    const id = await addIncident(t, { title: 'x', startedMinutesAgo: 20 });
    await addUpdate(t, id, { status: 'investigating', body: 'x', minutesAgo: 20 });
    await putSettings(t.database.db, { timeZone: 'Europe/Berlin' }, t.clock.now());
    expect((await fetchFeed('/history.rss')).feed.items[0]?.content).toContain('Jan 1, 2026, 12:40 GMT+1');
    await putSettings(t.database.db, { timeZone: 'Not/AZone' }, t.clock.now());
    expect((await fetchFeed('/history.atom')).feed.items[0]?.content).toContain('Jan 1, 2026, 11:40 UTC');
  });

  it('an item links its postmortem once one is published', async () => {
    const id = await addIncident(t, { title: 'Outage', status: 'resolved', startedMinutesAgo: 90 });
    await addUpdate(t, id, { status: 'resolved', body: 'Fixed.' });
    expect((await fetchFeed('/history.rss')).feed.items[0]?.content).not.toContain('postmortem');
    const owner = await userWithSession(t, 'owner');
    const put = await t.app.request(`/api/v1/incidents/${id}/postmortem`, json('PUT', { summary: 'What happened.' }, owner.headers));
    expect(put.status).toBe(200);
    const pub = await t.app.request(`/api/v1/incidents/${id}/postmortem/publish`, json('POST', {}, owner.headers));
    expect(pub.status).toBeLessThan(300);
    for (const path of ['/history.rss', '/history.atom']) {
      const content = (await fetchFeed(path)).feed.items[0]?.content ?? '';
      expect(content).toContain(`href="${PUBLIC_URL}/incidents/${id}/postmortem">Read the postmortem</a>`);
      expect(findUnsafeHtml(content)).toEqual([]);
    }
  });

  it('carries the last 50', async () => {
    for (let i = 0; i < 53; i++) await addIncident(t, { title: `n${i}`, status: 'resolved', startedMinutesAgo: i });
    const { feed } = await fetchFeed('/history.rss');
    expect(feed.items).toHaveLength(50);
    expect(feed.items[0]?.title).toBe('n0');
  });

  it('the same bytes for the same content (no wall-clock time in the feed)', async () => {
    await seed();
    const a = await (await t.app.request('/history.rss')).text();
    await new Promise((r) => setTimeout(r, 1100));
    const b = await (await t.app.request('/history.rss')).text();
    expect(b).toBe(a);
  });
});

describe('/history.atom', () => {
  it('Atom 1.0 with the right content type, ids, links, published and updated', async () => {
    const s = await seed();
    const { res, xml, feed } = await fetchFeed('/history.atom');
    expect(res.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    expect(xml).toContain('<feed xmlns="http://www.w3.org/2005/Atom"');
    expect(xml).toContain(`<link rel="self" type="application/atom+xml" href="${PUBLIC_URL}/history.atom"/>`);
    expect(feed.title).toBe('Herald status');
    expect(feed.items.map((i) => i.title)).toEqual(['API errors', 'Database upgrade', 'Web slow']);
    const open = feed.items[0];
    expect(open?.id).toBe(`${PUBLIC_URL}/incidents/${s.open}`);
    expect(open?.link).toBe(`${PUBLIC_URL}/incidents/${s.open}`);
    expect(open?.isoDate).toBe(new Date(t.clock.now().getTime() - HOUR).toISOString());
    // updated = the latest published update (20 minutes ago), not the draft.
    expect(xml).toContain(`<updated>${new Date(t.clock.now().getTime() - 20 * 60_000).toISOString()}</updated>`);
    expect(open?.summary).toBe('Identified: Found the cause.');
    expect(findUnsafeHtml(open?.content ?? '')).toEqual([]);
    expect(xml).not.toContain('SECRET');
    expect(xml).not.toContain('DRAFT');
  });

  it('escapes titles and names for XML', async () => {
    const id = await addIncident(t, { title: 'A & B <fail> "quoted"' });
    await addUpdate(t, id, { status: 'investigating', body: 'x' });
    const { xml, feed } = await fetchFeed('/history.atom');
    expect(xml).toContain('<title type="text">A &amp; B &lt;fail&gt; &quot;quoted&quot;</title>');
    expect(feed.items[0]?.title).toBe('A & B <fail> "quoted"');
  });

  it('GUIDs (entry ids) stable across an edit', async () => {
    const s = await seed();
    const before = await fetchFeed('/history.atom');
    await setIncident(t, s.open, { title: 'Renamed', updatedAt: t.clock.now() });
    const after = await fetchFeed('/history.atom');
    expect(after.feed.items.map((i) => i.id)).toEqual(before.feed.items.map((i) => i.id));
  });
});

describe('per-component feeds', () => {
  it('only incidents affecting the component; a group follows its children', async () => {
    const s = await seed();
    for (const ext of ['rss', 'atom']) {
      const api = await fetchFeed(`/components/${s.api}/history.${ext}`);
      expect(api.feed.items.map((i) => i.title)).toEqual(['API errors', 'Database upgrade']);
      expect(api.feed.title).toBe('Herald status: API');
      const web = await fetchFeed(`/components/${s.web}/history.${ext}`);
      expect(web.feed.items.map((i) => i.title)).toEqual(['Web slow']);
      const group = await fetchFeed(`/components/${s.group}/history.${ext}`);
      expect(group.feed.items.map((i) => i.title)).toEqual(['API errors', 'Database upgrade']);
      expect(api.xml).not.toContain('SECRET');
    }
    const { xml } = await fetchFeed(`/components/${s.api}/history.rss`);
    expect(xml).toContain(`<atom:link href="${PUBLIC_URL}/components/${s.api}/history.rss" rel="self"`);
  });

  it('unknown component: a JSON 404', async () => {
    for (const ext of ['rss', 'atom']) {
      const res = await t.app.request(`/components/nope/history.${ext}`);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'No such component.' } });
    }
  });
});

describe('feeds and XSS payloads', () => {
  it('no payload survives in RSS or Atom output', async () => {
    const id = await addIncident(t, { title: 'XSS', startedMinutesAgo: 100 });
    for (const [i, p] of XSS_PAYLOADS.entries()) await addUpdate(t, id, { status: 'investigating', body: p, minutesAgo: i });
    for (const path of ['/history.rss', '/history.atom']) {
      const { xml, feed } = await fetchFeed(path);
      const content = feed.items[0]?.content ?? '';
      expect(content.length).toBeGreaterThan(1000);
      expect(findUnsafeHtml(content)).toEqual([]);
      // Nothing executable in the raw XML either, whatever a reader does with it.
      expect(xml).not.toMatch(/<script/i);
      expect(xml).not.toMatch(/<(img|svg|iframe|object|embed|a)\b[^>]*\son[a-z]+\s*=/i);
    }
  });

  it('characters XML forbids never break the feed', async () => {
    const id = await addIncident(t, { title: 'Bad \u0001 chars \uFFFF', startedMinutesAgo: 1 });
    await addUpdate(t, id, { status: 'investigating', body: 'nul \u0000 bell \u0007 lone \uD800 ok' });
    for (const path of ['/history.rss', '/history.atom']) {
      const { xml, feed } = await fetchFeed(path);
      expect(xml).not.toMatch(/[\u0000-\u0008\uFFFF\uD800]/);
      expect(feed.items[0]?.title).toBe('Bad  chars ');
    }
  });
});

describe('feedLinks', () => {
  it('gives the alternate links for a page head', () => {
    expect(feedLinks('https://status.example/', { title: 'Acme' })).toEqual([
      { rel: 'alternate', type: 'application/rss+xml', href: 'https://status.example/history.rss', title: 'Acme (RSS)' },
      { rel: 'alternate', type: 'application/atom+xml', href: 'https://status.example/history.atom', title: 'Acme (Atom)' },
    ]);
    expect(feedLinks('https://status.example', { componentId: 'abc' })[0]?.href).toBe('https://status.example/components/abc/history.rss');
  });
});

describe('feeds in the page languages', () => {
  async function offer(language: string, languages: string[]): Promise<void> {
    const owner = await userWithSession(t, 'owner');
    const res = await t.app.request('/api/v1/settings', json('PATCH', { language, languages, time_zone: 'Europe/Berlin' }, owner.headers));
    expect(res.status).toBe(200);
  }

  it('/de/history.rss and /de/history.atom: Herald’s words in German, the lead’s as written, links to the German pages', async () => {
    const s = await seed();
    await offer('en', ['de']);
    const { xml, feed } = await fetchFeed('/de/history.rss');
    expect(xml).toContain('<language>de</language>');
    expect(feed.title).toBe('Status von Herald');
    expect(feed.description).toBe('Störungen und Wartungsarbeiten von Herald');
    expect(feed.link).toBe(`${PUBLIC_URL}/de/`);
    expect(feed.feedUrl).toBe(`${PUBLIC_URL}/de/history.rss`);
    const open = feed.items[0]!;
    expect(open.title).toBe('API errors');
    expect(open.link).toBe(`${PUBLIC_URL}/de/incidents/${s.open}`);
    expect(open.content).toContain('<strong>Ursache gefunden</strong> — 1. Januar 2026 um 12:40 MEZ');
    expect(open.content).toContain('API: Betriebsbereit → Schwerer Ausfall');
    expect(open.content).toContain('Looking into <strong>errors</strong>.');
    expect(feed.items[1]?.content).toContain('<strong>Geplant</strong> 2. Januar 2026 um 13:00 MEZ – 2. Januar 2026 um 15:00 MEZ');
    // The default language's feed is unchanged, apart from the zone.
    expect((await fetchFeed('/history.rss')).feed.title).toBe('Herald status');

    const atom = await fetchFeed('/de/history.atom');
    expect(atom.xml).toContain('<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de">');
    expect(atom.xml).toContain('<summary type="text">Ursache gefunden: Found the cause.</summary>');
    const component = await fetchFeed(`/de/components/${s.api}/history.atom`);
    expect(component.feed.title).toBe('Status von Herald: API');
  });

  it('a language the page does not offer leads to the default language’s feed for now, its own prefix for good; no other is a feed', async () => {
    await seed();
    await offer('de', ['ja']);
    const gone = await t.app.request('/fr/history.rss');
    expect(gone.status).toBe(302);
    expect(gone.headers.get('location')).toBe('/history.rss');
    expect((await t.app.request('/xx/history.rss')).status).toBe(404);
    const home = await t.app.request('/de/history.atom');
    expect(home.status).toBe(301);
    expect(home.headers.get('location')).toBe('/history.atom');
    // The default is now German: the feed at / speaks it, Japanese has its own.
    expect((await fetchFeed('/history.rss')).feed.title).toBe('Status von Herald');
    expect((await fetchFeed('/ja/history.rss')).feed.title).toBe('Herald ステータス');
  });
});
