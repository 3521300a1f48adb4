// The home page's last 14 days, day by day ("No incidents reported." on quiet days), then a link to the full
// history. Built as one HTML string like the component list: the page's render cost should follow what it shows,
// not Astro's per-element overhead (the bench compares it with an empty page's).
import { RECENT_DAYS, type HistoryItem, type RecentHistory } from '../../api/public/history.ts';
import { markdownToText } from '../../api/core/markdown.ts';
import type { PublishedPostmortemRef } from '../../api/postmortems/postmortem-read.ts';
import { escapeHtml } from '../../api/core/html.ts';
import { spanParts, timeHtml } from './time.ts';
import { impactClass } from './status-classes.ts';
import { statusLabel } from '../../api/core/vocabulary.ts';

/** The latest update as one line of plain text: the day list stays scannable and light; the incident page has it all. */
function excerpt(md: string): string {
  const text = markdownToText(md)
    .replace(/\n\s*(?:[-*+]|\d+\.)\s+/g, ' · ')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > 180 ? `${text.slice(0, 179).trimEnd()}…` : text;
}

function article(i: HistoryItem, tz: string, postmortem: PublishedPostmortemRef | undefined): string {
  const cls = i.kind === 'maintenance' ? 'mt' : impactClass(i.impact);
  const update = i.latestUpdate ? `<p class="pu"><strong>${escapeHtml(statusLabel(i.latestUpdate.status))}</strong> ${escapeHtml(excerpt(i.latestUpdate.body))}</p>` : '';
  const times = spanParts(i.startedAt, i.resolvedAt, tz).map(timeHtml).join(' – ');
  // A published postmortem is linked: ours, or the external document.
  const pm = postmortem ? ` · <a href="${escapeHtml(postmortem.externalUrl ?? `/incidents/${i.id}/postmortem`)}">Postmortem</a>` : '';
  return `<article class="pi"><h4 class="${cls}"><a href="/incidents/${escapeHtml(i.id)}">${escapeHtml(i.name)}</a></h4>${update}<p class="ut">${times}${pm}</p></article>`;
}

export function pastIncidentsHtml(recent: RecentHistory, tz: string, postmortems: Map<string, PublishedPostmortemRef>): string {
  let html = '<section class="past" aria-labelledby="past"><h2 id="past">Past incidents</h2>';
  for (const d of recent.days) {
    const items = d.items.length === 0 ? '<p class="quiet">No incidents reported.</p>' : d.items.map((i) => article(i, tz, postmortems.get(i.id))).join('');
    html += `<div class="day"><h3><time datetime="${d.date}">${escapeHtml(d.label)}</time></h3>${items}</div>`;
  }
  if (recent.truncated) html += `<p class="more">Earlier incidents of the last ${RECENT_DAYS} days are in the <a href="/history">incident history</a>.</p>`;
  return `${html}<p class="hist"><a href="/history">Incident history →</a></p></section>`;
}
