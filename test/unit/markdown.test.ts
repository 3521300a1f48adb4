// renderMarkdown: ordinary markdown renders, and no known XSS payload survives; markdownToText for text parts.
import { describe, expect, it } from 'vitest';
import { markdownToText, renderMarkdown } from '../../api/core/markdown.ts';
import { findUnsafeHtml, XSS_PAYLOADS } from '../support/xss-payloads.ts';

describe('renderMarkdown: XSS payloads', () => {
  it('has at least 30 payloads', () => {
    expect(XSS_PAYLOADS.length).toBeGreaterThanOrEqual(30);
  });

  it.each(XSS_PAYLOADS.map((p) => [p]))('leaves nothing executable: %s', (payload) => {
    const html = renderMarkdown(payload);
    expect(findUnsafeHtml(html)).toEqual([]);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<[a-z][^>]*\son[a-z]+\s*=/i);
    expect(html).not.toMatch(/<[a-z][^>]*\s(href|src)\s*=\s*["']?\s*(javascript|vbscript|data):/i);
  });

  it('also in the middle of ordinary markdown', () => {
    const html = renderMarkdown(`Intro **text**\n\n${XSS_PAYLOADS.join('\n\n')}\n\n- a list`);
    expect(findUnsafeHtml(html)).toEqual([]);
  });

  it('shows raw HTML as the text that was typed', () => {
    expect(renderMarkdown('<img src=x onerror=alert(1)>')).toBe('&lt;img src=x onerror=alert(1)&gt;');
    expect(renderMarkdown('Error <b>here</b>')).toBe('<p>Error &lt;b&gt;here&lt;/b&gt;</p>');
  });

  it('drops the target of javascript: links but keeps their text', () => {
    expect(renderMarkdown('[click](javascript:alert(1))')).toBe('<p><a rel="nofollow noopener noreferrer">click</a></p>');
  });

  it('checker catches what it should (so a pass means something)', () => {
    expect(findUnsafeHtml('<img src=x onerror=alert(1)>')).not.toEqual([]);
    expect(findUnsafeHtml('<a href="javascript:alert(1)">x</a>')).not.toEqual([]);
    expect(findUnsafeHtml('<a href="jav&#x09;ascript:alert(1)">x</a>')).not.toEqual([]);
    expect(findUnsafeHtml('<script>alert(1)</script>')).not.toEqual([]);
    expect(findUnsafeHtml('<p style="x">a</p>')).not.toEqual([]);
    expect(findUnsafeHtml('<!-- x -->')).not.toEqual([]);
    expect(findUnsafeHtml('<p>ok <a href="https://e.com" rel="nofollow">e</a></p>')).toEqual([]);
  });
});

describe('renderMarkdown: ordinary markdown', () => {
  it('emphasis, strong, strikethrough, inline code', () => {
    expect(renderMarkdown('*a* **b** ~~c~~ `d<e`')).toBe('<p><em>a</em> <strong>b</strong> <del>c</del> <code>d&lt;e</code></p>');
  });

  it('keeps single newlines as line breaks (GFM breaks)', () => {
    expect(renderMarkdown('one\ntwo')).toBe('<p>one<br />two</p>');
  });

  it('lists, ordered lists with a start', () => {
    expect(renderMarkdown('- a\n- b')).toBe('<ul>\n<li>a</li>\n<li>b</li>\n</ul>');
    expect(renderMarkdown('3. c\n4. d')).toBe('<ol start="3">\n<li>c</li>\n<li>d</li>\n</ol>');
  });

  it('links get rel="nofollow noopener noreferrer"; http, https and mailto only', () => {
    expect(renderMarkdown('[docs](https://example.com/a?b=1&c=2 "Docs")')).toBe(
      '<p><a rel="nofollow noopener noreferrer" href="https://example.com/a?b=1&amp;c=2" title="Docs">docs</a></p>',
    );
    expect(renderMarkdown('<https://example.com>')).toContain('href="https://example.com"');
    expect(renderMarkdown('[m](mailto:ops@example.com)')).toContain('href="mailto:ops@example.com"');
    expect(renderMarkdown('[r](/relative)')).toBe('<p><a rel="nofollow noopener noreferrer">r</a></p>');
    expect(renderMarkdown('[p](//evil.example/x)')).not.toContain('href');
  });

  it('fenced code keeps its language class and escapes its content', () => {
    expect(renderMarkdown('```js\nif (a < b) alert(1)\n```')).toBe(
      '<pre><code class="language-js">if (a &lt; b) alert(1)\n</code></pre>',
    );
  });

  it('headings move below the page headings; blockquotes, rules and tables render', () => {
    expect(renderMarkdown('# Big')).toBe('<h3>Big</h3>');
    expect(renderMarkdown('## Less')).toBe('<h4>Less</h4>');
    expect(renderMarkdown('#### Small')).toBe('<h4>Small</h4>');
    expect(renderMarkdown('> said')).toBe('<blockquote>\n<p>said</p>\n</blockquote>');
    expect(renderMarkdown('a\n\n---\n\nb')).toContain('<hr />');
    const table = renderMarkdown('| a | b |\n|:--|--:|\n| 1 | 2 |');
    expect(table).toContain('<th align="left">a</th>');
    expect(table).toContain('<td align="right">2</td>');
    expect(findUnsafeHtml(table)).toEqual([]);
  });

  it('images only from https, loaded lazily without a referrer', () => {
    expect(renderMarkdown('![graph](https://example.com/g.png)')).toBe(
      '<p><img src="https://example.com/g.png" loading="lazy" referrerpolicy="no-referrer" alt="graph" /></p>',
    );
    expect(renderMarkdown('![graph](http://example.com/g.png)')).toBe('<p></p>');
  });

  it('escapes text that looks like markup and keeps entities', () => {
    expect(renderMarkdown('latency < 200 ms & rising')).toBe('<p>latency &lt; 200 ms &amp; rising</p>');
  });

  it('empty input renders empty', () => {
    expect(renderMarkdown('')).toBe('');
  });
});

describe('renderMarkdown: inputs marked is slow or fragile on', () => {
  // Without the guard these take seconds to minutes, or throw RangeError: each falls back to plain text.
  it('a long run of emphasis delimiters is shown as text', () => {
    const md = '*_a'.repeat(16_000);
    expect(renderMarkdown(md)).toBe(`<p>${md}</p>`);
    expect(markdownToText(md)).toBe(md);
  });

  it('quotes and lists nested thousands deep never throw', () => {
    for (const md of ['>'.repeat(50_000) + ' x', '> '.repeat(25_000), '- '.repeat(2_000) + 'x']) {
      const html = renderMarkdown(md);
      expect(html.startsWith('<p>')).toBe(true);
      expect(findUnsafeHtml(html)).toEqual([]);
      expect(() => markdownToText(md)).not.toThrow();
    }
  });

  it('the fallback keeps paragraphs and line breaks and escapes everything else', () => {
    const md = `${'- '.repeat(30)}x <b>y</b>\nnext line\n\nsecond paragraph`;
    expect(renderMarkdown(md)).toBe(`<p>${'- '.repeat(30).trim()} x &lt;b&gt;y&lt;/b&gt;<br />next line</p>\n<p>second paragraph</p>`);
  });

  it('ordinary nesting still renders as markdown', () => {
    expect(renderMarkdown('> > quoted twice')).toBe('<blockquote>\n<blockquote>\n<p>quoted twice</p>\n</blockquote>\n</blockquote>');
    expect(renderMarkdown('- a\n  - b')).toContain('<li>b</li>');
  });
});

describe('markdownToText', () => {
  it('paragraphs, emphasis and breaks', () => {
    expect(markdownToText('We are **investigating** _errors_.\nMore soon.\n\nNext paragraph.')).toBe(
      'We are investigating errors.\nMore soon.\n\nNext paragraph.',
    );
  });

  it('links as text (url); bare URLs once; unsafe targets dropped', () => {
    expect(markdownToText('See [the docs](https://example.com/d).')).toBe('See the docs (https://example.com/d).');
    expect(markdownToText('<https://example.com>')).toBe('https://example.com');
    expect(markdownToText('[click](javascript:alert(1))')).toBe('click');
  });

  it('lists, code and quotes', () => {
    expect(markdownToText('- a\n- b\n\n1. c\n2. d')).toBe('- a\n- b\n\n1. c\n2. d');
    expect(markdownToText('- [x] done\n- [ ] todo')).toBe('- [x] done\n- [ ] todo');
    expect(markdownToText('```\nx < y\n```')).toBe('x < y');
    expect(markdownToText('`a<b` &amp; AT&T')).toBe('a<b & AT&T');
    expect(markdownToText('> quoted\n> twice')).toBe('> quoted\n> twice');
  });

  it('raw HTML stays as typed (a text part is never interpreted)', () => {
    expect(markdownToText('<b>bold</b>')).toBe('<b>bold</b>');
  });
});
