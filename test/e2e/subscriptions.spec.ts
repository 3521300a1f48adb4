// Email subscriptions in a real browser: subscribe on the home page, follow the emailed links to confirm, read, unsubscribe.
import AxeBuilder from '@axe-core/playwright';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ParsedMail } from 'mailparser';
import { openMigratedDatabase } from '../../db/client.ts';
import { subscribers } from '../../db/schema.ts';
import { newId } from '../../api/core/ids.ts';
import { api, createOwner, expect, test } from './fixtures.ts';
import { startHerald, type HeraldProcess } from './herald-process.ts';
import { startMailSink } from '../support/mail-sink.ts';

// The server of this file sends through a real SMTP server on loopback, started here.
const sink = await startMailSink();
test.use({ heraldEnv: { SMTP_URL: sink.url, MAIL_FROM: 'Status <status@example.com>' } });
const ownServers: HeraldProcess[] = [];
const ownDirs: string[] = [];
test.afterAll(async () => {
  for (const s of ownServers) await s.stop();
  for (const d of ownDirs) rmSync(d, { recursive: true, force: true });
  await sink.close();
});

/** Waits for the n-th message to `email` (the server's worker delivers within a tick or two). */
async function mailTo(email: string, n: number): Promise<ParsedMail> {
  await expect.poll(async () => (await sink.to(email)).length).toBeGreaterThanOrEqual(n);
  return (await sink.to(email))[n - 1]!;
}

function link(mail: ParsedMail, path: string): string {
  const m = new RegExp(`https?://[^\\s"<>]+${path}\\?token=[^\\s"<>]+`).exec(mail.text ?? '');
  if (!m) throw new Error(`no ${path} link in:\n${mail.text}`);
  return m[0];
}

test('subscribe, confirm by following the emailed link, receive an incident, unsubscribe from the manage page', async ({ page, herald, owner }) => {
  const email = 'reader@example.com';
  await page.goto('/');
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Subscribe' }).click();
  await expect(page).toHaveURL(/\/subscriptions\/requested$/);
  await expect(page.getByRole('status')).toContainText('confirmation email is on its way');

  const confirmation = await mailTo(email, 1);
  expect(confirmation.subject).toContain('Confirm your subscription');
  const confirmUrl = link(confirmation, '/subscriptions/confirm');
  expect(confirmUrl.startsWith(herald.baseURL)).toBe(true);
  // Opening the link alone confirms nothing (mail scanners open links); the button does.
  await page.goto(confirmUrl);
  await expect(page.getByText(`Send status updates to ${email}?`)).toBeVisible();
  await page.getByRole('button', { name: 'Confirm subscription' }).click();
  await expect(page).toHaveURL(/\/subscriptions\/manage\?token=.*confirmed=1/);
  await expect(page.getByRole('status')).toHaveText('Your subscription is confirmed.');

  const incident = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/incidents', {
    title: 'Login failures',
    severity: 'P2',
    message: 'Some sign-ins **fail**.',
  });
  const news = await mailTo(email, 2);
  expect(news.subject).toContain('Login failures');
  expect(news.html).toContain('<strong>fail</strong>');
  const listUnsubscribe = news.headerLines.find((h) => h.key === 'list-unsubscribe')?.line ?? '';
  expect(listUnsubscribe).toContain(`${herald.baseURL}/api/v2/subscriptions/unsubscribe?token=`);

  // The incident link in the email opens the public incident page.
  await page.goto(`${herald.baseURL}/incidents/${incident.id}`);
  await expect(page.getByRole('heading', { name: 'Login failures' })).toBeVisible();
  expect(news.text).toContain(`${herald.baseURL}/incidents/${incident.id}`);

  // The manage link from the email: one button unsubscribes.
  await page.goto(link(news, '/subscriptions/manage'));
  await expect(page.getByText(`Updates for ${email}.`)).toBeVisible();
  await page.getByRole('button', { name: 'Unsubscribe' }).click();
  await expect(page.getByRole('status')).toHaveText('You are unsubscribed. You will receive no more emails from us.');

  // Later updates queue nothing for this address (the fan-out happens in the publishing transaction).
  await api(herald, owner, 'POST', `/api/v1/incidents/${incident.id}/updates`, { status: 'resolved', message: 'Fixed.' });
  const log = await api<{ deliveries: { recipient: string; event_kind: string }[] }>(herald, owner, 'GET', '/api/v1/outbox?limit=500');
  expect(log.deliveries.filter((d) => d.recipient === email).map((d) => d.event_kind).sort()).toEqual(['incident_created', 'subscription_confirmation']);
});

