// The response team in a real browser against the real server: an alert arrives (Alertmanager's payload), a person declares
// it from the console and escalates with a reason, the page shows on the timeline, with and without JavaScript; pages by
// email (a real SMTP server on loopback) and a signed webhook (a receiver on 127.0.0.1), acknowledged through the emailed
// link, and the next level paged when nobody acknowledges (the server's clock moved). axe-core and screenshots.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from '@playwright/test';
import type { ParsedMail } from 'mailparser';
import { api, consoleSignIn, createToken, expect as baseExpect, test, type HeraldProcess, type Owner } from './fixtures.ts';
import { startMailSink } from '../support/mail-sink.ts';
import { startWebhookReceiver } from '../support/webhook-receiver.ts';
import { alertmanagerPayload } from '../support/alert-payloads.ts';

// Patient waits: CI machines run several browsers and servers at once; nothing here measures time.
const expect = baseExpect.configure({ timeout: 15_000 });
test.describe.configure({ timeout: 240_000 });

// This file's server sends through a real SMTP server on loopback and runs on a clock the tests move.
const sink = await startMailSink();
const receiver = await startWebhookReceiver();
const clockFile = join(mkdtempSync(join(tmpdir(), 'herald-clock-')), 'offset');
writeFileSync(clockFile, '0');
const setOffsetMinutes = (m: number) => writeFileSync(clockFile, String(m * 60_000));
// The webhook receiver listens on loopback: private targets allowed for this server.
test.use({ heraldEnv: { SMTP_URL: sink.url, MAIL_FROM: 'Status <status@example.com>', HERALD_CLOCK_OFFSET_FILE: clockFile, WEBHOOK_ALLOW_PRIVATE: 'true' } });
test.afterEach(() => setOffsetMinutes(0));
test.afterAll(async () => {
  await sink.close();
  await receiver.close();
});

/** Posts one firing alert the way Alertmanager does, with an alerts-scoped token. */
async function postAlert(herald: HeraldProcess, token: string, title: string, fingerprint: string, severity = 'critical', component?: string): Promise<void> {
  const payload = alertmanagerPayload('firing', [
    {
      status: 'firing',
      labels: { alertname: 'ProbeFailure', instance: `https://shop.example.org/${fingerprint}`, severity, ...(component ? { component } : {}) },
      annotations: { summary: title, description: 'The probe has failed for 5 minutes.' },
      startsAt: new Date(Date.now() - 5 * 60_000).toISOString(),
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus.example.org:9090/graph?g0.expr=probe_success+%3D%3D+0',
      fingerprint,
    },
  ]);
  const res = await fetch(`${herald.baseURL}/api/v1/alerts/alertmanager`, {
    method: 'POST',
    headers: { authorization: token, 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  });
  expect(res.status).toBe(202);
}

async function escalationPath(herald: HeraldProcess, owner: Owner, levels: { level: number; contacts: { kind: string; address: string }[] }[]) {
  await api(herald, owner, 'PUT', '/api/v1/escalation', { levels });
}

/** Waits for the messages to `email` whose subject contains `about`, at least `n` of them. */
async function mailsTo(email: string, about: string, n = 1): Promise<ParsedMail[]> {
  const matching = async () => (await sink.to(email)).filter((m) => (m.subject ?? '').includes(about));
  await expect.poll(async () => (await matching()).length, { timeout: 20_000 }).toBeGreaterThanOrEqual(n);
  return matching();
}

async function declareAndEscalate(page: Page, title: string, component: string) {
  await page.goto('/admin');
  await expect(page.locator('[data-open-alerts]')).toContainText(/open alerts? wait/);
  await page.getByRole('link', { name: 'review the alerts' }).click();
  await expect(page.getByRole('heading', { name: 'Alerts' })).toBeVisible();
  await page.getByRole('link', { name: title, exact: true }).click();

  // prefilled from the alert: its title, its suggested severity (critical → P1), its component
  const declare = page.locator('#declare');
  await expect(declare.getByLabel('Title (public)')).toHaveValue(title);
  await expect(declare.getByLabel('Severity')).toHaveValue('P1');
  await expect(declare.locator('.sev-guide')).toContainText('complete outage, data loss or corruption, security breach, payment failure');
  await expect(declare.getByRole('combobox', { name: component })).toHaveValue('major_outage');
  await declare.getByRole('button', { name: 'Declare incident' }).click();

  await expect(page.getByRole('heading', { level: 1 })).toContainText(title);
  await expect(page.getByRole('status').filter({ hasText: 'Incident opened.' })).toBeVisible();
  const timeline = page.locator('.timeline').last();
  await expect(timeline).toContainText(`Declared from alert: ${title}`);
  // P1: level 1 was paged on open
  await expect(page.locator('#pages')).toContainText('oncall@example.com');

  await page.getByLabel('Escalate because').selectOption('needs_expertise');
  await expect(page.getByLabel('Page', { exact: true })).toHaveValue('2');
  await page.getByRole('button', { name: 'Escalate', exact: true }).click();
  // what happened, to whom, and what Herald does next by itself
  const notice = page.getByRole('status').filter({ hasText: 'Escalated to team lead' });
  await expect(notice).toBeVisible();
  await expect(notice).toContainText(/Paged lead@example\.com at \d\d:\d\d( UTC)?\./);
  await expect(notice).toContainText(/If nobody acknowledges by \d\d:\d\d( UTC)? \(due in [^)]+\), Herald pages the engineering manager by itself\./);
  await expect(timeline).toContainText('Escalated to team lead: more expertise needed');
  await expect(timeline).toContainText('Paged team lead: 1 contact by email');
  await expect(page.locator('#pages')).toContainText('lead@example.com');
  await expect(page.locator('#pages')).toContainText('2. team lead');
}

