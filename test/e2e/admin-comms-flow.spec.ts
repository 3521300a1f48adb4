// A communications lead runs a P1 from open to resolved in the console, with and without JavaScript,
// checking the public page, the feed and /api/v2/incidents.json after every step.
import type { APIRequestContext, Locator, Page } from '@playwright/test';
import { api, consoleSignIn, expect, test, type HeraldProcess, type Owner } from './fixtures.ts';
import { fillDateTime } from './forms.ts';

interface V2Incident {
  id: string;
  name: string;
  status: string;
  incident_updates: { status: string; body: string; affected_components: { code: string; new_status: string }[] | null }[];
  components: { id: string; status: string }[];
}

/** The public side, after a step: the home page, the incident page, the RSS feed and /api/v2/incidents.json agree. */
async function expectPublic(request: APIRequestContext, incidentId: string, title: string, text: string, status: string, components: Record<string, string>) {
  await expect
    .poll(async () => {
      const res = await request.get('/api/v2/incidents.json');
      const body = (await res.json()) as { incidents: V2Incident[] };
      const found = body.incidents.find((i) => i.id === incidentId);
      if (!found) return 'missing';
      const latest = found.incident_updates[0];
      const statuses = Object.fromEntries(found.components.map((c) => [c.id, c.status]));
      const okComponents = Object.entries(components).every(([id, s]) => statuses[id] === s);
      return `${found.status}|${latest?.body.includes(text) ? 'text' : 'no text'}|${okComponents ? 'components' : JSON.stringify(statuses)}`;
    })
    .toBe(`${status}|text|components`);
  const home = await (await request.get('/')).text();
  if (status !== 'resolved') expect(home).toContain(title);
  const incidentPage = await (await request.get(`/incidents/${incidentId}`)).text();
  expect(incidentPage).toContain(title);
  expect(incidentPage).toContain(text.replace(/\*/g, ''));
  const feed = await (await request.get('/history.rss')).text();
  expect(feed).toContain(title);
  expect(feed).toContain(text.replace(/\*/g, ''));
}

/** Component names by id, for the forms' status selects: labelled "<name> now <current status>". */
const componentNames = new Map<string, string>();
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
function componentSelect(scope: Page | Locator, id: string): Locator {
  const name = componentNames.get(id);
  if (!name) throw new Error(`no component ${id} made here`);
  return scope.getByRole('combobox', { name: new RegExp(`^${escapeRegExp(name)} now `) });
}

/** "2026-11-27T05:30:05" in UTC (the page's default time zone), for a datetime-local field. */
const wallUtc = (d: Date) => d.toISOString().slice(0, 19);

async function postUpdate(page: Page, status: string, message: string, changes: Record<string, string>) {
  const composer = page.getByRole('region', { name: 'Post an update' });
  await composer.getByLabel('Public status').selectOption(status);
  for (const [id, s] of Object.entries(changes)) await componentSelect(composer, id).selectOption(s);
  await composer.getByLabel('Message (public)').fill(message);
  await composer.getByRole('button', { name: 'Publish update' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Update published.' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Next update due' })).toBeVisible();
}

async function runFlow(page: Page, request: APIRequestContext, herald: HeraldProcess, owner: Owner, label: string) {
  const apiC = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/components', { name: `${label} API` });
  const web = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/components', { name: `${label} Website` });
  componentNames.set(apiC.id, `${label} API`).set(web.id, `${label} Website`);
  const title = `${label}: checkout failing for all customers`;
  await consoleSignIn(page, owner.email, owner.password);

  // Open a P1 affecting two components, with the first update.
  await page.getByRole('link', { name: 'Open an incident' }).first().click();
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Severity').selectOption('P1');
  await componentSelect(page, apiC.id).selectOption('major_outage');
  await componentSelect(page, web.id).selectOption('partial_outage');
  await page.getByLabel('First public update').fill('We are **investigating** failed checkouts.');
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.locator('[data-md-preview]').getByRole('strong')).toHaveText('investigating');
  await page.getByRole('button', { name: 'Open incident' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Incident opened.' })).toBeVisible();
  const incidentId = new URL(page.url()).pathname.split('/').pop() ?? '';
  await expect(page.getByText('every 30 min')).toBeVisible();
  await expectPublic(request, incidentId, title, 'failed checkouts', 'investigating', { [apiC.id]: 'major_outage', [web.id]: 'partial_outage' });

  // Identified, with a component change in the same update.
  await postUpdate(page, 'identified', 'A bad deploy of the payment gateway is the cause.', { [web.id]: 'degraded_performance' });
  await expectPublic(request, incidentId, title, 'bad deploy of the payment gateway', 'identified', { [web.id]: 'degraded_performance' });

  // Monitoring, the API back to operational.
  await postUpdate(page, 'monitoring', 'The deploy is rolled back; we are watching checkouts recover.', { [apiC.id]: 'operational' });
  await expectPublic(request, incidentId, title, 'watching checkouts recover', 'monitoring', { [apiC.id]: 'operational' });

  // Schedule one update a few seconds ahead and see it go out.
  const composer = page.getByRole('region', { name: 'Post an update' });
  await composer.getByLabel('Message (public)').fill('Checkout success rate is back to normal for an hour.');
  await composer.getByLabel('Schedule for').check();
  // The server runs on the real clock here: a time a few seconds from now, taken just before submitting.
  await fillDateTime(composer, 'Publish at', wallUtc(new Date(Date.now() + 12_000)));
  await composer.getByRole('button', { name: /^Schedule for/ }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Update scheduled.' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Waiting to go out' })).toBeVisible();
  await expect(async () => {
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Waiting to go out' })).toHaveCount(0);
    const publicUpdates = page.getByRole('region', { name: 'Timeline' }).getByRole('listitem').filter({ hasText: '· public update ·' });
    await expect(publicUpdates.first()).toContainText('back to normal for an hour');
  }).toPass();
  await expectPublic(request, incidentId, title, 'back to normal for an hour', 'monitoring', {});

  // Resolve (folded, confirmed with a tick): components back to operational, the duration, and the postmortem question.
  await page.getByText('Resolve this incident…').click();
  await page.getByLabel('Resolution message (public)').fill('Checkout is fully restored. We will publish a postmortem.');
  await expect(page.getByLabel(/Return affected components to operational/)).toBeChecked();
  await page.getByLabel('Yes, it is over: publish the resolution').check();
  await page.getByRole('button', { name: 'Resolve incident' }).click();
  const resolved = page.getByRole('status').filter({ hasText: 'Resolved' });
  await expect(resolved).toContainText(/Resolved after (less than a minute|\d)/);
  await expect(resolved.getByRole('link', { name: 'Start the postmortem' })).toHaveAttribute('href', `/admin/incidents/${incidentId}/postmortem`);
  await expectPublic(request, incidentId, title, 'fully restored', 'resolved', { [apiC.id]: 'operational', [web.id]: 'operational' });

  // The dashboard no longer lists it as open.
  await page.getByRole('link', { name: 'Dashboard' }).click();
  await expect(page.getByRole('link', { name: title })).toHaveCount(0);
}

test.describe('with JavaScript', () => {
  test('a communications lead runs a P1 from open to resolved', async ({ page, request, herald, owner }) => {
    await runFlow(page, request, herald, owner, 'JS');
  });
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });
  test('the same flow works with plain forms', async ({ page, request, herald, owner }) => {
    await runFlow(page, request, herald, owner, 'No-JS');
  });
});
