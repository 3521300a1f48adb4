// The incident page as a communications lead uses it: resolving takes a deliberate step; the composer's button
// says what it will do.
import { api, consoleSignIn, expect, test } from './fixtures.ts';

test('resolve is folded away from the composer, has no text filled in, and needs a tick', async ({ page, herald, owner }) => {
  const incident = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/incidents', { title: 'Queue stuck', severity: 'P2', message: 'Looking.' });
  await consoleSignIn(page, owner.email, owner.password, `/admin/incidents/${incident.id}`);
  // Nothing of it is on screen until asked for: no prefilled message, no primary button beside the composer.
  await expect(page.getByRole('button', { name: 'Resolve incident' })).toBeHidden();
  await expect(page.locator('#composer button.primary')).toHaveCount(1);
  await page.getByText('Resolve this incident…').click();
  await expect(page.getByLabel('Resolution message (public)')).toHaveValue('');
  await expect(page.getByRole('button', { name: 'Resolve incident' })).not.toHaveClass(/primary/);

  // Without the tick: refused, the text kept, still open.
  await page.getByLabel('Resolution message (public)').fill('All clear.');
  await page.getByRole('button', { name: 'Resolve incident' }).click();
  await expect(page.getByRole('alert')).toHaveText('Tick the box to confirm.');
  await expect(page.getByLabel('Resolution message (public)')).toHaveValue('All clear.');
  expect((await api<{ status: string }>(herald, owner, 'GET', `/api/v1/incidents/${incident.id}`)).status).toBe('investigating');

  await page.getByLabel('Yes, it is over: publish the resolution').check();
  await page.getByRole('button', { name: 'Resolve incident' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Resolved' })).toBeVisible();
  expect((await api<{ status: string }>(herald, owner, 'GET', `/api/v1/incidents/${incident.id}`)).status).toBe('resolved');
});

test('dates and times: a date picker and a 24-hour time everywhere; zones listed with offsets; a due date has no time', async ({ page, herald, owner }) => {
  const incident = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/incidents', { title: 'Mail slow', severity: 'P3', message: 'Looking.' });
  await api(herald, owner, 'PATCH', '/api/v1/settings', { time_zone: 'Europe/Berlin' });
  await consoleSignIn(page, owner.email, owner.password, `/admin/incidents/${incident.id}`);
  const publishAt = page.getByRole('group', { name: /^Publish at/ });
  await expect(publishAt.locator('input[type="date"]')).toHaveValue(/^\d{4}-\d{2}-\d{2}$/);
  await expect(publishAt.locator('input[name$=":time"]')).toHaveValue(/^([01]\d|2[0-3]):[0-5]\d$/);
  await expect(publishAt).toContainText(/24 h, Europe\/Berlin \(GMT\+[12]\)/);
  for (const path of [`/admin/incidents/${incident.id}`, '/admin/incidents/new', '/admin/maintenance/new', `/admin/incidents/${incident.id}/postmortem`]) {
    await page.goto(path);
    await expect(page.locator('input[type="datetime-local"]')).toHaveCount(0);
  }
  await expect(page.getByLabel('Due date')).toHaveAttribute('type', 'date');

  await page.goto('/admin/settings');
  const zone = page.getByLabel('Time zone');
  await expect(zone).toHaveAttribute('list', 'time-zones');
  await expect(page.locator('#time-zones option[value="Asia/Tokyo"]')).toHaveAttribute('label', 'GMT+09:00');
  await expect(page.locator('#time-zones option[value="Europe/Berlin"]')).toHaveAttribute('label', /^GMT\+0[12]:00$/);
});

test('the composer’s button says what will happen: publish, schedule for a time, or save a draft — with or without JavaScript', async ({ browser, herald, owner }) => {
  const incident = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/incidents', { title: 'Login slow', severity: 'P3', message: 'Looking.' });
  for (const javaScriptEnabled of [true, false]) {
    const context = await browser.newContext({ baseURL: herald.baseURL, javaScriptEnabled });
    const page = await context.newPage();
    await consoleSignIn(page, owner.email, owner.password, `/admin/incidents/${incident.id}`);
    const composer = page.locator('#composer');
    const submit = composer.locator('button.primary');
    await expect(submit).toHaveAccessibleName('Publish update');
    await composer.getByLabel('Schedule for').check();
    await expect(submit).toHaveAccessibleName(/^Schedule for \d\d:\d\d$|^Schedule for [A-Z][a-z]{2} \d+, \d\d:\d\d$/);
    if (javaScriptEnabled) {
      const day = await composer.locator('input[name="publish_at:date"]').inputValue();
      await composer.locator('input[name="publish_at:time"]').fill('23:45');
      await expect(submit).toHaveAccessibleName(/^Schedule for (23:45|[A-Z][a-z]{2} \d+, 23:45)$/);
      const next = new Date(`${day}T00:00:00Z`);
      next.setUTCDate(next.getUTCDate() + 1);
      await composer.locator('input[name="publish_at:date"]').fill(next.toISOString().slice(0, 10));
      await expect(submit).toHaveAccessibleName(`Schedule for ${next.toLocaleString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' })}, 23:45`);
    }
    await composer.getByLabel('Save as draft (not public)').check();
    await expect(submit).toHaveAccessibleName('Save draft');
    await context.close();
  }
});
