// The page in the reader's language (issue 15), in Chromium against the real server: every public page in each shipped
// language (no English left in Herald's own words, lang and dir right, axe clean, served from the page cache), Arabic
// right to left at 360 px with the uptime bars mirrored, the language switcher as plain links, and a subscriber on /ja/
// who gets a Japanese confirmation and Japanese incident emails (parsed with mailparser from a loopback SMTP server).
import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ParsedMail } from 'mailparser';
import type { Browser, Page } from '@playwright/test';
import { api, consoleSignIn, expect, OWNER, test, type HeraldProcess, type Owner } from './fixtures.ts';
import { startMailSink } from '../support/mail-sink.ts';
import { messages as en } from '../../api/core/i18n/en.ts';
import { messages as de } from '../../api/core/i18n/de.ts';
import { messages as fr } from '../../api/core/i18n/fr.ts';
import { messages as es } from '../../api/core/i18n/es.ts';
import { messages as ptBR } from '../../api/core/i18n/pt-BR.ts';
import { messages as ja } from '../../api/core/i18n/ja.ts';
import { messages as ar } from '../../api/core/i18n/ar.ts';
import type { Message } from '../../api/core/i18n/message.ts';
import { LANGUAGE_TAGS } from '../../api/core/i18n/locale.ts';

const sink = await startMailSink();
test.use({ heraldEnv: { SMTP_URL: sink.url, MAIL_FROM: 'Status <status@example.com>' } });
test.afterAll(() => sink.close());

const SCREENS = fileURLToPath(new URL('../../test-results/languages-screens', import.meta.url));
mkdirSync(SCREENS, { recursive: true });

const CATALOGUES: Record<string, Record<string, Message | undefined>> = { en, de, fr, es, 'pt-BR': ptBR, ja, ar };
/** Every shipped language but English, the default here (a new catalogue is listed above, or this says so). */
const FURTHER = LANGUAGE_TAGS.filter((tag) => tag !== 'en');
for (const tag of LANGUAGE_TAGS) if (!CATALOGUES[tag]) throw new Error(`test/e2e/languages.spec.ts: add the ${tag} catalogue to CATALOGUES`);

/** Everything the lead wrote (names, titles, messages): stays as written in every language. */
const LEAD = {
  page: 'Acme Cloud',
  group: 'Core platform',
  api: 'Public API',
  web: 'Website',
  incident: 'Elevated error rates on the API',
  first: 'We are investigating elevated error rates.',
  second: 'A bad load balancer change is the cause; rolling back.',
  resolved: 'Card payments failing',
  resolvedFirst: 'Card payments are failing; we are investigating.',
  resolvedLast: 'Rolled back; payments work again.',
  summary: 'Checkout failed for about forty minutes.',
  timeline: 'At noon a configuration change shipped; at twelve forty it was rolled back.',
  rootCause: 'The change removed a timeout on calls to the payment provider.',
  action: 'Alarm on missing payment timeouts',
  maintenance: 'Database storage upgrade',
  maintenanceBody: 'Brief connection resets are expected.',
  email: 'pages@example.com',
};

function words(text: string): Set<string> {
  return new Set((text.replace(/\{\w+\}/g, ' ').match(/[A-Za-z]{3,}/g) ?? []).map((w) => w.toLowerCase()));
}
const catalogueText = (c: Record<string, Message | undefined>) =>
  Object.values(c)
    .flatMap((m) => (m === undefined ? [] : typeof m === 'string' ? [m] : Object.values(m)))
    .join(' ');
const ENGLISH = words(catalogueText(en));
/** English words a page in `tag` must not show: English's, less the ones the language itself uses (loanwords, names). */
function englishOnly(tag: string): Set<string> {
  const own = words(catalogueText(CATALOGUES[tag]!));
  return new Set([...ENGLISH].filter((w) => !own.has(w)));
}

interface Arranged {
  apiId: string;
  incidentId: string;
  resolvedId: string;
  maintenanceId: string;
  confirmToken: string;
  manageQuery: string;
}

