// The shape of a message catalogue: what a language is called and how it runs, and its messages.

/** Plural forms by Intl.PluralRules category; `other` is always there. `{count}` is the number. */
interface Plural {
  zero?: string;
  one?: string;
  two?: string;
  few?: string;
  many?: string;
  other: string;
}

/** A message: text with `{name}` placeholders, or plural forms of it. */
export type Message = string | Plural;

export interface LanguageInfo {
  /** The BCP 47 tag, as URLs and settings spell it: "de", "pt-BR". */
  tag: string;
  /** The language's name in itself, for the switcher: "Deutsch", "日本語". */
  name: string;
  dir: 'ltr' | 'rtl';
  /** The Intl locale that formats dates and numbers. */
  intl: string;
  /** The month in dates: "Nov 27, 2026" or "27. November 2026". */
  month: 'short' | 'long';
}
