// Pure functions of (incident, severity policy, now): response/resolution dues, next update due, escalation.
import { ESCALATION_LEVELS } from '../../db/schema.ts';
import type { SeverityPolicy } from '../core/settings.ts';

const MINUTE = 60_000;

/** The facts about an incident the timing rules need; nothing else. */
export interface TimingFacts {
  startedAt: Date;
  /** When the first update went public (the response), or null. */
  respondedAt: Date | null;
  /** When the latest update went public, or null. */
  lastPublishedAt: Date | null;
  resolvedAt: Date | null;
  /** True once the incident is closed (resolved, or a completed maintenance). */
  closed: boolean;
  escalationLevel: number;
  /** A security incident: our procedure calls for escalating whenever security is involved. */
  security?: boolean;
}

export interface Timing {
  responseDueAt: Date;
  /** Null when the severity has no resolution clock (P4: "next release"). */
  resolutionDueAt: Date | null;
  /** Last published update + cadence; null once closed or before the first update. */
  nextUpdateDueAt: Date | null;
  updateOverdue: boolean;
  responseMissed: boolean;
  resolutionMissed: boolean;
  /** The level the missed targets call for (0..3). */
  requiredEscalationLevel: number;
  /** The next level's name when the incident is below the level its missed targets call for. */
  escalateTo: string | null;
}

export const MAX_ESCALATION_LEVEL = ESCALATION_LEVELS.length - 1;

const plusMinutes = (d: Date, minutes: number) => new Date(d.getTime() + minutes * MINUTE);

/** When the response is due: start + response target (0 means immediately, i.e. at the start). */
export function responseDueAt(startedAt: Date, policy: SeverityPolicy): Date {
  return plusMinutes(startedAt, policy.responseMinutes);
}

export function resolutionDueAt(startedAt: Date, policy: SeverityPolicy): Date | null {
  return policy.resolutionMinutes === null ? null : plusMinutes(startedAt, policy.resolutionMinutes);
}

/** The time the next public update is due after one published at `publishedAt`. */
export function nextUpdateDueAfter(publishedAt: Date, policy: SeverityPolicy): Date {
  return plusMinutes(publishedAt, policy.cadenceMinutes);
}

/**
 * A target is missed when it was met late, or is still unmet and the clock has passed it.
 * Exactly at the due time is still on time.
 */
function missed(due: Date | null, metAt: Date | null, now: Date): boolean {
  if (!due) return false;
  return (metAt ?? now).getTime() > due.getTime();
}

/**
 * Every due time and flag for one incident at `now`.
 *
 * Escalation: each missed target (response, resolution) calls for one level above the on-call
 * engineer, and a resolution overdue by a further full resolution window calls for one more. So
 * raising the level once answers the flag until the next target is missed, instead of nagging
 * forever. Security being involved calls for one level more. Closed incidents are never flagged.
 */
export function incidentTiming(facts: TimingFacts, policy: SeverityPolicy, now: Date, levelNames: readonly string[] = ESCALATION_LEVELS): Timing {
  const responseDue = responseDueAt(facts.startedAt, policy);
  const resolutionDue = resolutionDueAt(facts.startedAt, policy);
  const nextDue = facts.closed || !facts.lastPublishedAt ? null : nextUpdateDueAfter(facts.lastPublishedAt, policy);
  const responseMissed = missed(responseDue, facts.respondedAt, now);
  const resolutionMissed = missed(resolutionDue, facts.closed ? (facts.resolvedAt ?? now) : null, now);

  let required = 0;
  if (!facts.closed) {
    if (responseMissed) required += 1;
    if (resolutionMissed) required += 1;
    if (facts.security) required += 1;
    if (resolutionDue && policy.resolutionMinutes !== null) {
      const doubleDue = plusMinutes(resolutionDue, policy.resolutionMinutes);
      if (now.getTime() > doubleDue.getTime()) required += 1;
    }
  }
  required = Math.min(required, MAX_ESCALATION_LEVEL);
  const level = Math.max(0, Math.min(facts.escalationLevel, MAX_ESCALATION_LEVEL));
  const escalateTo = level < required ? escalationLevelName(level + 1, levelNames) : null;

  return {
    responseDueAt: responseDue,
    resolutionDueAt: resolutionDue,
    nextUpdateDueAt: nextDue,
    updateOverdue: nextDue !== null && now.getTime() > nextDue.getTime(),
    responseMissed,
    resolutionMissed,
    requiredEscalationLevel: required,
    escalateTo,
  };
}

/** The name of escalation level `level` (0 = on-call engineer), as the team names its levels. */
export function escalationLevelName(level: number, levelNames: readonly string[] = ESCALATION_LEVELS): string {
  const i = Math.max(0, Math.min(level, MAX_ESCALATION_LEVEL));
  return levelNames[i] || ESCALATION_LEVELS[i] || ESCALATION_LEVELS[0];
}
