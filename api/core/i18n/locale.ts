// The shipped languages and their catalogues: a Locale per language (messages with English fallback, Intl number,
// percent and list formatting, the TimeLocale the dates take), and which languages a page offers at which paths.
import { escapeHtml } from '../html.ts';
import type { TimeLocale } from '../time-format.ts';
import type { LanguageInfo, Message } from './message.ts';
import * as en from './en.ts';
import * as de from './de.ts';
import * as fr from './fr.ts';
import * as es from './es.ts';
import * as ptBR from './pt-BR.ts';
import * as ja from './ja.ts';
import * as ar from './ar.ts';
import type { Catalogue, MessageKey } from './en.ts';

export type { MessageKey };

export interface CatalogueModule {
  info: LanguageInfo;
  messages: Catalogue;
}

/** Every shipped catalogue, English first. Adding a language: a module beside these, listed here (README). */
const CATALOGUES: readonly CatalogueModule[] = [en, de, fr, es, ptBR, ja, ar];

/** The tags of the shipped languages, as settings and URLs spell them. */
export const LANGUAGE_TAGS: readonly string[] = CATALOGUES.map((c) => c.info.tag);

/** The page's language when the settings name none. */
export const DEFAULT_LANGUAGE = 'en';

const byTag = new Map(CATALOGUES.map((c) => [c.info.tag, c]));
const byLowerTag = new Map(CATALOGUES.map((c) => [c.info.tag.toLowerCase(), c.info.tag]));

/** A shipped language's tag as the catalogues spell it ("pt-br" → "pt-BR"), or null for anything else. */
export function canonicalLanguage(tag: string): string | null {
  return byLowerTag.get(tag.trim().toLowerCase()) ?? null;
}

/** Keys each catalogue lacks (they read in English): what the catalogue test lists. */
export function missingKeys(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const keys = Object.keys(en.messages) as MessageKey[];
  for (const c of CATALOGUES) out[c.info.tag] = keys.filter((k) => c.messages[k] === undefined);
  return out;
}

/** Keys a catalogue has that English does not (a typo or a key since removed): never read. */
export function unknownKeys(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const c of CATALOGUES) out[c.info.tag] = Object.keys(c.messages).filter((k) => !(k in en.messages));
  return out;
}

/** Whether `key` names a message (keys built from a code: `postmortem.section.${key}`). */
export function isMessageKey(key: string): key is MessageKey {
  return key in en.messages;
}

/** A message argument: text and numbers are escaped by `html`; `{ html }` is markup inserted as it is. */
type MessageValue = string | number | { html: string };

export interface Locale extends TimeLocale {
  tag: string;
  /** The language's own name ("Deutsch"). */
  name: string;
  dir: 'ltr' | 'rtl';
  /** The message as plain text; numbers in it written the language's way. A plural message takes `count`. */
  t(key: MessageKey, values?: Record<string, string | number>): string;
  /** The message as HTML: its text and text values escaped, `{ html }` values as they are. */
  html(key: MessageKey, values?: Record<string, MessageValue>): string;
  /** Status words by the vocabulary's codes; an unknown code reads as itself. */
  status(code: string): string;
  componentStatus(code: string): string;
  impact(code: string): string;
  /** The overall status (the roll-up's indicator: none, minor, major, critical, maintenance). */
  indicator(code: string): string;
  number(n: number): string;
  /** `fraction` (0.9998) as a percentage with two decimals, as given (no rounding up here). */
  percent(fraction: number): string;
  /** Names joined as the language lists them. */
  list(items: readonly string[]): string;
}

const PLACEHOLDER = /\{(\w+)\}/g;

