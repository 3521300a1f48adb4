// Known XSS payloads posted as update bodies through the API: in the browser, nothing runs, no dialog opens,
// and no event-handler attribute, javascript: URL or embedded frame reaches the public pages' DOM.
import { api, expect, test } from './fixtures.ts';
import { XSS_PAYLOADS } from '../support/xss-payloads.ts';

test('no payload runs or survives on the home, incident and history pages', async ({ herald, owner, browser }) => {
  expect(XSS_PAYLOADS.length).toBeGreaterThanOrEqual(30);
  const [first, ...rest] = XSS_PAYLOADS;
  // Names reach the page outside markdown too: component names, incident titles in the uptime bars' day titles.
  const component = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/components', { name: 'Web <svg onload=alert(1)>' });
  const incident = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/incidents', {
    title: 'Payloads <img src=x onerror=alert(1)>',
    severity: 'P3',
    status: 'investigating',
    message: first,
    components: { [component.id]: 'partial_outage' },
  });
  for (const body of rest) {
    if (body.includes('\u0000')) {
      // NUL never gets in (the API refuses it in any field); the sanitizer's own test still covers it.
      const res = await fetch(`${herald.baseURL}/api/v1/incidents/${incident.id}/updates`, {
        method: 'POST',
        headers: { authorization: owner.authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ status: 'investigating', message: body }),
      });
      expect(res.status).toBe(400);
      continue;
    }
    await api(herald, owner, 'POST', `/api/v1/incidents/${incident.id}/updates`, { status: 'investigating', message: body });
  }

  const context = await browser.newContext({ baseURL: herald.baseURL });
  // Every payload that would run calls alert(1): count calls rather than trusting a dialog alone.
  await context.addInitScript(() => {
    const w = window as unknown as { __xss: number };
    w.__xss = 0;
    window.alert = window.confirm = window.prompt = (() => {
      w.__xss++;
      return null;
    }) as never;
  });
  const page = await context.newPage();
  let dialogs = 0;
  page.on('dialog', (d) => {
    dialogs++;
    void d.dismiss();
  });

  for (const path of [`/incidents/${incident.id}`, '/', '/history']) {
    expect((await page.goto(path))?.status()).toBe(200);
    await page.waitForLoadState('load');
    // Give handlers like onmouseover and autofocus a chance to fire if anything survived.
    await page.mouse.move(200, 300);
    await page.mouse.move(400, 600);
    const found = await page.evaluate(() => {
      const problems: string[] = [];
      for (const el of Array.from(document.querySelectorAll('*'))) {
        for (const a of Array.from(el.attributes)) {
          if (/^on/i.test(a.name)) problems.push(`${el.tagName} ${a.name}`);
          if (/^\s*(javascript|vbscript|data):/i.test(a.value) && /^(href|src|action|xlink:href|formaction|data)$/i.test(a.name)) {
            problems.push(`${el.tagName} ${a.name}=${a.value}`);
          }
        }
      }
      // Forms of our own (the subscribe form) are fine; none may come from an update body (`.md`).
      for (const sel of ['iframe', 'object', 'embed', 'base', 'meta[http-equiv]', '.md form', '.md input', '.md svg', '.md math', 'main style', 'main link', 'main script', 'main template']) {
        const n = document.querySelectorAll(sel).length;
        if (n) problems.push(`${n} × ${sel}`);
      }
      // The layout's own optional script is the only script on the page.
      if (document.scripts.length !== 1) problems.push(`${document.scripts.length} scripts`);
      return { problems, calls: (window as unknown as { __xss: number }).__xss };
    });
    expect(found.problems, path).toEqual([]);
    expect(found.calls, `${path}: alert() calls`).toBe(0);
  }
  // The payloads are shown as text where markdown does not take them: the title reads literally.
  await page.goto(`/incidents/${incident.id}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Payloads <img src=x onerror=alert(1)>');
  await page.goto('/');
  const components = page.getByRole('region', { name: 'Components' });
  await expect(components.getByText('Web <svg onload=alert(1)>', { exact: true })).toBeVisible();
  await expect(components.getByRole('img').locator('path > title').last()).toContainText('Payloads <img src=x onerror=alert(1)>');
  expect(dialogs).toBe(0);
  await context.close();
});
