// One time-zone rule on the public pages: every time and every day heading is in the page's zone; a reader in
// another zone gets their own time as a hint (each time's tooltip, a sentence in the footer), never instead.
import { formatDateTime, formatCivilDate, civilDate } from '../../api/core/time-format.ts';
import { api, expect, test } from './fixtures.ts';

const PAGE_TZ = 'Europe/Berlin';
const READER_TZ = 'America/Los_Angeles';

/** Yesterday at 03:56 in Berlin: still the day before in Los Angeles, where the page used to list it. */
function earlyYesterdayInBerlin(): Date {
  const now = Date.now();
  const today = civilDate(now, PAGE_TZ);
  // 03:56 Berlin is 02:56 UTC in winter, 01:56 UTC in summer; find the instant whose Berlin wall time is 03:56.
  for (let h = 0; h < 6; h++) {
    const t = Date.UTC(today.year, today.month - 1, today.day - 1, h, 56);
    const p = formatDateTime(t, PAGE_TZ);
    if (p.includes('03:56')) return new Date(t);
  }
  throw new Error('no 03:56 in Berlin yesterday');
}

test('the home page, incident page and postmortem say every time in the page zone, with the reader’s as a hint', async ({ browser, herald, owner }) => {
  await api(herald, owner, 'PATCH', '/api/v1/settings', { time_zone: PAGE_TZ });
  const start = earlyYesterdayInBerlin();
  const incident = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/incidents', { title: 'Night outage', severity: 'P2', message: 'Down.', started_at: start.toISOString() });
  await api(herald, owner, 'POST', `/api/v1/incidents/${incident.id}/updates`, { status: 'resolved', message: 'Up again.' });
  await api(herald, owner, 'PUT', `/api/v1/incidents/${incident.id}/postmortem`, {
    summary: 'It was down.', root_cause: 'A bug.', impact: 'All.', remediation: 'Fixed.', lessons: 'Test more.',
    timeline: (await api<{ suggested_timeline: string }>(herald, owner, 'GET', `/api/v1/incidents/${incident.id}/postmortem`)).suggested_timeline,
  });
  await api(herald, owner, 'POST', `/api/v1/incidents/${incident.id}/postmortem/publish`, {});

  const context = await browser.newContext({ baseURL: herald.baseURL, timezoneId: READER_TZ });
  const page = await context.newPage();
  const startText = formatDateTime(start, PAGE_TZ);
  const day = formatCivilDate(civilDate(start.getTime(), PAGE_TZ), 'long');

  await page.goto('/');
  // Listed under its day in Berlin, with its time in Berlin: the two agree.
  const dayBlock = page.locator('.day', { has: page.getByRole('heading', { name: day, exact: true }) });
  await expect(dayBlock.getByRole('link', { name: 'Night outage' })).toBeVisible();
  const time = dayBlock.locator('time[data-f]').first();
  await expect(time).toHaveText(startText);
  // The reader's own time is the hint, in their zone.
  await expect(time).toHaveAttribute('title', /P[SD]T your time$/);
  await expect(page.locator('#tz-note')).toContainText(/All times are in Europe\/Berlin \(GMT\+[12]\)\./);
  await expect(page.locator('#tz-note')).toContainText(/Your time zone \(America\/Los_Angeles\) is [89] hours behind/);

  await page.goto(`/incidents/${incident.id}`);
  await expect(page.locator('time[data-f]').first()).toContainText(/GMT\+[12]/);
  await expect(page.locator('main')).not.toContainText(/ P[SD]T/);

  // The postmortem's header and its timeline (written by the server in the page zone) agree.
  await page.goto(`/incidents/${incident.id}/postmortem`);
  await expect(page.locator('main')).toContainText(startText);
  await expect(page.locator('main')).not.toContainText(/ P[SD]T/);
  await context.close();

  // Without JavaScript: the same text, no hint.
  const plain = await browser.newContext({ baseURL: herald.baseURL, timezoneId: READER_TZ, javaScriptEnabled: false });
  const p2 = await plain.newPage();
  await p2.goto('/');
  await expect(p2.locator('.day', { hasText: day }).locator('time[data-f]').first()).toHaveText(startText);
  await expect(p2.locator('#tz-note')).toHaveText(/^All times are in Europe\/Berlin \(GMT\+[12]\)\.$/);
  await plain.close();
});
