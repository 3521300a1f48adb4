// axe-core (strict: see axe.ts) on every console page, light and dark, with data on it: each list, each detail
// and edit page, the forms, the response team's pages (alerts, escalation, stakeholders, pages and the notice after
// escalating), the menus open, and the pages before sign-in (sign in, setup, invitation, reset, acknowledge).
import type { Browser } from '@playwright/test';
import { api, consoleSignIn, createToken, expect, test, type HeraldProcess, type Owner } from './fixtures.ts';
import { axeProblems } from './axe.ts';

/** The data the pages show, made once per server: the lists and pages every test below visits. */
interface Arranged {
  signedOut: string[];
  signedIn: string[];
  incidentId: string;
}
let arranged: Promise<Arranged> | null = null;

async function arrange(herald: HeraldProcess, owner: Owner): Promise<Arranged> {
  const group = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/component-groups', { name: 'Core platform' });
  const comp = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/components', { name: 'API', group_id: group.id });
  await api(herald, owner, 'POST', '/api/v1/components', { name: 'Status emails' });
  const incident = await api<{ id: string; updates: { id: string }[] }>(herald, owner, 'POST', '/api/v1/incidents', {
    title: 'Slow checkout',
    severity: 'P2',
    message: 'Checkout is slow.\n\n- Payments succeed\n- Next update in 30 minutes',
    components: { [comp.id]: 'degraded_performance' },
  });
  await api(herald, owner, 'POST', `/api/v1/incidents/${incident.id}/updates`, { status: 'monitoring', message: 'Later.', publish_at: new Date(Date.now() + 3_600_000).toISOString() });
  const resolved = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/incidents', { title: 'Login errors', severity: 'P3', message: 'Some logins fail.' });
  await api(herald, owner, 'POST', `/api/v1/incidents/${resolved.id}/updates`, { status: 'resolved', message: 'Fixed.' });
  await api(herald, owner, 'POST', `/api/v1/incidents/${resolved.id}/action-items`, { title: 'Alert before certificates expire', due_at: new Date(Date.now() + 86_400_000).toISOString() });
  const from = Date.now() + 2 * 86_400_000;
  const maintenance = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/maintenances', {
    title: 'Database upgrade',
    message: 'Brief resets.',
    components: [comp.id],
    scheduled_for: new Date(from).toISOString(),
    scheduled_until: new Date(from + 3_600_000).toISOString(),
  });
  const template = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/templates', { name: 'Database down', title: 'Database unavailable', severity: 'P1', body: 'We are investigating.' });
  const invited = await api<{ invitation_url: string }>(herald, owner, 'POST', '/api/v1/users', { email: 'pat@example.com', name: 'Pat', role: 'editor' });
  await fetch(`${herald.baseURL}/api/v2/subscribers.json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ subscriber: { email: 'reader@example.com' } }) });
  await api(herald, owner, 'POST', '/api/v1/webhooks', { url: 'https://receiver.example.com/herald' });
  // The response team: an escalation path, a stakeholder, an alert waiting, a security incident paged and noted.
  await api(herald, owner, 'PUT', '/api/v1/escalation', {
    levels: [
      { level: 1, contacts: [{ kind: 'email', address: 'oncall@example.com' }] },
      { level: 2, contacts: [{ kind: 'email', address: 'lead@example.com' }] },
      { level: 3, contacts: [{ kind: 'email', address: 'manager@example.com' }] },
    ],
  });
  await api(herald, owner, 'POST', '/api/v1/stakeholders', { kind: 'email', address: 'ceo@example.com', name: 'CEO' });
  const alertsToken = await createToken(herald, owner.cookie, 'alerts');
  const sent = await fetch(`${herald.baseURL}/api/v1/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: alertsToken },
    body: JSON.stringify({ source: 'nagios', fingerprint: 'disk-db2', status: 'firing', title: 'Disk almost full on db-2', severity: 'P2', component_ids: [comp.id] }),
  });
  expect(sent.status).toBe(202);
  const { alerts } = (await sent.json()) as { alerts: { id: string }[] };
  const paged = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/incidents', { title: 'Payments declined', severity: 'P1', message: 'Card payments fail.', security: true });
  await api(herald, owner, 'POST', `/api/v1/incidents/${paged.id}/notes`, { message: 'The processor says a certificate expired.' });
  await api(herald, owner, 'POST', `/api/v1/incidents/${paged.id}/escalate`, { reason: 'security' });
  const log = await api<{ deliveries: { id: number }[] }>(herald, owner, 'GET', '/api/v1/outbox?limit=5');
  const detail = await api<{ updates: { id: string }[] }>(herald, owner, 'GET', `/api/v1/incidents/${incident.id}`);
  const invitation = new URL(invited.invitation_url);

  const signedOut: string[] = ['/admin/login', '/admin/setup?token=not-a-token', `${invitation.pathname}${invitation.search}`, '/admin/password-reset', '/admin/password-reset?sent=1', '/admin/password-reset?token=nope', '/admin/acknowledge?token=nope'];
  const signedIn: string[] = [
    '/admin',
    '/admin/incidents',
    '/admin/incidents/new',
    `/admin/incidents/${incident.id}`,
    `/admin/incidents/${incident.id}/updates/${detail.updates.at(-1)!.id}`,
    `/admin/incidents/${resolved.id}`,
    `/admin/incidents/${resolved.id}/postmortem`,
    '/admin/action-items',
    '/admin/maintenance',
    '/admin/maintenance/new',
    `/admin/maintenance/${maintenance.id}`,
    '/admin/components',
    `/admin/components/${comp.id}`,
    `/admin/components/groups/${group.id}`,
    '/admin/templates',
    `/admin/templates/${template.id}`,
    '/admin/subscribers',
    '/admin/webhooks',
    '/admin/outbox',
    `/admin/outbox?id=${log.deliveries[0]!.id}`,
    '/admin/users',
    '/admin/tokens',
    '/admin/settings',
    '/admin/audit',
    '/admin/account/password',
    '/admin/account/sessions',
    '/admin/alerts',
    '/admin/alerts?state=all',
    `/admin/alerts/${alerts[0]!.id}`,
    '/admin/settings/escalation',
    '/admin/stakeholders',
    `/admin/incidents/${paged.id}?escalated=${paged.id}`,
    `/admin/incidents/${paged.id}/escalate`,
    `/admin?escalated=${paged.id}`,
  ];
  return { signedOut, signedIn, incidentId: incident.id };
}