const arranged = new Map<string, Promise<Arranged>>();
function arrange(herald: HeraldProcess, owner: Owner): Promise<Arranged> {
  let p = arranged.get(herald.baseURL);
  if (!p) {
    p = (async () => {
      // Before the page offers German, /de/ leads to the page in its default language.
      const before = await fetch(`${herald.baseURL}/de/history?page=2&cb=1`, { redirect: 'manual' });
      expect(before.status).toBe(302);
      expect(before.headers.get('location')).toBe('/history?page=2');
      await api(herald, owner, 'PATCH', '/api/v1/settings', { page_name: LEAD.page, time_zone: 'Europe/Berlin', language: 'en', languages: FURTHER });
      const group = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/component-groups', { name: LEAD.group });
      const apiC = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/components', { name: LEAD.api, group_id: group.id });
      const web = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/components', { name: LEAD.web });
      const resolved = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/incidents', {
        title: LEAD.resolved,
        severity: 'P1',
        message: LEAD.resolvedFirst,
        components: { [web.id]: 'major_outage' },
      });
      await api(herald, owner, 'POST', `/api/v1/incidents/${resolved.id}/updates`, { status: 'resolved', message: LEAD.resolvedLast, components: { [web.id]: 'operational' } });
      await api(herald, owner, 'PUT', `/api/v1/incidents/${resolved.id}/postmortem`, {
        summary: LEAD.summary,
        timeline: LEAD.timeline,
        root_cause: LEAD.rootCause,
        impact: '',
        remediation: '',
        lessons: '',
      });
      await api(herald, owner, 'POST', `/api/v1/incidents/${resolved.id}/action-items`, { title: LEAD.action, due_at: new Date(Date.now() + 7 * 86_400_000).toISOString(), public: true });
      await api(herald, owner, 'POST', `/api/v1/incidents/${resolved.id}/postmortem/publish`, {});
      const incident = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/incidents', {
        title: LEAD.incident,
        severity: 'P2',
        message: LEAD.first,
        components: { [apiC.id]: 'degraded_performance' },
      });
      await api(herald, owner, 'POST', `/api/v1/incidents/${incident.id}/updates`, { status: 'identified', message: LEAD.second, components: { [apiC.id]: 'partial_outage' } });
      const from = new Date(Date.now() + 2 * 86_400_000);
      const maintenance = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/maintenances', {
        title: LEAD.maintenance,
        message: LEAD.maintenanceBody,
        components: [web.id],
        scheduled_for: from.toISOString(),
        scheduled_until: new Date(from.getTime() + 2 * 3_600_000).toISOString(),
      });
      // A subscriber's links, for the confirm and manage pages.
      const res = await fetch(`${herald.baseURL}/api/v2/subscribers.json`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ subscriber: { email: LEAD.email } }),
      });
      expect(res.status).toBe(202);
      const mail = await mailTo(LEAD.email, 1);
      const confirmToken = new URL(link(mail, '/subscriptions/confirm')).searchParams.get('token')!;
      const confirmed = await fetch(`${herald.baseURL}/api/v2/subscriptions/confirm`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: confirmToken }),
      });
      const { manage_url } = (await confirmed.json()) as { manage_url: string };
      return { apiId: apiC.id, incidentId: incident.id, resolvedId: resolved.id, maintenanceId: maintenance.id, confirmToken, manageQuery: new URL(manage_url, herald.baseURL).search };
    })();
    arranged.set(herald.baseURL, p);
  }
  return p;
}

