// One component's 90-day bar as an SVG string: dashed strokes draw one cell per day. Quiet days share one path
// per colour; each notable day (an incident, or a status other than operational) gets its own, with a <title>
// (date, status, uptime %, incidents): the tooltip for pointers and the cell's accessible name. The bar's own
// title sums up the rest (uptime over the window, on how many of its days there were incidents, where data
// starts) and is the tooltip over quiet days.
//
// A busy page (many notable days over all its bars) keeps a cell of its own for each day that lost uptime or
// was not operational, and lists the days that had incidents without downtime in the bar's title instead:
// those cells are green either way, and fifty bars of per-day titles would outweigh the rest of the page
// (its budget is 50 KB).
//
// A plain function rather than an Astro component: fifty component instances cost more to render than the
// rest of the page, and the bench wants the page's render to stay close to an empty page's.
import type { ComponentUptime, UptimeDay } from '../../api/public/uptime.ts';
import { formatUptime } from '../../api/public/uptime.ts';
import { escapeHtml } from '../../api/core/html.ts';
import { COMPONENT_CLASS } from './status-classes.ts';
import { COMPONENT_STATUS_LABELS } from '../../api/core/vocabulary.ts';

const quiet = (d: UptimeDay) => d.status === null || (d.status === 'operational' && d.incidents.length === 0);
/** Operational all day, with incidents: no downtime to show, only what happened. */
const withoutDowntime = (d: UptimeDay) => d.status === 'operational' && d.incidents.length > 0;
/** Long titles would dominate the page's weight: names are cut, and more than two become a count. */
const cut = (s: string) => (s.length > 40 ? `${s.slice(0, 39)}…` : s);
/** "Nov 3": in a 90-day window the year goes without saying. */
const short = (d: UptimeDay) => d.label.replace(/, \d+$/, '');

function incidentText(d: UptimeDay, withNames: boolean): string {
  if (!withNames) return d.incidents.length === 1 ? '1 incident' : `${d.incidents.length} incidents`;
  const list = d.incidents.slice(0, 2).map((i) => cut(i.name));
  if (d.incidents.length > 2) list.push(`${d.incidents.length - 2} more`);
  return list.join('; ');
}

/** Days that are not quiet: an incident, or a status other than operational. */
export function notableDays(uptime: ComponentUptime): number {
  let n = 0;
  for (const d of uptime.days) if (!quiet(d)) n++;
  return n;
}

/**
 * The SVG. `busy`: the page has too many notable days for a titled cell each; days with incidents but no
 * downtime are then named in the bar's title, and cells count incidents rather than name them. The
 * component's name is beside the bar in the same list item, so the summary leaves it out.
 */
export function uptimeBarSvg(uptime: ComponentUptime, busy = false): string {
  const days = uptime.days;
  const n = days.length;
  let cells = '';
  const listed: string[] = [];
  // Quiet runs carry no title of their own, so each colour's runs share one path of several subpaths.
  const quietRuns = new Map<string, string>();
  let run: { x: number; len: number; cls: string } | null = null;
  const classAttr = (cls: string) => (cls === 'ok' ? '' : ` class="${cls}"`);
  const flush = () => {
    if (run) quietRuns.set(run.cls, `${quietRuns.get(run.cls) ?? ''}M${run.x} 5h${run.len}`);
    run = null;
  };
  let notable = 0;
  for (let i = 0; i < n; i++) {
    const d = days[i]!;
    const cls = d.status ? COMPONENT_CLASS[d.status] : 'x';
    const isQuiet = quiet(d);
    const listedInTitle = busy && withoutDowntime(d);
    if (!isQuiet) notable++;
    if (isQuiet || listedInTitle) {
      if (listedInTitle) listed.push(short(d));
      if (run && run.cls === cls) run.len++;
      else {
        flush();
        run = { x: i, len: 1, cls };
      }
      continue;
    }
    flush();
    // An operational day with an incident lost no uptime: the status alone says so, and the page stays light.
    const state = d.status === 'operational' && d.uptime === 1 ? COMPONENT_STATUS_LABELS.operational : `${COMPONENT_STATUS_LABELS[d.status!]}, ${formatUptime(d.uptime)}`;
    const title = `${short(d)}: ${state}${d.incidents.length ? `. ${incidentText(d, !busy)}` : ''}`;
    cells += `<path${classAttr(cls)} d="M${i} 5h1"><title>${escapeHtml(title)}</title></path>`;
  }
  flush();
  for (const [cls, d] of quietRuns) cells += `<path${classAttr(cls)} d="${d}"></path>`;
  const firstData = days.find((d) => d.status !== null);
  // Over the days with data only: a component added on Nov 28 has its uptime since then, and says so.
  const period = uptime.since ? `since ${uptime.since.label} (${uptime.since.days === 1 ? 'today' : `${uptime.since.days} days`})` : `over ${n} days`;
  const summary =
    `${formatUptime(uptime.uptime)} uptime ${period}, ` +
    (notable === 0 ? 'no incidents' : `incidents on ${notable} of them`) +
    (listed.length ? ` (without downtime: ${listed.join(', ')})` : '') +
    (!firstData ? '; no data yet' : '');
  return `<svg class="u" viewBox="0 0 ${n} 10" preserveAspectRatio="none"><title>${escapeHtml(summary)}</title>${cells}</svg>`;
}
