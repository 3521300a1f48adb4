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

/**
 * The page's language, or where to send the reader instead: the default language's own prefix (`/en/history` when
 * English is served at `/`) for good (301); a shipped language the page does not offer (any more) to the default
 * language's page for now (302), so that links in earlier emails, feeds and bookmarks still lead somewhere.
 */
export type PageLanguageResult = { ok: true; lang: PageLanguage } | { ok: false; redirect: string; status: 301 | 302 };

function inLanguage(settings: LanguageSettings, tag: string, offered: string[]): PageLanguage {
  return { loc: localeFor(tag), offered, href: (path) => localizedPath(settings, tag, path), hrefIn: (other, path) => localizedPath(settings, other, path) };
}

export function pageLanguage(settings: LanguageSettings, url: URL): PageLanguageResult {
  const offered = offeredLanguages(settings);
  const first = url.pathname.split('/', 2)[1] ?? '';
  const prefixed = LANGUAGE_TAGS.includes(first);
  if (prefixed && (first === offered[0] || !offered.includes(first))) {
    return { ok: false, redirect: (url.pathname.slice(first.length + 1) || '/') + url.search, status: first === offered[0] ? 301 : 302 };
  }
  return { ok: true, lang: inLanguage(settings, prefixed ? first : offered[0]!, offered) };
}

/** The page's default language (for a page that is the same at every address, the not-found page). */
export function defaultLanguage(settings: LanguageSettings): PageLanguage {
  const offered = offeredLanguages(settings);
  return inLanguage(settings, offered[0]!, offered);
}
