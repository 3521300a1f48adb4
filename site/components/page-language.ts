// The language a public page is in: the first segment of its path when that names one of the page's further
// languages (`/de/history`), else the page's default one (`/history`); the links, alternates and switcher follow.
import { LANGUAGE_TAGS, localeFor, localizedPath, offeredLanguages, type LanguageSettings, type Locale } from '../../api/core/i18n/locale.ts';

export interface PageLanguage {
  loc: Locale;
  /** The page's languages, the default first. */
  offered: string[];
  /** A public path ("/history", "/", "/history?page=2") in this page's language. */
  href(path: string): string;
  /** The same path in another of the page's languages. */
  hrefIn(tag: string, path: string): string;
}

export type PageLanguageResult =
  | { ok: true; lang: PageLanguage }
  /** The default language's own prefix (`/en/history` when English is served at `/`): the address without it. */
  | { ok: false; redirect: string; lang: PageLanguage }
  /** A shipped language this page does not offer: not found, said in the default language. */
  | { ok: false; redirect: null; lang: PageLanguage };

function make(settings: LanguageSettings, tag: string, offered: string[]): PageLanguage {
  return {
    loc: localeFor(tag),
    offered,
    href: (path) => localizedPath(settings, tag, path),
    hrefIn: (other, path) => localizedPath(settings, other, path),
  };
}

export function pageLanguage(settings: LanguageSettings, url: URL): PageLanguageResult {
  const offered = offeredLanguages(settings);
  const first = url.pathname.split('/', 2)[1] ?? '';
  const fallback = () => make(settings, offered[0]!, offered);
  if (!LANGUAGE_TAGS.includes(first)) return { ok: true, lang: fallback() };
  if (first === offered[0]) return { ok: false, redirect: (url.pathname.slice(first.length + 1) || '/') + url.search, lang: fallback() };
  if (!offered.includes(first)) return { ok: false, redirect: null, lang: fallback() };
  return { ok: true, lang: make(settings, first, offered) };
}
