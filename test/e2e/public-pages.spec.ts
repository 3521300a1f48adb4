// The public pages in Chromium against the real server: no JavaScript needed, live updates, incident and
// history pages, dark mode, a 360 px phone, and axe-core in both themes.
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from '@playwright/test';
import { api, expect, test, type HeraldProcess, type Owner } from './fixtures.ts';

interface Arranged {
  apiId: string;
  webId: string;
  incidentId: string;
  maintenanceId: string;
}

const TITLE = 'Elevated error rates on the API';
const FIRST = 'We are investigating elevated error rates.';
const SECOND = 'A bad load balancer change is the cause; rolling back.';

/** One page of data per server, made through the write API as an operator would. */
const arranged = new Map<string, Promise<Arranged>>();
function arrange(herald: HeraldProcess, owner: Owner): Promise<Arranged> {
  let p = arranged.get(herald.baseURL);
  if (!p) {
    p = (async () => {
      const group = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/component-groups', { name: 'Core platform' });
      const apiC = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/components', { name: 'Public API', group_id: group.id });
      const web = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/components', { name: 'Website' });
      const incident = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/incidents', {
        title: TITLE,
        severity: 'P2',
        status: 'investigating',
        message: FIRST,
        components: { [apiC.id]: 'degraded_performance' },
      });
      await api(herald, owner, 'POST', `/api/v1/incidents/${incident.id}/updates`, {
        status: 'identified',
        message: SECOND,
        components: { [apiC.id]: 'partial_outage' },
      });
      const from = new Date(Date.now() + 2 * 86_400_000);
      const maintenance = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/maintenances', {
        title: 'Database storage upgrade',
        message: 'Brief connection resets are expected.',
        components: [web.id],
        scheduled_for: from.toISOString(),
        scheduled_until: new Date(from.getTime() + 2 * 3_600_000).toISOString(),
      });
      return { apiId: apiC.id, webId: web.id, incidentId: incident.id, maintenanceId: maintenance.id };
    })();
    arranged.set(herald.baseURL, p);
  }
  return p;
}

async function newPage(browser: Browser, baseURL: string, opts: { js?: boolean; dark?: boolean; width?: number } = {}): Promise<Page> {
  const context = await browser.newContext({
    baseURL,
    javaScriptEnabled: opts.js ?? true,
    colorScheme: opts.dark ? 'dark' : 'light',
    viewport: { width: opts.width ?? 1280, height: 900 },
  });
  return context.newPage();
}

test('with JavaScript disabled the home page shows the banner, components, the active incident and its updates', async ({ herald, owner, browser }) => {
  await arrange(herald, owner);
  const page = await newPage(browser, herald.baseURL, { js: false });
  const res = await page.goto('/');
  expect(res?.status()).toBe(200);

  // The banner says it in words (the colour only repeats it).
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/Partial System Outage|Minor Service Outage|Major Service Outage/);

  const components = page.getByRole('region', { name: 'Components' });
  await expect(components.getByText('Core platform', { exact: true })).toBeVisible();
  await expect(components.getByText('Public API', { exact: true })).toBeVisible();
  await expect(components.getByText('Website', { exact: true })).toBeVisible();
  // A component's list item: its name, its status in words, its uptime bar.
  const component = (name: string) => components.getByRole('listitem').filter({ hasText: name });
  await expect(component('Public API').getByText('Partial outage', { exact: true })).toBeVisible();
  await expect(component('Website').getByText('Operational', { exact: true })).toBeVisible();
  // One uptime bar per component, each with an accessible summary, and a text for every day.
  await expect(components.getByRole('img', { name: / uptime (over \d+ days|since [A-Z][a-z]{2} \d+ \(today\)), / })).toHaveCount(2);
  // Both were added today: their uptime is over today only, and says so.
  await expect(components.getByRole('img', { name: /^\d+\.\d\d% uptime since [A-Z][a-z]{2} \d+ \(today\), incidents on 1 of them$/ })).toHaveCount(1);
  // The line, and (for screen readers, on a line that opens the bar's days) the component it is about.
  await expect(components.getByText(/^\d+\.\d\d% uptime since [A-Z][a-z]{2} \d+( \(.+\))?$/)).toHaveCount(2);
  const today = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(new Date());
  const apiBar = component('Public API').getByRole('img');
  // The day cells are inside the image (no roles of their own): their <title>s are the per-day texts.
  await expect(apiBar.locator('path > title').last()).toHaveText(new RegExp(`^${today.replace(/, \d+$/, '')}: Partial outage, \\d+\\.\\d\\d%\\. ${TITLE}$`));

  const active = page.getByRole('region', { name: 'Active incidents' });
  await expect(active.getByRole('link', { name: TITLE })).toBeVisible();
  await expect(active.getByText('Affects: Public API')).toBeVisible();
  // An update is a list item with its posting time (an item of an update's component changes has none).
  const updates = active.getByRole('listitem').filter({ hasText: 'Posted' });
  await expect(updates).toHaveCount(2);
  // Newest first.
  await expect(updates.nth(0)).toContainText('Identified');
  await expect(updates.nth(0)).toContainText(SECOND);
  await expect(updates.nth(1)).toContainText('Investigating');
  await expect(updates.nth(1)).toContainText(FIRST);
  await expect(updates.nth(0).getByRole('time')).toHaveAttribute('datetime', /^\d{4}-\d\d-\d\dT/);

  await expect(page.getByRole('region', { name: 'Scheduled maintenance' }).getByText('Database storage upgrade')).toBeVisible();
  await expect(page.getByRole('region', { name: 'Past incidents' }).getByText(/^No incidents reported /).first()).toBeVisible();
  await expect(page.getByRole('link', { name: /Incident history/ }).first()).toBeVisible();

  // The head: canonical, OpenGraph, feeds.
  await expect(page.locator('link[rel=canonical]')).toHaveAttribute('href', `${herald.baseURL}/`);
  await expect(page.locator('meta[property="og:title"]')).toHaveAttribute('content', /status/);
  await expect(page.locator('link[rel=alternate][type="application/rss+xml"]')).toHaveAttribute('href', `${herald.baseURL}/history.rss`);
  await expect(page.locator('link[rel=alternate][type="application/atom+xml"]')).toHaveAttribute('href', `${herald.baseURL}/history.atom`);
  await page.context().close();
});

