// The home page's last 14 days: each day with incidents under its date, each run of quiet days as one line ("No
// incidents reported Nov 19 – 30.", "22.–25. Nov.: keine Störungen gemeldet."), then a link to the full history.
// Built as one HTML string like the component list: the page's render cost should follow what it shows, not
// Astro's per-element overhead (the bench compares it with an empty page's).
import { RECENT_DAYS, type HistoryItem, type RecentHistory } from '../../api/public/history.ts';
import { markdownToText } from '../../api/core/markdown.ts';
import type { PublishedPostmortemRef } from '../../api/postmortems/postmortem-read.ts';
import { escapeHtml } from '../../api/core/html.ts';
import { spanParts, timeHtml } from './time.ts';
import { impactClass } from './status-classes.ts';
import type { PageLanguage } from './page-language.ts';
import { formatDayMonth, formatDayRangeToParts, type CivilDate } from '../../api/core/time-format.ts';

/** The latest update as one line of plain text: the day list stays scannable and light; the incident page has it all. */
function excerpt(md: string): string {
  const text = markdownToText(md)
    .replace(/\n\s*(?:[-*+]|\d+\.)\s+/g, ' · ')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > 180 ? `${text.slice(0, 179).trimEnd()}…` : text;
}

function article(i: HistoryItem, tz: string, lang: PageLanguage, postmortem: PublishedPostmortemRef | undefined): string {
  const { loc } = lang;
  const cls = i.kind === 'maintenance' ? 'mt' : impactClass(i.impact);
  const update = i.latestUpdate ? `<p class="pu"><strong>${escapeHtml(loc.status(i.latestUpdate.status))}</strong> <bdi>${escapeHtml(excerpt(i.latestUpdate.body))}</bdi></p>` : '';
  const times = spanParts(i.startedAt, i.resolvedAt, tz, loc).map(timeHtml).join(' – ');
  // A published postmortem is linked: ours, or the external document.
  const pm = postmortem ? ` · <a href="${escapeHtml(postmortem.externalUrl || lang.href(`/incidents/${i.id}/postmortem`))}">${loc.html('past.postmortem')}</a>` : '';
  return `<article class="pi"><h4 class="${cls}"><a href="${escapeHtml(lang.href(`/incidents/${i.id}`))}">${escapeHtml(i.name)}</a></h4>${update}<p class="ut">${times}${pm}</p></article>`;
}

type Day = RecentHistory['days'][number];

const civil = (key: string): CivilDate => ({ year: Number(key.slice(0, 4)), month: Number(key.slice(5, 7)), day: Number(key.slice(8, 10)) });

/**
 * A run of quiet days (newest first, as listed) as one line: fourteen quiet days used to take a screen each. The
 * range as the language writes one ("Nov 22 – 25", "22.–25. Nov.", "11/22～11/25"), each end in a <time>; the
 * year only when the run crosses one.
 */
function quietRun(run: Day[], lang: PageLanguage): string {
  const { loc } = lang;
  const newest = run[0]!.date;
  const oldest = run[run.length - 1]!.date;
  const withYear = newest.slice(0, 4) !== oldest.slice(0, 4);
  let line: string;
  if (run.length === 1) {
    line = loc.html('past.quietDay', { date: { html: `<time datetime="${newest}">${escapeHtml(formatDayMonth(civil(newest), loc))}</time>` } });
  } else {
    let range = '';
    let open: string | null = null;
    for (const p of formatDayRangeToParts(civil(oldest), civil(newest), withYear, loc)) {
      const source = p.source === 'shared' ? null : p.source;
      if (source !== open) {
        if (open) range += '</time>';
        if (source) range += `<time datetime="${source === 'startRange' ? oldest : newest}">`;
        open = source;
      }
      range += escapeHtml(p.value);
    }
    if (open) range += '</time>';
    line = loc.html('past.quietRange', { range: { html: range } });
  }
  return `<div class="day"><p class="quiet">${line}</p></div>`;
}

export function pastIncidentsHtml(recent: RecentHistory, tz: string, lang: PageLanguage, postmortems: Map<string, PublishedPostmortemRef>): string {
  const { loc } = lang;
  let html = `<section class="past" aria-labelledby="past"><h2 id="past">${loc.html('past.title')}</h2>`;
  let run: Day[] = [];
  for (const d of recent.days) {
    if (d.items.length === 0) {
      run.push(d);
      continue;
    }
    if (run.length) html += quietRun(run, lang);
    run = [];
    html += `<div class="day"><h3><time datetime="${d.date}">${escapeHtml(d.label)}</time></h3>${d.items.map((i) => article(i, tz, lang, postmortems.get(i.id))).join('')}</div>`;
  }
  if (run.length) html += quietRun(run, lang);
  const history = escapeHtml(lang.href('/history'));
  if (recent.truncated) {
    html += `<p class="more">${loc.html('past.truncated', { days: RECENT_DAYS, link: { html: `<a href="${history}">${loc.html('past.truncatedLink')}</a>` } })}</p>`;
  }
  return `${html}<p class="hist"><a href="${history}">${loc.html('past.historyLink')}</a></p></section>`;
}
