// The console's frame: every page loads without a failed request (the favicon included), and its navigation.
import { consoleSignIn, expect, test } from './fixtures.ts';

const PAGES = ['/admin', '/admin/incidents', '/admin/components', '/admin/maintenance', '/admin/templates', '/admin/subscribers', '/admin/outbox', '/admin/users', '/admin/tokens', '/admin/settings', '/admin/audit', '/admin/action-items', '/admin/account/password'];

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
