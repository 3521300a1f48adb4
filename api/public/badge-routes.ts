// GET /badge.svg, /components/:id/badge.svg and /components/:id/uptime.svg (mounted at /): public SVG badges,
// rendered once per change and answered from the page cache like the pages (api/public/public-paths.ts).
import { eq } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { components } from '../../db/schema.ts';
import type { AppEnv } from '../http/access.ts';
import { badRequest, notFound } from '../core/errors.ts';
import { EXPIRES_HEADER } from './public-paths.ts';
import { componentStatusLabel } from '../core/vocabulary.ts';
import { nextMidnight, safeTimeZone } from '../core/time-format.ts';
import {
  badgeSvg,
  cleanText,
  COMPONENT_TONE,
  defaultLabel,
  INDICATOR_MESSAGE,
  INDICATOR_TONE,
  MAX_LABEL_LENGTH,
  uptimeTone,
  type BadgeInput,
  type BadgeStyle,
  type BadgeTheme,
} from './badge.ts';
import { getComponentsJson, getStatusJson } from './statuspage-read.ts';
import { formatUptime, getUptime, UPTIME_DAYS } from './uptime.ts';

const SVG_CONTENT_TYPE = 'image/svg+xml; charset=utf-8';

interface BadgeOptions {
  style: BadgeStyle;
  theme: BadgeTheme;
  /** The label asked for (maybe empty: no label), or undefined for the default. */
  label: string | undefined;
}

/**
 * `?style=flat|flat-square`, `?theme=dark|light`, `?label=`. An unknown style or theme is ignored (an <img> had
 * better show the default than nothing); a label longer than MAX_LABEL_LENGTH characters is a 400.
 */
function badgeOptions(c: Context<AppEnv>): BadgeOptions {
  const style = c.req.query('style') === 'flat-square' ? 'flat-square' : 'flat';
  const theme = c.req.query('theme') === 'dark' ? 'dark' : 'light';
  const raw = c.req.query('label');
  let label: string | undefined;
  if (raw !== undefined) {
    label = cleanText(raw);
    const length = Array.from(label).length;
    if (length > MAX_LABEL_LENGTH) {
      throw badRequest(`The label is ${length} characters long; at most ${MAX_LABEL_LENGTH}.`, { label: `At most ${MAX_LABEL_LENGTH} characters.` });
    }
  }
  return { style, theme, label };
}

function svg(input: BadgeInput, opts: BadgeOptions, headers: Record<string, string> = {}): Response {
  return new Response(badgeSvg({ ...input, label: opts.label ?? input.label, style: opts.style, theme: opts.theme }), {
    headers: {
      'Content-Type': SVG_CONTENT_TYPE,
      // Opened on its own, an SVG is a document: nothing in it may run or load.
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
      'X-Content-Type-Options': 'nosniff',
      ...headers,
    },
  });
}

export function badgeRoutes() {
  const r = new Hono<AppEnv>();

  r.get('/badge.svg', async (c) => {
    const opts = badgeOptions(c);
    const { status } = await getStatusJson(c.get('deps'));
    return svg({ label: 'status', message: INDICATOR_MESSAGE[status.indicator], tone: INDICATOR_TONE[status.indicator] }, opts);
  });

  r.get('/components/:id/badge.svg', async (c) => {
    const opts = badgeOptions(c);
    const { components: list } = await getComponentsJson(c.get('deps'));
    const component = list.find((x) => x.id === c.req.param('id'));
    if (!component) throw notFound('component');
    return svg({ label: defaultLabel(component.name), message: componentStatusLabel(component.status).toLowerCase(), tone: COMPONENT_TONE[component.status] }, opts);
  });

  r.get('/components/:id/uptime.svg', async (c) => {
    const opts = badgeOptions(c);
    const deps = c.get('deps');
    const { page, components: list } = await getComponentsJson(deps);
    const component = list.find((x) => x.id === c.req.param('id'));
    if (!component) throw notFound('component');
    if (component.group) throw notFound('component with uptime (a group has none of its own; ask for one of its components)');
    const tz = safeTimeZone(page.time_zone);
    const [uptime, [row]] = await Promise.all([
      getUptime(deps, { timeZone: tz, components: list }),
      deps.db.select({ target: components.slaTargetPercent }).from(components).where(eq(components.id, component.id)),
    ]);
    const fraction = uptime.get(component.id)?.uptime ?? null;
    const target = row?.target ?? null;
    const now = deps.clock.now().getTime();
    // The percentage moves on at midnight (the window), and all the time while the component is down.
    const down = component.status === 'major_outage' || component.status === 'partial_outage';
    const expires = down ? Math.min(now + 60_000, nextMidnight(now, tz)) : nextMidnight(now, tz);
    const message = formatUptime(fraction);
    const label = opts.label ?? defaultLabel(`${component.name} uptime`);
    const over = `${message} over ${UPTIME_DAYS} days${target !== null ? ` (target ${target}%)` : ''}`;
    return svg({ label, message, tone: uptimeTone(fraction, target), title: label ? `${label}: ${over}` : over }, opts, {
      [EXPIRES_HEADER]: new Date(expires).toUTCString(),
    });
  });

  return r;
}
