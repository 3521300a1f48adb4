// Which body a webhook gets: Statuspage's signed JSON, or a chat service's own message (Slack, Microsoft Teams, Discord),
// told from the URL unless the webhook names its format.
import type { WebhookFormat } from '../core/vocabulary.ts';
import { isSlackWebhookUrl } from './slack.ts';

function https(url: string): URL | null {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' ? u : null;
  } catch {
    return null;
  }
}

const DISCORD_HOSTS = new Set(['discord.com', 'discordapp.com', 'ptb.discord.com', 'canary.discord.com']);

/** `https://discord.com/api/webhooks/<id>/<token>` (also discordapp.com, ptb. and canary., and versioned API paths). */
function isDiscordWebhookUrl(url: string): boolean {
  const u = https(url);
  return !!u && DISCORD_HOSTS.has(u.hostname) && /^\/api\/(?:v\d+\/)?webhooks\/\d+\/[^/]+/.test(u.pathname);
}

/**
 * A Microsoft Teams incoming webhook (`https://<tenant>.webhook.office.com/webhookb2/…`, the older
 * `https://outlook.office.com/webhook/…`), or a Workflows (Power Automate) trigger that posts to a channel
 * (`https://….logic.azure.com/workflows/…/triggers/…` or `https://….api.powerplatform.com/…/workflows/…/triggers/…`).
 */
function isTeamsWebhookUrl(url: string): boolean {
  const u = https(url);
  if (!u) return false;
  const host = u.hostname;
  if (host.endsWith('.webhook.office.com')) return /^\/webhookb2\//.test(u.pathname);
  if (host === 'outlook.office.com' || host === 'outlook.office365.com') return /^\/webhook(?:b2)?\//.test(u.pathname);
  if (host.endsWith('.logic.azure.com') || host.endsWith('.api.powerplatform.com')) return /\/workflows\/[^/]+\/triggers\//.test(u.pathname);
  return false;
}

/** The format a URL gets when the webhook does not name one. */
export function detectWebhookFormat(url: string): WebhookFormat {
  if (isSlackWebhookUrl(url)) return 'slack';
  if (isTeamsWebhookUrl(url)) return 'teams';
  if (isDiscordWebhookUrl(url)) return 'discord';
  return 'statuspage';
}

/**
 * Truncates to at most `max` UTF-16 code units, ending in an ellipsis when cut, never splitting a character. Code
 * units, not code points: a service that counts either is satisfied.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length > max - 1) break;
    out += ch;
  }
  return `${out}…`;
}

/** The length services count, in UTF-16 code units (see clip). */
export const length = (text: string) => text.length;

/**
 * One of the response team's messages (a page, a role assignment, a reminder, a stakeholder update) as the chat
 * formats read it: api/notify/internal-messages.ts's InternalMessage is one.
 */
export interface TeamNotice {
  page: { name: string };
  /** The headline. */
  subject: string;
  /** What happened and what is asked of the reader. */
  intro: string;
  /** Markdown (a note, the role's duties), or null. */
  body: string | null;
  facts: [string, string][];
  /** Links, the first being the action asked for (Acknowledge, for a page). */
  actions: { label: string; url: string }[];
  urgent: boolean;
}
