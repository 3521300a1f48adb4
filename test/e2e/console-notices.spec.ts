// After a save the console says what was saved; the component tables of every group line up.
import { api, consoleSignIn, expect, test } from './fixtures.ts';

test('saves say what they saved, and every group’s component table has the same columns', async ({ page, herald, owner }) => {
  const core = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/component-groups', { name: 'Core platform' });
  await api(herald, owner, 'POST', '/api/v1/components', { name: 'API', group_id: core.id, description: 'REST and GraphQL endpoints for every customer integration' });
  const data = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/component-groups', { name: 'Data' });
  await api(herald, owner, 'POST', '/api/v1/components', { name: 'DB', group_id: data.id });
  await consoleSignIn(page, owner.email, owner.password, '/admin/components');

  // Columns line up from one group's table to the next, whatever their content.
  const columns = await page.locator('table.components-table').evaluateAll((tables) =>
    tables.map((t) => Array.from(t.querySelectorAll('thead th')).map((th) => Math.round(th.getBoundingClientRect().left))),
  );
  expect(columns.length).toBe(2);
  expect(columns[1]).toEqual(columns[0]);

  await page.getByRole('textbox', { name: 'Name (required)', exact: true }).fill('Search');
  await page.getByRole('button', { name: 'Add component' }).click();
  await expect(page.getByRole('status')).toHaveText('Component “Search” added.');
  await page.getByLabel('Status of DB').selectOption('degraded_performance');
  await page.getByRole('row').filter({ hasText: 'DB' }).getByRole('button', { name: 'Set' }).click();
  await expect(page.getByRole('status')).toHaveText('DB is now Degraded performance.');

  const incident = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/incidents', { title: 'Slow', severity: 'P3', message: 'Looking.' });
  await page.goto(`/admin/incidents/${incident.id}`);
  await page.getByLabel('Title').fill('Slow search');
  await page.getByRole('button', { name: 'Save details' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'saved' })).toHaveText('Details and roles saved.');
});
