// Discord webhooks: an incident or component event as one message with an embed (Discord's "Execute Webhook": a
// JSON body with `embeds`, at most 10, each title ≤ 256, description ≤ 4096, field names ≤ 256 and values ≤ 1024,
// footer ≤ 2048, and ≤ 6000 characters over all of them). Nobody is pinged, whatever the text says.
import { markdownToText } from '../core/markdown.ts';
import { componentStatusLabel, impactLabel, statusLabel, type ComponentStatus } from '../core/vocabulary.ts';
import type { AnyIncidentJson, IncidentUpdateJson } from '../public/statuspage-types.ts';
import { clip, length, type TeamNotice } from './chat-formats.ts';

const DISCORD_LIMITS = {
  embeds: 10,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  total: 6000,
  content: 2000,
} as const;

interface DiscordEmbed {
  title: string;
  url?: string;
  description?: string;
  /** 0xRRGGBB as an integer. */
  color: number;
  timestamp?: string;
  fields?: { name: string; value: string; inline?: boolean }[];
  footer?: { text: string };
}

export interface DiscordMessage {
  embeds: DiscordEmbed[];
  /** Parse nothing: an "@everyone" in an update stays text. */
  allowed_mentions: { parse: [] };
}

/** The page's status colours (site/styles/tokens.css, the bars' and icons' shades), as Discord integers. */
export const DISCORD_COLOURS = {
  ok: 0x2da44e,
  minor: 0xd4a72c,
  major: 0xe16f24,
  critical: 0xcf222e,
  maintenance: 0x2f81f7,
  none: 0x6e7781,
} as const;

/** An incident's colour: its impact, and green once it is over. */
function impactColour(impact: string, status: string): number {
  if (status === 'resolved' || status === 'postmortem' || status === 'completed') return DISCORD_COLOURS.ok;
  switch (impact) {
    case 'critical':
      return DISCORD_COLOURS.critical;
    case 'major':
      return DISCORD_COLOURS.major;
    case 'minor':
      return DISCORD_COLOURS.minor;
    case 'maintenance':
      return DISCORD_COLOURS.maintenance;
    default:
      return DISCORD_COLOURS.none;
  }
}

const STATUS_COLOUR: Record<ComponentStatus, number> = {
  operational: DISCORD_COLOURS.ok,
  degraded_performance: DISCORD_COLOURS.minor,
  partial_outage: DISCORD_COLOURS.major,
  major_outage: DISCORD_COLOURS.critical,
  under_maintenance: DISCORD_COLOURS.maintenance,
};

