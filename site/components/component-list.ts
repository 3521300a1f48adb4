// The home page's components in their groups (collapsible <details>), each with its status in words and icon,
// its 90-day uptime bar and uptime %. Built as one HTML string, like the bars: fifty list items as Astro
// elements cost more to render than the rest of the page (the bench compares the page's render with an empty one).
import type { ComponentJson } from '../../api/public/statuspage-types.ts';
import type { ComponentUptime } from '../../api/public/uptime.ts';
import { formatUptime, UPTIME_DAYS } from '../../api/public/uptime.ts';
import { escapeHtml } from '../../api/core/html.ts';
import { notableDays, uptimeBarSvg, uptimeDaysListHtml } from './uptime-bar.ts';
import { COMPONENT_CLASS } from './status-classes.ts';
import { COMPONENT_STATUS_LABELS } from '../../api/core/vocabulary.ts';

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

const status = (s: ComponentJson['status'], text: string = COMPONENT_STATUS_LABELS[s]) => `<span class="s ${COMPONENT_CLASS[s]}">${escapeHtml(text)}</span>`;

export function componentListHtml(components: ComponentJson[], uptime: Map<string, ComponentUptime>): string {
  const list = entries(components);
  if (list.length === 0) return '<p class="empty">No components yet.</p>';
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
      const line = `${formatUptime(u.uptime)} uptime${u.since ? ` since ${escapeHtml(u.since.label)}` : ''}`;
      // The days in words, one tap (or Enter) away, with no script: the uptime line opens them.
      const list = uptimeDaysListHtml(u, busy);
      bar = `${uptimeBarSvg(u, busy)}${list ? `<details class="up"><summary aria-label="${line}, ${escapeHtml(c.name)}">${line}</summary>${list}</details>` : `<p class="up">${line}</p>`}`;
    }
    return `<li>${name}${status(c.status)}${bar}</li>`;
  };
  let html = `<div class="comps"><p class="legend" aria-hidden="true"><span>${UPTIME_DAYS} days ago</span><span>Today</span></p>`;
  for (const e of list) {
    const items = `<ul class="cl">${e.children.map(item).join('')}</ul>`;
    if (!e.group) {
      html += items;
      continue;
    }
    const affected = e.children.filter((c) => c.status !== 'operational').length;
    const summary = affected === 0 ? status('operational') : status(e.group.status, `${COMPONENT_STATUS_LABELS[e.group.status]} (${affected} of ${e.children.length})`);
    html += `<details class="g" open><summary><span class="n">${escapeHtml(e.group.name)}</span>${summary}</summary>${items}</details>`;
  }
  return `${html}</div>`;
}
