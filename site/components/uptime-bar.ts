// One component's 90-day bar as an SVG string: dashed strokes draw one cell per day. Quiet days share one path
// per colour; each notable day (an incident, or a status other than operational) gets its own, with a <title>
// (date, status, uptime %, incidents): the tooltip for pointers. The bar's own title sums up the rest (uptime over
// the days with data, on how many of them there were incidents) and is its accessible name. The same days in words
// are a list (uptimeDaysListHtml) that the component list puts under a disclosure: a tap or a key opens it, where a
// tooltip needs a pointer.
//
// A busy page (many notable days over all its bars) keeps a cell of its own, without a title, for each day that
// lost uptime or was not operational, and lists the days that had incidents without downtime on one line of the list:
// those cells are green either way, and fifty bars of per-day titles would outweigh the rest of the page (its budget
// is 50 KB); the list names every such day in words either way.
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

/** A notable day's status in words: its status and uptime, or just "Operational" when it lost none. */
function stateText(d: UptimeDay): string {
  // An operational day with an incident lost no uptime: the status alone says so, and the page stays light.
  return d.status === 'operational' && d.uptime === 1 ? COMPONENT_STATUS_LABELS.operational : `${COMPONENT_STATUS_LABELS[d.status!]}, ${formatUptime(d.uptime)}`;
}

/**
 * The bar's days in words, for a tap or a key rather than a pointer's hover (the cells' titles): a list item for
 * each notable day, newest first, its incidents linked; on a busy page, counts instead of names, and the days with
 * incidents but no downtime on one line. Empty when nothing happened.
 */
export function uptimeDaysListHtml(uptime: ComponentUptime, busy = false): string {
  let items = '';
  const listed: string[] = [];
  for (let i = uptime.days.length - 1; i >= 0; i--) {
    const d = uptime.days[i]!;
    if (quiet(d)) continue;
    if (busy && withoutDowntime(d)) {
      listed.push(short(d));
      continue;
    }
    const when = escapeHtml(short(d));
    const what = !d.incidents.length
      ? ''
      : busy
        ? `. ${incidentText(d, false)}`
        : `. ${d.incidents.map((x) => `<a href="/incidents/${escapeHtml(x.id)}">${escapeHtml(cut(x.name))}</a>`).join('; ')}`;
    items += `<li>${when}: ${escapeHtml(stateText(d))}${what}</li>`;
  }
  if (listed.length) items += `<li>Incidents without downtime: ${escapeHtml(listed.join(', '))}</li>`;
  return items ? `<ul>${items}</ul>` : '';
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
      if (run && run.cls === cls) run.len++;
      else {
        flush();
        run = { x: i, len: 1, cls };
      }
      continue;
    }
    flush();
    // On a busy page the cell is a colour only: its words are in the list, and fifty bars of titles would be heavy.
    const title = busy ? '' : `<title>${escapeHtml(`${short(d)}: ${stateText(d)}${d.incidents.length ? `. ${incidentText(d, true)}` : ''}`)}</title>`;
    cells += `<path${classAttr(cls)} d="M${i} 5h1">${title}</path>`;
  }
  flush();
  for (const [cls, d] of quietRuns) cells += `<path${classAttr(cls)} d="${d}"></path>`;
  const firstData = days.find((d) => d.status !== null);
  // Over the days with data only: a component added on Nov 28 has its uptime since then, and says so.
  const period = uptime.since ? `since ${uptime.since.label} (${uptime.since.days === 1 ? 'today' : `${uptime.since.days} days`})` : `over ${n} days`;
  const summary =
    `${formatUptime(uptime.uptime)} uptime ${period}, ` +
    (notable === 0 ? 'no incidents' : `incidents on ${notable} of them`) +
    (!firstData ? '; no data yet' : '');
  return `<svg class="u" viewBox="0 0 ${n} 10" preserveAspectRatio="none"><title>${escapeHtml(summary)}</title>${cells}</svg>`;
}
