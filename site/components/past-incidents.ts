// The home page's last 14 days, day by day ("No incidents reported." on quiet days), then a link to the full
// history. Built as one HTML string like the component list: the page's render cost should follow what it shows,
// not Astro's per-element overhead (the bench compares it with an empty page's).
import { RECENT_DAYS, type HistoryItem, type RecentHistory } from '../../api/public/history.ts';
import { markdownToText } from '../../api/core/markdown.ts';
import type { PublishedPostmortemRef } from '../../api/postmortems/postmortem-read.ts';
import { escapeHtml } from '../../api/core/html.ts';
import { spanParts, timeHtml } from './time.ts';
import { impactClass } from './status-classes.ts';
import type { PageLanguage } from './page-language.ts';

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

export function pastIncidentsHtml(recent: RecentHistory, tz: string, lang: PageLanguage, postmortems: Map<string, PublishedPostmortemRef>): string {
  const { loc } = lang;
  let html = `<section class="past" aria-labelledby="past"><h2 id="past">${loc.html('past.title')}</h2>`;
  const none = `<p class="quiet">${loc.html('past.none')}</p>`;
  for (const d of recent.days) {
    const items = d.items.length === 0 ? none : d.items.map((i) => article(i, tz, lang, postmortems.get(i.id))).join('');
    html += `<div class="day"><h3><time datetime="${d.date}">${escapeHtml(d.label)}</time></h3>${items}</div>`;
  }
  const history = escapeHtml(lang.href('/history'));
  if (recent.truncated) {
    html += `<p class="more">${loc.html('past.truncated', { days: RECENT_DAYS, link: { html: `<a href="${history}">${loc.html('past.truncatedLink')}</a>` } })}</p>`;
  }
  return `${html}<p class="hist"><a href="${history}">${loc.html('past.historyLink')}</a></p></section>`;
}
