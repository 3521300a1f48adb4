// Ordering and grouping incidents for the console: what needs action first, open vs closed.
import type { IncidentOut } from '../../api/incidents/incident-json.ts';
import { SEVERITY_RANK } from '../../api/core/vocabulary.ts';

export const isOpen = (i: Pick<IncidentOut, 'kind' | 'status'>): boolean =>
  i.kind === 'incident' ? i.status !== 'resolved' : i.status !== 'completed';

type Sortable = Pick<IncidentOut, 'severity' | 'started_at' | 'title' | 'update_overdue' | 'response_missed' | 'resolution_missed' | 'escalate_to'>;

/** Needs attention now: an overdue update or a missed target. */
export const needsAttention = (i: Pick<IncidentOut, 'update_overdue' | 'response_missed' | 'resolution_missed' | 'escalate_to'>): boolean =>
  i.update_overdue || !!i.escalate_to || i.response_missed || i.resolution_missed;

/**
 * What needs action first: incidents with an overdue update or a missed target, then the calm ones; within each,
 * by severity, then the oldest (it has been hurting longest), then title for a stable order. A calm P1 no longer
 * sits above a P2 whose update is overdue.
 */
export function actionFirst<T extends Sortable>(list: readonly T[]): T[] {
  return [...list].sort(
    (a, b) =>
      Number(needsAttention(b)) - Number(needsAttention(a)) ||
      (a.severity ? SEVERITY_RANK[a.severity] : 9) - (b.severity ? SEVERITY_RANK[b.severity] : 9) ||
      Date.parse(a.started_at) - Date.parse(b.started_at) ||
      a.title.localeCompare(b.title),
  );
}