async function signedIn(browser: Browser, herald: HeraldProcess, owner: Owner, javaScriptEnabled: boolean): Promise<Page> {
  const context = await browser.newContext({ baseURL: herald.baseURL, javaScriptEnabled });
  const page = await context.newPage();
  await consoleSignIn(page, owner.email, owner.password);
  return page;
}

for (const js of [true, false]) {
  test(`an alert arrives, is declared from the console and escalated with a reason; the page is on the timeline (JavaScript ${js ? 'on' : 'off'})`, async ({ browser, herald, owner }) => {
    const token = await createToken(herald, owner.cookie, 'alerts');
    const component = `Checkout ${js ? 'A' : 'B'}`;
    await api(herald, owner, 'POST', '/api/v1/components', { name: component });
    await escalationPath(herald, owner, [
      { level: 1, contacts: [{ kind: 'email', address: 'oncall@example.com' }] },
      { level: 2, contacts: [{ kind: 'email', address: 'lead@example.com' }] },
      { level: 3, contacts: [{ kind: 'email', address: 'manager@example.com' }] },
    ]);
    const title = `Checkout probe failing (${js ? 'with' : 'without'} JavaScript)`;
    await postAlert(herald, token, title, `checkout-${js ? 'js' : 'nojs'}`, 'critical', component);
    const page = await signedIn(browser, herald, owner, js);
    await declareAndEscalate(page, title, component);
    // the alert is declared now, no longer open
    await page.goto('/admin/alerts?state=declared');
    await expect(page.getByRole('link', { name: title, exact: true })).toBeVisible();
    await page.context().close();
  });
}

