// After an escalation the console returns to the page it was asked from, saying what happened: the level, who was
// paged (or that nobody could be), and what happens next.
import type { IncidentOut } from '../../api/incidents/incident-json.ts';
import type { EscalationOut } from '../../api/response/escalation-settings.ts';
import type { PageOut } from '../../api/response/paging.ts';

/** Where the escalate form returns: its page, with ?escalated=<id> so the page can say what happened. */
export function escalatedUrl(back: string, incidentId: string): string {
  const url = new URL(back, 'http://console.invalid');
  url.searchParams.set('escalated', incidentId);
  return `${url.pathname}${url.search}#main`;
}

export interface PagedNow {
  /** The level paged last at the incident's current position (1..4), and its name. */
  level: number;
  levelName: string;
  /** Who was paged in that batch, as people read them; empty when the level has no contacts. */
  contacts: string[];
  /** When that batch was sent; null when nobody was paged. */
  sentAt: Date | null;
  /** Who acknowledged it, if someone did (the first). */
  acknowledgedBy: string | null;
  acknowledgedAt: Date | null;
  /** When nobody acknowledged: the time Herald pages the next staffed level by itself, and that level's name. */
  autoAt: Date | null;
  autoLevelName: string | null;
}

/**
 * Who the escalation paged and what Herald does next by itself: the newest batch of pages at the incident's current
 * level (escalation_level + 1), and when no acknowledgement comes within the severity's timeout, the next level with
 * contacts that the scheduler pages then (api/response/response-worker.ts).
 */
export function pagedNow(i: Pick<IncidentOut, 'escalation_level' | 'escalation_level_name' | 'severity'>, pages: readonly PageOut[], escalation: EscalationOut | null): PagedNow {
  const level = i.escalation_level + 1;
  const atLevel = pages.filter((p) => p.level === level);
  const newest = atLevel.reduce<string | null>((max, p) => (max === null || p.sent_at > max ? p.sent_at : max), null);
  const batch = newest === null ? [] : atLevel.filter((p) => p.sent_at === newest);
  const acked = batch.filter((p) => p.acknowledged_at).sort((a, b) => (a.acknowledged_at ?? '').localeCompare(b.acknowledged_at ?? ''))[0];
  const timeout = escalation && i.severity ? escalation.ack_timeout_minutes[i.severity] : null;
  const above = escalation?.levels.find((l) => l.level > level && l.contacts.length > 0) ?? null;
  const sentAt = newest === null ? null : new Date(newest);
  const auto = sentAt && !acked && timeout !== null && timeout !== undefined && above ? new Date(sentAt.getTime() + timeout * 60_000) : null;
  return {
    level,
    levelName: batch[0]?.level_name ?? i.escalation_level_name,
    contacts: batch.map((p) => p.contact),
    sentAt,
    acknowledgedBy: acked ? (acked.acknowledged_by_name ?? acked.contact) : null,
    acknowledgedAt: acked?.acknowledged_at ? new Date(acked.acknowledged_at) : null,
    autoAt: auto,
    autoLevelName: auto ? above!.name : null,
  };
}

/** "Ada <ada@example.com>", "A and B", "A, B and C". */
export function listText(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
