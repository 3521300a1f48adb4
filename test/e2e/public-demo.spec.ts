// The public pages on a lived-in page (test/support/seed-demo.ts written into the server's database): groups,
// an active incident, degraded components, maintenance, 90 days of history. axe-core in both themes, the
// bars' day cells, the 14 days, and the home page's weight.
import AxeBuilder from '@axe-core/playwright';
import { openMigratedDatabase } from '../../db/client.ts';
import { seedDemo, type DemoIds } from '../support/seed-demo.ts';
import { expect, test, type HeraldProcess } from './fixtures.ts';

const seeded = new Map<string, Promise<DemoIds>>();
/** Once per server: rows straight into its database; the seed bumps the content version, so pages re-render. */
function demo(herald: HeraldProcess): Promise<DemoIds> {
  let p = seeded.get(herald.baseURL);
  if (!p) {
    p = (async () => {
      const database = await openMigratedDatabase(herald.databaseUrl);
      try {
        return await seedDemo(database.db);
      } finally {
        database.close();
      }
    })();
    seeded.set(herald.baseURL, p);
  }
  return p;
}

test('the demo page: bars with a text for each notable day, the 14 days, maintenance', async ({ herald, page }) => {
  const ids = await demo(herald);
  await page.goto('/');
  // The page's name: the first link of the banner, home.
  await expect(page.getByRole('banner').getByRole('link').first()).toHaveText('Acme Cloud');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Partial System Outage');
  const components = page.getByRole('region', { name: 'Components' });
  await expect(components.getByRole('img', { name: / uptime (over 90 days|since [A-Z][a-z]{2} \d+ \(\d+ days\)), / })).toHaveCount(9);
  // "Email delivery" is 60 days old: its uptime is over its 60 days, says since when, and the days before are grey.
  const email = components.getByRole('listitem').filter({ hasText: 'Email delivery' });
  await expect(email.getByRole('img')).toHaveAccessibleName(/^\d+\.\d\d% uptime since [A-Z][a-z]{2} \d+ \(6[01] days\), incidents on 1 of them$/);
  await expect(email.locator('.up').getByText(/^\d+\.\d\d% uptime since [A-Z][a-z]{2} \d+/)).toBeVisible();
  // The grey (no data) cells: a colour, with no accessible handle but the bar's summary above.
  await expect(email.getByRole('img').locator('path.x')).toHaveCount(1);
  // A day cell names its date, status, uptime and incident.
  const auth = components.getByRole('listitem').filter({ hasText: 'Authentication' });
  await expect(auth.getByRole('img').locator('path > title')).toHaveText([/^[A-Z][a-z]{2} \d{1,2}: Major outage, \d+\.\d\d%\. Sign-in failures for SSO users$/]);
  await expect(page.getByRole('region', { name: 'Scheduled maintenance' })).toContainText('Managed database storage upgrade');
  const past = page.getByRole('region', { name: 'Past incidents' });
  // A heading for each day with incidents; each run of quiet days between them is one line, not a day each.
  const headings = await past.getByRole('heading', { level: 3 }).count();
  expect(headings).toBeGreaterThanOrEqual(3);
  expect(headings).toBeLessThan(14);
  await expect(past.getByRole('link', { name: 'Delayed webhook deliveries' })).toHaveAttribute('href', `/incidents/${ids.resolvedIncident}`);
  const quiet = past.locator('.day > p.quiet');
  // A range as Intl writes one: "Nov 22 – 25", "Nov 28 – Dec 3", "Dec 28, 2025 – Jan 3, 2026".
  await expect(quiet.first()).toHaveText(/^No incidents reported (on [A-Z][a-z]{2} \d{1,2}|[A-Z][a-z]{2} \d{1,2}(, \d{4})? – ([A-Z][a-z]{2} )?\d{1,2}(, \d{4})?)\.$/);
  // Never two quiet lines in a row: a run is one line.
  const kinds = await past.locator('.day').evaluateAll((days) => days.map((d) => (d.querySelector('h3') ? 'day' : 'quiet')));
  expect(kinds.join(',')).not.toContain('quiet,quiet');
  // Days covered: every one of the 14, once.
  const covered = await past.locator('.day').evaluateAll((days) =>
    days.reduce((n, d) => {
      const times = [...d.querySelectorAll(':scope > h3 time, :scope > p.quiet time')].map((t) => Date.parse(t.getAttribute('datetime') ?? ''));
      return n + (times.length === 2 ? Math.round((times[1]! - times[0]!) / 86_400_000) + 1 : 1);
    }, 0),
  );
  expect(covered).toBe(14);
});

