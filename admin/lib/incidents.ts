// Ordering and grouping incidents for the console: worst first, open vs closed.
import type { IncidentOut } from '../../api/incidents/incident-json.ts';
import { SEVERITY_RANK } from '../../api/core/vocabulary.ts';

export const isOpen = (i: Pick<IncidentOut, 'kind' | 'status'>): boolean =>
  i.kind === 'incident' ? i.status !== 'resolved' : i.status !== 'completed';

/** Worst first: severity, then the oldest (it has been hurting longest), then title for a stable order. */
export function worstFirst<T extends Pick<IncidentOut, 'severity' | 'started_at' | 'title'>>(list: readonly T[]): T[] {
  return [...list].sort(
    (a, b) =>
      (a.severity ? SEVERITY_RANK[a.severity] : 9) - (b.severity ? SEVERITY_RANK[b.severity] : 9) ||
      Date.parse(a.started_at) - Date.parse(b.started_at) ||
      a.title.localeCompare(b.title),
  );
}

/** Needs attention now: an overdue update or a missed target. */
export const needsAttention = (i: Pick<IncidentOut, 'update_overdue' | 'response_missed' | 'resolution_missed' | 'escalate_to'>): boolean =>
  i.update_overdue || !!i.escalate_to || i.response_missed || i.resolution_missed;
