// Public status rules per kind (incident, maintenance): which statuses exist, which moves are legal, which times they stamp.
import { INCIDENT_STATUSES, MAINTENANCE_STATUSES, type Stage } from '../../db/schema.ts';

export type Kind = 'incident' | 'maintenance';

/** The incident columns a status stamps the first time it is reached. */
type Milestone = 'identifiedAt' | 'monitoringAt' | 'resolvedAt';

export interface KindRules {
  statuses: readonly string[];
  /** The closing status: once there, only further notes with this same status are taken. */
  closed: string;
  milestones: Partial<Record<string, Milestone>>;
  /** The internal stage an update with the closing status moves the incident to. */
  closedStage: Stage | null;
  /** Whether the status implies update cadence and response/resolution targets. */
  timed: boolean;
  /** Why a move out of the closed status is refused, for a person. */
  reopenMessage: string;
}

export const KIND_RULES: Record<Kind, KindRules> = {
  incident: {
    statuses: INCIDENT_STATUSES,
    closed: 'resolved',
    milestones: { identified: 'identifiedAt', monitoring: 'monitoringAt', resolved: 'resolvedAt' },
    closedStage: 'resolved',
    timed: true,
    reopenMessage:
      'This incident is resolved: it only takes further "resolved" notes. If the problem is back, open a new incident.',
  },
  maintenance: {
    statuses: MAINTENANCE_STATUSES,
    closed: 'completed',
    milestones: { verifying: 'monitoringAt', completed: 'resolvedAt' },
    closedStage: null,
    timed: false,
    reopenMessage: 'This maintenance is completed: it only takes further "completed" notes. Schedule a new maintenance instead.',
  },
};

export const isClosed = (kind: Kind, status: string) => KIND_RULES[kind].closed === status;

/**
 * Null when `from` → `to` is a legal move, else the reason. Open statuses move freely among
 * themselves (real incidents regress: monitoring → investigating happens) and to the closing one.
 */
export function transitionError(kind: Kind, from: string, to: string): string | null {
  const rules = KIND_RULES[kind];
  if (!rules.statuses.includes(to)) return `"${to}" is not a ${kind} status (${rules.statuses.join(', ')}).`;
  if (from === rules.closed && to !== rules.closed) return rules.reopenMessage;
  return null;
}
