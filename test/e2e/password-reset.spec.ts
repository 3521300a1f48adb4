// A user who forgot their password gets back in: the sign-in page (in the page's name) links to a reset, the email
// (held in the outbox here: no SMTP) carries a one-time link, the new password signs in, the old one no longer does.
import { api, expect, signIn, test } from './fixtures.ts';
import { heldLink } from './held-mail.ts';
import { axeProblems } from './axe.ts';

test('forgot password: ask, follow the link, set a new one, signed in; the link works once', async ({ browser, herald, owner }) => {
  await api(herald, owner, 'PATCH', '/api/v1/settings', { page_name: 'Acme Cloud' });
  const invited = await api<{ invitation_url: string }>(herald, owner, 'POST', '/api/v1/users', { email: 'pat@example.com', name: 'Pat', role: 'publisher' });
  // Pat accepts the invitation, then forgets the password.
  const context = await browser.newContext({ baseURL: herald.baseURL });
  const page = await context.newPage();
  await page.goto(new URL(invited.invitation_url).pathname + new URL(invited.invitation_url).search);
  await page.getByLabel('Password (required)', { exact: true }).fill('pats first long password');
  await page.getByLabel('Password again (required)').fill('pats first long password');
  await page.getByRole('button', { name: 'Set password and sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
  await context.clearCookies();

  await page.goto('/admin/login');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in to Acme Cloud');
  await expect(page).toHaveTitle(/Sign in to Acme Cloud/);
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await page.getByLabel('Email (required)').fill('pat@example.com');
  await page.getByRole('button', { name: 'Send the link' }).click();
  await expect(page.getByRole('status')).toContainText('If an account of Acme Cloud uses that address, a link to choose a new password is on its way.');

  const link = await heldLink(herald, owner, 'pat@example.com', '/admin/password-reset');
  await page.goto(link);
  await expect(page.getByText('Choose a new password for pat@example.com')).toBeVisible();
  await page.getByLabel('New password (required)', { exact: true }).fill('pats second long password');
  await page.getByLabel('New password again (required)').fill('pats second long password');
  await page.getByRole('button', { name: 'Set password and sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Your new password is set' })).toBeVisible();

  await expect(signIn(herald, 'pat@example.com', 'pats first long password')).rejects.toThrow(/401/);
  await signIn(herald, 'pat@example.com', 'pats second long password');
  await page.goto(link);
  await expect(page.getByRole('alert')).toContainText('This link is not valid');
  await expect(page.getByRole('link', { name: 'Ask for a new link' })).toBeVisible();

  // The pages of the flow are axe-clean in both themes.
  const problems: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    for (const path of ['/admin/password-reset', '/admin/password-reset?sent=1', link]) {
      await page.goto(path);
      problems.push(...(await axeProblems(page, `${path} (${colorScheme})`)));
    }
  }
  expect(problems).toEqual([]);
  await context.close();
});
