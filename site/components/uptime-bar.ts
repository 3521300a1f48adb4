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
// is 50 KB, in the page's heaviest language); the list names every such day in words either way. There the bar has
// no summary of its own either: a picture for the eye (aria-hidden), its uptime on the line under it and its days in
// the list, so fifty summaries repeating the line's percentage do not take the room the words of a longer language need.
//
// A plain function rather than an Astro component: fifty component instances cost more to render than the
// rest of the page, and the bench wants the page's render to stay close to an empty page's.
//
// Right to left (Arabic), the stylesheet mirrors the bar: today is then at the left end, as the legend above it says.
import type { ComponentUptime, UptimeDay } from '../../api/public/uptime.ts';
import { formatUptime } from '../../api/public/uptime.ts';
import { escapeHtml } from '../../api/core/html.ts';
import { formatDayMonth, formatDaysByMonth, type CivilDate } from '../../api/core/time-format.ts';
import { COMPONENT_CLASS } from './status-classes.ts';
import type { PageLanguage } from './page-language.ts';

const quiet = (d: UptimeDay) => d.status === null || (d.status === 'operational' && d.incidents.length === 0);
/** Operational all day, with incidents: no downtime to show, only what happened. */
const withoutDowntime = (d: UptimeDay) => d.status === 'operational' && d.incidents.length > 0;
/** Long titles would dominate the page's weight: names are cut, and more than two become a count. */
const cut = (s: string) => (s.length > 40 ? `${s.slice(0, 39)}…` : s);
const civil = (key: string): CivilDate => ({ year: Number(key.slice(0, 4)), month: Number(key.slice(5, 7)), day: Number(key.slice(8, 10)) });

/** Day labels by language and date: a busy page names hundreds of days, and Intl is the costly part. Bounded. */
const dayLabels = new Map<string, string>();
/** "Nov 3": in a 90-day window the year goes without saying. */
export function dayLabel(date: string, lang: PageLanguage): string {
  const key = `${lang.loc.tag}|${date}`;
  let label = dayLabels.get(key);
  if (label === undefined) {
    label = formatDayMonth(civil(date), lang.loc);
    if (dayLabels.size >= 5000) dayLabels.clear();
    dayLabels.set(key, label);
  }
  return label;
}

function incidentText(d: UptimeDay, withNames: boolean, lang: PageLanguage): string {
  const { loc } = lang;
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

/** A notable day's status in words: its status and uptime, or the status alone when it lost none (operational, slow or in maintenance all day). */
function stateText(d: UptimeDay, lang: PageLanguage): string {
  const { loc } = lang;
  return d.uptime === 1 ? loc.componentStatus(d.status!) : loc.t('uptime.dayDown', { status: loc.componentStatus(d.status!), percent: formatUptime(d.uptime, loc) });
}

/**
 * The bar's days in words, for a tap or a key rather than a pointer's hover (the cells' titles): a list item for
 * each notable day, newest first, its incidents linked (in the page's language); on a busy page, counts instead of
 * names, and the days with incidents but no downtime on one line. Empty when nothing happened.
 */
export function uptimeDaysListHtml(uptime: ComponentUptime, lang: PageLanguage, busy = false): string {
  const { loc } = lang;
  let items = '';
  const listed: CivilDate[] = [];
  for (let i = uptime.days.length - 1; i >= 0; i--) {
    const d = uptime.days[i]!;
    if (quiet(d)) continue;
    if (busy && withoutDowntime(d)) {
      listed.push(civil(d.date));
      continue;
    }
    const day = loc.html('uptime.day', { date: dayLabel(d.date, lang), state: stateText(d, lang) });
    if (!d.incidents.length) {
      items += `<li>${day}</li>`;
      continue;
    }
    const incidents = busy
      ? escapeHtml(incidentText(d, false, lang))
      : d.incidents.map((x) => `<a href="${escapeHtml(lang.href(`/incidents/${x.id}`))}"><bdi>${escapeHtml(cut(x.name))}</bdi></a>`).join(escapeHtml(loc.t('uptime.namesSeparator')));
    items += `<li>${loc.html('uptime.dayIncidents', { day: { html: day }, incidents: { html: incidents } })}</li>`;
  }
  if (listed.length) {
    const dates = formatDaysByMonth(listed, loc, loc.t('list.separator'), loc.t('uptime.namesSeparator'));
    items += `<li>${loc.html('uptime.withoutDowntimeList', { dates })}</li>`;
  }
  return items ? `<ul>${items}</ul>` : '';
}

/**
 * The SVG. `busy`: the page has too many notable days for a titled cell each; the cells are then colours only
 * (the list says their days) and the bar has no summary (the line under it says its uptime). The component's name
 * is beside the bar in the same list item, so the summary leaves it out.
 */
export function uptimeBarSvg(uptime: ComponentUptime, lang: PageLanguage, busy = false): string {
  const { loc } = lang;
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
    const inList = busy && withoutDowntime(d);
    if (!isQuiet) notable++;
    if (isQuiet || inList) {
      if (run && run.cls === cls) run.len++;
      else {
        flush();
        run = { x: i, len: 1, cls };
      }
      continue;
    }
    flush();
    // On a busy page the cell is a colour only: its words are in the list, and fifty bars of titles would be heavy.
    let title = '';
    if (!busy) {
      const day = loc.t('uptime.day', { date: dayLabel(d.date, lang), state: stateText(d, lang) });
      title = `<title>${escapeHtml(d.incidents.length ? loc.t('uptime.dayIncidents', { day, incidents: incidentText(d, true, lang) }) : day)}</title>`;
    }
    cells += `<path${classAttr(cls)} d="M${i} 5h1">${title}</path>`;
  }
  flush();
  for (const [cls, d] of quietRuns) cells += `<path${classAttr(cls)} d="${d}"></path>`;
  if (busy) return `<svg class="u" viewBox="0 0 ${n} 10" preserveAspectRatio="none" aria-hidden="true">${cells}</svg>`;
  const firstData = days.find((d) => d.status !== null);
  const values = {
    percent: formatUptime(uptime.uptime, loc),
    incidents: notable === 0 ? loc.t('uptime.noIncidents') : loc.t('uptime.incidentDays', { count: notable }),
    data: firstData ? '' : loc.t('uptime.noDataYet'),
  };
  // Over the days with data only: a component added on Nov 28 has its uptime since then, and says so.
  const summary = uptime.since
    ? loc.t('uptime.summarySince', {
        ...values,
        date: dayLabel(uptime.since.date, lang),
        days: uptime.since.days === 1 ? loc.t('uptime.sinceToday') : loc.t('uptime.sinceDays', { count: uptime.since.days }),
      })
    : loc.t('uptime.summary', { ...values, days: n });
  return `<svg class="u" viewBox="0 0 ${n} 10" preserveAspectRatio="none"><title>${escapeHtml(summary)}</title>${cells}</svg>`;
}
