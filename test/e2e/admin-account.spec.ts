// Your own account (password, sessions, sign out everywhere) and editing a published update, which asks first.
import type { Page } from '@playwright/test';
import { api, expect, signedInPage, test } from './fixtures.ts';

/** A public update in the console's incident timeline (internal events say no "public update"). */
const publicUpdate = (page: Page, text: string) =>
  page.getByRole('region', { name: 'Timeline' }).getByRole('listitem').filter({ hasText: '· public update ·' }).filter({ hasText: text });

test('change password, end a session, sign out everywhere', async ({ browser, herald, owner }) => {
  const email = 'sam@example.com';
  await api(herald, owner, 'POST', '/api/v1/users', { email, name: 'Sam Publisher', role: 'publisher', password: 'first password 123' });
  const laptop = await signedInPage(browser, herald.baseURL, email, 'first password 123');
  const phone = await signedInPage(browser, herald.baseURL, email, 'first password 123');

  await laptop.goto('/admin/account/sessions');
  await expect(laptop.locator('tbody tr')).toHaveCount(2);
  await laptop.getByRole('button', { name: 'End session' }).click();
  await expect(laptop.getByRole('status')).toContainText('Session ended.');
  await expect(laptop.locator('tbody tr')).toHaveCount(1);
  await phone.goto('/admin');
  await expect(phone).toHaveURL(/\/admin\/login/);

  // A wrong current password is refused next to its field.
  await laptop.goto('/admin/account/password');
  await laptop.getByLabel('Current password').fill('not my password');
  await laptop.getByLabel(/^New password \(required\)$/).fill('second password 456');
  await laptop.getByLabel(/^New password again/).fill('second password 456');
  await laptop.getByRole('button', { name: 'Change password' }).click();
  await expect(laptop.locator('#f-current_password-error')).toContainText('not right');
  await laptop.getByLabel('Current password').fill('first password 123');
  await laptop.getByLabel(/^New password \(required\)$/).fill('second password 456');
  await laptop.getByLabel(/^New password again/).fill('second password 456');
  await laptop.getByRole('button', { name: 'Change password' }).click();
  await expect(laptop.getByRole('status')).toContainText('Password changed.');

  const tablet = await signedInPage(browser, herald.baseURL, email, 'second password 456');
  await laptop.goto('/admin/account/sessions');
  await laptop.getByRole('button', { name: 'Sign out everywhere' }).click();
  await expect(laptop).toHaveURL(/\/admin\/login\?signed_out=1/);
  await tablet.goto('/admin');
  await expect(tablet).toHaveURL(/\/admin\/login/);
  for (const p of [laptop, phone, tablet]) await p.context().close();
});

test('editing or deleting a published update asks for confirmation and is audited', async ({ browser, herald, owner, request }) => {
  const incident = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/incidents', { title: 'Email delays', severity: 'P3', message: 'Emails are delayed by up to an hour.' });
  await api(herald, owner, 'POST', `/api/v1/incidents/${incident.id}/updates`, { status: 'identified', message: 'A queue worker is stuck.' });
  const page = await signedInPage(browser, herald.baseURL, owner.email, owner.password);
  await page.goto(`/admin/incidents/${incident.id}`);
  await publicUpdate(page, 'delayed by up to an hour').getByRole('link', { name: /Edit or delete/ }).click();

  await page.getByLabel('Message (public)').fill('Emails are delayed by up to two hours.');
  await page.getByRole('button', { name: 'Save change' }).click();
  await expect(page.locator('#edit-confirm-error')).toBeVisible();
  await expect(page.getByLabel('Message (public)')).toHaveValue('Emails are delayed by up to two hours.');
  await page.getByLabel('I am changing a published update').check();
  await page.getByRole('button', { name: 'Save change' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Update changed.' })).toBeVisible();
  await expect.poll(async () => (await (await request.get('/api/v2/incidents.json')).text()).includes('up to two hours')).toBe(true);

  await publicUpdate(page, 'queue worker is stuck').getByRole('link', { name: /Edit or delete/ }).click();
  await page.getByRole('button', { name: 'Delete update' }).click();
  await expect(page.locator('#delete-confirm-error')).toBeVisible();
  await page.getByLabel(/Delete this update from the public page/).check();
  await page.getByRole('button', { name: 'Delete update' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Update deleted.' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Timeline' })).toContainText('Update (Identified) deleted');
  await expect(page.getByRole('region', { name: 'Timeline' })).toContainText('Update (Investigating) edited');

  const audit = await api<{ events: { action: string }[] }>(herald, owner, 'GET', `/api/v1/audit?incident_id=${incident.id}&action=incident_update.`);
  expect(audit.events.map((e) => e.action)).toEqual(expect.arrayContaining(['incident_update.edit', 'incident_update.delete']));
  await page.context().close();
});
