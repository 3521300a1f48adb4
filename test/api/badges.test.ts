// Badges and the widget's script: what they say, their query options (bad ones ignored or 400, never 500), and that
// the real listener answers them from its page cache and drops them with every other public page.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BADGE_PALETTE } from '../../api/public/badge.ts';
import { formatUptime, getUptime } from '../../api/public/uptime.ts';
import { createHeraldServer, type HeraldServer } from '../../api/server/http-server.ts';
import { readConfig } from '../../api/server/config.ts';
import { loadStaticFiles } from '../../api/server/static-files.ts';
import { bearer, json, makeTestApp, PUBLIC_URL, userWithSession, type TestApp, type TestUser } from '../support/app.ts';
import { addComponent, addGroup, addIncident } from '../support/seed-demo.ts';
import { allElements, parseXml, type XmlNode } from '../support/xml-tree.ts';

const H = 3_600_000;
const DAY = 24 * H;
const NOW = Date.UTC(2026, 2, 10, 12);

/** The badge's label and message (its visible texts) and its fills. */
function readBadge(xml: string): { texts: string[]; title: string; fills: string[]; svg: XmlNode } {
  const svg = parseXml(xml);
  const els = allElements(svg);
  return {
    svg,
    texts: els.filter((e) => e.name === 'text' && e.attrs['aria-hidden'] !== 'true').map((e) => e.text),
    title: els.find((e) => e.name === 'title')?.text ?? '',
    fills: els.filter((e) => e.name === 'rect').map((e) => e.attrs.fill ?? ''),
  };
}

