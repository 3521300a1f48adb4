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
  /** When the level was last raised, or null: an escalation answers every target missed before it. */
  escalatedAt?: Date | null;
  /** A security incident: our procedure calls for escalating whenever security is involved. */
  security?: boolean;
  /** When the security flag was set, if after the start (it then calls for escalating from that moment). */
  securityAt?: Date | null;
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
  /**
   * The next level's name when the incident is below the level its missed targets call for and a target was missed
   * since the last escalation (one escalation answers the misses before it: no banner inviting a second click).
   */
  escalateTo: string | null;
  /** When the next target will be missed if nothing changes (what calls for the next level), or null. */
  nextEscalationAt: Date | null;
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
 * engineer, and a resolution overdue by a further full resolution window calls for one more. Security
 * being involved calls for one level more, from when it was flagged. Raising the level answers every call made
 * before it, so the flag comes back only when the next target is missed, instead of offering the level
 * after next at once. Closed incidents are never flagged.
 */
export function incidentTiming(facts: TimingFacts, policy: SeverityPolicy, now: Date, levelNames: readonly string[] = ESCALATION_LEVELS): Timing {
  const responseDue = responseDueAt(facts.startedAt, policy);
  const resolutionDue = resolutionDueAt(facts.startedAt, policy);
  const nextDue = facts.closed || !facts.lastPublishedAt ? null : nextUpdateDueAfter(facts.lastPublishedAt, policy);
  const responseMissed = missed(responseDue, facts.respondedAt, now);
  const resolutionMissed = missed(resolutionDue, facts.closed ? (facts.resolvedAt ?? now) : null, now);

  // The moments targets are (or will be) missed while the incident stays open.
  const moments: number[] = [];
  if (!facts.closed) {
    if (!facts.respondedAt || facts.respondedAt.getTime() > responseDue.getTime()) moments.push(responseDue.getTime());
    if (resolutionDue && policy.resolutionMinutes !== null) {
      moments.push(resolutionDue.getTime(), plusMinutes(resolutionDue, policy.resolutionMinutes).getTime());
    }
  }
  const passed = moments.filter((m) => now.getTime() > m);
  // Security calls at once, from the moment it was flagged (the start when it was flagged on opening).
  const securityFrom = facts.security && !facts.closed ? Math.max(facts.startedAt.getTime(), facts.securityAt?.getTime() ?? 0) : null;
  if (securityFrom !== null && now.getTime() >= securityFrom) passed.push(securityFrom);
  const required = Math.min(passed.length, MAX_ESCALATION_LEVEL);
  const level = Math.max(0, Math.min(facts.escalationLevel, MAX_ESCALATION_LEVEL));
  const since = facts.escalatedAt?.getTime() ?? -Infinity;
  const missedSinceEscalation = passed.some((m) => m > since);
  const escalateTo = level < required && missedSinceEscalation ? escalationLevelName(level + 1, levelNames) : null;
  const upcoming = level < MAX_ESCALATION_LEVEL ? moments.filter((m) => m >= now.getTime()).sort((a, b) => a - b)[0] : undefined;

  return {
    responseDueAt: responseDue,
    resolutionDueAt: resolutionDue,
    nextUpdateDueAt: nextDue,
    updateOverdue: nextDue !== null && now.getTime() > nextDue.getTime(),
    responseMissed,
    resolutionMissed,
    requiredEscalationLevel: required,
    escalateTo,
    nextEscalationAt: upcoming === undefined ? null : new Date(upcoming),
  };
}

/** The name of escalation level `level` (0 = on-call engineer), as the team names its levels. */
export function escalationLevelName(level: number, levelNames: readonly string[] = ESCALATION_LEVELS): string {
  const i = Math.max(0, Math.min(level, MAX_ESCALATION_LEVEL));
  return levelNames[i] || ESCALATION_LEVELS[i] || ESCALATION_LEVELS[0];
}
