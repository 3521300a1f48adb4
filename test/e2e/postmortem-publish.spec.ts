// Publishing a postmortem after adding an action item: the confirmation is on screen (not scrolled to the action
// items), and an update's list reads as a list in the generated timeline, in the console and in public.
import { api, consoleSignIn, expect, test } from './fixtures.ts';

test('publish after adding an action item shows “Published.”; the timeline keeps lists', async ({ page, herald, owner }) => {
  const incident = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/incidents', {
    title: 'Checkout errors',
    severity: 'P1',
    message: 'Checkout fails with HTTP 500.\n- Dashboard is unaffected\n- Next update in 30 minutes',
  });
  await api(herald, owner, 'POST', `/api/v1/incidents/${incident.id}/updates`, { status: 'resolved', message: 'Fixed.' });
  const editor = `/admin/incidents/${incident.id}/postmortem`;
  await consoleSignIn(page, owner.email, owner.password, editor);

  await page.getByLabel('Summary').fill('Checkout failed.');
  await page.getByLabel('Root cause analysis').fill('A bad deploy.');
  await page.getByRole('button', { name: 'Save draft' }).click();
  await expect(page.getByRole('status')).toHaveText('Draft saved.');
  await page.getByRole('textbox', { name: 'Action (required)' }).fill('Add a canary');
  await page.getByRole('button', { name: 'Add action item' }).click();
  await expect(page).toHaveURL(/#action-items$/);
  await expect(page.getByTestId('action-item')).toHaveCount(1);

  await page.getByRole('button', { name: 'Publish postmortem' }).click();
  const notice = page.getByRole('status').filter({ hasText: 'Published.' });
  await expect(notice).toBeVisible();
  await expect(notice).toBeInViewport();
  await expect(page.getByRole('heading', { name: 'Action items' })).not.toBeInViewport();

  await page.goto(`/incidents/${incident.id}/postmortem`);
  const timeline = page.getByRole('region', { name: 'Timeline' });
  const first = timeline.getByRole('listitem').filter({ hasText: 'Checkout fails with HTTP 500.' }).first();
  await expect(first.getByRole('listitem')).toHaveText(['Dashboard is unaffected', 'Next update in 30 minutes']);
  await expect(timeline).not.toContainText('500. - Dashboard');
});
