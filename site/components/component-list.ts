// The home page's components in their groups (collapsible <details>), each with its status in words and icon,
// its 90-day uptime bar and uptime %. Built as one HTML string, like the bars: fifty list items as Astro
// elements cost more to render than the rest of the page (the bench compares the page's render with an empty one).
import type { ComponentJson } from '../../api/public/statuspage-types.ts';
import type { ComponentUptime } from '../../api/public/uptime.ts';
import { formatUptime, UPTIME_DAYS } from '../../api/public/uptime.ts';
import { escapeHtml } from '../../api/core/html.ts';
import { dayLabel, notableDays, uptimeBarSvg, uptimeDaysListHtml } from './uptime-bar.ts';
import type { PageLanguage } from './page-language.ts';
import { COMPONENT_CLASS } from './status-classes.ts';

/** Above this many notable days over all bars the page is busy: see uptime-bar.ts. */
export const NOTABLE_DAYS_BUDGET = 100;

interface Entry {
  group: ComponentJson | null;
  children: ComponentJson[];
}

/** Groups with their visible children, and runs of neighbouring ungrouped components, in page order. */
function entries(components: ComponentJson[]): Entry[] {
  const byId = new Map(components.map((c) => [c.id, c]));
  // only_show_if_degraded: Statuspage's meaning, hidden while operational.
  const visible = (c: ComponentJson) => !(c.only_show_if_degraded && c.status === 'operational');
  const out: Entry[] = [];
  for (const c of components) {
    if (c.group) {
      const children = (c.components ?? []).map((id) => byId.get(id)).filter((x): x is ComponentJson => !!x && visible(x));
      if (children.length) out.push({ group: c, children });
    } else if (!c.group_id && visible(c)) {
      const last = out[out.length - 1];
      if (last && !last.group) last.children.push(c);
      else out.push({ group: null, children: [c] });
    }
  }
  return out;
}

const status = (s: ComponentJson['status'], text: string) => `<span class="s ${COMPONENT_CLASS[s]}">${escapeHtml(text)}</span>`;

export function componentListHtml(components: ComponentJson[], uptime: Map<string, ComponentUptime>, lang: PageLanguage): string {
  const { loc } = lang;
  const list = entries(components);
  if (list.length === 0) return `<p class="empty">${loc.html('home.noComponents')}</p>`;
  // Only the bars this page shows count (hidden and non-showcase components have none).
  let notable = 0;
  for (const e of list) {
    for (const c of e.children) {
      const u = uptime.get(c.id);
      if (u && c.showcase) notable += notableDays(u);
    }
  }
  const busy = notable > NOTABLE_DAYS_BUDGET;

  const item = (c: ComponentJson) => {
    const u = uptime.get(c.id);
    const name = `<span class="n">${escapeHtml(c.name)}${c.description ? `<small>${escapeHtml(c.description)}</small>` : ''}</span>`;
    let bar = '';
    if (u && c.showcase) {
      const percent = formatUptime(u.uptime, loc);
      const line = u.since ? loc.t('home.uptimeSince', { percent, date: dayLabel(u.since.date, lang) }) : loc.t('home.uptime', { percent });
      // The days in words, one tap (or Enter) away, with no script: the uptime line opens them.
      const list = uptimeDaysListHtml(u, lang, busy);
      // Its accessible name says whose uptime it is: the line, then "(API)" for screen readers only (a browser
      // separates a positioned element's words from the line's with a space; the one here makes sure).
      const whose = `<span class="vh"> ${loc.html('uptime.forComponent', { component: c.name })}</span>`;
      bar = `${uptimeBarSvg(u, lang, busy)}${list ? `<details class="up"><summary>${escapeHtml(line)}${whose}</summary>${list}</details>` : `<p class="up">${escapeHtml(line)}</p>`}`;
    }
    return `<li>${name}${status(c.status, loc.componentStatus(c.status))}${bar}</li>`;
  };
  const legend = `<span>${loc.html('home.daysAgo', { count: UPTIME_DAYS })}</span><span>${loc.html('home.today')}</span>`;
  let html = `<div class="comps"><p class="legend" aria-hidden="true">${legend}</p>`;
  for (const e of list) {
    const items = `<ul class="cl">${e.children.map(item).join('')}</ul>`;
    if (!e.group) {
      html += items;
      continue;
    }
    const affected = e.children.filter((c) => c.status !== 'operational').length;
    const summary =
      affected === 0
        ? status('operational', loc.componentStatus('operational'))
        : status(e.group.status, loc.t('home.groupAffected', { status: loc.componentStatus(e.group.status), count: affected, total: e.children.length }));
    html += `<details class="g" open><summary><span class="n"><bdi>${escapeHtml(e.group.name)}</bdi></span>${summary}</summary>${items}</details>`;
  }
  return `${html}</div>`;
}
