// The widget and the iframe page on another site: a second loopback server (another origin) embeds /embed.js and
// /embed; Chromium shows the status in light and dark, axe finds nothing, the widget follows a change within its
// minute, and the page's names only ever become text. Screenshots when HERALD_SCREENSHOTS names a folder.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from '@playwright/test';
import { api, expect, test, type HeraldProcess } from './fixtures.ts';

interface Partner {
  url: string;
  close(): Promise<void>;
}

/** Another site: its own origin (another port), a page that embeds Herald the way the README says, and its scripts. */
async function partnerSite(herald: HeraldProcess, body: string, scripts: Record<string, Buffer> = {}): Promise<Partner> {
  const server: Server = createServer((req, res) => {
    const script = scripts[req.url ?? ''];
    if (script) {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      res.end(script);
      return;
    }
    if (req.url !== '/') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Partner site</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:1rem;background:Canvas;color:CanvasText}iframe{border:0;max-width:100%}</style></head>
<body><main><h1>Partner site</h1>${body}</main>
<script src="${herald.baseURL}/embed.js" async></script></body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function open(browser: Browser, colorScheme: 'light' | 'dark', width = 1024): Promise<Page> {
  const context = await browser.newContext({ colorScheme, viewport: { width, height: 800 } });
  return context.newPage();
}

test('the <herald-status> widget on another origin: status, components, link, light and dark, axe clean', async ({ herald, owner, browser }) => {
  const apiC = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/components', { name: 'Public API' });
  await api(herald, owner, 'POST', '/api/v1/components', { name: 'Website' });
  const partner = await partnerSite(herald, '<herald-status components></herald-status>');
  try {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await open(browser, scheme);
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(partner.url);
      expect(new URL(page.url()).origin).not.toBe(new URL(herald.baseURL).origin);
      const widget = page.locator('herald-status');
      await expect(widget.getByRole('status')).toHaveText('All Systems Operational');
      await expect(widget.getByRole('list', { name: 'Components of Herald' }).getByRole('listitem')).toHaveText([/Public API\s*Operational/, /Website\s*Operational/]);
      const link = widget.getByRole('link', { name: 'Herald status page' });
      await expect(link).toHaveAttribute('href', herald.baseURL);
      expect(requests.filter((u) => u.startsWith(herald.baseURL)).map((u) => new URL(u).pathname).sort()).toEqual(['/api/v2/summary.json', '/embed.js']);
      // It follows the reader's colour scheme.
      const background = await widget.evaluate((el) => getComputedStyle(el.shadowRoot!.querySelector('.w')!).backgroundColor);
      expect(background).toBe(scheme === 'dark' ? 'rgb(22, 27, 34)' : 'rgb(255, 255, 255)');
      const axe = await new AxeBuilder({ page }).analyze();
      expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), scheme).toEqual([]);
      if (process.env.HERALD_SCREENSHOTS) await page.screenshot({ path: join(process.env.HERALD_SCREENSHOTS, `widget-${scheme}.png`) });
      await page.context().close();
    }

    // Within a minute of a change, the widget says so (the page's clock is moved, not waited for).
    const page = await open(browser, 'light');
    await page.clock.install();
    await page.goto(partner.url);
    const widget = page.locator('herald-status');
    await expect(widget.getByRole('status')).toHaveText('All Systems Operational');
    await api(herald, owner, 'PATCH', `/api/v1/components/${apiC.id}`, { status: 'major_outage' });
    await page.clock.runFor(59_000);
    await expect(widget.getByRole('status')).toHaveText('All Systems Operational');
    await page.clock.runFor(2_000);
    await expect(widget.getByRole('status')).toHaveText('Partial System Outage');
    await expect(widget.getByRole('listitem').first()).toHaveText(/Public API\s*Major outage/);
    await page.context().close();
    await api(herald, owner, 'PATCH', `/api/v1/components/${apiC.id}`, { status: 'operational' });
  } finally {
    await partner.close();
  }
});