async function mailTo(email: string, n: number): Promise<ParsedMail> {
  await expect.poll(async () => (await sink.to(email)).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(n);
  return (await sink.to(email))[n - 1]!;
}

function link(mail: ParsedMail, path: string): string {
  const m = new RegExp(`https?://[^\\s"<>]+${path}\\?token=[^\\s"<>]+`).exec(mail.text ?? '');
  if (!m) throw new Error(`no ${path} link in:\n${mail.text}`);
  return m[0];
}

/** The public pages, each as its path without a language prefix. */
function pages(a: Arranged): { name: string; path: string; status: number }[] {
  return [
    { name: 'home', path: '/', status: 200 },
    { name: 'history', path: '/history', status: 200 },
    { name: 'incident', path: `/incidents/${a.incidentId}`, status: 200 },
    { name: 'resolved incident', path: `/incidents/${a.resolvedId}`, status: 200 },
    { name: 'maintenance', path: `/incidents/${a.maintenanceId}`, status: 200 },
    { name: 'postmortem', path: `/incidents/${a.resolvedId}/postmortem`, status: 200 },
    { name: 'subscribe', path: '/subscriptions', status: 200 },
    { name: 'subscribe error', path: '/subscriptions?error=invalid_email', status: 200 },
    { name: 'requested', path: '/subscriptions/requested', status: 200 },
    { name: 'confirm', path: `/subscriptions/confirm?token=${encodeURIComponent(a.confirmToken)}`, status: 200 },
    { name: 'confirm, bad link', path: '/subscriptions/confirm?token=nope', status: 200 },
    { name: 'manage', path: `/subscriptions/manage${a.manageQuery}`, status: 200 },
    { name: 'not found', path: '/incidents/no-such-incident', status: 404 },
  ];
}

const localized = (tag: string, path: string) => (tag === 'en' ? path : path === '/' ? `/${tag}/` : `/${tag}${path}`);

/** Every text a reader can meet on the page: its text nodes, the title, tooltips and accessible names, meta text. */
function pageTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [document.title];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const parent = n.parentElement?.tagName;
      if (parent !== 'SCRIPT' && parent !== 'STYLE') out.push(n.textContent ?? '');
    }
    for (const el of document.querySelectorAll('[aria-label],[title],[placeholder],[alt]')) {
      for (const a of ['aria-label', 'title', 'placeholder', 'alt']) {
        const v = el.getAttribute(a);
        if (v) out.push(v);
      }
    }
    for (const m of document.querySelectorAll('meta[name="description"], meta[property="og:title"], meta[property="og:description"], link[rel="alternate"][title]')) {
      out.push(m.getAttribute('content') ?? m.getAttribute('title') ?? '');
    }
    return out;
  });
}

async function englishLeft(page: Page, tag: string): Promise<string[]> {
  let text = (await pageTexts(page)).join('\n');
  for (const s of Object.values(LEAD)) text = text.split(s).join(' ');
  const forbidden = englishOnly(tag);
  return [...words(text)].filter((w) => forbidden.has(w));
}

/** Full-page screenshots in viewport-high pieces (a 3,000 px strip is unreadable once scaled down), at most five. */
async function shoot(page: Page, name: string): Promise<void> {
  const { width, height } = page.viewportSize()!;
  const total = await page.evaluate(() => document.documentElement.scrollHeight);
  for (let i = 0, y = 0; y < total && i < 5; i++, y += height) {
    await page.screenshot({ path: join(SCREENS, `${name}-${i}.png`), fullPage: true, clip: { x: 0, y, width, height: Math.min(height, total - y) } });
  }
}

