// What an outbox event says: composed once per event from the public read model (email, webhook JSON, Slack, Teams, Discord).
import { eq, inArray } from 'drizzle-orm';
import type { DB } from '../../db/client.ts';
import { components, type ComponentStatus } from '../../db/schema.ts';
import { composeConfirmationEmail, composeIncidentEmail, type ComposedEmail, type IncidentEmailKind, type PageInfo } from './email-templates.ts';
import { slackComponentMessage, slackIncidentMessage, type SlackMessage } from './slack.ts';
import { teamsComponentMessage, teamsIncidentMessage, type TeamsMessage } from './teams.ts';
import { discordComponentMessage, discordIncidentMessage, type DiscordMessage } from './discord.ts';
import { getIncidentJson, getStatusJson, loadPageContext, type ReadDeps } from '../public/statuspage-read.ts';
import type { IncidentUpdateJson } from '../public/statuspage-types.ts';
import { CONFIRM_TTL_MS, confirmUrl, signLinkToken, subscriberLinks } from './subscription-links.ts';
import type { RecipientLinks } from './email-templates.ts';
import { languagePrefix, localeFor, servedLanguage } from '../core/i18n/locale.ts';

export type EventKind = IncidentEmailKind | 'component_update' | 'subscription_confirmation';

/**
 * What the outbox keeps for an event: references, not rendered text. The message is composed when
 * it is delivered, from what is public then (an update deleted before delivery is not sent).
 */
export type EventRef =
  | { type: 'incident'; incidentId: string; updateId: string | null; componentIds: string[]; /** Where the message links instead of the incident page (a postmortem). */ link?: string }
  | { type: 'component'; componentId: string; oldStatus: ComponentStatus; newStatus: ComponentStatus; at: string; componentIds: string[] }
  | { type: 'confirmation'; componentIds: string[] };

interface WebhookPageJson {
  id: string;
  status_indicator: string;
  status_description: string;
}

/** The parts of a message that are the same for every recipient. */
export interface ComposedEvent {
  kind: EventKind;
  page: PageInfo;
  /** Null when this event is not for email. */
  email: ComposedEmail | null;
  /** Statuspage's webhook body without `meta` (added per recipient). */
  webhook: Record<string, unknown> | null;
  slack: SlackMessage | null;
  teams: TeamsMessage | null;
  discord: DiscordMessage | null;
}

/** Why an event cannot be composed any more (its incident or update was deleted or unpublished). */
export class GoneError extends Error {}

async function webhookPage(deps: ReadDeps): Promise<WebhookPageJson> {
  const { page, status } = await getStatusJson(deps);
  return { id: page.id, status_indicator: status.indicator, status_description: status.description };
}

/**
 * `language`: the subscriber's (the page they subscribed on); the message is in it while the page offers it, else in
 * the page's default language, and its links open the pages in that language.
 */
export async function composeEvent(deps: ReadDeps, kind: EventKind, ref: EventRef, language: string | null = null): Promise<ComposedEvent> {
  const ctx = await loadPageContext(deps);
  const tag = servedLanguage(ctx.languages, language);
  const page: PageInfo = { pageName: ctx.page.name, base: ctx.base, timeZone: ctx.timeZone, loc: localeFor(tag), pages: languagePrefix(ctx.languages, tag) };

  if (ref.type === 'confirmation') {
    const names = ref.componentIds.length ? await componentNames(deps.db, ref.componentIds) : [];
    return { kind, page, email: composeConfirmationEmail(page, names, CONFIRM_TTL_MS / 3_600_000), webhook: null, slack: null, teams: null, discord: null };
  }

  if (ref.type === 'component') {
    const [row] = await deps.db.select().from(components).where(eq(components.id, ref.componentId));
    if (!row) throw new GoneError('the component was deleted');
    const webhook = {
      page: await webhookPage(deps),
      component_update: {
        created_at: ref.at,
        new_status: ref.newStatus,
        old_status: ref.oldStatus,
        id: `${ref.componentId}-${Date.parse(ref.at).toString(36)}`,
        component_id: ref.componentId,
      },
      component: { created_at: row.createdAt.toISOString(), id: row.id, name: row.name, status: ref.newStatus },
    };
    return {
      kind,
      page,
      email: null,
      webhook,
      slack: slackComponentMessage(page.pageName, row.name, ref.oldStatus, ref.newStatus),
      teams: teamsComponentMessage(page.pageName, `${page.base}/`, row.name, ref.oldStatus, ref.newStatus),
      discord: discordComponentMessage(page.pageName, `${page.base}/`, row.name, ref.oldStatus, ref.newStatus, ref.at),
    };
  }

  const incident = await getIncidentJson(deps, ref.incidentId);
  if (!incident) throw new GoneError('the incident is no longer public');
  let update: IncidentUpdateJson | null = null;
  if (ref.updateId) {
    update = incident.incident_updates.find((u) => u.id === ref.updateId) ?? null;
    if (!update) throw new GoneError('the update was deleted');
  }
  const emailKind = kind as IncidentEmailKind;
  return {
    kind,
    page,
    email: composeIncidentEmail({ kind: emailKind, page, incident, update, link: ref.link }),
    webhook: { page: await webhookPage(deps), incident },
    slack: slackIncidentMessage(page.pageName, incident, update),
    teams: teamsIncidentMessage(page.pageName, incident, update),
    discord: discordIncidentMessage(page.pageName, incident, update),
  };
}

/** One recipient's links, in the message's language: manage, one-click unsubscribe, and confirm on a confirmation. */
export function recipientLinks(event: Pick<ComposedEvent, 'kind' | 'page'>, key: Buffer, subscriberId: string, now: Date): RecipientLinks {
  const { base, pages } = event.page;
  const links = subscriberLinks(base, key, subscriberId, now, pages);
  return event.kind === 'subscription_confirmation' ? { ...links, confirm: confirmUrl(base, signLinkToken(key, 'confirm', subscriberId, now), pages) } : links;
}

async function componentNames(db: DB, ids: string[]): Promise<string[]> {
  const rows = await db.select({ id: components.id, name: components.name }).from(components).where(inArray(components.id, ids));
  return rows.map((r) => r.name);
}