test('pages by email and signed webhook; acknowledged through the emailed link (a GET changes nothing); nobody acknowledges, the next level is paged', async ({ browser, herald, owner }) => {
  await escalationPath(herald, owner, [
    { level: 1, contacts: [{ kind: 'email', address: 'primary@example.com' }, { kind: 'webhook', address: receiver.url }] },
    { level: 2, contacts: [{ kind: 'email', address: 'second@example.com' }] },
  ]);
  const first = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/incidents', { title: 'Orders not syncing', severity: 'P2', message: 'Orders placed since 09:10 are not in the warehouse system.' });
  const [mail] = await mailsTo('primary@example.com', 'Orders not syncing');
  await expect.poll(() => receiver.requests.filter((r) => r.body.includes('Orders not syncing')).length).toBe(1);
  const hook = JSON.parse(receiver.requests.find((r) => r.body.includes('Orders not syncing'))!.body);
  expect(hook).toMatchObject({ type: 'page', page: { level: 1 }, incident: { title: 'Orders not syncing', severity: 'P2' } });
  expect(receiver.requests.at(-1)!.headers['webhook-signature']).toMatch(/^v1,/);
  const link = /Acknowledge: (\S+)/.exec(mail!.text ?? '')?.[1];
  expect(link).toBeTruthy();

  // the link opens a page with a button: no account, and opening it acknowledges nothing
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(link!);
  await expect(page.getByRole('heading', { name: 'Acknowledge a page' })).toBeVisible();
  await expect(page.locator('main')).toContainText('Orders not syncing');
  await expect(page.locator('main')).toContainText('primary@example.com');
  let pages = await api<{ contact: string; state: string }[]>(herald, owner, 'GET', `/api/v1/incidents/${first.id}/pages`);
  expect(pages.every((p) => p.state === 'sent')).toBe(true);
  const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(axe.violations.map((v) => v.id)).toEqual([]);
  const dir = process.env.HERALD_SCREENSHOTS;
  if (dir) {
    mkdirSync(dir, { recursive: true });
    for (const [name, viewport, colorScheme] of [
      ['desktop', { width: 1280, height: 900 }, 'light'],
      ['phone', { width: 360, height: 780 }, 'light'],
      ['dark', { width: 1280, height: 900 }, 'dark'],
    ] as const) {
      const shot = await (await browser.newContext({ viewport, colorScheme })).newPage();
      await shot.goto(link!);
      await shot.screenshot({ path: join(dir, `response-acknowledge-${name}.png`), fullPage: true });
      await shot.context().close();
    }
  }
  await page.getByRole('button', { name: 'Acknowledge' }).click();
  await expect(page.getByRole('status')).toContainText('Acknowledged: the team knows you are on it');
  pages = await api(herald, owner, 'GET', `/api/v1/incidents/${first.id}/pages`);
  expect(pages.find((p) => p.contact === 'primary@example.com')?.state).toBe('acknowledged');
  await context.close();

  // a second incident nobody acknowledges: after the P2 timeout (15 min) the next level is paged, once
  const second = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/incidents', { title: 'Search results empty', severity: 'P2', message: 'Search returns nothing.' });
  await mailsTo('primary@example.com', 'Search results empty');
  setOffsetMinutes(16);
  const [climbed] = await mailsTo('second@example.com', 'Search results empty');
  expect(climbed!.subject).toContain('[PAGE] P2 Search results empty');
  expect(climbed!.text).toContain('the previous level did not acknowledge in time');
  // the acknowledged incident stayed where it was
  const orders = await api<{ escalation_level: number }>(herald, owner, 'GET', `/api/v1/incidents/${first.id}`);
  expect(orders.escalation_level).toBe(0);
  const search = await api<{ escalation_level: number; timeline: { summary: string }[] }>(herald, owner, 'GET', `/api/v1/incidents/${second.id}`);
  expect(search.escalation_level).toBe(1);
  expect(search.timeline.map((e) => e.summary)).toContain('Escalated automatically to team lead: the previous level did not acknowledge in time');
  // more of the scheduler's ticks pass (each publishes a scheduled update only when its time has come, and runs
  // the response team's jobs after it): still one page to the second level
  for (const step of [1, 2]) {
    const due = new Date(Date.now() + 16 * 60_000 + 1000).toISOString();
    const update = await api<{ id: string }>(herald, owner, 'POST', `/api/v1/incidents/${second.id}/updates`, { status: 'investigating', message: `Still looking (${step}).`, publish_at: due, notify: false });
    await expect
      .poll(async () => (await api<{ updates: { id: string; state: string }[] }>(herald, owner, 'GET', `/api/v1/incidents/${second.id}`)).updates.find((u) => u.id === update.id)?.state)
      .toBe('published');
  }
  const secondPages = await api<{ contact: string }[]>(herald, owner, 'GET', `/api/v1/incidents/${second.id}/pages`);
  expect(secondPages.filter((p) => p.contact === 'second@example.com')).toHaveLength(1);
  expect((await sink.to('second@example.com')).filter((m) => (m.subject ?? '').includes('Search results empty'))).toHaveLength(1);
});

/** Alerts, a stakeholder, the escalation path and a security incident with a note: what the screens show. */
async function arrangeScreens(herald: HeraldProcess, owner: Owner, run: string): Promise<{ incident: { id: string }; disk: { id: string } }> {
  const token = await createToken(herald, owner.cookie, 'alerts');
  await postAlert(herald, token, 'Disk almost full on db-2', `disk-db2-${run}`, 'warning');
  await postAlert(herald, token, 'Login latency high', `login-latency-${run}`, 'high');
  await api(herald, owner, 'POST', '/api/v1/stakeholders', { kind: 'email', address: `ceo+${run}@example.com`, name: 'CEO' });
  await escalationPath(herald, owner, [{ level: 1, contacts: [{ kind: 'email', address: 'oncall@example.com' }] }]);
  const incident = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/incidents', { title: 'Payments declined', severity: 'P1', message: 'Card payments fail.', security: true });
  await api(herald, owner, 'POST', `/api/v1/incidents/${incident.id}/notes`, { message: 'Card processor says a certificate expired.' });
  const alerts = await api<{ alerts: { id: string; title: string }[] }>(herald, owner, 'GET', '/api/v1/alerts?state=open');
  const disk = alerts.alerts.find((a) => a.title === 'Disk almost full on db-2')!;
  return { incident, disk };
}