async function newPage(browser: Browser, baseURL: string, opts: { width?: number; dark?: boolean; js?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({
    baseURL,
    viewport: { width: opts.width ?? 1280, height: 900 },
    colorScheme: opts.dark ? 'dark' : 'light',
    javaScriptEnabled: opts.js ?? true,
  });
  return context.newPage();
}

for (const tag of ['en', ...FURTHER]) {
  test(`every public page in ${tag}: Herald's words in ${tag}, lang and dir, axe clean, cached`, async ({ herald, owner, browser }) => {
    test.setTimeout(120_000);
    const a = await arrange(herald, owner);
    const page = await newPage(browser, herald.baseURL);
    const dir = tag === 'ar' ? 'rtl' : 'ltr';
    for (const p of pages(a)) {
      const url = localized(tag, p.path);
      const res = await page.goto(url);
      expect(res?.status(), url).toBe(p.status);
      await expect(page.locator('html')).toHaveAttribute('lang', tag);
      await expect(page.locator('html')).toHaveAttribute('dir', dir);
      if (tag !== 'en') expect(await englishLeft(page, tag), `English words left on ${url}`).toEqual([]);
      const axe = await new AxeBuilder({ page }).analyze();
      expect(axe.violations.map((v) => `${url} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`)).toEqual([]);
    }
    // The cacheable ones come from the page cache like the default language's: public caching, an ETag, a 304 on revalidation.
    for (const path of ['/', '/history', `/incidents/${a.incidentId}`, `/incidents/${a.resolvedId}/postmortem`, '/history.rss', '/history.atom', '/maintenance.ics']) {
      const url = herald.baseURL + localized(tag, path);
      const first = await fetch(url);
      expect(first.status, url).toBe(200);
      expect(first.headers.get('cache-control'), url).toMatch(/^public/);
      const etag = first.headers.get('etag');
      expect(etag, url).toBeTruthy();
      expect((await fetch(url, { headers: { 'if-none-match': etag! } })).status, url).toBe(304);
    }
    await page.context().close();
  });
}

test('the switcher and the alternates are plain links between the same page in each language; the default language has no prefix', async ({ herald, owner, browser }) => {
  const a = await arrange(herald, owner);
  const page = await newPage(browser, herald.baseURL, { js: false });
  await page.goto(`/de/incidents/${a.incidentId}`);
  await expect(page.locator('link[rel=canonical]')).toHaveAttribute('href', `${herald.baseURL}/de/incidents/${a.incidentId}`);
  for (const tag of ['en', ...FURTHER]) {
    await expect(page.locator(`link[rel=alternate][hreflang="${tag}"]`)).toHaveAttribute('href', `${herald.baseURL}${localized(tag, `/incidents/${a.incidentId}`)}`);
  }
  await expect(page.locator('link[rel=alternate][hreflang="x-default"]')).toHaveAttribute('href', `${herald.baseURL}/incidents/${a.incidentId}`);
  await expect(page.locator('link[rel=alternate][type="application/rss+xml"]')).toHaveAttribute('href', `${herald.baseURL}/de/history.rss`);

  const switcher = page.getByRole('navigation', { name: 'Sprache' });
  await expect(switcher.getByRole('link')).toHaveText(['English', 'Deutsch', 'Français', 'Español', 'Português (Brasil)', '日本語', 'العربية']);
  await expect(switcher.getByRole('link', { name: 'Deutsch' })).toHaveAttribute('aria-current', 'page');
  await switcher.getByRole('link', { name: '日本語' }).click();
  await expect(page).toHaveURL(`${herald.baseURL}/ja/incidents/${a.incidentId}`);
  await expect(page.getByRole('heading', { level: 2, name: '更新情報' })).toBeVisible();
  await page.getByRole('navigation', { name: '言語' }).getByRole('link', { name: 'English' }).click();
  await expect(page).toHaveURL(`${herald.baseURL}/incidents/${a.incidentId}`);

  // The default language's own prefix leads to the address without it; a language Herald does not ship is no page.
  const redirect = await fetch(`${herald.baseURL}/en/history?page=2&utm_source=x`, { redirect: 'manual' });
  expect(redirect.status).toBe(301);
  expect(redirect.headers.get('location')).toBe('/history?page=2');
  expect((await fetch(`${herald.baseURL}/xx/history`)).status).toBe(404);
  expect((await fetch(`${herald.baseURL}/en/history.rss`, { redirect: 'manual' })).headers.get('location')).toBe('/history.rss');
  await page.context().close();
});

test('times, numbers and durations in the language, in the page time zone (and the reader\'s, with the optional script)', async ({ herald, owner, browser }) => {
  const a = await arrange(herald, owner);
  const page = await newPage(browser, herald.baseURL, { js: false });
  await page.goto(`/de/incidents/${a.resolvedId}`);
  // Europe/Berlin: "2. Dezember 2026 um 03:01 MEZ" (MESZ in summer), a duration in German words.
  const germanDate = /^\d{1,2}\. (Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember) \d{4} um \d\d:\d\d /;
  await expect(page.locator('.facts time').first()).toHaveText(new RegExp(`${germanDate.source}MES?Z$`));
  await expect(page.locator('.facts')).toContainText(/weniger als eine Minute|\d+\u00a0(Minute|Minuten|Stunde|Stunden)/);
  await page.goto('/de/');
  // The uptime line (components added today: "seit 2. Dez."), and the component it is about for screen readers.
  const line = page.locator('.up summary').first();
  await expect(line).toHaveAccessibleName(/^\d{1,3},\d\d\u00a0% Verfügbarkeit seit \d{1,2}\. \S+ \(Public API\)$/);
  await page.goto('/ja/');
  await expect(page.locator('.banner time')).toHaveText(/^\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d GMT\+\d+$/);
  await page.goto('/ar/history');
  await expect(page.locator('.month h2').first()).toHaveText(/^(يناير|فبراير|مارس|أبريل|مايو|يونيو|يوليو|أغسطس|سبتمبر|أكتوبر|نوفمبر|ديسمبر) \d{4}$/);
  await page.context().close();

  // With JavaScript, a reader in another zone (this browser's UTC) still reads the page's zone, and gets theirs as a
  // hint in the page's language: each time's tooltip, and a sentence after the footer's note on the zone.
  const reader = await newPage(browser, herald.baseURL);
  await reader.goto(`/de/incidents/${a.resolvedId}`);
  const first = reader.locator('.facts time').first();
  await expect(first).toHaveText(new RegExp(`${germanDate.source}MES?Z$`));
  await expect(first).toHaveAttribute('title', new RegExp(`${germanDate.source}UTC \\(Ihre Zeit\\)$`));
  await expect(reader.locator('#tz-note')).toHaveText(/^Alle Zeitangaben in Europe\/Berlin \(MES?Z\)\. Ihre Zeitzone \((Etc\/)?UTC\) liegt [12] Stunden? zurück – /);
  await reader.goto('/ja/');
  await expect(reader.locator('#tz-note')).toContainText(/^時刻はすべて Europe\/Berlin \(.+\) で表示しています。お使いのタイムゾーン（(Etc\/)?UTC）は[12]\s?時間遅れています。/);
  await reader.context().close();
});

test('Arabic reads right to left at 360 px: no sideways scroll, the bars run from today at the left, the legend above them agrees', async ({ herald, owner, browser }) => {
  test.setTimeout(90_000);
  const a = await arrange(herald, owner);
  const page = await newPage(browser, herald.baseURL, { width: 360 });
  for (const p of pages(a)) {
    await page.goto(localized('ar', p.path));
    const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    expect(scroll, `${p.path} fits 360 px`).toBeLessThanOrEqual(client!);
    if (['home', 'history', 'incident', 'postmortem', 'subscribe', 'manage'].includes(p.name)) {
      await shoot(page, `ar-360-${p.name.replace(/\W+/g, '-')}`);
    }
  }
  // The bars' days in words, opened, and the run of quiet days on one line: right to left, within 360 px.
  await page.goto('/ar/');
  const details = page.locator('details.up');
  await expect(details).not.toHaveCount(0);
  for (const d of await details.all()) await d.locator('summary').click();
  await expect(details.first().getByRole('listitem').first()).toBeVisible();
  const [wide, fits] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  expect(wide, 'the opened lists fit 360 px').toBeLessThanOrEqual(fits!);
  // Each line starts at the list's right edge, as Arabic text does, and the uptime line sits at the bar's left end.
  const edges = await details.first().evaluate((el) => {
    const ul = el.querySelector('ul')!;
    const li = ul.querySelector('li')!;
    const range = document.createRange();
    range.selectNodeContents(li);
    const text = range.getBoundingClientRect();
    const box = ul.getBoundingClientRect();
    const summary = el.querySelector('summary')!.getBoundingClientRect();
    const bar = el.parentElement!.querySelector('svg.u')!.getBoundingClientRect();
    return { textGap: box.right - text.right, summaryLeft: summary.left - bar.left };
  });
  expect(edges.textGap).toBeLessThan(16);
  expect(edges.summaryLeft).toBeLessThan(4);
  const quietLine = page.locator('.past p.quiet').first();
  await expect(quietLine).toHaveText(/^لم يُبلَّغ عن أي حوادث في /);
  await expect(quietLine.locator('time').first()).toHaveAttribute('datetime', /^\d{4}-\d\d-\d\d$/);
  // A run of days reads from its first day, at the right, to its last, at the left.
  const run = await page.locator('.past p.quiet', { has: page.locator('time + time, time ~ time') }).first().locator('time').evaluateAll((times) =>
    times.map((t) => ({ date: t.getAttribute('datetime'), x: t.getBoundingClientRect().left })),
  );
  expect(run).toHaveLength(2);
  expect(run[0]!.date! < run[1]!.date!).toBe(true);
  expect(run[0]!.x).toBeGreaterThan(run[1]!.x);
  await shoot(page, 'ar-360-home-days-open');
  // Today's cell (the last day) of the API's bar: at the bar's left end in Arabic, at its right end in English.
  const todayEdge = async (path: string) => {
    await page.goto(path);
    return page.locator('.cl > li', { hasText: LEAD.api }).locator('svg.u').evaluate((svg) => {
      const box = svg.getBoundingClientRect();
      const cells = [...svg.querySelectorAll('path')].filter((p) => /^M89 5h1$/.test(p.getAttribute('d') ?? ''));
      const cell = cells[0]!.getBoundingClientRect();
      return { left: cell.left - box.left, right: box.right - cell.right };
    });
  };
  const ar = await todayEdge('/ar/');
  expect(ar.left).toBeLessThan(6);
  expect(ar.right).toBeGreaterThan(200);
  const en = await todayEdge('/');
  expect(en.right).toBeLessThan(6);
  const legend = await page.goto('/ar/').then(() =>
    page.locator('.legend span').evaluateAll((spans) => spans.map((s) => ({ text: s.textContent, x: s.getBoundingClientRect().left }))),
  );
  const today = legend.find((s) => s.text === 'اليوم')!;
  const start = legend.find((s) => s.text !== 'اليوم')!;
  expect(today.x).toBeLessThan(start.x);
  // After Arabic words a percentage still reads "99.50%", the sign right of the digits, not "%99.50".
  const signAfterDigits = await page.locator('.up summary').first().evaluate((p) => {
    const node = p.firstChild!;
    const text = node.textContent ?? '';
    const at = (i: number) => {
      const r = document.createRange();
      r.setStart(node, i);
      r.setEnd(node, i + 1);
      return r.getBoundingClientRect().left;
    };
    return at(text.indexOf('%')) > at(text.search(/\d/));
  });
  expect(signAfterDigits).toBe(true);
  await page.context().close();

  // And as a reader on a desktop, in dark mode, in German and Japanese: looked at, not asserted.
  for (const [tag, dark] of [['ar', false], ['de', false], ['ja', true], ['fr', false]] as const) {
    const wide = await newPage(browser, herald.baseURL, { dark });
    await wide.goto(localized(tag, '/'));
    await shoot(wide, `${tag}-1280${dark ? '-dark' : ''}-home`);
    await wide.context().close();
  }
});

test('a subscriber on /ja/ gets a Japanese confirmation and Japanese incident emails, with links to the Japanese pages', async ({ herald, owner, page }) => {
  await arrange(herald, owner);
  const email = 'yamada@example.com';
  await page.goto('/ja/');
  await page.getByLabel('メールアドレス').fill(email);
  await page.getByRole('button', { name: '購読する' }).click();
  await expect(page).toHaveURL(/\/ja\/subscriptions\/requested$/);
  await expect(page.getByRole('status')).toHaveText('このアドレスがまだ登録されていなければ、確認のメールをお送りしました。');

  const confirmation = await mailTo(email, 1);
  expect(confirmation.subject).toBe(`${LEAD.page} の更新情報の購読を確認してください`);
  expect(confirmation.text).toContain('このアドレスで Acme Cloud のステータス更新情報（対象：すべてのコンポーネント）を受け取るお申し込みがありました。');
  expect(confirmation.html).toContain('<html lang="ja" dir="ltr">');
  expect(confirmation.html).toContain('購読を確定する');
  const confirmUrl = link(confirmation, '/ja/subscriptions/confirm');
  expect(confirmUrl.startsWith(`${herald.baseURL}/ja/subscriptions/confirm?token=`)).toBe(true);

  await page.goto(confirmUrl);
  await expect(page.getByText(`${email} にステータスの更新情報を送信しますか？`)).toBeVisible();
  await page.getByRole('button', { name: '購読を確定する' }).click();
  await expect(page).toHaveURL(/\/ja\/subscriptions\/manage\?token=.*confirmed=1/);
  await expect(page.getByRole('status')).toHaveText('購読が確定しました。');

  const incident = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/incidents', {
    title: 'ログインの失敗が増えています',
    severity: 'P2',
    message: 'A subset of sign-ins **fail**.',
  });
  const news = await mailTo(email, 2);
  expect(news.subject).toBe(`[${LEAD.page}] ログインの失敗が増えています`);
  expect(news.text).toContain('障害が発生しました：調査中');
  expect(news.text).toMatch(/投稿：\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d/);
  expect(news.text).toContain(`障害のページを見る：${herald.baseURL}/ja/incidents/${incident.id}`);
  expect(news.text).toContain(`${LEAD.page} の更新情報を購読されているため、このメールをお送りしています。`);
  expect(news.text).toMatch(new RegExp(`購読の設定・解除：${herald.baseURL.replace(/[.]/g, '\\.')}/ja/subscriptions/manage\\?token=`));
  // What the lead wrote stays as written; the one-click unsubscribe is the same endpoint in every language.
  expect(news.html).toContain('<strong>fail</strong>');
  expect(news.html).toContain('<html lang="ja" dir="ltr">');
  const listUnsubscribe = news.headerLines.find((h) => h.key === 'list-unsubscribe')?.line ?? '';
  expect(listUnsubscribe).toContain(`${herald.baseURL}/api/v2/subscriptions/unsubscribe?token=`);

  // Resolved: the thread's next message, in Japanese too.
  await api(herald, owner, 'POST', `/api/v1/incidents/${incident.id}/updates`, { status: 'resolved', message: 'Fixed.' });
  const resolved = await mailTo(email, 3);
  expect(resolved.subject).toBe(`[${LEAD.page}] ログインの失敗が増えています`);
  expect(resolved.text).toContain('障害は解決しました：解決済み');

  // The manage link opens the Japanese page; unsubscribing answers in Japanese.
  await page.goto(link(resolved, '/ja/subscriptions/manage'));
  await page.getByRole('button', { name: '購読を解除' }).click();
  await expect(page.getByRole('status')).toHaveText('購読を解除しました。今後メールはお送りしません。');
  await expect(page).toHaveURL(/\/ja\/subscriptions\/manage\?/);
});

