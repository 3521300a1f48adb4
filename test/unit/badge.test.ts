// Badge SVGs: well-formed XML whatever the label holds, the page's own colours (tokens.css) at WCAG AA contrast,
// the two styles, and widths that follow the text.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BADGE_PALETTE, badgeSvg, textWidth, uptimeTone, type BadgeTheme, type BadgeTone } from '../../api/public/badge.ts';
import { allElements, parseXml } from '../support/xml-tree.ts';
import { XSS_PAYLOADS } from '../support/xss-payloads.ts';

/** WCAG 2 relative luminance and contrast ratio. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}
const contrast = (a: string, b: string) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
};

/** The custom properties of tokens.css: the light ones, and the dark block's. */
function tokens(): Record<BadgeTheme, Record<string, string>> {
  const css = readFileSync(new URL('../../site/styles/tokens.css', import.meta.url), 'utf8');
  const darkAt = css.indexOf('@media (prefers-color-scheme: dark)');
  const read = (part: string) => Object.fromEntries([...part.matchAll(/--([a-z-]+):\s*(#[0-9a-f]{6})/gi)].map((m) => [m[1]!, m[2]!.toLowerCase()]));
  return { light: read(css.slice(0, darkAt)), dark: { ...read(css.slice(0, darkAt)), ...read(css.slice(darkAt)) } };
}

const TONES: BadgeTone[] = ['ok', 'minor', 'major', 'critical', 'maintenance', 'none'];

describe('badge colours', () => {
  it("are the public page's banner colours", () => {
    const t = tokens();
    for (const theme of ['light', 'dark'] as const) {
      const p = BADGE_PALETTE[theme];
      expect([p.ok.bg, p.minor.bg, p.major.bg, p.critical.bg, p.maintenance.bg], theme).toEqual(
        ['ok-bg', 'minor-bg', 'major-bg', 'crit-bg', 'maint-bg'].map((k) => t[theme][k]),
      );
      expect(p.minor.text).toBe(t[theme]['minor-on']);
    }
  });

  it('carry their text at WCAG AA (4.5:1) in both themes', () => {
    for (const theme of ['light', 'dark'] as const) {
      for (const tone of [...TONES, 'label'] as const) {
        const { bg, text } = BADGE_PALETTE[theme][tone];
        expect(contrast(bg, text), `${theme} ${tone}`).toBeGreaterThanOrEqual(4.5);
      }
    }
  });
});

describe('badgeSvg', () => {
  it('is an SVG document with a title, the label and the message as text', () => {
    const svg = parseXml(badgeSvg({ label: 'status', message: 'operational', tone: 'ok' }));
    expect(svg.name).toBe('svg');
    expect(svg.attrs.xmlns).toBe('http://www.w3.org/2000/svg');
    expect(svg.attrs.role).toBe('img');
    expect(svg.attrs['aria-label']).toBe('status: operational');
    const els = allElements(svg);
    expect(els.find((e) => e.name === 'title')?.text).toBe('status: operational');
    const texts = els.filter((e) => e.name === 'text' && e.attrs['aria-hidden'] !== 'true').map((e) => e.text);
    expect(texts).toEqual(['status', 'operational']);
    const rects = els.filter((e) => e.name === 'rect' && e.attrs.fill?.startsWith('#'));
    expect(rects.map((r) => r.attrs.fill)).toContain(BADGE_PALETTE.light.ok.bg);
    expect(Number(svg.attrs.width)).toBe(rects.filter((r) => r.attrs.height === '20' && !r.attrs.rx).reduce((w, r) => w + Number(r.attrs.width), 0));
  });

  it('stays well-formed, and keeps every payload as text, whatever the label says', () => {
    const hostile = [...XSS_PAYLOADS, '</text></svg><script>alert(1)</script>', 'a & b < c > d " e \' f', '\u0000\u0001\u000b\ufffe\ud800 bad', ']]>', '&amp;&#x26;'];
    for (const label of hostile) {
      const xml = badgeSvg({ label, message: `${label} msg`, tone: 'critical', title: label });
      const svg = parseXml(xml);
      const els = allElements(svg);
      expect(els.map((e) => e.name).filter((n) => !['svg', 'title', 'linearGradient', 'stop', 'clipPath', 'rect', 'g', 'text'].includes(n)), label).toEqual([]);
      for (const e of els) for (const name of Object.keys(e.attrs)) expect(name, label).not.toMatch(/^on/i);
      expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/);
      const shown = els.find((e) => e.name === 'text' && e.attrs['aria-hidden'] !== 'true')!.text;
      // What the label said, less the characters XML cannot hold, whitespace runs made one space.
      expect(shown).toBe(label.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\ud800]/g, '').replace(/\s+/g, ' ').trim());
    }
  });

  it('draws flat with rounded corners and a gloss, flat-square without; dark uses the dark palette', () => {
    const flat = badgeSvg({ label: 'a', message: 'b', tone: 'major' });
    const square = badgeSvg({ label: 'a', message: 'b', tone: 'major', style: 'flat-square' });
    expect(flat).toContain('rx="3"');
    expect(flat).toContain('linearGradient');
    expect(square).not.toContain('rx=');
    expect(square).not.toContain('linearGradient');
    const dark = badgeSvg({ label: 'a', message: 'b', tone: 'major', theme: 'dark' });
    expect(dark).toContain(BADGE_PALETTE.dark.major.bg);
    expect(dark).toContain(BADGE_PALETTE.dark.label.bg);
    expect(dark).not.toContain(BADGE_PALETTE.light.major.bg);
  });

  it('leaves out the label part when the label is empty', () => {
    const svg = parseXml(badgeSvg({ label: '', message: 'operational', tone: 'ok' }));
    const texts = allElements(svg).filter((e) => e.name === 'text' && e.attrs['aria-hidden'] !== 'true');
    expect(texts.map((t) => t.text)).toEqual(['operational']);
    expect(svg.attrs['aria-label']).toBe('operational');
  });

  it('is as wide as its text: longer and wider characters make a wider badge', () => {
    const width = (label: string) => Number(parseXml(badgeSvg({ label, message: 'ok', tone: 'ok' })).attrs.width);
    expect(width('API')).toBeLessThan(width('API gateway'));
    expect(textWidth('iiii')).toBeLessThan(textWidth('MMMM'));
    expect(textWidth('状态')).toBeGreaterThan(textWidth('ab'));
    expect(textWidth('e\u0301')).toBe(textWidth('e'));
  });
});

describe('uptimeTone', () => {
  it('measures against the SLA target when there is one, else by nines', () => {
    expect(uptimeTone(null, null)).toBe('none');
    expect(uptimeTone(0.9995, null)).toBe('ok');
    expect(uptimeTone(0.995, null)).toBe('minor');
    expect(uptimeTone(0.97, null)).toBe('major');
    expect(uptimeTone(0.9, null)).toBe('critical');
    expect(uptimeTone(0.995, 99)).toBe('ok');
    expect(uptimeTone(0.9995, 99.99)).toBe('critical');
  });
});
