// Issue 6's browser test, as a communications lead: a postmortem drafted (not public), published (public, linked,
// linked from the incident page and the history, `postmortem` in the JSON, the feed item updated), then action items added and one closed.
import AxeBuilder from '@axe-core/playwright';
import { api, expect, OWNER, test } from './fixtures.ts';

interface Incident {
  id: string;
}

const SUMMARY = 'Checkout failed for about **40 minutes** for card payments.';
const ROOT_CAUSE = 'A configuration change removed the timeout on calls to the payment provider.';

test('postmortem: draft, publish, link, JSON, feed; action items', async ({ herald, owner, page, browser }) => {
  let incident: Incident = { id: '' };
  await test.step('arrange a resolved incident through the API', async () => {
    incident = await api<Incident>(herald, owner, 'POST', '/api/v1/incidents', {
      title: 'Card payments failing',
      severity: 'P1',
      status: 'investigating',
      message: 'Card payments are failing; we are investigating.',
    });
    await api(herald, owner, 'POST', `/api/v1/incidents/${incident.id}/updates`, { status: 'identified', message: 'A bad configuration change.' });
    await api(herald, owner, 'POST', `/api/v1/incidents/${incident.id}/updates`, { status: 'resolved', message: 'Rolled back; payments work again.' });
  });
  const editor = `/admin/incidents/${incident.id}/postmortem`;
  const publicPath = `/incidents/${incident.id}/postmortem`;

  await test.step('sign in to the console', async () => {
    await page.goto(`/admin/login?next=${encodeURIComponent(editor)}`);
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(new RegExp(`${editor}$`));
  });

  await test.step('the timeline starts from the incident updates', async () => {
    await expect(page.getByRole('heading', { name: 'Postmortem: Card payments failing' })).toBeVisible();
    const timeline = page.getByLabel('Timeline');
    await expect(timeline).toHaveValue(/Investigating: Card payments are failing/);
    await expect(timeline).toHaveValue(/Resolved: Rolled back/);
  });

  await test.step('write and save a draft: not public', async () => {
    await page.getByLabel('Summary').fill(SUMMARY);
    await page.getByLabel('Root cause analysis').fill(ROOT_CAUSE);
    await page.getByLabel('Impact assessment').fill('About 30% of checkouts failed.');
    await page.getByLabel('Remediation steps').fill('- Rolled back the change\n- Added a timeout alarm');
    await page.getByLabel('Lessons learned').fill('Configuration changes get the same review as code.');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect(page.getByTestId('pm-state')).toHaveText('Draft (not public)');
    await expect(page.getByLabel('Summary')).toHaveValue(SUMMARY);

    const pub = await page.request.get(publicPath);
    expect(pub.status()).toBe(404);
    const json = (await (await page.request.get('/api/v2/incidents.json')).json()) as { incidents: { id: string; status: string; postmortem_url?: string | null }[] };
    const item = json.incidents.find((i) => i.id === incident.id);
    expect(item?.status).toBe('resolved');
    expect(item?.postmortem_url ?? null).toBeNull();
    await page.goto(`/incidents/${incident.id}`);
    await expect(page.getByRole('link', { name: 'Read the postmortem' })).toHaveCount(0);
  });

  await test.step('preview renders the markdown as the public page will', async () => {
    await page.goto(editor);
    await page.getByRole('button', { name: 'Preview' }).click();
    const previews = page.getByRole('group').filter({ hasText: 'Preview (as the public page shows it)' });
    await expect(previews.getByRole('strong').filter({ hasText: '40 minutes' }).first()).toBeVisible();
  });

  await test.step('publish: public, linked from the incident page, postmortem in the JSON, feed item updated', async () => {
    await page.getByRole('button', { name: 'Publish postmortem' }).click();
    await expect(page.getByTestId('pm-state')).toHaveText('Published');
    await expect(page.getByTestId('pm-public-link')).toHaveAttribute('href', `${herald.baseURL}${publicPath}`);

    // Public pages as a reader sees them: a browser of its own, since this one may show the incident page it
    // cached a moment ago (max-age=1, stale-while-revalidate) while it revalidates.
    const reader = await (await browser.newContext({ baseURL: herald.baseURL })).newPage();
    await reader.goto(`/incidents/${incident.id}`);
    await reader.getByRole('link', { name: 'Read the postmortem' }).click();
    await expect(reader).toHaveURL(new RegExp(`${publicPath}$`));
    await expect(reader.getByRole('heading', { level: 1, name: 'Card payments failing' })).toBeVisible();
    await expect(reader.getByRole('heading', { name: 'Root cause analysis' })).toBeVisible();
    await expect(reader.getByText(ROOT_CAUSE)).toBeVisible();
    await expect(reader.getByRole('strong').filter({ hasText: '40 minutes' })).toBeVisible();

    const json = (await (await page.request.get('/api/v2/incidents.json')).json()) as { incidents: { id: string; status: string; postmortem_url?: string | null }[] };
    const item = json.incidents.find((i) => i.id === incident.id);
    expect(item?.status).toBe('postmortem');
    expect(item?.postmortem_url).toBe(`${herald.baseURL}${publicPath}`);

    await reader.goto('/');
    const past = reader.getByRole('region', { name: 'Past incidents' }).getByRole('article').filter({ hasText: 'Card payments failing' });
    await expect(past.getByRole('link', { name: 'Postmortem' })).toHaveAttribute('href', publicPath);

    await reader.goto('/history');
    const row = reader.getByRole('listitem').filter({ hasText: 'Card payments failing' });
    await expect(row.getByText('Postmortem', { exact: true }).first()).toBeVisible();
    await row.getByRole('link', { name: 'Postmortem' }).click();
    await expect(reader).toHaveURL(new RegExp(`${publicPath}$`));

    const feed = await (await page.request.get('/history.atom')).text();
    const entry = feed.split('<entry>').find((e) => e.includes(`/incidents/${incident.id}`)) ?? '';
    expect(entry).toContain(publicPath);
    expect(entry).toContain('Read the postmortem');
    await reader.context().close();
  });

  await test.step('add action items (one public with an owner) and close one', async () => {
    await page.goto(editor);
    await page.getByRole('textbox', { name: /^Action/ }).fill('Add a timeout alarm on payment calls');
    await page.getByLabel('Owner').selectOption({ label: `${OWNER.name} (owner)` });
    await page.getByLabel('Show on the public postmortem').check();
    await page.getByRole('button', { name: 'Add action item' }).click();
    await page.getByRole('textbox', { name: /^Action/ }).fill('Rotate the on-call runbook');
    await page.getByRole('button', { name: 'Add action item' }).click();
    const rows = page.getByTestId('action-item');
    await expect(rows).toHaveCount(2);

    await page.getByRole('button', { name: 'Mark done: Rotate the on-call runbook' }).click();
    await expect(page.getByTestId('action-item').filter({ hasText: 'Rotate the on-call runbook' })).toHaveAttribute('data-done', '1');

    await page.getByRole('link', { name: 'All open action items' }).click();
    await expect(page).toHaveURL(/\/admin\/action-items$/);
    await expect(page.getByTestId('action-item')).toHaveCount(1);
    await expect(page.getByTestId('action-item')).toContainText('Add a timeout alarm on payment calls');
    await expect(page.getByTestId('action-item')).toContainText(OWNER.name);
    await page.getByRole('button', { name: 'Mark done: Add a timeout alarm on payment calls' }).click();
    await expect(page.getByText('No open action items.')).toBeVisible();
  });

  await test.step('the public postmortem shows only the public action item, without its owner', async () => {
    const reader = await (await browser.newContext({ baseURL: herald.baseURL })).newPage();
    await reader.goto(publicPath);
    const actions = reader.getByRole('region', { name: 'Action items' });
    await expect(actions).toContainText('Add a timeout alarm on payment calls');
    await expect(actions).toContainText('Done');
    await expect(reader.getByText('Rotate the on-call runbook')).toHaveCount(0);
    await expect(reader.getByText(OWNER.name)).toHaveCount(0);
    const axe = await new AxeBuilder({ page: reader }).analyze();
    expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    await reader.context().close();
  });

  await test.step('the console pages have no axe violations', async () => {
    for (const path of [editor, '/admin/action-items?all=1']) {
      await page.goto(path);
      const axe = await new AxeBuilder({ page }).analyze();
      expect(axe.violations.map((v) => `${path} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    }
  });

  await test.step('take it back: unpublish asks for confirmation, then the public address is not found again', async () => {
    await page.goto(editor);
    await page.getByRole('button', { name: 'Unpublish postmortem' }).click();
    await expect(page.getByRole('alert')).toHaveText('Tick the box to confirm.');
    await expect(page.getByTestId('pm-state')).toHaveText('Published');
    await page.getByRole('checkbox', { name: /^Unpublish:/ }).check();
    await page.getByRole('button', { name: 'Unpublish postmortem' }).click();
    await expect(page.getByText('Unpublished: readers no longer see it; the draft is kept.')).toBeVisible();
    await expect(page.getByTestId('pm-state')).toHaveText('Draft (not public)');
    await expect(page.getByRole('button', { name: 'Unpublish postmortem' })).toHaveCount(0);

    const reader = await (await browser.newContext({ baseURL: herald.baseURL })).newPage();
    expect((await reader.goto(publicPath))?.status()).toBe(404);
    await reader.goto(`/incidents/${incident.id}`);
    await expect(reader.getByRole('heading', { level: 1, name: 'Card payments failing' })).toBeVisible();
    await expect(reader.getByRole('link', { name: 'Read the postmortem' })).toHaveCount(0);
    await reader.context().close();
  });
});
