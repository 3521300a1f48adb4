// The console's other screens, as an owner uses them: tokens (shown once), users (invitation link), templates
// (picked when opening an incident), settings (errors next to the fields), components, and the audit log filters.
import { api, consoleSignIn, expect, test } from './fixtures.ts';
import { navTo } from './forms.ts';

test('tokens, users, templates, settings, components and the audit log', async ({ page, herald, owner, request }) => {
  await api<{ id: string }>(herald, owner, 'POST', '/api/v1/components', { name: 'Primary database' });
  await consoleSignIn(page, owner.email, owner.password, '/admin/tokens');

  // Console pages are never cached, by the browser or by the public page cache.
  for (const path of ['/admin', '/admin/incidents', '/admin/tokens', '/admin/login']) {
    expect((await page.request.get(path)).headers()['cache-control'], path).toBe('no-store');
  }

  // A token is shown once, works, shows its last use, and can be revoked.
  await page.getByLabel('Name').fill('Alertmanager');
  await page.getByLabel('Scope').selectOption('read');
  const once = await page.locator('input[name=once]').inputValue();
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = (await page.locator('[data-secret]').textContent())?.trim() ?? '';
  expect(token).toMatch(/^hrld_/);
  // Reloading that answer posts the form again: the same one-time key makes nothing more, and says so.
  const again = await page.request.post('/admin/tokens', { headers: { origin: herald.baseURL }, form: { action: 'create', once, name: 'Alertmanager', scope: 'read' } });
  expect(again.status()).toBe(409);
  expect(await again.text()).toContain('This form was already sent');
  const mine = (await (await page.request.get('/api/v1/tokens')).json()) as { tokens: { name: string }[] };
  expect(mine.tokens.filter((t) => t.name === 'Alertmanager')).toHaveLength(1);
  expect((await request.get('/api/v1/incidents', { headers: { authorization: `Bearer ${token}` } })).status()).toBe(200);
  await page.goto('/admin/tokens');
  await expect(page.locator('[data-secret]')).toHaveCount(0);
  const row = page.getByRole('row').filter({ hasText: 'Alertmanager' });
  await expect(row).not.toContainText('never');
  await row.getByRole('button', { name: /Revoke/ }).click();
  await expect(page.getByRole('row').filter({ hasText: 'Alertmanager' })).toContainText('revoked');
  expect((await request.get('/api/v1/incidents', { headers: { authorization: `Bearer ${token}` } })).status()).toBe(401);

  // Invite a user: the one-time link is shown, and it works.
  await navTo(page, 'Settings', 'Users');
  const addUser = page.getByRole('region', { name: 'Add a user' });
  await addUser.getByLabel('Email').fill('pat@example.com');
  await addUser.getByLabel('Name').fill('Pat Publisher');
  await addUser.getByLabel('Role').selectOption('publisher');
  await page.getByRole('button', { name: 'Add user' }).click();
  const link = (await page.locator('[data-secret]').textContent())?.trim() ?? '';
  expect(link).toContain('/admin/invitation?token=');
  await expect(page.getByRole('row').filter({ hasText: 'pat@example.com' })).toContainText('Invited');
  const invitee = await page.context().browser()!.newContext({ baseURL: herald.baseURL });
  const pat = await invitee.newPage();
  await pat.goto(new URL(link).pathname + new URL(link).search);
  await pat.getByLabel(/^Password \(required\)$/).fill('pats long password');
  await pat.getByLabel(/^Password again/).fill('pats long password');
  await pat.getByRole('button', { name: 'Set password and sign in' }).click();
  await expect(pat.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
  await invitee.close();

  // A template, then an incident opened from it.
  await navTo(page, 'Incidents', 'Templates');
  await page.getByLabel('Template name').fill('Database down');
  await page.getByLabel('Incident title').fill('Database unavailable');
  await page.getByLabel('Severity').selectOption('P1');
  await page.getByRole('combobox', { name: /^Primary database now / }).selectOption('major_outage');
  await page.getByLabel('First public update').fill('We are investigating database errors.');
  await page.getByRole('button', { name: 'Save template' }).click();
  await page.getByRole('link', { name: /Open an incident from Database down/ }).click();
  await expect(page.getByLabel('Title')).toHaveValue('Database unavailable');
  await expect(page.getByLabel('Severity')).toHaveValue('P1');
  await expect(page.getByRole('combobox', { name: /^Primary database now / })).toHaveValue('major_outage');
  await page.getByRole('button', { name: 'Open incident' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Incident opened.' })).toBeVisible();

  // Settings: a bad value is refused next to its field and what was typed stays.
  await navTo(page, 'Settings', 'Page settings');
  await page.getByLabel('Page name').fill('Acme status');
  await page.getByLabel('P2 cadence target, minutes').fill('0');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page.locator('[id="severities.P2.cadence_minutes-error"]')).toBeVisible();
  await expect(page.getByLabel('Page name')).toHaveValue('Acme status');
  await page.getByLabel('P2 cadence target, minutes').fill('45');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Settings saved.' })).toBeVisible();
  expect((await api<{ severities: { P2: { cadence_minutes: number } } }>(herald, owner, 'GET', '/api/v1/settings')).severities.P2.cadence_minutes).toBe(45);

  // Components: change a status without opening an incident.
  await page.getByRole('link', { name: 'Components' }).click();
  await page.getByLabel('Status of Primary database').selectOption('degraded_performance');
  await page.getByRole('row').filter({ hasText: 'Primary database' }).getByRole('button', { name: 'Set' }).click();
  await expect(page.getByLabel('Status of Primary database')).toHaveValue('degraded_performance');
  // Reorder: ↑ without JS, drag with JS.
  await api(herald, owner, 'POST', '/api/v1/components', { name: 'Alpha' });
  await api(herald, owner, 'POST', '/api/v1/components', { name: 'Beta' });
  await page.reload();
  await page.getByRole('button', { name: 'Move Alpha up' }).click();
  const order = async () => (await api<{ components: { name: string }[] }>(herald, owner, 'GET', '/api/v1/components')).components.map((c) => c.name);
  expect(await order()).toEqual(['Alpha', 'Primary database', 'Beta']);
  // The drop posts the new order and then reloads the page: wait for that reload before clicking on the page.
  const reloaded = page.waitForEvent('load');
  await page.getByRole('row').filter({ hasText: 'Beta' }).dragTo(page.getByRole('row').filter({ hasText: 'Alpha' }), { targetPosition: { x: 10, y: 2 } });
  await reloaded;
  await expect.poll(order).toEqual(['Beta', 'Alpha', 'Primary database']);
  // Deleting asks for a tick first.
  await page.getByRole('link', { name: 'Alpha', exact: true }).click();
  await page.getByRole('button', { name: 'Delete component' }).click();
  await expect(page.getByRole('alert')).toHaveText('Tick the box to confirm.');
  expect(await order()).toEqual(['Beta', 'Alpha', 'Primary database']);
  await page.getByRole('checkbox', { name: /^Delete Alpha and its history/ }).check();
  await page.getByRole('button', { name: 'Delete component' }).click();
  await expect(page).toHaveURL(/\/admin\/components\?saved=component-deleted$/);
  await expect(page.getByRole('status')).toHaveText('Component deleted.');
  expect(await order()).toEqual(['Beta', 'Primary database']);

  // The audit log has every write, and filters by user and by kind.
  await navTo(page, 'Settings', 'Audit log');
  await page.getByLabel('User').selectOption({ label: 'Pat Publisher' });
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page.locator('tbody')).toContainText('user.accept_invitation');
  await expect(page.locator('tbody')).not.toContainText('settings.update');
  await page.getByLabel('User').selectOption({ label: owner.name });
  await page.getByLabel('Kind').selectOption({ label: 'Settings' });
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page.locator('tbody tr')).toHaveCount(1);
  await expect(page.locator('tbody')).toContainText('settings.update');
});
