// The delivery log as a publisher reads it: in the navigation, a message opened by what it is, a held email's
// links clickable, and held messages never “attempted”. The server has no SMTP: email is held in the outbox.
import { consoleSignIn, expect, test } from './fixtures.ts';
import { navTo } from './forms.ts';

test('open a held email from its row and follow its links', async ({ page, herald, owner }) => {
  const email = 'reader@example.com';
  const res = await fetch(`${herald.baseURL}/api/v2/subscribers.json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ subscriber: { email } }) });
  expect(res.status).toBe(202);
  await consoleSignIn(page, owner.email, owner.password);
  await navTo(page, 'Subscribers', 'Delivery log');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Delivery log');

  const row = page.getByRole('row', { name: new RegExp(email) });
  await expect(async () => {
    await page.reload();
    await expect(row).toContainText('held');
  }).toPass({ timeout: 30_000 });
  await expect(row.getByRole('cell').nth(5)).toHaveText('not sent');
  await row.getByRole('link', { name: `subscription confirmation to ${email}` }).click();

  const message = page.getByRole('region', { name: new RegExp(`to ${email}`) });
  await expect(message).toContainText('not sent: held, because no SMTP server is configured');
  await expect(message).not.toContainText('attempt(s)');
  // The text part's addresses are links.
  const confirm = message.locator('pre a', { hasText: '/subscriptions/confirm?token=' });
  await expect(confirm).toHaveAttribute('href', new RegExp(`^${herald.baseURL}/subscriptions/confirm\\?token=`));
  await expect(confirm).toHaveAttribute('target', '_blank');
  // The HTML part's links open a new tab out of the sandboxed frame.
  const frame = page.frameLocator('iframe[title="HTML part of the message"]');
  const link = frame.getByRole('link').filter({ hasText: /Confirm/ }).first();
  await expect(link).toBeVisible();
  const popup = page.waitForEvent('popup');
  await link.click();
  const tab = await popup;
  await tab.waitForLoadState();
  expect(tab.url()).toContain('/subscriptions/confirm?token=');
  await expect(tab.getByRole('button', { name: 'Confirm subscription' })).toBeVisible();
});
