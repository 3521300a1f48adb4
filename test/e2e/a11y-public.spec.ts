// axe-core (strict: see axe.ts) on every public page, light and dark: status, incident, postmortem, history, the
// not-found page, and each page of the subscription flow in each of its states (requested, confirm, confirmed,
// saved, unsubscribed, a bad link, an error), with the mail held in the outbox (no SMTP) and its links read there.
import { api, expect, test } from './fixtures.ts';
import { axeProblems } from './axe.ts';
import { heldLink } from './held-mail.ts';

test('every public page, each subscription step included, is axe-clean in light and dark', async ({ browser, herald, owner }) => {
  test.setTimeout(180_000);
  const group = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/component-groups', { name: 'Core platform' });
  const apiC = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/components', { name: 'API', group_id: group.id });
  await api(herald, owner, 'POST', '/api/v1/components', { name: 'Website' });
  const live = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/incidents', {
    title: 'Slow checkout',
    severity: 'P2',
    message: 'Checkout is slow.\n\n- Payments still succeed\n- Next update in 30 minutes',
    components: { [apiC.id]: 'degraded_performance' },
  });
  const done = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/incidents', { title: 'Login errors', severity: 'P3', message: 'Some logins fail.' });
  await api(herald, owner, 'POST', `/api/v1/incidents/${done.id}/updates`, { status: 'resolved', message: 'Fixed.' });
  await api(herald, owner, 'PUT', `/api/v1/incidents/${done.id}/postmortem`, {
    summary: 'Logins failed for 20 minutes.',
    timeline: '- 10:00 — it began',
    root_cause: 'An expired certificate.',
    impact: 'Some users.',
    remediation: 'Renewed it.',
    lessons: 'Alert before expiry.',
  });
  await api(herald, owner, 'POST', `/api/v1/incidents/${done.id}/postmortem/publish`, {});

  // A subscription through the form, confirmed through the held email's link.
  const email = 'reader@example.com';
  const setup = await browser.newContext({ baseURL: herald.baseURL });
  const p = await setup.newPage();
  await p.goto('/subscriptions');
  await p.getByLabel('Email address').fill(email);
  await p.getByRole('button', { name: 'Subscribe' }).click();
  await expect(p).toHaveURL(/\/subscriptions\/requested$/);
  const confirm = await heldLink(herald, owner, email, '/subscriptions/confirm');
  await p.goto(confirm);
  await p.getByRole('button', { name: 'Confirm subscription' }).click();
  await expect(p).toHaveURL(/confirmed=1/);
  const manage = p.url();
  await setup.close();

  const paths = [
    '/',
    '/history',
    `/incidents/${live.id}`,
    `/incidents/${done.id}`,
    `/incidents/${done.id}/postmortem`,
    '/no-such-page',
    '/subscriptions',
    '/subscriptions?error=invalid_email',
    '/subscriptions/requested',
    confirm,
    '/subscriptions/confirm?token=nope',
    manage,
    manage.replace('confirmed=1', 'saved=1'),
    '/subscriptions/manage?token=nope',
  ];
  const problems: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    const context = await browser.newContext({ baseURL: herald.baseURL, colorScheme });
    const page = await context.newPage();
    for (const path of paths) {
      await page.goto(path);
      problems.push(...(await axeProblems(page, `${path} (${colorScheme})`)));
    }
    await context.close();
  }
  // Unsubscribing last: the manage page then says so.
  const context = await browser.newContext({ baseURL: herald.baseURL });
  const page = await context.newPage();
  await page.goto(manage);
  await page.getByRole('button', { name: 'Unsubscribe' }).click();
  await expect(page.getByRole('status')).toContainText('You are unsubscribed');
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    problems.push(...(await axeProblems(page, `unsubscribed (${colorScheme})`)));
  }
  await context.close();
  expect(problems).toEqual([]);
});
