// Microsoft Teams: an incident or component event as an Adaptive Card in the message envelope that incoming webhooks
// and Workflows' "post to a channel when a webhook request is received" take: `{ type: "message", attachments: [{
// contentType: "application/vnd.microsoft.card.adaptive", contentUrl: null, content: <AdaptiveCard> }] }`. Teams
// refuses messages over about 28 KB; the text is cut so that the whole body stays well under that. Card version 1.2:
// everything used here (container styles, bleed, fact sets, Action.OpenUrl) is in it, and every Teams client reads it.
import { markdownToText } from '../core/markdown.ts';
import { componentStatusLabel, impactLabel, statusLabel, type ComponentStatus } from '../core/vocabulary.ts';
import type { AnyIncidentJson, IncidentUpdateJson } from '../public/statuspage-types.ts';
import { clip, type TeamNotice } from './chat-formats.ts';

/** Teams' limit for a message is about 28 KB; we stay under this many bytes of JSON. */
const TEAMS_MAX_BYTES = 24 * 1024;
const MAX_TEXT = 4000;
/** Teams shows at most six buttons on a card. */
const MAX_ACTIONS = 6;

type Style = 'default' | 'emphasis' | 'good' | 'attention' | 'warning' | 'accent';

type Element =
  | { type: 'TextBlock'; text: string; wrap: true; size?: 'Small' | 'Medium' | 'Large'; weight?: 'Bolder'; isSubtle?: boolean; spacing?: 'None' | 'Small' }
  | { type: 'FactSet'; facts: { title: string; value: string }[] }
  | { type: 'Container'; style: Style; bleed: true; items: Element[] };

interface AdaptiveCard {
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
  type: 'AdaptiveCard';
  version: '1.2';
  body: Element[];
  actions?: { type: 'Action.OpenUrl'; title: string; url: string }[];
  msteams: { width: 'Full' };
}

export interface TeamsMessage {
  type: 'message';
  attachments: { contentType: 'application/vnd.microsoft.card.adaptive'; contentUrl: null; content: AdaptiveCard }[];
}

/** An incident's container style: its impact, and "good" once it is over. */
function impactStyle(impact: string, status: string): Style {
  if (status === 'resolved' || status === 'postmortem' || status === 'completed') return 'good';
  switch (impact) {
    case 'critical':
    case 'major':
      return 'attention';
    case 'minor':
      return 'warning';
    case 'maintenance':
      return 'accent';
    default:
      return 'emphasis';
  }
}

const STATUS_STYLE: Record<ComponentStatus, Style> = {
  operational: 'good',
  degraded_performance: 'warning',
  partial_outage: 'attention',
  major_outage: 'attention',
  under_maintenance: 'accent',
};

/** Adaptive Cards' TextBlock reads a little markdown: plain text keeps its asterisks and underscores as written. */
function teamsEscape(text: string): string {
  return text.replace(/[\\*_~`[\]]/g, (c) => `\\${c}`);
}

function card(style: Style, kicker: string, title: string, body: Element[], links: { title: string; url: string }[]): AdaptiveCard {
  return {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.2',
    body: [
      {
        type: 'Container',
        style,
        bleed: true,
        items: [
          { type: 'TextBlock', text: teamsEscape(kicker), wrap: true, size: 'Small', isSubtle: true },
          { type: 'TextBlock', text: teamsEscape(title), wrap: true, size: 'Large', weight: 'Bolder', spacing: 'None' },
        ],
      },
      ...body,
    ],
    actions: links.slice(0, MAX_ACTIONS).map((l) => ({ type: 'Action.OpenUrl' as const, title: l.title, url: l.url })),
    msteams: { width: 'Full' },
  };
}

function envelope(content: AdaptiveCard): TeamsMessage {
  return { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content }] };
}

const bytes = (m: TeamsMessage) => Buffer.byteLength(JSON.stringify(m));

/** One incident or maintenance event: its name, the update's status and text, the facts, and a link to its page. */
export function teamsIncidentMessage(pageName: string, incident: AnyIncidentJson, update: IncidentUpdateJson | null): TeamsMessage {
  const status = update?.status ?? incident.status;
  const components = incident.components.filter((c) => !c.group).map((c) => c.name);
  const facts = [{ title: 'Status', value: statusLabel(status) }];
  if (incident.impact !== 'maintenance') facts.push({ title: 'Impact', value: impactLabel(incident.impact) });
  if (components.length) facts.push({ title: 'Affected', value: clip(components.join(', '), 1000) });
  const build = (text: string) => {
    const body: Element[] = [{ type: 'TextBlock', text: `**${statusLabel(status)}**`, wrap: true }];
    if (text) body.push({ type: 'TextBlock', text: teamsEscape(text), wrap: true, spacing: 'Small' });
    body.push({ type: 'FactSet', facts: facts.map((f) => ({ title: f.title, value: teamsEscape(f.value) })) });
    return envelope(
      card(impactStyle(incident.impact, status), pageName, clip(incident.name, 300), body, [{ title: `View on ${clip(pageName, 80)}`, url: incident.shortlink }]),
    );
  };
  return fitted(update ? markdownToText(update.body) : '', build);
}

/**
 * The card `build` makes with as much of `text` as fits Teams' size limit: multi-byte text (and escapes) can outgrow
 * it at fewer characters than MAX_TEXT, so the text is cut further until the card fits.
 */
function fitted(full: string, build: (text: string) => TeamsMessage): TeamsMessage {
  let text = clip(full, MAX_TEXT);
  let message = build(text);
  while (bytes(message) > TEAMS_MAX_BYTES && text) {
    const next = Math.floor(text.length * 0.8);
    text = next < 2 ? '' : clip(text, next);
    message = build(text);
  }
  return message;
}

/** A component's status change. */
export function teamsComponentMessage(pageName: string, pageUrl: string, name: string, oldStatus: ComponentStatus, newStatus: ComponentStatus): TeamsMessage {
  const change = `${componentStatusLabel(oldStatus)} → ${componentStatusLabel(newStatus)}`;
  return envelope(
    card(STATUS_STYLE[newStatus], pageName, `${clip(name, 200)}: ${componentStatusLabel(newStatus)}`, [{ type: 'TextBlock', text: teamsEscape(change), wrap: true }], [
      { title: `View on ${clip(pageName, 80)}`, url: pageUrl },
    ]),
  );
}

/**
 * One of the response team's messages: marked internal, red (attention) when urgent, the intro, the body, the facts,
 * and its links as buttons, the first being the action asked for (a page's Acknowledge).
 */
export function teamsTeamMessage(m: TeamNotice): TeamsMessage {
  const facts = m.facts.map(([title, value]) => ({ title: teamsEscape(clip(title, 100)), value: teamsEscape(clip(value, 500)) }));
  const build = (text: string) => {
    const body: Element[] = [{ type: 'TextBlock', text: teamsEscape(clip(m.intro, 2000)), wrap: true, ...(m.urgent ? { weight: 'Bolder' as const } : {}) }];
    if (text) body.push({ type: 'TextBlock', text: teamsEscape(text), wrap: true, spacing: 'Small' });
    if (facts.length) body.push({ type: 'FactSet', facts });
    const links = m.actions.map((a) => ({ title: clip(a.label, 80), url: a.url }));
    return envelope(card(m.urgent ? 'attention' : 'emphasis', `${m.page.name} · internal`, clip(m.subject, 300), body, links));
  };
  return fitted(m.body ? markdownToText(m.body) : '', build);
}