/** A Locale over one catalogue; what it lacks reads in English. (localeFor keeps one per shipped language.) */
export function makeLocale(c: CatalogueModule): Locale {
  const { info } = c;
  const numbers = new Intl.NumberFormat(info.intl);
  const percents = new Intl.NumberFormat(info.intl, { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const plurals = new Intl.PluralRules(info.intl);
  const message = (key: MessageKey): Message => c.messages[key] ?? en.messages[key];
  const pick = (m: Message, values: Record<string, unknown> | undefined): string => {
    if (typeof m === 'string') return m;
    const count = values?.count;
    const n = typeof count === 'number' ? count : Number(count ?? 0);
    return m[plurals.select(n)] ?? m.other;
  };
  const text = (v: unknown): string => (typeof v === 'number' ? numbers.format(v) : String(v));
  let locale: Locale;
  const separator = () => locale.t('list.separator');
  const word = (prefix: string, code: string) => {
    const key = `${prefix}.${code}`;
    return isMessageKey(key) ? locale.t(key) : code.replace(/_/g, ' ');
  };
  locale = {
    tag: info.tag,
    name: info.name,
    dir: info.dir,
    intl: info.intl,
    month: info.month,
    lessThanAMinute: '',
    t(key, values) {
      const m = pick(message(key), values);
      return values ? m.replace(PLACEHOLDER, (whole, name: string) => (name in values ? text(values[name]) : whole)) : m;
    },
    html(key, values) {
      const m = pick(message(key), values);
      let out = '';
      let last = 0;
      for (const match of m.matchAll(PLACEHOLDER)) {
        const name = match[1]!;
        if (!values || !(name in values)) continue;
        const v = values[name]!;
        out += escapeHtml(m.slice(last, match.index)) + (typeof v === 'object' ? v.html : escapeHtml(text(v)));
        last = match.index + match[0].length;
      }
      return out + escapeHtml(m.slice(last));
    },
    status: (code) => word('status', code),
    componentStatus: (code) => word('componentStatus', code),
    impact: (code) => word('impact', code),
    indicator: (code) => word('indicator', code),
    number: (n) => numbers.format(n),
    // As Intl writes it: in Arabic the % sits between left-to-right marks, without which a number after Arabic letters
    // (an Arabic number to the bidi algorithm) would leave the sign on its far side ("%99.50").
    percent: (fraction) => percents.format(fraction),
    list: (items) => items.join(separator()),
  };
  locale.lessThanAMinute = locale.t('duration.lessThanAMinute');
  return locale;
}

const locales = new Map<string, Locale>();

/** The Locale of a shipped language; anything else gets English. */
export function localeFor(tag: string | null | undefined): Locale {
  const c = (tag && byTag.get(tag)) || en;
  let l = locales.get(c.info.tag);
  if (!l) {
    l = makeLocale(c);
    locales.set(c.info.tag, l);
  }
  return l;
}

// ---------------------------------------------------------------------------------------------
// Which languages a page serves, and where

/** The page's language settings: `language` at `/`, each of `languages` under `/<tag>/`. */
export interface LanguageSettings {
  language: string;
  languages: readonly string[];
}

/** The page's languages, its default first; tags no catalogue has are left out. */
export function offeredLanguages(s: LanguageSettings): string[] {
  const first = canonicalLanguage(s.language) ?? DEFAULT_LANGUAGE;
  const out = [first];
  for (const tag of s.languages) {
    const known = canonicalLanguage(tag);
    if (known && !out.includes(known)) out.push(known);
  }
  return out;
}

/** The language the page serves for `tag`: that one when the page offers it, else the page's default. */
export function servedLanguage(s: LanguageSettings, tag: string | null | undefined): string {
  const offered = offeredLanguages(s);
  const known = tag ? canonicalLanguage(tag) : null;
  return known && offered.includes(known) ? known : offered[0]!;
}

/** "" for the default language (served at `/`), "/de" for another. */
export function languagePrefix(s: LanguageSettings, tag: string): string {
  return tag === offeredLanguages(s)[0] ? '' : `/${tag}`;
}

/** A public path in a language: "/" → "/de/", "/history" → "/de/history"; the default language's unchanged. */
export function localizedPath(s: LanguageSettings, tag: string, path: string): string {
  const prefix = languagePrefix(s, tag);
  if (!prefix) return path;
  return path === '/' ? `${prefix}/` : path.startsWith('/?') ? `${prefix}/${path.slice(1)}` : `${prefix}${path}`;
}