test('choose components when subscribing and change them on the manage page', async ({ page, herald, owner }) => {
  await api(herald, owner, 'POST', '/api/v1/components', { name: 'Billing' });
  await api(herald, owner, 'POST', '/api/v1/components', { name: 'Search' });
  const email = 'picky@example.com';
  await page.goto('/subscriptions');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Billing').check();
  await page.getByRole('button', { name: 'Subscribe' }).click();
  await expect(page).toHaveURL(/\/subscriptions\/requested$/);
  await page.goto(link(await mailTo(email, 1), '/subscriptions/confirm'));
  await page.getByRole('button', { name: 'Confirm subscription' }).click();
  await expect(page.getByLabel('Only these:')).toBeChecked();
  await expect(page.getByLabel('Billing')).toBeChecked();
  await expect(page.getByLabel('Search')).not.toBeChecked();

  await page.getByLabel('Every component').check();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toHaveText('Your choice of components is saved.');
  await expect(page.getByLabel('Every component')).toBeChecked();
  const subs = await api<{ subscribers: { email: string; all_components: boolean }[] }>(herald, owner, 'GET', `/api/v1/subscribers?q=picky`);
  expect(subs.subscribers).toEqual([expect.objectContaining({ email, all_components: true })]);

  const manageUrl = page.url();
  for (const path of ['/subscriptions', '/subscriptions/requested', '/subscriptions/confirm?token=nope', manageUrl]) {
    await page.goto(path);
    const axe = await new AxeBuilder({ page }).analyze();
    expect(axe.violations.map((v) => `${path} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  }
});

test('the console lists subscribers, adds a webhook with its secret shown once, and reads a delivered message', async ({ page, herald, owner }) => {
  const [name, value] = owner.cookie.split('=') as [string, string];
  await page.context().addCookies([{ name, value, url: herald.baseURL }]);
  const email = 'console-check@example.com';
  const res = await fetch(`${herald.baseURL}/api/v2/subscribers.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ subscriber: { email } }),
  });
  expect(res.status).toBe(202);
  await mailTo(email, 1);

  await page.goto('/admin/subscribers?q=console-check');
  const row = page.getByRole('row', { name: new RegExp(email) });
  await expect(row).toContainText('waiting for confirmation');

  await page.goto('/admin/webhooks');
  await page.getByLabel('URL').fill('https://receiver.example.com/herald');
  await page.getByLabel('Description').fill('Support bot');
  await page.getByRole('button', { name: 'Add webhook' }).click();
  const secret = (await page.locator('[data-secret]').textContent()) ?? '';
  expect(secret).toMatch(/^whsec_/);
  await page.goto('/admin/webhooks');
  await expect(page.getByRole('row', { name: /receiver\.example\.com/ })).toContainText('Support bot');
  expect(await page.content()).not.toContain(secret);

  await page.goto('/admin/outbox?state=sent');
  const sent = page.getByRole('row', { name: new RegExp(email) });
  await expect(sent).toContainText('subscription confirmation');
  await sent.getByRole('link').first().click();
  await expect(page.getByText('Subject: Confirm your subscription', { exact: false })).toBeVisible();

  for (const path of ['/admin/subscribers', '/admin/webhooks', '/admin/outbox']) {
    await page.goto(path);
    const axe = await new AxeBuilder({ page }).analyze();
    expect(axe.violations.map((v) => `${path} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  }

  await page.goto('/admin/subscribers?q=console-check');
  await page.getByRole('button', { name: `Remove ${email}` }).click();
  await expect(page.getByRole('status')).toHaveText('Subscriber removed, with their pending messages.');
});

test('a server stopped mid fan-out, then restarted beside a second instance on the same database: exactly one message each', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-fanout-e2e-'));
  ownDirs.push(dir);
  const databaseUrl = `file:${join(dir, 'herald.db')}`;
  const env = { SMTP_URL: sink.url, MAIL_FROM: 'Status <status@example.com>' };
  const first = await startHerald({ databaseUrl, env });
  ownServers.push(first);
  const owner = await createOwner(first);

  // 600 confirmed subscribers, written straight into the database (the opt-in has its own tests).
  const n = 600;
  const emails = Array.from({ length: n }, (_, i) => `fanout${i}@example.com`);
  const seed = await openMigratedDatabase(databaseUrl);
  const now = new Date();
  for (let i = 0; i < n; i += 200) {
    await seed.db.insert(subscribers).values(
      emails.slice(i, i + 200).map((email) => ({ id: newId(), kind: 'email' as const, email, state: 'confirmed' as const, allComponents: true, createdAt: now, updatedAt: now, confirmedAt: now })),
    );
  }
  seed.close();

  const counts = () => {
    const c = new Map<string, number>();
    for (const r of sink.rcpt) for (const a of r) if (a.startsWith('fanout')) c.set(a, (c.get(a) ?? 0) + 1);
    return c;
  };
  // SIGTERM the only server once 60 of the messages are accepted: it finishes the batch in flight and stops.
  let stopped = null as Promise<void> | null;
  sink.onMessage = () => {
    if (!stopped && counts().size >= 60) stopped = first.stop();
  };
  await api(first, owner, 'POST', '/api/v1/incidents', { title: 'Fan-out', severity: 'P3', message: 'Everyone hears this once.' });
  await expect.poll(() => stopped !== null, { timeout: 30_000 }).toBe(true);
  await stopped;
  sink.onMessage = undefined;
  const beforeRestart = [...counts().values()].reduce((a, b) => a + b, 0);
  test.info().annotations.push({ type: 'delivered before the stop', description: String(beforeRestart) });

  // Start it again, and a second instance beside it: the rest is split between them by claims.
  const again = await startHerald({ databaseUrl, env });
  const second = await startHerald({ databaseUrl, env });
  ownServers.push(again, second);
  await expect.poll(() => counts().size, { timeout: 60_000 }).toBe(n);
  await expect
    .poll(async () => (await api<{ counts: { pending: number; sent: number } }>(again, owner, 'GET', '/api/v1/outbox?limit=1')).counts, { timeout: 30_000 })
    .toEqual(expect.objectContaining({ pending: 0, sent: n }));
  const final = counts();
  expect(final.size).toBe(n);
  expect([...final.entries()].filter(([, c]) => c !== 1)).toEqual([]);
});