/** One color scheme: the pages before sign-in and the first half of the console, or the second half and the menus open. */
async function scan(browser: Browser, herald: HeraldProcess, owner: Owner, colorScheme: 'light' | 'dark', part: 'first' | 'second'): Promise<string[]> {
  const a = await (arranged ??= arrange(herald, owner));
  const problems: string[] = [];
  const context = await browser.newContext({ baseURL: herald.baseURL, colorScheme });
  const page = await context.newPage();
  const half = Math.ceil(a.signedIn.length / 2);
  if (part === 'first') {
    for (const path of a.signedOut) {
      await page.goto(path);
      problems.push(...(await axeProblems(page, `${path} (${colorScheme})`)));
    }
  }
  await consoleSignIn(page, owner.email, owner.password);
  for (const path of part === 'first' ? a.signedIn.slice(0, half) : a.signedIn.slice(half)) {
    await page.goto(path);
    // A message's HTML part is the email as sent, in a sandboxed frame without scripts (axe cannot run in it and
    // waits for it): the console around it is scanned, the email's own markup is the email templates' matter.
    problems.push(...(await axeProblems(page, `${path} (${colorScheme})`, path.includes('outbox?id=') ? { exclude: 'iframe' } : {})));
  }
  if (part === 'second') {
    // The menus and disclosures open: a navigation group, the resolve panel.
    await page.goto(`/admin/incidents/${a.incidentId}`);
    await page.getByRole('navigation', { name: 'Console' }).locator('summary', { hasText: 'Settings' }).click();
    await page.getByText('Resolve this incident…').click();
    problems.push(...(await axeProblems(page, `incident page, menus open (${colorScheme})`)));
    // The phone menu, open.
    await page.setViewportSize({ width: 360, height: 780 });
    await page.goto('/admin');
    await page.getByText('Menu', { exact: true }).click();
    problems.push(...(await axeProblems(page, `phone menu (${colorScheme})`)));
  }
  await context.close();
  return problems;
}

for (const colorScheme of ['light', 'dark'] as const) {
  for (const part of ['first', 'second'] as const) {
    test(`console pages are axe-clean (${colorScheme}, ${part === 'first' ? 'before sign-in and the first half' : 'the second half and the menus'})`, async ({ browser, herald, owner }) => {
      expect(await scan(browser, herald, owner, colorScheme, part)).toEqual([]);
    });
  }
}
