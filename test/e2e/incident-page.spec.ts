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