test('the widget puts names on the page as text only, and picks components by id', async ({ herald, owner, browser }) => {
  const hostile = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/components', { name: '<img src=x onerror="window.__xss=1">Edge' });
  const partner = await partnerSite(herald, `<herald-status components="${hostile.id}" theme="dark"></herald-status>`);
  try {
    const page = await open(browser, 'light');
    await page.goto(partner.url);
    const widget = page.locator('herald-status');
    await expect(widget.getByRole('listitem')).toHaveText([/<img src=x onerror="window.__xss=1">Edge\s*Operational/]);
    expect(await widget.evaluate((el) => el.shadowRoot!.querySelectorAll('img').length)).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    // theme="dark" wins over the light scheme.
    expect(await widget.evaluate((el) => getComputedStyle(el.shadowRoot!.querySelector('.w')!).backgroundColor)).toBe('rgb(22, 27, 34)');
    await page.context().close();
  } finally {
    await partner.close();
  }
});

test('/embed in an iframe on another site: status and components without script, light and dark, axe clean', async ({ herald, owner, browser }) => {
  const group = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/component-groups', { name: 'Core platform' });
  const inGroup = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/components', { name: 'Checkout', group_id: group.id });
  const incident = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/incidents', {
    title: 'Checkout errors',
    severity: 'P2',
    message: 'We are looking into failed payments.',
    components: { [inGroup.id]: 'partial_outage' },
  });
  const partner = await partnerSite(herald, `<iframe src="${herald.baseURL}/embed" title="Herald status" width="360" height="420"></iframe>`);
  try {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await open(browser, scheme);
      await page.goto(partner.url);
      const frame = page.frameLocator('iframe[title="Herald status"]');
      await expect(frame.getByRole('heading', { level: 1 })).toHaveText('Partial System Outage');
      await expect(frame.getByRole('link', { name: 'Checkout errors' })).toHaveAttribute('href', `${herald.baseURL}/incidents/${incident.id}`);
      await expect(frame.getByRole('listitem').filter({ hasText: 'Core platform' })).toContainText('Partial outage');
      const embedded = page.frames().find((f) => f.url().startsWith(herald.baseURL))!;
      expect(await embedded.evaluate(() => document.scripts.length)).toBe(0);
      expect(await embedded.evaluate(() => document.querySelector('base')?.getAttribute('target'))).toBe('_blank');
      const axe = await new AxeBuilder({ page }).analyze();
      expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), scheme).toEqual([]);
      if (process.env.HERALD_SCREENSHOTS) await page.screenshot({ path: join(process.env.HERALD_SCREENSHOTS, `iframe-${scheme}.png`) });
      await page.context().close();
    }
    const res = await fetch(`${herald.baseURL}/embed`);
    expect(res.headers.get('cache-control')).toMatch(/^public/);
    expect(res.headers.get('x-frame-options')).toBeNull();
  } finally {
    await partner.close();
  }
});

test("Atlassian's own @statuspage/status-widget reads Herald's status unchanged", async ({ herald, browser }) => {
  // The widget as published (its bundle, served by the other site as it would come from a CDN).
  const bundle = readFileSync(createRequire(import.meta.url).resolve('@statuspage/status-widget/dist/index.js'));
  const partner = await partnerSite(
    herald,
    `<statuspage-widget src="${herald.baseURL}"></statuspage-widget> <statuspage-widget src="${herald.baseURL}" appearance="badge"></statuspage-widget><script src="/statuspage-widget.js"></script>`,
    { '/statuspage-widget.js': bundle },
  );
  try {
    const page = await open(browser, 'light');
    await page.goto(partner.url);
    const ours = (await (await fetch(`${herald.baseURL}/api/v2/summary.json`)).json()) as { status: { indicator: string; description: string } };
    const [basic, badge] = [page.locator('statuspage-widget').first(), page.locator('statuspage-widget[appearance=badge]')];
    // Its two looks: a dot coloured by `indicator` beside the description, and a badge whose message is the description.
    await expect(basic.locator('.status-text')).toHaveText(ours.status.description);
    await expect(basic.locator('.status-indicator')).toHaveClass(new RegExp(`\\b${ours.status.indicator}\\b`));
    await expect(badge.locator('.status-indicator')).toHaveText(ours.status.description);
    await expect(badge.locator('.status-indicator')).toHaveClass(new RegExp(`\\b${ours.status.indicator}\\b`));
    for (const w of [basic, badge]) await expect(w.getByRole('link')).toHaveAttribute('href', herald.baseURL);
    await page.context().close();
  } finally {
    await partner.close();
  }
});
