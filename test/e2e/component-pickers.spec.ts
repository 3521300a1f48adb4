// Every component picker groups the same way: each group once under its name, the ungrouped ones under
// "Other components" (the subscribe page, the manage page, the maintenance form, webhooks, the incident form).
import type { Locator, Page } from '@playwright/test';
import { api, consoleSignIn, expect, test } from './fixtures.ts';
import { heldLink } from './held-mail.ts';

/** The names listed under each group heading, as a screen reader hears them (role=group, named by its heading). */
async function grouped(scope: Locator | Page): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const g of await scope.getByRole('group').all()) {
    const name = (await g.getAttribute('aria-labelledby')) ? await g.evaluate((el) => document.getElementById(el.getAttribute('aria-labelledby')!)?.textContent?.trim() ?? '') : '';
    if (!name || name === 'Components') continue;
    out[name] = (await g.locator('label').allTextContents()).map((t) => t.replace(/\s+now .*$/, '').trim());
  }
  return out;
}

const EXPECTED = { 'Core platform': ['API', 'Web app', 'Payments'], 'Other components': ['Status emails'] };

test('the subscribe, manage, maintenance, webhook and incident forms group components the same way', async ({ page, herald, owner }) => {
  const group = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/component-groups', { name: 'Core platform' });
  await api(herald, owner, 'POST', '/api/v1/components', { name: 'Status emails' });
  for (const name of ['API', 'Web app', 'Payments']) await api(herald, owner, 'POST', '/api/v1/components', { name, group_id: group.id });

  await page.goto('/subscriptions');
  expect(await grouped(page)).toEqual(EXPECTED);
  await expect(page.getByText('Core platform', { exact: true })).toHaveCount(1);
  await page.getByLabel('Email address').fill('picky@example.com');
  await page.getByRole('button', { name: 'Subscribe' }).click();
  await page.goto(await heldLink(herald, owner, 'picky@example.com', '/subscriptions/confirm'));
  await page.getByRole('button', { name: 'Confirm subscription' }).click();
  await expect(page).toHaveURL(/confirmed=1/);
  expect(await grouped(page)).toEqual(EXPECTED);

  await consoleSignIn(page, owner.email, owner.password);
  await page.goto('/admin/maintenance/new');
  expect(await grouped(page.getByRole('group', { name: 'Affected components' }))).toEqual(EXPECTED);
  await page.goto('/admin/webhooks');
  expect(await grouped(page.locator('form', { hasText: 'Add webhook' }))).toEqual(EXPECTED);
  await page.goto('/admin/incidents/new');
  expect(await grouped(page.getByRole('group', { name: 'Affected components and their status' }))).toEqual(EXPECTED);
});
