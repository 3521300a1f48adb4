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
//
// Right to left (Arabic), the stylesheet mirrors the bar: today is then at the left end, as the legend above it says.
import type { ComponentUptime, UptimeDay } from '../../api/public/uptime.ts';
import { formatUptime } from '../../api/public/uptime.ts';
import { escapeHtml } from '../../api/core/html.ts';
import type { Locale } from '../../api/core/i18n/locale.ts';
import { formatCivilDate, formatDayMonth, formatDaysByMonth, type CivilDate } from '../../api/core/time-format.ts';
import { COMPONENT_CLASS } from './status-classes.ts';

const quiet = (d: UptimeDay) => d.status === null || (d.status === 'operational' && d.incidents.length === 0);
/** Operational all day, with incidents: no downtime to show, only what happened. */
const withoutDowntime = (d: UptimeDay) => d.status === 'operational' && d.incidents.length > 0;
/** Long titles would dominate the page's weight: names are cut, and more than two become a count. */
const cut = (s: string) => (s.length > 40 ? `${s.slice(0, 39)}…` : s);
const civil = (key: string): CivilDate => ({ year: Number(key.slice(0, 4)), month: Number(key.slice(5, 7)), day: Number(key.slice(8, 10)) });

/** Day labels by language and date: a busy page names hundreds of days, and Intl is the costly part. Bounded. */
const dayLabels = new Map<string, string>();
function dayLabel(d: UptimeDay, loc: Locale, full: boolean): string {
  const key = `${loc.tag}|${full ? 'f' : 's'}|${d.date}`;
  let label = dayLabels.get(key);
  if (label === undefined) {
    // "Nov 3": in a 90-day window the year goes without saying; where data starts, it is said in full.
    label = full ? formatCivilDate(civil(d.date), 'short', loc) : formatDayMonth(civil(d.date), loc);
    if (dayLabels.size >= 5000) dayLabels.clear();
    dayLabels.set(key, label);
  }
  return label;
}

function incidentText(d: UptimeDay, withNames: boolean, loc: Locale): string {
  if (!withNames) return loc.t('uptime.incidentCount', { count: d.incidents.length });
  const list = d.incidents.slice(0, 2).map((i) => cut(i.name));
  if (d.incidents.length > 2) list.push(loc.t('uptime.moreIncidents', { count: d.incidents.length - 2 }));
  return list.join(loc.t('uptime.namesSeparator'));
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
export function uptimeBarSvg(uptime: ComponentUptime, loc: Locale, busy = false): string {
  const days = uptime.days;
  const n = days.length;
  let cells = '';
  const listed: CivilDate[] = [];
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
      if (listedInTitle) listed.push(civil(d.date));
      if (run && run.cls === cls) run.len++;
      else {
        flush();
        run = { x: i, len: 1, cls };
      }
      continue;
    }
    flush();
    // A day that lost no uptime (operational, slow or in maintenance all day): the status alone says so, and the page stays light.
    const state =
      d.uptime === 1 ? loc.componentStatus(d.status!) : loc.t('uptime.dayDown', { status: loc.componentStatus(d.status!), percent: formatUptime(d.uptime, loc) });
    const day = loc.t('uptime.day', { date: dayLabel(d, loc, false), state });
    const title = d.incidents.length ? loc.t('uptime.dayIncidents', { day, incidents: incidentText(d, !busy, loc) }) : day;
    cells += `<path${classAttr(cls)} d="M${i} 5h1"><title>${escapeHtml(title)}</title></path>`;
  }
  flush();
  for (const [cls, d] of quietRuns) cells += `<path${classAttr(cls)} d="${d}"></path>`;
  const firstData = days.find((d) => d.status !== null);
  const summary = loc.t('uptime.summary', {
    percent: formatUptime(uptime.uptime, loc),
    days: n,
    incidents: notable === 0 ? loc.t('uptime.noIncidents') : loc.t('uptime.incidentDays', { count: notable }),
    withoutDowntime: listed.length ? loc.t('uptime.withoutDowntime', { dates: formatDaysByMonth(listed, loc, loc.t('list.separator'), loc.t('uptime.namesSeparator')) }) : '',
    data: firstData && firstData !== days[0] ? loc.t('uptime.noDataBefore', { date: dayLabel(firstData, loc, true) }) : !firstData ? loc.t('uptime.noDataYet') : '',
  });
  return `<svg class="u" viewBox="0 0 ${n} 10" preserveAspectRatio="none"><title>${escapeHtml(summary)}</title>${cells}</svg>`;
}