test('an update posted through the API is on the page within one second of the response', async ({ herald, owner, page, browser }) => {
  const { incidentId } = await arrange(herald, owner);
  // A warm cache first, so the update has to invalidate it.
  expect((await page.goto('/'))?.status()).toBe(200);
  const marker = `Fix deployed ${Date.now()}`;
  await api(herald, owner, 'POST', `/api/v1/incidents/${incidentId}/updates`, { status: 'monitoring', message: marker });
  const deadline = Date.now() + 1000;
  let seen = false;
  // Bounded: at most one second of polling.
  while (!seen && Date.now() < deadline) {
    seen = (await (await fetch(`${herald.baseURL}/`)).text()).includes(marker);
  }
  expect(seen, 'the new update is on the home page within one second').toBe(true);
  // A new browser context: the first one may show its cached copy while it revalidates (stale-while-revalidate).
  const fresh = await newPage(browser, herald.baseURL);
  await fresh.goto('/');
  const newest = fresh.getByRole('region', { name: 'Active incidents' }).getByRole('listitem').filter({ hasText: 'Posted' }).first();
  await expect(newest).toContainText(marker);
  await expect(newest).toContainText('Monitoring');
  await fresh.context().close();
});

test('the incident page shows the title, impact, status, duration, components and every update; unknown ids are 404', async ({ herald, owner, page }) => {
  const { incidentId } = await arrange(herald, owner);
  const res = await page.goto(`/incidents/${incidentId}`);
  expect(res?.status()).toBe(200);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(TITLE);
  const incident = page.getByRole('article');
  await expect(incident.getByText('Major impact', { exact: true })).toBeVisible();
  // The facts: terms and their definitions.
  await expect(incident.getByRole('term').filter({ hasText: 'Started' })).toBeVisible();
  await expect(incident.getByRole('definition').filter({ hasText: /ongoing for/ })).toBeVisible();
  await expect(incident.getByRole('definition').filter({ hasText: 'Public API' })).toBeVisible();
  const updates = page.getByRole('region', { name: 'Updates' }).getByRole('listitem').filter({ hasText: 'Posted' });
  expect(await updates.count()).toBeGreaterThanOrEqual(2);
  await expect(updates.last()).toContainText(FIRST);
  await expect(updates.last()).toContainText('Public API: Operational → Degraded performance');
  await expect(page.locator('link[rel=canonical]')).toHaveAttribute('href', `${herald.baseURL}/incidents/${incidentId}`);

  const missing = await page.goto('/incidents/no-such-incident');
  expect(missing?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/not found/);
});

test('the history page lists incidents and maintenance by month, newest first, and pages', async ({ herald, owner, page }) => {
  await arrange(herald, owner);
  const res = await page.goto('/history');
  expect(res?.status()).toBe(200);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Incident history');
  const month = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'long', timeZone: 'UTC' }).format(new Date());
  const section = page.getByRole('region', { name: month });
  await expect(section.getByRole('link', { name: TITLE })).toBeVisible();
  // Scheduled maintenance has not happened yet: it is on the home page, not in the history.
  await expect(page.getByText('Database storage upgrade')).toHaveCount(0);
  expect((await page.goto('/history?page=2'))?.status()).toBe(404);
  expect((await page.goto('/history?page=nope'))?.status()).toBe(404);
});

test('dark mode renders dark, with the same content', async ({ herald, owner, browser }) => {
  await arrange(herald, owner);
  const page = await newPage(browser, herald.baseURL, { dark: true });
  await page.goto('/');
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const [r, g, b] = (bg.match(/\d+/g) ?? []).map(Number);
  expect((r ?? 255) + (g ?? 255) + (b ?? 255)).toBeLessThan(120);
  const text = await page.evaluate(() => getComputedStyle(document.body).color);
  expect((text.match(/\d+/g) ?? []).slice(0, 3).map(Number).reduce((a, c) => a + c, 0)).toBeGreaterThan(600);
  await expect(page.getByRole('link', { name: TITLE }).first()).toBeVisible();
  await page.context().close();
});

test('a 360 px phone scrolls no page sideways', async ({ herald, owner, browser }) => {
  const { incidentId } = await arrange(herald, owner);
  const page = await newPage(browser, herald.baseURL, { width: 360 });
  for (const path of ['/', `/incidents/${incidentId}`, '/history']) {
    await page.goto(path);
    const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    expect(scroll, `${path} fits 360 px`).toBeLessThanOrEqual(client!);
  }
  await page.context().close();
});

for (const dark of [false, true]) {
  test(`axe-core finds no violations on home, incident and history pages (${dark ? 'dark' : 'light'})`, async ({ herald, owner, browser }) => {
    const { incidentId } = await arrange(herald, owner);
    const page = await newPage(browser, herald.baseURL, { dark });
    for (const path of ['/', `/incidents/${incidentId}`, '/history', '/incidents/unknown']) {
      await page.goto(path);
      const result = await new AxeBuilder({ page }).analyze();
      const found = result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
      expect(found, `${path} (${dark ? 'dark' : 'light'})`).toEqual([]);
    }
    await page.context().close();
  });
}
