// The dashboard puts what needs action first; escalating says what happened, to whom, and what comes next, and
// does not offer the level after next at once. The server's clock is moved with HERALD_CLOCK_OFFSET_FILE.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { api, consoleSignIn, expect, test, type HeraldProcess, type Owner } from './fixtures.ts';

const clockFile = join(mkdtempSync(join(tmpdir(), 'herald-clock-')), 'offset');
writeFileSync(clockFile, '0');
test.use({ heraldEnv: { HERALD_CLOCK_OFFSET_FILE: clockFile } });
test.afterEach(() => writeFileSync(clockFile, '0'));

/** Moves the server's clock and waits until the server says its time moved (it re-reads the file now and then). */
async function moveClock(herald: HeraldProcess, owner: Owner, minutes: number): Promise<void> {
  writeFileSync(clockFile, String(minutes * 60_000));
  const target = Date.now() + minutes * 60_000;
  await expect
    .poll(async () => {
      const html = await (await fetch(`${herald.baseURL}/admin/account/password`, { headers: { cookie: owner.cookie } })).text();
      return Date.parse(/data-server-now="([^"]+)"/.exec(html)?.[1] ?? '') - target;
    })
    .toBeGreaterThanOrEqual(-5_000);
}

test('action first, then severity; one escalation answers the missed targets and says what is next', async ({ page, herald, owner }) => {
  test.setTimeout(120_000);
  await moveClock(herald, owner, 0);
  // A P2 whose cadence is 60 minutes, and a P1 opened later whose update keeps it calm.
  const p2 = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/incidents', { title: 'Search slow', severity: 'P2', message: 'Looking.' });
  await moveClock(herald, owner, 40);
  const p1 = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/incidents', { title: 'Checkout down', severity: 'P1', message: 'Looking.' });
  // 65 minutes: the P2's update is overdue (60), the P1 is calm (its update was 25 minutes ago).
  await moveClock(herald, owner, 65);
  await consoleSignIn(page, owner.email, owner.password);
  const cards = page.getByRole('region', { name: /Open incidents/ }).getByRole('article');
  await expect(async () => {
    await page.reload();
    await expect(cards.first()).toContainText('Search slow');
  }).toPass({ timeout: 30_000 });
  await expect(cards.nth(1)).toContainText('Checkout down');
  await expect(page.getByRole('heading', { name: /Open incidents/ })).toContainText('1 needs attention now');

  // 170 minutes after the P1 opened: its resolution target (60) and twice it (120) are both missed.
  await api(herald, owner, 'POST', `/api/v1/incidents/${p2.id}/updates`, { status: 'monitoring', message: 'Better.' });
  await moveClock(herald, owner, 40 + 125);
  const card = page.locator('article', { hasText: 'Checkout down' });
  await expect(async () => {
    await page.reload();
    await expect(card).toContainText('escalate to team lead');
  }).toPass({ timeout: 30_000 });
  // The banner keeps its distance from what follows it (it used to touch the facts below).
  const gap = await card.locator('.alert-box').last().evaluate((box) => {
    const next = box.nextElementSibling as HTMLElement;
    return next.getBoundingClientRect().top - box.getBoundingClientRect().bottom;
  });
  expect(gap).toBeGreaterThanOrEqual(8);
  await card.getByRole('button', { name: 'Escalate to team lead' }).click();

  const notice = page.getByRole('status').filter({ hasText: 'Escalated “Checkout down” to team lead' });
  await expect(notice).toBeVisible();
  // Nobody is on the team lead's level of the escalation path: the notice says so.
  await expect(notice).toContainText('Nobody was paged: the team lead level has no contacts');
  await expect(notice).toContainText('Make sure the team lead knows');
  // Both of its targets were missed already: nothing will call for the next level by itself.
  await expect(notice).toContainText('No further target can be missed: escalate to the engineering manager only if the incident needs it.');
  // The card no longer offers the next level at once (it used to: both misses called for two levels).
  await expect(card.getByRole('button', { name: /Escalate to/ })).toHaveCount(0);
  await expect(card).toContainText(/team lead since \d\d:\d\d/);

  await page.goto(`/admin/incidents/${p1.id}`);
  await expect(page.getByRole('button', { name: /Escalate to/ })).toHaveCount(0);
  await expect(page.locator('.timeline')).toContainText('Escalated to team lead');

  // The P2 is within its resolution target (240 min): raising its level says when the next call will come.
  await page.goto(`/admin/incidents/${p2.id}`);
  await page.getByLabel('Escalate because').selectOption('business_impact');
  await page.getByRole('button', { name: 'Escalate', exact: true }).click();
  const next = page.getByRole('status').filter({ hasText: 'Escalated to team lead' });
  await expect(next).toContainText(/Next: the resolution target at \d\d:\d\d UTC \(due in 1 h 1[3-5] min\)\. If it is missed, Herald asks you to escalate to the engineering manager/);
  await expect(next).toBeInViewport();
});
