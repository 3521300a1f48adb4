// The home page's last 14 days: each day with incidents under its date, each run of quiet days as one line ("No
// incidents reported Nov 19 – Nov 30"), then a link to the full history. Built as one HTML string like the component list: the page's render cost should follow what it shows,
// not Astro's per-element overhead (the bench compares it with an empty page's).
import { RECENT_DAYS, type HistoryItem, type RecentHistory } from '../../api/public/history.ts';
import { markdownToText } from '../../api/core/markdown.ts';
import type { PublishedPostmortemRef } from '../../api/postmortems/postmortem-read.ts';
import { escapeHtml } from '../../api/core/html.ts';
import { spanParts, timeHtml } from './time.ts';
import { impactClass } from './status-classes.ts';
import { statusLabel } from '../../api/core/vocabulary.ts';
import { formatCivilDate } from '../../api/core/time-format.ts';

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

type Day = RecentHistory['days'][number];

/** "Nov 19" (a date key's month and day), with its year only when `withYear`. */
function shortDate(date: string, withYear: boolean): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const text = formatCivilDate({ year: y, month: m, day: d });
  return withYear ? text : text.replace(/, \d+$/, '');
}

/** A run of quiet days (newest first, as listed) as one line: fourteen quiet days used to take a screen each. */
function quietRun(run: Day[]): string {
  const newest = run[0]!.date;
  const oldest = run[run.length - 1]!.date;
  const withYear = newest.slice(0, 4) !== oldest.slice(0, 4);
  const when = (date: string) => `<time datetime="${date}">${escapeHtml(shortDate(date, withYear))}</time>`;
  const span = run.length === 1 ? `on ${when(newest)}` : `${when(oldest)} – ${when(newest)}`;
  return `<div class="day"><p class="quiet">No incidents reported ${span}.</p></div>`;
}

export function pastIncidentsHtml(recent: RecentHistory, tz: string, postmortems: Map<string, PublishedPostmortemRef>): string {
  let html = '<section class="past" aria-labelledby="past"><h2 id="past">Past incidents</h2>';
  let run: Day[] = [];
  for (const d of recent.days) {
    if (d.items.length === 0) {
      run.push(d);
      continue;
    }
    if (run.length) html += quietRun(run);
    run = [];
    html += `<div class="day"><h3><time datetime="${d.date}">${escapeHtml(d.label)}</time></h3>${d.items.map((i) => article(i, tz, postmortems.get(i.id))).join('')}</div>`;
  }
  if (run.length) html += quietRun(run);
  if (recent.truncated) html += `<p class="more">Earlier incidents of the last ${RECENT_DAYS} days are in the <a href="/history">incident history</a>.</p>`;
  return `${html}<p class="hist"><a href="/history">Incident history →</a></p></section>`;
}