test('a bar’s days are one tap or key away, without JavaScript: the uptime line opens them in words', async ({ herald, browser }) => {
  await demo(herald);
  // A phone with a touch screen and no script.
  const phone = await browser.newContext({ baseURL: herald.baseURL, viewport: { width: 360, height: 800 }, hasTouch: true, isMobile: true, javaScriptEnabled: false });
  const page = await phone.newPage();
  await page.goto('/');
  const auth = page.getByRole('region', { name: 'Components' }).getByRole('listitem').filter({ hasText: 'Authentication' });
  const days = auth.getByRole('list');
  await expect(days).toBeHidden();
  await auth.locator('summary').tap();
  await expect(days.getByRole('listitem')).toHaveText([/^[A-Z][a-z]{2} \d{1,2}: Major outage, \d+\.\d\d%\. Sign-in failures for SSO users$/]);
  await days.getByRole('link', { name: 'Sign-in failures for SSO users' }).tap();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign-in failures for SSO users');
  await phone.close();

  // The keyboard: Tab reaches the uptime line, Enter opens it.
  const desk = await browser.newContext({ baseURL: herald.baseURL });
  const p2 = await desk.newPage();
  await p2.goto('/');
  const search = p2.getByRole('region', { name: 'Components' }).getByRole('listitem').filter({ hasText: 'Search' });
  const toggle = search.locator('summary');
  await expect(toggle).toHaveAccessibleName(/^\d+\.\d\d% uptime \(Search\)$/);
  for (let i = 0; i < 60 && !(await toggle.evaluate((e) => e === document.activeElement)); i++) await p2.keyboard.press('Tab');
  await expect(toggle).toBeFocused();
  await p2.keyboard.press('Enter');
  await expect(search.getByRole('list')).toContainText('Under maintenance');
  await desk.close();
});

test('on a 360 px phone the quiet days no longer take a block each', async ({ herald, browser }) => {
  await demo(herald);
  const context = await browser.newContext({ baseURL: herald.baseURL, viewport: { width: 360, height: 800 } });
  const page = await context.newPage();
  await page.goto('/');
  const height = await page.getByRole('region', { name: 'Past incidents' }).evaluate((e) => e.getBoundingClientRect().height);
  // With a heading and a line for each quiet day the section measured about 1,600 px here; it is about 1,120 now.
  expect(height).toBeLessThan(1_300);
  await context.close();
});

test('the home page weighs under 50 KB of HTML and CSS and needs no script', async ({ herald }) => {
  await demo(herald);
  const html = await (await fetch(`${herald.baseURL}/`)).text();
  let css = 0;
  for (const href of new Set(html.match(/\/_astro\/[^"]+\.css/g) ?? [])) css += (await (await fetch(herald.baseURL + href)).arrayBuffer()).byteLength;
  const bytes = Buffer.byteLength(html) + css;
  expect(bytes).toBeLessThan(50 * 1024);
  // The only script is the optional local-time one, loaded deferred from a file.
  expect(html.match(/<script/g)).toHaveLength(1);
  expect(html).toContain('<script src="/local-time.js" defer>');
});

for (const dark of [false, true]) {
  test(`axe-core: no violations on the demo's pages (${dark ? 'dark' : 'light'})`, async ({ herald, browser }) => {
    const ids = await demo(herald);
    const context = await browser.newContext({ baseURL: herald.baseURL, colorScheme: dark ? 'dark' : 'light' });
    const page = await context.newPage();
    for (const path of ['/', `/incidents/${ids.activeIncident}`, `/incidents/${ids.maintenance}`, `/incidents/${ids.resolvedIncident}`, '/history']) {
      await page.goto(path);
      const result = await new AxeBuilder({ page }).analyze();
      const found = result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
      expect(found, `${path} (${dark ? 'dark' : 'light'})`).toEqual([]);
    }
    // A 360 px phone, too.
    await page.setViewportSize({ width: 360, height: 800 });
    await page.goto('/');
    const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    expect(scroll).toBeLessThanOrEqual(client!);
    await context.close();
  });
}