describe('badges through the app', () => {
  let t: TestApp;
  let owner: TestUser;
  beforeEach(async () => {
    t = await makeTestApp({ memory: true });
    t.clock.set(NOW);
    owner = await userWithSession(t, 'owner');
  });
  afterEach(() => t.close());

  async function badge(path: string) {
    const res = await t.app.request(path);
    expect(res.status, path).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    return readBadge(await res.text());
  }

  it('/badge.svg says the overall status, in its colour', async () => {
    const api = await addComponent(t.database.db, { name: 'API', createdAt: new Date(NOW - DAY) });
    await addComponent(t.database.db, { name: 'Web', createdAt: new Date(NOW - DAY) });
    let b = await badge('/badge.svg');
    expect(b.texts).toEqual(['status', 'operational']);
    expect(b.title).toBe('status: operational');
    expect(b.fills).toContain(BADGE_PALETTE.light.ok.bg);
    await t.app.request(`/api/v1/components/${api}`, json('PATCH', { status: 'major_outage' }, owner.headers));
    b = await badge('/badge.svg');
    expect(b.texts).toEqual(['status', 'partial outage']);
    expect(b.fills).toContain(BADGE_PALETTE.light.major.bg);
  });

  it("/components/:id/badge.svg says one component's status under its name; groups too; unknown ids are 404", async () => {
    const g = await addGroup(t.database.db, { name: 'Core & <Edge>' });
    const api = await addComponent(t.database.db, { name: 'API "v2"', groupId: g, status: 'degraded_performance', createdAt: new Date(NOW - DAY) });
    const b = await badge(`/components/${api}/badge.svg`);
    expect(b.texts).toEqual(['API "v2"', 'degraded performance']);
    expect(b.fills).toContain(BADGE_PALETTE.light.minor.bg);
    expect((await badge(`/components/${g}/badge.svg`)).texts).toEqual(['Core & <Edge>', 'degraded performance']);
    const missing = await t.app.request('/components/nope/badge.svg');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('/components/:id/uptime.svg says what the bar says, coloured against the SLA target, until midnight', async () => {
    const api = await addComponent(t.database.db, { name: 'API', createdAt: new Date(NOW - 200 * DAY) });
    await addIncident(t.database.db, {
      title: 'Down',
      impact: 'major',
      status: 'resolved',
      startedAt: new Date('2026-03-08T10:00:00Z'),
      resolvedAt: new Date('2026-03-08T12:00:00Z'),
      updates: [
        { status: 'investigating', body: 'down', at: new Date('2026-03-08T10:00:00Z'), affected: { [api]: ['operational', 'major_outage'] } },
        { status: 'resolved', body: 'up', at: new Date('2026-03-08T12:00:00Z'), affected: { [api]: ['major_outage', 'operational'] } },
      ],
    });
    const bar = formatUptime((await getUptime(t.deps)).get(api)!.uptime);
    expect(bar).toBe('99.90%');
    const res = await t.app.request(`/components/${api}/uptime.svg`);
    expect(res.headers.get('x-herald-expires')).toBe(new Date(Date.UTC(2026, 2, 11)).toUTCString());
    let b = readBadge(await res.text());
    expect(b.texts).toEqual(['API uptime', bar]);
    expect(b.title).toBe(`API uptime: ${bar} over 90 days`);
    expect(b.fills).toContain(BADGE_PALETTE.light.ok.bg);
    await t.app.request(`/api/v1/components/${api}`, json('PATCH', { sla_target_percent: 99.95 }, owner.headers));
    b = await badge(`/components/${api}/uptime.svg`);
    expect(b.fills).toContain(BADGE_PALETTE.light.critical.bg);
    expect(b.title).toBe(`API uptime: ${bar} over 90 days (target 99.95%)`);
    const g = await addGroup(t.database.db, { name: 'Core' });
    expect((await t.app.request(`/components/${g}/uptime.svg`)).status).toBe(404);
  });

  it('takes ?style, ?theme and ?label; ignores styles and themes it does not know; refuses a label that is too long', async () => {
    const api = await addComponent(t.database.db, { name: 'API', createdAt: new Date(NOW - DAY) });
    const square = await t.app.request('/badge.svg?style=flat-square');
    expect(await square.text()).not.toContain('rx=');
    expect((await badge('/badge.svg?theme=dark')).fills).toContain(BADGE_PALETTE.dark.ok.bg);
    expect((await badge('/badge.svg?style=3d&theme=neon')).fills).toContain(BADGE_PALETTE.light.ok.bg);
    expect((await badge(`/components/${api}/badge.svg?label=${encodeURIComponent('Our <API> & co')}`)).texts).toEqual(['Our <API> & co', 'operational']);
    expect((await badge('/badge.svg?label=')).texts).toEqual(['operational']);
    expect((await badge('/badge.svg?label=a&label=b')).texts).toEqual(['a', 'operational']);
    // Malformed percent-encoding and control characters: still a badge.
    expect((await t.app.request('/badge.svg?label=%E0%A4%A&style=%ZZ')).status).toBe(200);
    expect((await badge('/badge.svg?label=%00%01ok%0A')).texts).toEqual(['ok', 'operational']);
    const long = await t.app.request(`/badge.svg?label=${'x'.repeat(65)}`);
    expect(long.status).toBe(400);
    expect(((await long.json()) as { error: { fields: Record<string, string> } }).error.fields.label).toBeTruthy();
    expect((await t.app.request(`/badge.svg?label=${'状'.repeat(64)}`)).status).toBe(200);
  });
});

function rawGet(base: string, path: string, headers: Record<string, string> = {}) {
  return fetch(base + path, { headers });
}

describe('badges and /embed.js through the listener and its page cache', () => {
  let t: TestApp;
  let server: HeraldServer;
  let base: string;
  let auth: Record<string, string>;
  let assets: string;
  let api: string;

  beforeAll(async () => {
    t = await makeTestApp();
    t.clock.set(NOW);
    const owner = await userWithSession(t, 'owner');
    auth = await bearer(t, owner.id, 'write');
    api = await addComponent(t.database.db, { name: 'API', createdAt: new Date(NOW - DAY) });
    assets = mkdtempSync(join(tmpdir(), 'herald-assets-'));
    server = await createHeraldServer({
      runtime: { config: readConfig({ PORT: '0' }), database: t.database, deps: t.deps, app: t.app },
      astro: null,
      staticFiles: await loadStaticFiles(assets),
      log: () => undefined,
      logRequests: false,
      pollMs: 100,
    });
    const listening = await server.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await server.close(1000);
    t.close();
    rmSync(assets, { recursive: true, force: true });
  });

  it('answers badges from memory with ETag and public caching, and drops them when a component changes', async () => {
    const path = `/components/${api}/badge.svg`;
    const first = await rawGet(base, path);
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toMatch(/^public, max-age=1, stale-while-revalidate=30/);
    expect(first.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    expect(readBadge(await first.text()).texts).toEqual(['API', 'operational']);
    const renders = server.cache.stats().renders;
    for (let i = 0; i < 5; i++) await (await rawGet(base, path)).text();
    expect(server.cache.stats().renders).toBe(renders);
    const etag = first.headers.get('etag')!;
    expect((await rawGet(base, path, { 'if-none-match': etag })).status).toBe(304);

    const res = await fetch(`${base}/api/v1/components/${api}`, json('PATCH', { status: 'under_maintenance' }, auth));
    expect(res.status).toBe(200);
    const after = await rawGet(base, path);
    expect(readBadge(await after.text()).texts).toEqual(['API', 'under maintenance']);
    expect(after.headers.get('etag')).not.toBe(etag);
    expect(readBadge(await (await rawGet(base, '/badge.svg')).text()).texts).toEqual(['status', 'maintenance']);
  });

  it('keys a badge by the options it reads (style, theme, label) in one spelling; anything else in the query names the same badge; a label of the reader\'s own is kept apart from the pages', async () => {
    const path = `/components/${api}/badge.svg`;
    const body = async (p: string) => (await rawGet(base, p)).text();
    const flat = await body(path);
    const square = await body(`${path}?style=flat-square`);
    const dark = await body(`${path}?theme=dark`);
    expect(square).not.toBe(flat);
    expect(dark).not.toBe(flat);
    expect(readBadge(dark).fills).not.toEqual(readBadge(flat).fills);

    // the same badges by other spellings, and with a cache-buster: no render, no new entry
    const { renders, entries } = server.cache.stats();
    expect(await body(`${path}?theme=dark&cb=1`)).toBe(dark);
    expect(await body(`${path}?cb=2&style=flat-square&utm_source=x`)).toBe(square);
    expect(await body(`${path}?style=nonsense&theme=nonsense&cb=3`)).toBe(flat);
    expect(server.cache.stats()).toMatchObject({ renders, entries });

    // labels: each rendered once and kept, but in the small LRU of made-up addresses, never among the pages
    const labelled = await body(`${path}?label=${encodeURIComponent('Our <API>')}&cb=4`);
    expect(readBadge(labelled).texts[0]).toBe('Our <API>');
    const before = server.cache.stats();
    expect(before.entries).toBe(entries);
    expect(await body(`${path}?cb=5&label=${encodeURIComponent('Our <API>')}`)).toBe(labelled);
    expect(server.cache.stats()).toMatchObject({ renders: before.renders, entries, negatives: before.negatives });
    expect((await rawGet(base, `${path}?label=${'x'.repeat(65)}`)).status).toBe(400);
  });

  it('serves /embed.js: a script under 5 KB gzipped that knows the page, CORS *, renewed when the public URL changes', async () => {
    const res = await rawGet(base, '/embed.js', { 'accept-encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('content-encoding')).toBe('gzip');
    const script = await res.text();
    expect(() => new Script(script)).not.toThrow();
    expect(script).toContain(`const PAGE = ${JSON.stringify(PUBLIC_URL)};`);
    expect(script).not.toContain('@ts-check');
    expect(script).toContain("customElements.define(TAG, HeraldStatus)");
    expect(gzipSync(script, { level: 9 }).length).toBeLessThan(5 * 1024);

    const patched = await fetch(`${base}/api/v1/settings`, json('PATCH', { public_url: 'https://status.example.com' }, auth));
    expect(patched.status).toBe(200);
    expect(await (await rawGet(base, '/embed.js')).text()).toContain('const PAGE = "https://status.example.com";');
  });
});