test('the console’s Settings page offers the languages by their own names; a language taken off leads to the default one, and back on it is served', async ({ herald, owner, page }) => {
  await arrange(herald, owner);
  await consoleSignIn(page, OWNER.email, OWNER.password, '/admin/settings');
  await expect(page.getByLabel('Default language')).toHaveValue('en');
  await page.getByRole('heading', { name: 'Languages' }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SCREENS, 'console-settings-languages.png') });
  const further = page.getByRole('group', { name: 'Further languages' });
  await expect(further.getByRole('checkbox', { name: 'Français (fr)' })).toBeChecked();
  await further.getByRole('checkbox', { name: 'Français (fr)' }).uncheck();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status')).toHaveText('Settings saved.');
  await expect(page.getByRole('group', { name: 'Further languages' }).getByRole('checkbox', { name: 'Français (fr)' })).not.toBeChecked();
  const off = await fetch(`${herald.baseURL}/fr/incidents/${(await arrange(herald, owner)).incidentId}`, { redirect: 'manual' });
  expect(off.status).toBe(302);
  expect(off.headers.get('location')).toBe(`/incidents/${(await arrange(herald, owner)).incidentId}`);
  await page.goto('/de/');
  await expect(page.getByRole('navigation', { name: 'Sprache' }).getByRole('link')).toHaveText(['English', 'Deutsch', 'Español', 'Português (Brasil)', '日本語', 'العربية']);

  await page.goto('/admin/settings');
  await page.getByRole('group', { name: 'Further languages' }).getByRole('checkbox', { name: 'Français (fr)' }).check();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status')).toHaveText('Settings saved.');
  expect((await fetch(`${herald.baseURL}/fr/`)).status).toBe(200);
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
});
