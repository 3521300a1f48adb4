// Status badges as SVG, in the shields.io look: a grey label and a coloured message, `flat` or `flat-square`, for light
// or dark backgrounds. Every text is escaped for XML; the colours are the public page's (site/styles/tokens.css).
import type { ComponentStatus } from '../core/vocabulary.ts';
import { escapeXml, xmlSafe } from '../core/xml.ts';
import type { Indicator } from './statuspage-types.ts';

export type BadgeStyle = 'flat' | 'flat-square';
export type BadgeTheme = 'light' | 'dark';
/** A badge's colour: the page's status colours, plus grey for "no data". */
export type BadgeTone = 'ok' | 'minor' | 'major' | 'critical' | 'maintenance' | 'none';

interface Colours {
  bg: string;
  text: string;
}

/**
 * The `*-bg` colours of site/styles/tokens.css (and `--minor-on`, the text on the minor colour), per theme: the
 * page's banner colours, which carry their text at WCAG AA. test/unit/badge.test.ts holds the two files together.
 */
export const BADGE_PALETTE: Record<BadgeTheme, Record<BadgeTone | 'label', Colours>> = {
  light: {
    label: { bg: '#57606a', text: '#ffffff' },
    ok: { bg: '#1a7f37', text: '#ffffff' },
    minor: { bg: '#f2c94c', text: '#1b1f24' },
    major: { bg: '#b34400', text: '#ffffff' },
    critical: { bg: '#c11f2b', text: '#ffffff' },
    maintenance: { bg: '#0969da', text: '#ffffff' },
    none: { bg: '#6e7781', text: '#ffffff' },
  },
  dark: {
    label: { bg: '#30363d', text: '#e6edf3' },
    ok: { bg: '#1f7a34', text: '#ffffff' },
    minor: { bg: '#d8a634', text: '#1b1f24' },
    major: { bg: '#a74300', text: '#ffffff' },
    critical: { bg: '#b62324', text: '#ffffff' },
    maintenance: { bg: '#1f6feb', text: '#ffffff' },
    none: { bg: '#3d444d', text: '#e6edf3' },
  },
};

export const INDICATOR_TONE: Record<Indicator, BadgeTone> = {
  none: 'ok',
  minor: 'minor',
  major: 'major',
  critical: 'critical',
  maintenance: 'maintenance',
};

/** The overall status in a badge's few words (the descriptions are too long for one). */
export const INDICATOR_MESSAGE: Record<Indicator, string> = {
  none: 'operational',
  minor: 'minor outage',
  major: 'partial outage',
  critical: 'major outage',
  maintenance: 'maintenance',
};

export const COMPONENT_TONE: Record<ComponentStatus, BadgeTone> = {
  operational: 'ok',
  degraded_performance: 'minor',
  partial_outage: 'major',
  major_outage: 'critical',
  under_maintenance: 'maintenance',
};

/** A label given in the query may be at most this long (in characters); longer is a 400. */
export const MAX_LABEL_LENGTH = 64;
/** Default labels (a component's name) are cut to this. */
const DEFAULT_LABEL_LENGTH = 40;

// Advance widths of Verdana at 11 px, the badge font, for the printable ASCII characters (space to ~). Other
// characters get a width by their kind. The text is drawn with textLength, so a fallback font fills the same box.
const ASCII_WIDTHS = [
  3.9, 4.3, 5.1, 9.1, 7, 11.8, 8, 3, 4.9, 4.9, 7, 9.1, 4, 4.9, 4, 4.9, // space ! " # $ % & ' ( ) * + , - . /
  7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 4.9, 4.9, 9.1, 9.1, 9.1, 6, // 0-9 : ; < = > ?
  10.9, 7.5, 7.5, 7.7, 8.5, 6.9, 6.3, 8.5, 8.3, 4.7, 5, 7.6, 6.1, 9.3, 8.2, 8.6, // @ A-O
  6.6, 8.6, 7.7, 7.5, 6.8, 8, 7.5, 10.9, 7.5, 6.8, 7.5, 4.9, 4.9, 4.9, 9.1, 7, // P-Z [ \ ] ^ _
  7, 6.6, 6.8, 5.7, 6.8, 6.6, 3.9, 6.8, 6.9, 3, 3.8, 6.5, 3, 10.6, 6.9, 6.7, // ` a-o
  6.8, 6.8, 4.7, 5.7, 4.3, 6.9, 6.5, 9, 6.5, 6.5, 5.8, 7, 4.9, 7, 9.1, // p-z { | } ~
];