/** Plain text as Discord markdown that shows as written: formatting characters escaped, and line starts that would make headings, quotes or lists. */
function discordEscape(text: string): string {
  return text.replace(/[\\*_~`|[\]]/g, (c) => `\\${c}`).replace(/^([>#-])/gm, '\\$1');
}

/** Counts what Discord counts towards the 6000 characters. */
function embedLength(e: DiscordEmbed): number {
  let n = length(e.title) + length(e.description ?? '') + length(e.footer?.text ?? '');
  for (const f of e.fields ?? []) n += length(f.name) + length(f.value);
  return n;
}

/** Shortens the description until the embed fits the message's total; past that (never with Herald's own facts), drops fields from the end. */
function fitTotal(e: DiscordEmbed): DiscordEmbed {
  let over = embedLength(e) - DISCORD_LIMITS.total;
  if (over <= 0) return e;
  let out = e;
  if (e.description) {
    const keep = Math.max(1, length(e.description) - over);
    out = { ...e, description: clip(e.description, keep) };
    over = embedLength(out) - DISCORD_LIMITS.total;
  }
  const fields = [...(out.fields ?? [])];
  while (over > 0 && fields.length) {
    fields.pop();
    over = embedLength({ ...out, fields }) - DISCORD_LIMITS.total;
  }
  return fields.length === (out.fields ?? []).length ? out : { ...out, fields };
}

function componentsValue(names: string[]): string {
  let value = '';
  for (const [i, name] of names.entries()) {
    const next = `${value ? `${value}, ` : ''}${discordEscape(name)}`;
    const rest = names.length - i - 1;
    // Room for the tail that says how many were left out.
    if (length(next) > DISCORD_LIMITS.fieldValue - (rest ? 20 : 0)) return `${value} and ${names.length - i} more`;
    value = next;
  }
  return value;
}

/** One incident or maintenance event: the title links to the incident page, the update's text below it. */
export function discordIncidentMessage(pageName: string, incident: AnyIncidentJson, update: IncidentUpdateJson | null): DiscordMessage {
  const status = update?.status ?? incident.status;
  const text = update ? markdownToText(update.body) : '';
  const head = `**${statusLabel(status)}**`;
  const fields: NonNullable<DiscordEmbed['fields']> = [];
  const components = incident.components.filter((c) => !c.group).map((c) => c.name);
  if (components.length) fields.push({ name: 'Affected components', value: componentsValue(components) });
  if (incident.impact !== 'maintenance') fields.push({ name: 'Impact', value: impactLabel(incident.impact), inline: true });
  fields.push({ name: 'Status', value: statusLabel(status), inline: true });
  const embed: DiscordEmbed = {
    title: clip(incident.name, DISCORD_LIMITS.title),
    url: incident.shortlink,
    description: clip(text ? `${head}\n${discordEscape(text)}` : head, DISCORD_LIMITS.description),
    color: impactColour(incident.impact, status),
    timestamp: update?.display_at ?? incident.updated_at,
    fields,
    footer: { text: clip(pageName, DISCORD_LIMITS.footer) },
  };
  return { embeds: [fitTotal(embed)], allowed_mentions: { parse: [] } };
}

/** A component's status change. */
export function discordComponentMessage(pageName: string, pageUrl: string, name: string, oldStatus: ComponentStatus, newStatus: ComponentStatus, at: string): DiscordMessage {
  const embed: DiscordEmbed = {
    title: clip(`${name}: ${componentStatusLabel(newStatus)}`, DISCORD_LIMITS.title),
    url: pageUrl,
    description: `${discordEscape(componentStatusLabel(oldStatus))} → **${discordEscape(componentStatusLabel(newStatus))}**`,
    color: STATUS_COLOUR[newStatus],
    timestamp: at,
    footer: { text: clip(pageName, DISCORD_LIMITS.footer) },
  };
  return { embeds: [embed], allowed_mentions: { parse: [] } };
}

/** A link in Discord markdown: the label as text, the URL with the characters that would end it encoded. */
const maskedLink = (label: string, url: string) => `[${discordEscape(label)}](${url.replace(/[()\s]/g, (c) => encodeURIComponent(c))})`;

/**
 * One of the response team's messages: red when urgent, the title linking to the action asked for (a page's
 * Acknowledge), the intro, the links, then the body (cut first when the message is too long), the facts as fields.
 */
export function discordTeamMessage(m: TeamNotice): DiscordMessage {
  const [first] = m.actions;
  const links = m.actions.map((a) => maskedLink(a.label, a.url)).join(' · ');
  const head = `${m.urgent ? '**' : ''}${discordEscape(m.intro)}${m.urgent ? '**' : ''}${links ? `\n${links}` : ''}`;
  const text = m.body ? discordEscape(markdownToText(m.body)) : '';
  const fields = m.facts.slice(0, DISCORD_LIMITS.fields).map(([name, value]) => ({
    name: clip(name, DISCORD_LIMITS.fieldName),
    value: clip(discordEscape(value) || '—', 300),
    inline: value.length <= 60,
  }));
  const embed: DiscordEmbed = {
    title: clip(m.subject, DISCORD_LIMITS.title),
    ...(first ? { url: first.url } : {}),
    description: clip(text ? `${head}\n\n${text}` : head, DISCORD_LIMITS.description),
    color: m.urgent ? DISCORD_COLOURS.critical : DISCORD_COLOURS.maintenance,
    fields,
    footer: { text: clip(`${m.page.name} · internal`, DISCORD_LIMITS.footer) },
  };
  return { embeds: [fitTotal(embed)], allowed_mentions: { parse: [] } };
}
