// Roles in the console, as the API enforces them: an editor cannot publish, a viewer cannot write,
// and disabling a user ends their sessions at once.
import { api, expect, signedInPage, test, type HeraldProcess, type Owner } from './fixtures.ts';

const PASSWORD = 'a long enough password 1';

async function userOf(herald: HeraldProcess, owner: Owner, role: string): Promise<{ id: string; email: string }> {
  const email = `${role}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const u = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/users', { email, name: `${role[0]!.toUpperCase()}${role.slice(1)} Person`, role, password: PASSWORD });
  return { id: u.id, email };
}

async function openIncident(herald: HeraldProcess, owner: Owner, title: string): Promise<string> {
  const incident = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/incidents', { title, severity: 'P2', message: 'We are looking into it.' });
  return incident.id;
}

test('an editor drafts; only a publisher makes it public', async ({ browser, herald, owner, request }) => {
  const editor = await userOf(herald, owner, 'editor');
  const id = await openIncident(herald, owner, 'Slow search');
  const page = await signedInPage(browser, herald.baseURL, editor.email, PASSWORD);
  await page.goto(`/admin/incidents/${id}`);
  const composer = page.getByRole('region', { name: 'Post an update' });
  await expect(composer.getByText('You are an editor')).toBeVisible();
  await expect(composer.getByRole('button', { name: 'Publish update' })).toHaveCount(0);
  await composer.getByLabel('Public status').selectOption('identified');
  await composer.getByLabel('Message (public)').fill('Draft by the editor: the search index is rebuilding.');
  await composer.getByRole('button', { name: 'Save draft' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Draft saved' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Publish now' })).toHaveCount(0);
  // The editor may still change their draft (no confirmation: it is not public).
  await page.getByRole('link', { name: 'Edit this draft update' }).click();
  await expect(page.getByLabel('I am changing a published update')).toHaveCount(0);
  await page.getByLabel('Message (public)').fill('Draft by the editor: the search index is rebuilding, about 20 minutes left.');
  await page.getByRole('button', { name: 'Save change' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Update changed.' })).toBeVisible();

  // Not public.
  const before = await (await request.get('/api/v2/incidents.json')).text();
  expect(before).not.toContain('search index is rebuilding');
  // The API refuses the editor's publish even when asked directly.
  const detail = (await (await page.request.get(`/api/v1/incidents/${id}`)).json()) as { updates: { id: string; state: string }[] };
  const draft = detail.updates.find((u) => u.state === 'draft');
  expect(draft).toBeTruthy();
  const forced = await page.request.post(`/api/v1/incidents/${id}/updates/${draft!.id}/publish`, { headers: { origin: herald.baseURL } });
  expect(forced.status()).toBe(403);

  // The owner (a publisher and more) publishes it from "Waiting to go out".
  const ownerPage = await signedInPage(browser, herald.baseURL, owner.email, owner.password);
  await ownerPage.goto(`/admin/incidents/${id}`);
  await ownerPage.getByRole('button', { name: 'Publish now' }).click();
  await expect(ownerPage.getByRole('status').filter({ hasText: 'Update published.' })).toBeVisible();
  await expect.poll(async () => (await (await request.get('/api/v2/incidents.json')).text()).includes('about 20 minutes left')).toBe(true);
  await page.context().close();
  await ownerPage.context().close();
});

test('a viewer reads but cannot write', async ({ browser, herald, owner }) => {
  const viewer = await userOf(herald, owner, 'viewer');
  const id = await openIncident(herald, owner, 'Login errors');
  const page = await signedInPage(browser, herald.baseURL, viewer.email, PASSWORD);
  await expect(page.getByRole('link', { name: 'Open an incident' })).toHaveCount(0);
  await expect(page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Users' })).toHaveCount(0);
  await page.goto(`/admin/incidents/${id}`);
  await expect(page.getByRole('heading', { name: 'Login errors' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Post an update' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Resolve incident' })).toHaveCount(0);

  // A hand-made form post gets the API's refusal, and nothing changes.
  const res = await page.request.post(`/admin/incidents/${id}`, {
    headers: { origin: herald.baseURL },
    form: { action: 'update', status: 'identified', message: 'Viewer trying to post', mode: 'now' },
  });
  expect(res.status()).toBe(400);
  expect(await res.text()).toContain('needs the editor role');
  const detail = await api<{ updates: unknown[] }>(herald, owner, 'GET', `/api/v1/incidents/${id}`);
  expect(detail.updates).toHaveLength(1);
  for (const path of ['/admin/users', '/admin/settings', '/admin/incidents/new']) {
    expect((await page.request.get(path, { maxRedirects: 0 })).status()).toBe(403);
  }
  // A form post to a page above the role is refused the same way, and does nothing.
  const posted = await page.request.post('/admin/users', { headers: { origin: herald.baseURL }, form: { action: 'create', email: 'sneaky@example.com', name: 'Sneaky', role: 'owner' } });
  expect(posted.status()).toBe(403);
  expect(await posted.text()).toContain('This page is not open to your role');
  const everyone = await api<{ users: { email: string }[] }>(herald, owner, 'GET', '/api/v1/users');
  expect(everyone.users.map((u) => u.email)).not.toContain('sneaky@example.com');
  // In the browser, a 403 is a console page that says why and how on.
  expect((await page.goto('/admin/users'))?.status()).toBe(403);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('This page is not open to your role');
  await expect(page.getByRole('main')).toContainText('It needs the owner role or above; you are signed in as');
  await expect(page.getByRole('main')).toContainText('(viewer)');
  await expect(page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Dashboard' })).toBeVisible();
  await page.getByRole('link', { name: 'Back to the dashboard' }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await page.context().close();
});

test("disabling a user ends their sessions at once", async ({ browser, herald, owner }) => {
  const publisher = await userOf(herald, owner, 'publisher');
  const theirs = await signedInPage(browser, herald.baseURL, publisher.email, PASSWORD);
  const ownerPage = await signedInPage(browser, herald.baseURL, owner.email, owner.password);
  await ownerPage.goto('/admin/users');
  await ownerPage.getByRole('row').filter({ hasText: publisher.email }).getByRole('button', { name: /Disable/ }).click();
  await expect(ownerPage.getByRole('row').filter({ hasText: publisher.email })).toContainText('Disabled');

  await theirs.goto('/admin/incidents');
  await expect(theirs).toHaveURL(/\/admin\/login\?next=/);
  expect((await theirs.request.get('/api/v1/me')).status()).toBe(401);
  // And they cannot sign in again.
  await theirs.getByLabel('Email').fill(publisher.email);
  await theirs.getByLabel('Password').fill(PASSWORD);
  await theirs.getByRole('button', { name: 'Sign in' }).click();
  await expect(theirs.getByRole('alert')).toContainText('not right');
  await theirs.context().close();
  await ownerPage.context().close();
});