/** The text's width in px at 11 px Verdana, estimated. */
export function textWidth(text: string): number {
  let w = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (code >= 32 && code <= 126) w += ASCII_WIDTHS[code - 32] ?? 7;
    // East Asian wide characters (CJK, Hangul, full-width forms) and emoji take about an em.
    else if ((code >= 0x1100 && code <= 0x115f) || (code >= 0x2e80 && code <= 0xa4cf) || (code >= 0xac00 && code <= 0xd7a3) || (code >= 0xf900 && code <= 0xfaff) || (code >= 0xfe30 && code <= 0xfe4f) || (code >= 0xff00 && code <= 0xff60) || code >= 0x1f000) w += 11;
    // Combining marks and zero-width characters take nothing.
    else if ((code >= 0x300 && code <= 0x36f) || code === 0x200b || code === 0x200c || code === 0x200d || code === 0xfe0f) w += 0;
    else w += 7;
  }
  return w;
}

/** Whitespace runs as one space, no control or XML-forbidden characters, trimmed. */
export function cleanText(s: string): string {
  return xmlSafe(s)
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A default label: cleaned and cut to a badge's length. */
export function defaultLabel(s: string): string {
  const chars = Array.from(cleanText(s));
  return chars.length > DEFAULT_LABEL_LENGTH ? `${chars.slice(0, DEFAULT_LABEL_LENGTH - 1).join('')}…` : chars.join('');
}

export interface BadgeInput {
  /** Empty: a badge of the message alone. */
  label: string;
  message: string;
  tone: BadgeTone;
  style?: BadgeStyle;
  theme?: BadgeTheme;
  /** The accessible name and tooltip; `label: message` by default. */
  title?: string;
}

const PAD = 6;
const HEIGHT = 20;
const round1 = (n: number) => Math.round(n * 10) / 10;

/** One text, and its shadow in the flat style (shields draws the same). */
function textPair(text: string, centre: number, width: number, colour: string, flat: boolean): string {
  const t = escapeXml(text);
  const attrs = `x="${round1(centre)}" textLength="${round1(width)}" lengthAdjust="spacingAndGlyphs"`;
  const shadow = flat ? `<text aria-hidden="true" ${attrs} y="15" fill="${colour === '#ffffff' ? '#010101' : '#cccccc'}" fill-opacity=".3">${t}</text>` : '';
  return `${shadow}<text ${attrs} y="14" fill="${colour}">${t}</text>`;
}

/** The badge as an SVG document. */
export function badgeSvg(input: BadgeInput): string {
  const style = input.style ?? 'flat';
  const theme = input.theme ?? 'light';
  const flat = style === 'flat';
  const palette = BADGE_PALETTE[theme];
  const label = cleanText(input.label);
  const message = cleanText(input.message) || '?';
  const labelText = label ? Math.max(1, textWidth(label)) : 0;
  const messageText = Math.max(1, textWidth(message));
  const lw = label ? Math.round(labelText + 2 * PAD) : 0;
  const mw = Math.round(messageText + 2 * PAD);
  const w = lw + mw;
  const tone = palette[input.tone];
  const title = cleanText(input.title ?? (label ? `${label}: ${message}` : message));
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${HEIGHT}" role="img" aria-label="${escapeXml(title)}">`,
    `<title>${escapeXml(title)}</title>`,
  ];
  if (flat) {
    parts.push(
      '<linearGradient id="hs" x2="0" y2="100%"><stop offset="0" stop-color="#bbbbbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>',
      `<clipPath id="hr"><rect width="${w}" height="${HEIGHT}" rx="3" fill="#ffffff"/></clipPath>`,
    );
  }
  parts.push(`<g${flat ? ' clip-path="url(#hr)"' : ''}>`);
  if (label) parts.push(`<rect width="${lw}" height="${HEIGHT}" fill="${palette.label.bg}"/>`);
  parts.push(`<rect x="${lw}" width="${mw}" height="${HEIGHT}" fill="${tone.bg}"/>`);
  if (flat) parts.push(`<rect width="${w}" height="${HEIGHT}" fill="url(#hs)"/>`);
  parts.push('</g>', '<g text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="11">');
  if (label) parts.push(textPair(label, lw / 2, labelText, palette.label.text, flat));
  parts.push(textPair(message, lw + mw / 2, messageText, tone.text, flat), '</g>', '</svg>');
  return parts.join('');
}

/** The tone of an uptime: against the SLA target when there is one, else by how many nines. */
export function uptimeTone(fraction: number | null, slaTargetPercent: number | null): BadgeTone {
  if (fraction === null) return 'none';
  const percent = fraction * 100;
  if (slaTargetPercent !== null) return percent >= slaTargetPercent - 1e-9 ? 'ok' : 'critical';
  if (percent >= 99.9) return 'ok';
  if (percent >= 99) return 'minor';
  if (percent >= 95) return 'major';
  return 'critical';
}
