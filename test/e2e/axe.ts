// axe-core, strictly: violations, plus the contrast checks axe leaves "incomplete" that are certain failures.
// Text in exactly its background's colour is one: axe files a 1:1 ratio under "needs review" (it might be text
// hidden on purpose), which is how an empty-looking green bar on /subscriptions/requested passed every scan.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

/** Problems on the page as one line each (`where: rule target`); [] when clean. */
export async function axeProblems(page: Page, where: string, opts: { include?: string; exclude?: string } = {}): Promise<string[]> {
  const builder = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']);
  if (opts.include) builder.include(opts.include);
  if (opts.exclude) builder.exclude(opts.exclude);
  const result = await builder.analyze();
  const lines = result.violations.map((v) => `${where}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  for (const v of result.incomplete) {
    if (v.id !== 'color-contrast') continue;
    for (const n of v.nodes) {
      const equal = n.any.some((check) => (check.data as { messageKey?: string } | null)?.messageKey === 'equalRatio');
      if (equal) lines.push(`${where}: color-contrast (text in its background's colour) ${n.target.join(' ')}`);
    }
  }
  return lines;
}