test('axe-core finds no violations on the alerts, alert, escalation settings, stakeholders and incident pages; nothing scrolls sideways at 360 px', async ({ page, browser, herald, owner }) => {
  const { incident, disk } = await arrangeScreens(herald, owner, 'axe');
  await consoleSignIn(page, owner.email, owner.password);
  const paths = ['/admin/alerts', `/admin/alerts/${disk.id}`, '/admin/settings/escalation', '/admin/settings', '/admin/stakeholders', `/admin/incidents/${incident.id}`, `/admin/incidents/${incident.id}/escalate`];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const path of paths) {
      await page.goto(path);
      const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      expect(result.violations.map((v) => `${path} (${scheme}): ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    }
  }

  // the composer warns before public text of a security incident names it as one
  await page.goto(`/admin/incidents/${incident.id}`);
  await page.locator('#composer').getByLabel('Message (public)').fill('We found the breach and closed it.');
  await page.locator('#composer').getByRole('button', { name: 'Publish update' }).click();
  await expect(page.locator('#composer').getByRole('alert').last()).toContainText('“breach”');
  await expect(page.locator('#composer').getByLabel('Message (public)')).toHaveValue('We found the breach and closed it.');
  // the internal note choice: the same composer, nothing public
  await page.locator('#composer').getByLabel('Internal note (the team and stakeholders only)').check();
  await page.locator('#composer').getByLabel('Message (internal note)').fill('Breach confirmed by the processor; do not say so publicly yet.');
  await page.locator('#composer').getByRole('button', { name: 'Post internal note' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Internal note saved' })).toBeVisible();
  await expect(page.locator('.timeline li.note').first()).toContainText('Breach confirmed by the processor');
  expect(await (await page.request.get(`/incidents/${incident.id}`)).text()).not.toContain('Breach confirmed');

  // at 360 px nothing makes the page scroll sideways (wide tables scroll inside their frame)
  const phone = await browser.newContext({ baseURL: herald.baseURL, viewport: { width: 360, height: 780 } });
  const small = await phone.newPage();
  await consoleSignIn(small, owner.email, owner.password);
  for (const path of ['/admin', ...paths]) {
    await small.goto(path);
    expect(await small.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(360);
  }
  await phone.close();
});

test('screenshots: alerts, alert, escalation, stakeholders, incident and dashboard, desktop, 360 px and dark', async ({ browser, herald, owner }) => {
  const dir = process.env.HERALD_SCREENSHOTS;
  test.skip(!dir, 'set HERALD_SCREENSHOTS to a folder to take screenshots');
  const { incident, disk } = await arrangeScreens(herald, owner, 'shots');
  mkdirSync(dir!, { recursive: true });
  for (const [name, viewport, colorScheme] of [
    ['desktop', { width: 1280, height: 900 }, 'light'],
    ['phone', { width: 360, height: 780 }, 'light'],
    ['dark', { width: 1280, height: 900 }, 'dark'],
  ] as const) {
    const context = await browser.newContext({ baseURL: herald.baseURL, viewport, colorScheme });
    const shot = await context.newPage();
    await consoleSignIn(shot, owner.email, owner.password);
    await shot.screenshot({ path: join(dir!, `response-dashboard-${name}.png`), fullPage: true });
    for (const [file, path] of [
      ['alerts', '/admin/alerts'],
      ['alert', `/admin/alerts/${disk.id}`],
      ['escalation', '/admin/settings/escalation'],
      ['stakeholders', '/admin/stakeholders'],
      ['incident', `/admin/incidents/${incident.id}`],
    ] as const) {
      await shot.goto(path);
      await shot.screenshot({ path: join(dir!, `response-${file}-${name}.png`), fullPage: true });
    }
    await context.close();
  }
});
