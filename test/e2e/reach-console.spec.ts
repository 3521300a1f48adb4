// The console's Reports page against the public bars (the server's clock moved with HERALD_CLOCK_OFFSET_FILE so an
// hour of outage is a day behind), SLA targets set from it, its CSV; the Settings snippets; a Discord webhook added;
// the badges as a browser reads them. Screenshots (desktop, 360 px, dark) when HERALD_SCREENSHOTS names a folder.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { api, consoleSignIn, expect, test, type HeraldProcess, type Owner } from './fixtures.ts';

const clockFile = join(mkdtempSync(join(tmpdir(), 'herald-clock-')), 'offset');
writeFileSync(clockFile, '0');
const setOffsetHours = (h: number) => writeFileSync(clockFile, String(Math.round(h * 3_600_000)));
test.use({ heraldEnv: { HERALD_CLOCK_OFFSET_FILE: clockFile } });

/**
 * Moves the server's clock `hours` ahead of the real one and waits until the server reads it (it re-reads the file
 * every 50 ms): the uptime report says when the server made it.
 */
async function moveClock(herald: HeraldProcess, owner: Owner, hours: number): Promise<void> {
  setOffsetHours(hours);
  const atLeast = Date.now() + (hours - 0.5) * 3_600_000;
  await expect
    .poll(async () => Date.parse((await api<{ generated_at: string }>(herald, owner, 'GET', '/api/v1/reports/uptime')).generated_at))
    .toBeGreaterThanOrEqual(atLeast);
}

/**
 * An hour of major outage on "Payments API", a day before the server's "now". Both components count from long before
 * the window (start_date), so the bar reads 99.95% whenever it is read: 60 minutes of about 89.5 days.
 */
const arranged = new Map<string, Promise<{ api: string; web: string }>>();
function arrange(herald: HeraldProcess, owner: Owner) {
  let p = arranged.get(herald.baseURL);
  if (!p) {
    p = (async () => {
      setOffsetHours(0);
      const a = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/components', { name: 'Payments API', start_date: '2020-01-01' });
      const w = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/components', { name: 'Website', start_date: '2020-01-01' });
      const incident = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/incidents', {
        title: 'Card payments failing',
        severity: 'P1',
        message: 'Payments are failing.',
        components: { [a.id]: 'major_outage' },
      });
      await moveClock(herald, owner, 1);
      await api(herald, owner, 'POST', `/api/v1/incidents/${incident.id}/updates`, { status: 'resolved', message: 'Fixed.', components: { [a.id]: 'operational' } });
      await moveClock(herald, owner, 25);
      return { api: a.id, web: w.id };
    })();
    arranged.set(herald.baseURL, p);
  }
  return p;
}

/** The text under a component's bar on the home page ("96.00%"). */
async function barUptime(page: Page, name: string): Promise<string> {
  await page.goto('/');
  const row = page.locator('.cl > li', { has: page.locator('.n', { hasText: name }) });
  const text = (await row.locator('.up').textContent()) ?? '';
  // "99.95% uptime", possibly followed by "since …" and the days in words
  return /^\s*(\S+%) uptime/.exec(text)?.[1] ?? text;
}

test('the report says what the bars say, takes SLA targets, and downloads as CSV', async ({ page, herald, owner }) => {
  await arrange(herald, owner);
  const bar = await barUptime(page, 'Payments API');
  expect(bar).toBe('99.95%');
  expect(await barUptime(page, 'Website')).toBe('100.00%');

  await consoleSignIn(page, owner.email, owner.password);
  const nav = page.getByRole('navigation', { name: 'Console' });
  await nav.locator('summary', { hasText: 'Incidents' }).click();
  await nav.getByRole('link', { name: 'Uptime reports' }).click();
  await expect(page.getByRole('heading', { name: 'Uptime report', level: 1 })).toBeVisible();
  await page.getByRole('link', { name: 'Last 90 days (the public bars)' }).click();
  const row = (name: string) => page.getByTestId('report-row').filter({ has: page.getByRole('rowheader', { name }) });
  await expect(row('Payments API')).toContainText(bar);
  await expect(row('Payments API')).toContainText('1 h');
  await expect(row('Payments API')).toContainText('1 incident');
  await expect(row('Website')).toContainText('100.00%');

  await page.getByLabel('SLA target for Payments API, percent').fill('99.99');
  await page.getByRole('button', { name: 'Save the SLA target for Payments API' }).click();
  await expect(row('Payments API')).toContainText('BELOW TARGET');
  await expect(page.getByLabel('SLA target for Payments API, percent')).toHaveValue('99.99');
  await page.getByLabel('SLA target for Website, percent').fill('99.5');
  await page.getByRole('button', { name: 'Save the SLA target for Website' }).click();
  await expect(row('Website')).toContainText('target met');
  // Refused input stays on the page with the API's reason.
  await page.getByLabel('SLA target for Website, percent').fill('101');
  await page.getByRole('button', { name: 'Save the SLA target for Website' }).click();
  await expect(page.getByRole('alert')).toContainText('SLA target');

  const href = await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
  const csv = await page.request.get(href!);
  expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8');
  const lines = (await csv.text()).split('\r\n');
  expect(lines.find((l) => l.includes('Payments API'))).toContain(',99.95,99.99,no,');

  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
});

