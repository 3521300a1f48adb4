// The export's file layout and link rewriting: relative links to exported files, live links for the rest.
import { describe, expect, it } from 'vitest';
import { fileForUrl, relativeLink, rewriteHtml } from '../../api/cli/export.ts';

const BASE = 'https://status.example.com';

describe('fileForUrl', () => {
  it('maps pages to folders with index.html and keeps files as they are', () => {
    expect(fileForUrl('/')).toBe('index.html');
    expect(fileForUrl('/history')).toBe('history/index.html');
    expect(fileForUrl('/history?page=1')).toBe('history/index.html');
    expect(fileForUrl('/history?page=3')).toBe('history/page/3/index.html');
    expect(fileForUrl('/incidents/abc')).toBe('incidents/abc/index.html');
    expect(fileForUrl('/incidents/abc/postmortem')).toBe('incidents/abc/postmortem/index.html');
    expect(fileForUrl('/history.rss')).toBe('history.rss');
    expect(fileForUrl('/api/v2/summary.json')).toBe('api/v2/summary.json');
    expect(fileForUrl('/_astro/a.B1.css')).toBe('_astro/a.B1.css');
  });

  it('puts a further language’s pages under its tag, history pages included', () => {
    expect(fileForUrl('/de/')).toBe('de/index.html');
    expect(fileForUrl('/pt-BR/history?page=1')).toBe('pt-BR/history/index.html');
    expect(fileForUrl('/pt-BR/history?page=2')).toBe('pt-BR/history/page/2/index.html');
    expect(fileForUrl('/ja/incidents/abc/postmortem')).toBe('ja/incidents/abc/postmortem/index.html');
    expect(fileForUrl('/ar/maintenance.ics')).toBe('ar/maintenance.ics');
    expect(fileForUrl('/de/incidents/abc?page=2')).toBeNull();
  });

  it('refuses what a static host cannot tell apart or what escapes the folder', () => {
    expect(fileForUrl('/?x=1')).toBeNull();
    expect(fileForUrl('/history?page=abc')).toBeNull();
    expect(fileForUrl('/incidents/%2e%2e/secrets')).toBeNull();
    expect(fileForUrl('/incidents/%E0%A4%A')).toBeNull();
  });
});

describe('links', () => {
  it('are relative to the file that holds them', () => {
    expect(relativeLink('index.html', 'history/index.html')).toBe('history/index.html');
    expect(relativeLink('incidents/a/index.html', 'index.html', '#subscribe')).toBe('../../index.html#subscribe');
    expect(relativeLink('incidents/a/index.html', '_astro/x.css')).toBe('../../_astro/x.css');
    expect(relativeLink('history/page/2/index.html', 'history/page/3/index.html')).toBe('../3/index.html');
  });

  it('rewrites exported links, sends the rest to the live site, keeps canonical and alternate', () => {
    const found: string[] = [];
    const html = [
      `<link rel="canonical" href="${BASE}/incidents/a">`,
      `<link rel="alternate" type="application/rss+xml" href="${BASE}/history.rss">`,
      '<link rel="stylesheet" href="/_astro/x.css">',
      '<a href="/">Home</a> <a href="/history?page=2">Older</a>',
      `<a href="${BASE}/incidents/a/postmortem">Postmortem</a>`,
      '<a href="/subscriptions?token=a&amp;b=c">Manage</a>',
      '<form method="post" action="/api/v2/subscribers.json"></form>',
      '<a href="https://github.com/x">elsewhere</a>',
      '<style>.x{background:url(/_astro/bg.svg)}</style>',
    ].join('\n');
    const out = rewriteHtml(html, 'incidents/a/index.html', BASE, (u) => found.push(u), (p) => p.startsWith('/_astro/') || /^\/(|history|incidents\/.+)$/.test(p));
    expect(out).toContain(`<link rel="canonical" href="${BASE}/incidents/a">`);
    expect(out).toContain(`href="${BASE}/history.rss"`);
    expect(out).toContain('href="../../_astro/x.css"');
    expect(out).toContain('<a href="../../index.html">Home</a>');
    expect(out).toContain('<a href="../../history/page/2/index.html">Older</a>');
    expect(out).toContain('<a href="postmortem/index.html">Postmortem</a>');
    expect(out).toContain(`<a href="${BASE}/subscriptions?token=a&amp;b=c">Manage</a>`);
    expect(out).toContain(`action="${BASE}/api/v2/subscribers.json"`);
    expect(out).toContain('<a href="https://github.com/x">');
    expect(out).toContain('url(../../_astro/bg.svg)');
    expect(found).toEqual(expect.arrayContaining(['/', '/history?page=2', '/incidents/a/postmortem', '/_astro/x.css']));
    expect(found).not.toContain('/subscriptions?token=a&b=c');
  });
});
