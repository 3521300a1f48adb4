// /history's months: each with its incidents and maintenance (impact, status, times, duration, postmortem link), or
// "No incidents reported" for a quiet month or run of months. Built as one HTML string like the home page's lists:
// the render cost should follow what the page shows, not Astro's per-element overhead (see test/bench).
import type { HistoryItem, HistoryMonth } from '../../api/public/history.ts';
import { escapeHtml } from '../../api/core/html.ts';
import type { PublishedPostmortemRef } from '../../api/postmortems/postmortem-read.ts';
import { formatDuration } from '../../api/core/time-format.ts';
import { impactClass } from './status-classes.ts';
import type { PageLanguage } from './page-language.ts';
import { spanParts, timeHtml } from './time.ts';

interface Context {
  tz: string;
  /** The public base URL, for postmortem links. */
  base: string;
  now: number;
  lang: PageLanguage;
  postmortems: Map<string, PublishedPostmortemRef>;
}

function item(i: HistoryItem, ctx: Context): string {
  const { loc } = ctx.lang;
  const maint = i.kind === 'maintenance';
  const cls = maint ? 'mt' : impactClass(i.impact);
  const pm = maint ? undefined : ctx.postmortems.get(i.id);
  const start = i.startedAt.getTime();
  const status = loc.status(pm && i.status === 'resolved' ? 'postmortem' : i.status);
  const times = spanParts(i.startedAt, i.resolvedAt, ctx.tz, loc).map(timeHtml).join(' – ');
  const duration = i.resolvedAt ? formatDuration(i.resolvedAt.getTime() - start, loc) : loc.t('duration.ongoing', { duration: formatDuration(ctx.now - start, loc) });
  const pmHref = pm ? (pm.externalUrl || `${ctx.base}${ctx.lang.href(`/incidents/${i.id}/postmortem`)}`) : '';
  const link = pm ? ` · <a href="${escapeHtml(pmHref)}">${loc.html('past.postmortem')}</a>` : '';
  return (
    `<li><div class="hh"><h3 class="${cls}"><a href="${escapeHtml(ctx.lang.href(`/incidents/${i.id}`))}">${escapeHtml(i.name)}</a></h3>` +
    `<p class="tags"><span class="tag ${cls}">${escapeHtml(loc.impact(maint ? 'maintenance' : i.impact))}</span><span class="tag">${escapeHtml(status)}</span></p></div>` +
    `<p class="ut">${times} · ${escapeHtml(duration)}${link}</p></li>`
  );
}

export function historyMonthsHtml(months: HistoryMonth[], ctx: Context): string {
  const { loc } = ctx.lang;
  return months
    .map((m) => {
      const body = m.items.length
        ? `<ol class="card hl">${m.items.map((i) => item(i, ctx)).join('')}</ol>`
        : `<p class="card quiet">${loc.html(m.key.includes('..') ? 'history.quietMonths' : 'history.quietMonth')}</p>`;
      const id = `m-${escapeHtml(m.key)}`;
      return `<section class="month" aria-labelledby="${id}"><h2 id="${id}">${escapeHtml(m.label)}</h2>${body}</section>`;
    })
    .join('');
}
