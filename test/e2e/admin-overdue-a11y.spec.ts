// The server's clock moved for the test (HERALD_CLOCK_OFFSET_FILE): an overdue update and a missed target show
// loudly on the dashboard, escalation is one click; axe-core on the dashboard, incident page and composer;
// screenshots (desktop, 360 px, dark) for a person to look at when HERALD_SCREENSHOTS names a folder.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { api, consoleSignIn, expect, test, type HeraldProcess, type Owner } from './fixtures.ts';

const clockFile = join(mkdtempSync(join(tmpdir(), 'herald-clock-')), 'offset');
writeFileSync(clockFile, '0');
const setOffsetMinutes = (m: number) => writeFileSync(clockFile, String(m * 60_000));
test.use({ heraldEnv: { HERALD_CLOCK_OFFSET_FILE: clockFile } });

async function arrange(herald: HeraldProcess, owner: Owner, title: string): Promise<string> {
  const a = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/components', { name: `${title} DB` });
  const b = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/components', { name: `${title} Queue` });
  const incident = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/incidents', {
    title,
    severity: 'P1',
    message: 'We are investigating **lost writes**.',
    components: { [a.id]: 'major_outage', [b.id]: 'degraded_performance' },
  });
  return incident.id;
}

test.afterEach(() => setOffsetMinutes(0));

test('an overdue update and a missed target show on the dashboard; escalating is one click', async ({ page, herald, owner }) => {
  setOffsetMinutes(0);
  const id = await arrange(herald, owner, 'Database writes failing');
  const from = Date.now() + 3 * 3_600_000;
  await api(herald, owner, 'POST', '/api/v1/maintenances', {
    title: 'Database version upgrade',
    message: 'Writes pause for up to 5 minutes.',
    components: [],
    scheduled_for: new Date(from).toISOString(),
    scheduled_until: new Date(from + 3_600_000).toISOString(),
  });
  await consoleSignIn(page, owner.email, owner.password);
  await expect(page.getByRole('region', { name: /Upcoming and active maintenance/ })).toContainText('Database version upgrade');
  const card = page.getByRole('article', { name: /Database writes failing/ });
  await expect(card).toContainText('due in 29 min');
  await expect(card).not.toContainText('OVERDUE');

  // 31 minutes later on the server's clock: the 30-minute P1 cadence has passed.
  setOffsetMinutes(31);
  await expect(async () => {
    await page.reload();
    await expect(card.getByRole('status')).toContainText('UPDATE OVERDUE');
  }).toPass();
  await expect(card).toContainText(/OVERDUE by 1 min( \d+ s)?\)/);
  await expect(page.getByRole('heading', { name: /Open incidents/ })).toContainText('1 needs attention now');
  await expect(card).not.toContainText('escalate to');

  // 62 minutes: the one-hour resolution target is missed too; escalate to the next level.
  setOffsetMinutes(62);
  await expect(async () => {
    await page.reload();
    await expect(card).toContainText('escalate to team lead');
  }).toPass();
  await expect(card).toContainText(/MISSED 2 min( \d+ s)? ago/);
  await card.getByRole('button', { name: 'Escalate to team lead' }).click();
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
  await expect(card).not.toContainText('escalate to team lead');
  await expect(card).toContainText('team lead');
  await page.goto(`/admin/incidents/${id}`);
  await expect(page.getByRole('region', { name: 'Timeline' })).toContainText('Escalated to team lead');
});

test('axe-core finds no violations on the dashboard, the incident page and its composer', async ({ page, herald, owner }) => {
  const id = await arrange(herald, owner, 'Queue backlog');
  await consoleSignIn(page, owner.email, owner.password);
  const check = async (what: string, include?: string) => {
    const builder = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']);
    if (include) builder.include(include);
    const result = await builder.analyze();
    expect(result.violations.map((v) => `${what}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  };
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto('/admin');
    await check(`dashboard (${scheme})`);
    await page.goto(`/admin/incidents/${id}`);
    await check(`incident page (${scheme})`);
    // The composer with errors and a preview showing.
    const composer = page.getByRole('region', { name: 'Post an update' });
    await composer.getByLabel('Message (public)').fill('Draining the **backlog**.');
    await composer.getByRole('button', { name: 'Preview' }).click();
    await expect(composer.locator('[data-md-preview]').getByRole('strong')).toHaveText('backlog');
    await check(`composer with preview (${scheme})`, '#composer');
    await composer.getByLabel('Message (public)').fill('');
    await composer.getByRole('button', { name: 'Publish update' }).click();
    // A field's error has no role of its own (it is the field's description).
    await expect(composer.locator('.field-error').first()).toBeVisible();
    await check(`composer with errors (${scheme})`, '#composer');
    await page.goto('/admin/incidents/new');
    await check(`open-incident form (${scheme})`);
  }
});

test('screenshots: dashboard and incident page, desktop, 360 px and dark', async ({ browser, herald, owner }) => {
  const dir = process.env.HERALD_SCREENSHOTS;
  test.skip(!dir, 'set HERALD_SCREENSHOTS to a folder to take screenshots');
  mkdirSync(dir!, { recursive: true });
  const id = await arrange(herald, owner, 'Payments declined');
  await api(herald, owner, 'POST', `/api/v1/incidents/${id}/updates`, { status: 'identified', message: 'A certificate expired at the card processor.' });
  setOffsetMinutes(35);
  for (const [name, viewport, colorScheme] of [
    ['desktop', { width: 1280, height: 900 }, 'light'],
    ['phone', { width: 360, height: 780 }, 'light'],
    ['dark', { width: 1280, height: 900 }, 'dark'],
  ] as const) {
    const context = await browser.newContext({ baseURL: herald.baseURL, viewport, colorScheme });
    const page = await context.newPage();
    await consoleSignIn(page, owner.email, owner.password);
    await page.screenshot({ path: join(dir!, `dashboard-${name}.png`), fullPage: true });
    await page.goto(`/admin/incidents/${id}`);
    await page.screenshot({ path: join(dir!, `incident-${name}.png`), fullPage: true });
    await context.close();
  }
});

test('axe-core on the other console screens', async ({ page, herald, owner }) => {
  const id = await arrange(herald, owner, 'Search slow');
  const scan = async (path: string) => {
    await page.goto(path);
    const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    expect(result.violations.map((v) => `${path}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  };
  await scan('/admin/login');
  await scan('/admin/setup?token=not-a-token');
  await consoleSignIn(page, owner.email, owner.password);
  for (const path of ['/admin/incidents', '/admin/components', '/admin/templates', '/admin/users', '/admin/tokens', '/admin/settings', '/admin/audit', '/admin/account/password', '/admin/account/sessions']) {
    await scan(path);
  }
  const detail = await api<{ updates: { id: string }[] }>(herald, owner, 'GET', `/api/v1/incidents/${id}`);
  await scan(`/admin/incidents/${id}/updates/${detail.updates[0]!.id}`);
});
