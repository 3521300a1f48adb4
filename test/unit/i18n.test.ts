// The message catalogues (api/core/i18n): every catalogue complete (a missing key would read in English: listed here),
// the same placeholders and plural forms as English, and Intl formatting per language in the page's time zone.
import { describe, expect, it } from 'vitest';
import {
  canonicalLanguage,
  LANGUAGE_TAGS,
  languagePrefix,
  localeFor,
  localizedPath,
  makeLocale,
  missingKeys,
  offeredLanguages,
  servedLanguage,
  unknownKeys,
} from '../../api/core/i18n/locale.ts';
import { messages as en, type MessageKey } from '../../api/core/i18n/en.ts';
import { messages as de } from '../../api/core/i18n/de.ts';
import { messages as fr } from '../../api/core/i18n/fr.ts';
import { messages as es } from '../../api/core/i18n/es.ts';
import { messages as ptBR } from '../../api/core/i18n/pt-BR.ts';
import { messages as ja } from '../../api/core/i18n/ja.ts';
import { messages as ar } from '../../api/core/i18n/ar.ts';
import type { Message } from '../../api/core/i18n/message.ts';
import { COMPONENT_STATUS_LABELS, impactLabel, statusLabel } from '../../api/core/vocabulary.ts';
import { formatCivilDate, formatDateTime, formatDaysByMonth, formatDuration, formatMonthRange, formatZone } from '../../api/core/time-format.ts';
import { formatUptime } from '../../api/public/uptime.ts';
import { defaultLanguage, pageLanguage } from '../../site/components/page-language.ts';
import { pastIncidentsHtml } from '../../site/components/past-incidents.ts';
import type { RecentHistory } from '../../api/public/history.ts';

const CATALOGUES: Record<string, Partial<Record<MessageKey, Message>>> = { en, de, fr, es, 'pt-BR': ptBR, ja, ar };
const placeholders = (m: Message) => {
  const texts = typeof m === 'string' ? [m] : Object.values(m);
  return [...new Set(texts.flatMap((t) => [...t.matchAll(/\{(\w+)\}/g)].map((x) => x[1]!)))].sort();
};

