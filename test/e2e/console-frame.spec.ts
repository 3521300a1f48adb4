// The console's frame: every page loads without a failed request (the favicon included), and its navigation.
import { consoleSignIn, expect, test } from './fixtures.ts';

const PAGES = ['/admin', '/admin/incidents', '/admin/alerts', '/admin/components', '/admin/maintenance', '/admin/templates', '/admin/subscribers', '/admin/stakeholders', '/admin/outbox', '/admin/users', '/admin/tokens', '/admin/settings', '/admin/settings/escalation', '/admin/audit', '/admin/action-items', '/admin/account/password'];

test('no console page asks for anything that is not there (the favicon was a 404 on every page)', async ({ page, owner }) => {
  const failed: string[] = [];
  page.on('response', (res) => {
    if (res.status() >= 400) failed.push(`${res.status()} ${new URL(res.url()).pathname} (on ${new URL(page.url()).pathname})`);
  });
  await page.goto('/admin/login');
  await expect(page.locator('link[rel="icon"]')).toHaveAttribute('href', '/favicon.svg');
  await consoleSignIn(page, owner.email, owner.password);
  for (const path of PAGES) {
    await page.goto(path);
    await page.waitForLoadState('load');
  }
  // Chromium fetches the icon after load: ask for it as the browser would, by what the page links.
  const href = await page.locator('link[rel="icon"]').getAttribute('href');
  expect((await page.request.get(href ?? '/favicon.ico')).status()).toBe(200);
  expect(failed).toEqual([]);
});

test('the navigation: one line of six entries at 1280 px, groups that open without JavaScript, the public page beside it', async ({ browser, herald, owner }) => {
  for (const javaScriptEnabled of [true, false]) {
    const context = await browser.newContext({ baseURL: herald.baseURL, viewport: { width: 1280, height: 800 }, javaScriptEnabled });
    const page = await context.newPage();
    await consoleSignIn(page, owner.email, owner.password);
    const nav = page.getByRole('navigation', { name: 'Console' });
    const top = nav.locator('.nav > li > a, .nav > li > details > summary');
    await expect(top).toHaveText([/^Dashboard$/, /^Incidents/, /^Maintenance$/, /^Components$/, /^Subscribers/, /^Settings/]);
    // One line: every entry on the same row as the first (eleven used to wrap to two lines).
    const ys = await top.evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().top)));
    expect(new Set(ys).size).toBe(1);
    await expect(page.getByRole('banner').getByRole('link', { name: /Public page/ })).toHaveAttribute('href', '/');
    // A group opens as a list of its pages, and each link goes there.
    await nav.locator('summary', { hasText: 'Subscribers' }).click();
    await expect(nav.getByRole('link', { name: 'Delivery log' })).toBeVisible();
    await nav.getByRole('link', { name: 'Delivery log' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Delivery log');
    await expect(nav.locator('summary.current')).toHaveText(/Subscribers/);
    // The response team's pages sit in their groups: Alerts under Incidents, the escalation path under Settings.
    await nav.locator('summary', { hasText: 'Incidents' }).click();
    await nav.getByRole('link', { name: 'Alerts' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Alerts');
    await expect(nav.locator('summary.current')).toHaveText(/Incidents/);
    await nav.locator('summary', { hasText: 'Settings' }).click();
    await nav.getByRole('link', { name: 'Escalation and paging' }).click();
    await expect(nav.locator('summary.current')).toHaveText(/Settings/);
    await expect(nav.getByRole('link', { name: 'Escalation and paging', includeHidden: true })).toHaveAttribute('aria-current', 'page');
    await context.close();
  }
});

test('on a 360 px phone a Menu lists every page, with and without JavaScript; Escape closes it', async ({ browser, herald, owner }) => {
  for (const javaScriptEnabled of [true, false]) {
    const context = await browser.newContext({ baseURL: herald.baseURL, viewport: { width: 360, height: 780 }, javaScriptEnabled });
    const page = await context.newPage();
    await consoleSignIn(page, owner.email, owner.password);
    // No sideways strip: the page is as wide as the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await page.getByText('Menu', { exact: true }).click();
    const menu = page.getByRole('navigation', { name: 'Console' });
    const links = await menu.getByRole('link').allTextContents();
    expect(links.map((l) => l.trim())).toEqual([
      'Dashboard',
      'All incidents',
      'Alerts',
      'Action items',
      'Templates',
      'Uptime reports',
      'Maintenance',
      'Components',
      'Email subscribers',
      'Webhooks',
      'Stakeholders',
      'Delivery log',
      'Page settings',
      'Escalation and paging',
      'Users',
      'API tokens',
      'Audit log',
      'Public page ↗',
    ]);
    for (const link of await menu.getByRole('link').all()) await expect(link).toBeInViewport();
    if (javaScriptEnabled) {
      await page.keyboard.press('Escape');
      await expect(menu).toBeHidden();
      await page.getByText('Menu', { exact: true }).click();
    }
    await menu.getByRole('link', { name: 'Audit log' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Audit log');
    await context.close();
  }
});
