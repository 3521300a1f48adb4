// Issue 2's browser test: the first owner through the setup link, sign-in at /admin/login, an incident
// created through the API, and that incident on the public home page.
import { createToken, expect, signIn, test } from './fixtures.ts';

const who = { name: 'Fiona First', email: 'fiona@example.com', password: 'a long enough passphrase 42' };

test('first owner, sign-in, an incident through the API, seen on the home page', async ({ herald, page, browser }) => {
  expect(herald.setupLink, 'the server prints a setup link when no user exists').toBeTruthy();

  await test.step('create the first owner through the setup link', async () => {
    await page.goto(herald.setupLink!);
    await page.getByLabel('Your name').fill(who.name);
    await page.getByLabel('Email').fill(who.email);
    await page.getByLabel('Password', { exact: false }).first().fill(who.password);
    await page.getByLabel('Password again').fill(who.password);
    await page.getByRole('button', { name: /create owner/i }).click();
    await expect(page).toHaveURL(/\/admin(\?|$|\/)/);
  });

  await test.step('the setup link works only once', async () => {
    const res = await page.request.get(herald.setupLink!);
    expect(res.status()).toBeGreaterThanOrEqual(400);
  });

  await test.step('sign in at /admin/login in a fresh browser context', async () => {
    const context = await browser.newContext({ baseURL: herald.baseURL });
    const fresh = await context.newPage();
    await fresh.goto('/admin/login');
    await fresh.getByLabel('Email').fill(who.email);
    await fresh.getByLabel('Password').fill(who.password);
    await fresh.getByRole('button', { name: 'Sign in' }).click();
    await expect(fresh).toHaveURL(/\/admin(\?|$|\/)/);
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'herald_session')?.httpOnly).toBe(true);
    await context.close();
  });

  const title = 'Checkout is failing for some customers';
  await test.step('create an incident through the API with a token', async () => {
    const authorization = await createToken(herald, await signIn(herald, who.email, who.password));
    const res = await fetch(`${herald.baseURL}/api/v1/incidents`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ title, severity: 'P2', status: 'investigating', message: 'We are looking into failed payments.' }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
  });

  await test.step('see it on the public home page', async () => {
    await page.goto('/');
    await expect(page.getByText(title).first()).toBeVisible();
  });
});