describe('the catalogues', () => {
  it('ship every key in every language (a missing one would fall back to English)', () => {
    expect(Object.keys(missingKeys())).toEqual([...LANGUAGE_TAGS]);
    expect(missingKeys()).toEqual(Object.fromEntries(LANGUAGE_TAGS.map((t) => [t, []])));
  });

  it('have no keys English does not (a typo, or a key since removed)', () => {
    expect(unknownKeys()).toEqual(Object.fromEntries(LANGUAGE_TAGS.map((t) => [t, []])));
  });

  it('use the placeholders English uses, no other (a plural form may leave out {count} when it spells the number)', () => {
    const wrong: string[] = [];
    for (const [tag, c] of Object.entries(CATALOGUES)) {
      for (const key of Object.keys(en) as MessageKey[]) {
        const m = c[key];
        if (m === undefined) continue;
        const want = placeholders(en[key]).filter((p) => p !== 'count');
        const have = placeholders(m).filter((p) => p !== 'count');
        if (want.join() !== have.join()) wrong.push(`${tag} ${key}: {${have.join('}, {')}} instead of {${want.join('}, {')}}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('give a plural message an `other` form, and a plain message no plural forms', () => {
    const wrong: string[] = [];
    for (const [tag, c] of Object.entries(CATALOGUES)) {
      for (const [key, m] of Object.entries(c) as [MessageKey, Message][]) {
        if (typeof m !== 'string' && !m.other) wrong.push(`${tag} ${key}`);
        // Japanese has one form: a plain string stands for all; elsewhere a plural English message stays plural.
        if (typeof m === 'string' && typeof en[key] !== 'string' && !new Intl.PluralRules(localeFor(tag).intl).resolvedOptions().pluralCategories.every((x) => x === 'other')) {
          wrong.push(`${tag} ${key} (not plural)`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('say the status words as the vocabulary does, in English', () => {
    const loc = localeFor('en');
    for (const [code, label] of Object.entries(COMPONENT_STATUS_LABELS)) expect(loc.componentStatus(code)).toBe(label);
    for (const code of ['investigating', 'identified', 'monitoring', 'resolved', 'postmortem', 'scheduled', 'in_progress', 'verifying', 'completed']) {
      expect(loc.status(code)).toBe(statusLabel(code));
    }
    for (const code of ['none', 'minor', 'major', 'critical', 'maintenance']) expect(loc.impact(code)).toBe(impactLabel(code));
  });
});

describe('a Locale', () => {
  it('fills placeholders, writes numbers its way, and picks plural forms by Intl.PluralRules', () => {
    expect(localeFor('en').t('card.earlierUpdates', { count: 1 })).toBe('1 earlier update');
    expect(localeFor('en').t('card.earlierUpdates', { count: 3 })).toBe('3 earlier updates');
    expect(localeFor('de').t('home.daysAgo', { count: 90 })).toBe('vor 90 Tagen');
    expect(localeFor('ar').t('card.earlierUpdates', { count: 2 })).toBe('تحديثان سابقان');
    expect(localeFor('ar').t('card.earlierUpdates', { count: 5 })).toBe('5 تحديثات سابقة');
    expect(localeFor('ar').t('card.earlierUpdates', { count: 11 })).toBe('11 تحديثًا سابقًا');
    expect(localeFor('ja').t('uptime.incidentCount', { count: 2 })).toBe('障害 2件');
    expect(localeFor('de').t('home.groupAffected', { status: 'Teilausfall', count: 1234, total: 2000 })).toBe('Teilausfall (1.234 von 2.000)');
  });

  it('escapes text and text values for HTML, and inserts markup values as they are', () => {
    const html = localeFor('en').html('past.truncated', { days: 14, link: { html: '<a href="/history">x</a>' } });
    expect(html).toBe('Earlier incidents of the last 14 days are in the <a href="/history">x</a>.');
    expect(localeFor('en').html('home.updated', { time: '<script>' })).toBe('Updated &lt;script&gt;');
  });

  it('falls back to English for a key its catalogue lacks', () => {
    const partial = makeLocale({ info: { tag: 'de', name: 'Deutsch', dir: 'ltr', intl: 'de', month: 'long' }, messages: { 'home.today': 'Heute' } });
    expect(partial.t('home.today')).toBe('Heute');
    expect(partial.t('home.components')).toBe('Components');
    expect(partial.t('card.earlierUpdates', { count: 1234 })).toBe('1.234 earlier updates');
  });

  it('reads an unknown status code as itself, and an unknown language as English', () => {
    expect(localeFor('de').status('on_fire')).toBe('on fire');
    expect(localeFor('xx').tag).toBe('en');
    expect(localeFor(null).t('home.today')).toBe('Today');
  });

  it('lists names as the language does', () => {
    expect(localeFor('en').list(['API', 'Website'])).toBe('API, Website');
    expect(localeFor('ja').list(['API', 'Website'])).toBe('API、Website');
    expect(localeFor('ar').list(['API', 'Website'])).toBe('API، Website');
  });
});

describe('dates, times, durations and percentages by language, in the page time zone', () => {
  const t = Date.UTC(2026, 11, 2, 2, 1);
  it('write a date and time the language’s way, with the zone’s name', () => {
    expect(formatDateTime(t, 'Europe/Berlin', localeFor('de'))).toBe('2. Dezember 2026 um 03:01 MEZ');
    expect(formatDateTime(t, 'Europe/Berlin', localeFor('en'))).toBe('Dec 2, 2026, 03:01 GMT+1');
    expect(formatDateTime(t, 'Asia/Tokyo', localeFor('ja'))).toBe('2026年12月2日 11:01 JST');
    expect(formatDateTime(t, 'America/Sao_Paulo', localeFor('pt-BR'))).toMatch(/^1 de dezembro de 2026 às 23:01 /);
    expect(formatDateTime(t, 'Africa/Cairo', localeFor('ar'))).toMatch(/^2 ديسمبر 2026 في 04:01 /);
    // The default stays English as the console writes it.
    expect(formatDateTime(t, 'Etc/UTC')).toBe('Dec 2, 2026, 02:01 UTC');
  });

  it('write days and month ranges', () => {
    expect(formatCivilDate({ year: 2026, month: 12, day: 2 }, 'long', localeFor('fr'))).toBe('2 décembre 2026');
    expect(formatMonthRange({ year: 2026, month: 6, day: 1 }, { year: 2026, month: 9, day: 1 })).toBe('June – September 2026');
    expect(formatMonthRange({ year: 2026, month: 6, day: 1 }, { year: 2026, month: 9, day: 1 }, localeFor('es'))).toBe('junio–septiembre de 2026');
  });

  it('list days by month, each month named once, what sticks to a day’s number kept with each', () => {
    const days = [
      { year: 2026, month: 9, day: 7 },
      { year: 2026, month: 9, day: 13 },
      { year: 2026, month: 10, day: 2 },
    ];
    const list = (tag: string) => {
      const loc = localeFor(tag);
      return formatDaysByMonth(days, loc, loc.t('list.separator'), loc.t('uptime.namesSeparator'));
    };
    expect(list('en')).toBe('Sep 7, 13; Oct 2');
    expect(list('de')).toBe('7., 13. Sept.; 2. Okt.');
    expect(list('ja')).toBe('9月7日、13日、10月2日');
    expect(list('ar')).toBe('7، 13 سبتمبر؛ 2 أكتوبر');
  });

  it('write durations in the language’s words for the units, a number kept with its unit', () => {
    const HOUR = 3_600_000;
    expect(formatDuration(2 * HOUR + 15 * 60_000)).toBe('2\u00a0hours, 15\u00a0minutes');
    expect(formatDuration(26 * HOUR, localeFor('de'))).toBe('1\u00a0Tag, 2\u00a0Stunden');
    expect(formatDuration(3 * 24 * HOUR + 4 * HOUR, localeFor('fr'))).toBe('3\u00a0jours et 4\u00a0heures');
    expect(formatDuration(75 * 60_000, localeFor('ja'))).toBe('1\u00a0時間 15\u00a0分');
    expect(formatDuration(30_000, localeFor('ar'))).toBe('أقل من دقيقة');
  });

  it('write uptime percentages truncated, in the language’s digits and signs', () => {
    expect(formatUptime(0.99999)).toBe('99.99%');
    expect(formatUptime(0.99999, localeFor('de'))).toBe('99,99\u00a0%');
    expect(formatUptime(0.9995, localeFor('fr'))).toBe('99,95\u00a0%');
    expect(formatUptime(null, localeFor('es'))).toBe('sin datos');
  });
});

describe('the home page’s quiet days and the page’s zone, by language', () => {
  /** The last days, newest first, none with an incident: one quiet line for the run. */
  const quiet = (dates: string[], tag: string) => {
    const recent = { days: dates.map((date) => ({ date, label: date, items: [] })), truncated: false } as unknown as RecentHistory;
    const html = pastIncidentsHtml(recent, 'Etc/UTC', defaultLanguage({ language: tag, languages: [] }), new Map());
    return /<p class="quiet">(.*?)<\/p>/.exec(html)![1];
  };
  const run = ['2026-11-25', '2026-11-24', '2026-11-23', '2026-11-22'];

  it('write a run of quiet days as the language writes a range, each end a <time>', () => {
    expect(quiet(run, 'en')).toBe('No incidents reported Nov <time datetime="2026-11-22">22</time> – <time datetime="2026-11-25">25</time>.');
    expect(quiet(run, 'de')).toBe('<time datetime="2026-11-22">22</time>.–<time datetime="2026-11-25">25</time>. Nov.: keine Störungen gemeldet.');
    expect(quiet(run, 'ja')).toBe('<time datetime="2026-11-22">11/22</time>～<time datetime="2026-11-25">11/25</time>：報告された障害はありません。');
    expect(quiet(run, 'ar')).toBe('لم يُبلَّغ عن أي حوادث في الفترة <time datetime="2026-11-22">22</time>–<time datetime="2026-11-25">25</time> نوفمبر.');
    expect(quiet(['2026-12-01'], 'en')).toBe('No incidents reported on <time datetime="2026-12-01">Dec 1</time>.');
    expect(quiet(['2026-12-01'], 'fr')).toBe('Aucun incident signalé le <time datetime="2026-12-01">1 déc.</time>.');
  });

  it('say the year of each end only when the run crosses New Year', () => {
    expect(quiet(['2026-01-03', '2026-01-02', '2026-01-01', '2025-12-31'], 'en')).toBe(
      'No incidents reported <time datetime="2025-12-31">Dec 31, 2025</time> – <time datetime="2026-01-03">Jan 3, 2026</time>.',
    );
  });

  it('name the page’s zone with its short name as the language writes it', () => {
    const t = Date.UTC(2026, 11, 2, 2, 1);
    expect(formatZone(t, 'Europe/Berlin')).toBe('Europe/Berlin (GMT+1)');
    expect(formatZone(t, 'Europe/Berlin', localeFor('de'))).toBe('Europe/Berlin (MEZ)');
    expect(formatZone(t, 'America/Los_Angeles', localeFor('fr'))).toBe('America/Los Angeles (UTC−8)');
    expect(formatZone(t, 'Etc/UTC', localeFor('ja'))).toBe('UTC');
  });
});

describe('the page’s languages and their paths', () => {
  const settings = { language: 'en', languages: ['de', 'pt-br', 'xx', 'en', 'de'] };
  it('offer the default first, then each shipped further language once', () => {
    expect(offeredLanguages(settings)).toEqual(['en', 'de', 'pt-BR']);
    expect(canonicalLanguage('PT-br')).toBe('pt-BR');
    expect(canonicalLanguage('klingon')).toBeNull();
  });

  it('serve the default language at / and each further one under its tag', () => {
    expect(languagePrefix(settings, 'en')).toBe('');
    expect(localizedPath(settings, 'de', '/')).toBe('/de/');
    expect(localizedPath(settings, 'pt-BR', '/history?page=2')).toBe('/pt-BR/history?page=2');
    expect(localizedPath(settings, 'en', '/history')).toBe('/history');
  });

  it('fall back to the default language for a language the page no longer offers', () => {
    expect(servedLanguage(settings, 'ja')).toBe('en');
    expect(servedLanguage(settings, 'de')).toBe('de');
    expect(servedLanguage(settings, null)).toBe('en');
    expect(servedLanguage({ language: 'ja', languages: [] }, null)).toBe('ja');
  });
});

describe('a public page’s language, from its address', () => {
  const settings = { language: 'en', languages: ['de', 'ar'] };
  const at = (path: string) => pageLanguage(settings, new URL(path, 'https://status.example.com'));

  it('is the default without a prefix, and the prefix’s when the page offers it; links stay in it', () => {
    const home = at('/history');
    expect(home.ok && home.lang.loc.tag).toBe('en');
    const ar = at('/ar/incidents/x');
    expect(ar.ok && ar.lang.loc.dir).toBe('rtl');
    expect(ar.ok && ar.lang.href('/history?page=2')).toBe('/ar/history?page=2');
    expect(ar.ok && ar.lang.hrefIn('en', '/')).toBe('/');
    expect(ar.ok && ar.lang.offered).toEqual(['en', 'de', 'ar']);
  });

  it('leads the default language’s own prefix away for good, and a language not offered to the default for now', () => {
    expect(at('/en/history?page=2')).toEqual({ ok: false, redirect: '/history?page=2', status: 301 });
    expect(at('/en/')).toEqual({ ok: false, redirect: '/', status: 301 });
    expect(at('/ja/incidents/x')).toEqual({ ok: false, redirect: '/incidents/x', status: 302 });
  });
});
