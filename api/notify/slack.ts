// Slack incoming webhooks: a hooks.slack.com URL gets a Slack message (text + blocks) instead of Statuspage JSON.
import { markdownToText } from '../core/markdown.ts';
import type { AnyIncidentJson, IncidentUpdateJson } from '../public/statuspage-types.ts';
import { statusLabel } from '../core/vocabulary.ts';

export function isSlackWebhookUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && u.hostname === 'hooks.slack.com';
  } catch {
    return false;
  }
}

/** Slack's mrkdwn treats &, < and > as control characters. */
const slackEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export interface SlackMessage {
  text: string;
  blocks: (
    | { type: 'header'; text: { type: 'plain_text'; text: string } }
    | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
    | { type: 'section'; fields: { type: 'mrkdwn'; text: string }[] }
    | { type: 'context'; elements: { type: 'mrkdwn'; text: string }[] }
    | { type: 'actions'; elements: { type: 'button'; text: { type: 'plain_text'; text: string }; url: string; style?: 'primary' | 'danger' }[] }
  )[];
}

const EMOJI: Record<string, string> = {
  investigating: ':red_circle:',
  identified: ':large_orange_circle:',
  monitoring: ':large_yellow_circle:',
  resolved: ':large_green_circle:',
  scheduled: ':calendar:',
  in_progress: ':wrench:',
  verifying: ':mag:',
  completed: ':white_check_mark:',
};

/** One incident or maintenance event as a Slack message: the title links to the incident page. */
export function slackIncidentMessage(pageName: string, incident: AnyIncidentJson, update: IncidentUpdateJson | null): SlackMessage {
  const status = update?.status ?? incident.status;
  const label = statusLabel(status);
  const body = update ? markdownToText(update.body) : '';
  const components = incident.components.filter((c) => !c.group).map((c) => c.name);
  const fallback = `[${pageName}] ${label}: ${incident.name}`;
  const blocks: SlackMessage['blocks'] = [
    { type: 'header', text: { type: 'plain_text', text: `${incident.name}`.slice(0, 150) } },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `${EMOJI[status] ?? ':information_source:'} *${slackEscape(label)}*${body ? `\n${slackEscape(body).slice(0, 2800)}` : ''}`,
      },
    },
  ];
  const context = [`<${incident.shortlink}|View on ${slackEscape(pageName)}>`];
  if (components.length) context.unshift(`Affected: ${slackEscape(components.join(', '))}`);
  blocks.push({ type: 'context', elements: context.map((text) => ({ type: 'mrkdwn' as const, text })) });
  return { text: fallback, blocks };
}

/** A component's status change. */
export function slackComponentMessage(pageName: string, name: string, oldStatus: string, newStatus: string): SlackMessage {
  const text = `[${pageName}] ${name}: ${oldStatus.replace(/_/g, ' ')} → ${newStatus.replace(/_/g, ' ')}`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: slackEscape(text) } }] };
}
