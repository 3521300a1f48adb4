// The postmortem's generated timeline keeps an update's lists as lists, nested under the update's line.
import { describe, expect, it } from 'vitest';
import { timelineEntryText } from '../../api/postmortems/postmortem-read.ts';
import { renderMarkdown } from '../../api/core/markdown.ts';

describe('timelineEntryText', () => {
  it('puts the first paragraph on the line and nests a list that follows it', () => {
    const md = 'Checkout fails with HTTP 500.\n- Dashboard is unaffected\n- Next update in 30 minutes';
    const entry = `- **Dec 2, 2026, 03:56 GMT+1** — Identified: ${timelineEntryText(md)}`;
    expect(entry).toBe('- **Dec 2, 2026, 03:56 GMT+1** — Identified: Checkout fails with HTTP 500.\n  - Dashboard is unaffected\n  - Next update in 30 minutes');
    const html = renderMarkdown(`${entry}\n- **later** — Resolved: Fixed.`);
    expect(html).toMatch(/Checkout fails with HTTP 500\.\s*<ul>\s*<li>Dashboard is unaffected<\/li>\s*<li>Next update in 30 minutes<\/li>\s*<\/ul>/);
    expect(html).not.toContain('500. - Dashboard');
  });

  it('keeps further paragraphs and a leading list under the entry, and joins a wrapped first paragraph', () => {
    expect(timelineEntryText('We are\nlooking.\n\nMore soon.')).toBe('We are looking.\n  More soon.');
    expect(timelineEntryText('- one\n- two')).toBe('\n  - one\n  - two');
    const html = renderMarkdown(`- **t** — Investigating: ${timelineEntryText('- one\n- two')}`);
    expect(html).toMatch(/<li><strong>t<\/strong> — Investigating:\s*<ul>\s*<li>one<\/li>\s*<li>two<\/li>/);
  });
});
