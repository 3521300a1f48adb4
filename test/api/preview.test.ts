// POST /api/v1/preview: the composer's preview is the public renderer's output, for signed-in users only.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { json, makeTestApp, userWithSession, type TestApp } from '../support/app.ts';
import { renderMarkdown } from '../../api/core/markdown.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp({ memory: true });
});
afterEach(() => t.close());

describe('POST /api/v1/preview', () => {
  it('renders with the sanitizing renderer the public page uses', async () => {
    const viewer = await userWithSession(t, 'viewer');
    const md = '**Degraded** <script>alert(1)</script> [x](javascript:alert(1))';
    const res = await t.app.request('/api/v1/preview', json('POST', { markdown: md }, viewer.headers));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { html: string };
    expect(body.html).toBe(renderMarkdown(md));
    expect(body.html).toContain('<strong>Degraded</strong>');
    expect(body.html).not.toContain('<script');
    expect(body.html).not.toContain('javascript:');
  });

  it('refuses anonymous requests and bad input', async () => {
    const anon = await t.app.request('/api/v1/preview', json('POST', { markdown: 'x' }));
    expect(anon.status).toBe(401);
    const editor = await userWithSession(t, 'editor');
    const bad = await t.app.request('/api/v1/preview', json('POST', { markdown: 5 }, editor.headers));
    expect(bad.status).toBe(400);
    const big = await t.app.request('/api/v1/preview', json('POST', { markdown: 'x'.repeat(50_001) }, editor.headers));
    expect(big.status).toBe(400);
  });
});