test('Settings shows the badge, widget and iframe snippets for the public address', async ({ page, herald, owner }) => {
  await arrange(herald, owner);
  await consoleSignIn(page, owner.email, owner.password, '/admin/settings');
  const section = page.getByRole('region', { name: 'Badges and embeds' });
  await expect(section.getByLabel('Status badge (Markdown, for a README)')).toHaveValue(`[![Herald status](${herald.baseURL}/badge.svg)](${herald.baseURL}/)`);
  await expect(section.getByLabel('Widget for your site or app')).toHaveValue(`<script src="${herald.baseURL}/embed.js" async></script>\n<herald-status components></herald-status>`);
  await expect(section.getByLabel('Compact page in an iframe (no script)')).toHaveValue(new RegExp(`^<iframe src="${herald.baseURL}/embed" title="Herald status"`));
  // The previews are real: the badges decode as images.
  for (const img of await section.getByRole('img').all()) {
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0)).toBe(true);
  }
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
});

test('a Discord webhook is added as Discord, its token never shown', async ({ page, owner }) => {
  await consoleSignIn(page, owner.email, owner.password, '/admin/webhooks');
  await page.getByLabel('URL').fill('https://discord.com/api/webhooks/123456789012345678/TOKEN-THAT-IS-SECRET');
  await page.getByRole('button', { name: 'Add webhook' }).click();
  await expect(page.getByRole('status')).toHaveText('Discord webhook added: https://discord.com/api/webhooks/…');
  await expect(page.getByRole('row', { name: /discord\.com/ })).toContainText('Discord');
  expect(await page.content()).not.toContain('TOKEN-THAT-IS-SECRET');
});

test('badges are SVG a browser parses and draws, in light and dark', async ({ page, herald, owner }) => {
  const ids = await arrange(herald, owner);
  const paths = ['/badge.svg', '/badge.svg?style=flat-square', '/badge.svg?theme=dark', `/components/${ids.api}/badge.svg`, `/components/${ids.api}/uptime.svg`, `/components/${ids.web}/uptime.svg?label=Website%20%3Cuptime%3E`];
  await page.goto('/history');
  for (const path of paths) {
    const parsed = await page.evaluate(async (p) => {
      const res = await fetch(p);
      const doc = new DOMParser().parseFromString(await res.text(), 'image/svg+xml');
      return { type: res.headers.get('content-type'), error: doc.querySelector('parsererror')?.textContent ?? null, title: doc.querySelector('svg > title')?.textContent ?? null };
    }, path);
    expect(parsed.error, path).toBeNull();
    expect(parsed.type).toBe('image/svg+xml; charset=utf-8');
    expect(parsed.title, path).toBeTruthy();
  }
  await page.setContent(
    `<main style="font:16px system-ui;padding:1rem"><p>${paths.map((p) => `<img src="${herald.baseURL}${p}" alt="${p}">`).join(' ')}</p>` +
      `<p style="background:#0d1117;padding:1rem">${paths.map((p) => `<img src="${herald.baseURL}${p}${p.includes('?') ? '&' : '?'}theme=dark" alt="${p} dark">`).join(' ')}</p></main>`,
  );
  for (const img of await page.getByRole('img').all()) {
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0)).toBe(true);
  }
  const dir = process.env.HERALD_SCREENSHOTS;
  if (dir) {
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, 'badges.png') });
  }
});

test('screenshots of the report, the snippets and the embed page (desktop, 360 px, dark)', async ({ browser, herald, owner }) => {
  const dir = process.env.HERALD_SCREENSHOTS;
  test.skip(!dir, 'set HERALD_SCREENSHOTS to a folder to take screenshots');
  mkdirSync(dir!, { recursive: true });
  await arrange(herald, owner);
  for (const [name, viewport, colorScheme] of [
    ['desktop', { width: 1280, height: 900 }, 'light'],
    ['phone', { width: 360, height: 800 }, 'light'],
    ['dark', { width: 1280, height: 900 }, 'dark'],
  ] as const) {
    const context = await browser.newContext({ baseURL: herald.baseURL, viewport, colorScheme });
    const page = await context.newPage();
    await consoleSignIn(page, owner.email, owner.password, '/admin/reports?from=2020-01-01&to=2020-01-02');
    await page.goto('/admin/reports');
    await page.getByRole('link', { name: 'Last 90 days (the public bars)' }).click();
    await page.screenshot({ path: join(dir!, `reports-${name}.png`), fullPage: true });
    await page.goto('/admin/settings');
    await page.getByRole('region', { name: 'Badges and embeds' }).screenshot({ path: join(dir!, `snippets-${name}.png`) });
    await page.goto('/embed');
    await page.screenshot({ path: join(dir!, `embed-${name}.png`), fullPage: true });
    await context.close();
  }
});
