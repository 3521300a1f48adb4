// Exact dues, overdue flags and escalation for each severity, under a controlled clock.
import { describe, expect, test } from 'vitest';
import { ManualClock } from '../../api/core/deps.ts';
import { incidentTiming, nextUpdateDueAfter, escalationLevelName, type TimingFacts } from '../../api/incidents/incident-timing.ts';
import { DEFAULT_SEVERITIES } from '../../api/core/settings.ts';

const MIN = 60_000;
const START = Date.UTC(2026, 0, 1, 12);
const at = (minutes: number) => new Date(START + minutes * MIN);

function facts(over: Partial<TimingFacts> = {}): TimingFacts {
  return { startedAt: at(0), respondedAt: at(0), lastPublishedAt: at(0), resolvedAt: null, closed: false, escalationLevel: 0, ...over };
}

describe('due times per severity (DESIGN.md defaults)', () => {
  const cases = [
    { sev: 'P1', response: 0, resolution: 60, cadence: 30 },
    { sev: 'P2', response: 15, resolution: 240, cadence: 60 },
    { sev: 'P3', response: 60, resolution: 1440, cadence: 240 },
    { sev: 'P4', response: 240, resolution: null, cadence: 1440 },
  ] as const;

  for (const c of cases) {
    test(`${c.sev}: response +${c.response} min, resolution ${c.resolution ?? 'none'}, cadence ${c.cadence} min`, () => {
      const clock = new ManualClock(at(0));
      const policy = DEFAULT_SEVERITIES[c.sev];
      const t = incidentTiming(facts(), policy, clock.now());
      expect(t.responseDueAt).toEqual(at(c.response));
      expect(t.resolutionDueAt).toEqual(c.resolution === null ? null : at(c.resolution));
      expect(t.nextUpdateDueAt).toEqual(at(c.cadence));
      expect(t.updateOverdue).toBe(false);

      // exactly at the due time is on time; one millisecond later is overdue
      clock.set(at(c.cadence));
      expect(incidentTiming(facts(), policy, clock.now()).updateOverdue).toBe(false);
      clock.advance(1);
      expect(incidentTiming(facts(), policy, clock.now()).updateOverdue).toBe(true);

      // a later update moves the next due time by one cadence from that update
      const later = facts({ lastPublishedAt: at(c.cadence) });
      expect(incidentTiming(later, policy, clock.now()).nextUpdateDueAt).toEqual(at(2 * c.cadence));
      expect(incidentTiming(later, policy, clock.now()).updateOverdue).toBe(false);
    });
  }
});

describe('response target', () => {
  const p2 = DEFAULT_SEVERITIES.P2;

  test('no response yet: missed only once the clock passes the due time', () => {
    const none = facts({ respondedAt: null, lastPublishedAt: null });
    expect(incidentTiming(none, p2, at(15)).responseMissed).toBe(false);
    expect(incidentTiming(none, p2, new Date(at(15).getTime() + 1)).responseMissed).toBe(true);
    // no published update: no cadence clock yet
    expect(incidentTiming(none, p2, at(15)).nextUpdateDueAt).toBeNull();
  });

  test('a late response stays missed; an on-time one never is', () => {
    expect(incidentTiming(facts({ respondedAt: at(16) }), p2, at(500)).responseMissed).toBe(true);
    expect(incidentTiming(facts({ respondedAt: at(15) }), p2, at(500)).responseMissed).toBe(false);
  });

  test('P1 is immediate: a first update published after the start is late', () => {
    const p1 = DEFAULT_SEVERITIES.P1;
    expect(incidentTiming(facts({ respondedAt: at(0) }), p1, at(1)).responseMissed).toBe(false);
    expect(incidentTiming(facts({ respondedAt: at(2) }), p1, at(2)).responseMissed).toBe(true);
  });
});

describe('resolution target', () => {
  const p1 = DEFAULT_SEVERITIES.P1;

  test('open past the target is missed; resolved in time is not, resolved late is', () => {
    expect(incidentTiming(facts(), p1, at(60)).resolutionMissed).toBe(false);
    expect(incidentTiming(facts(), p1, at(61)).resolutionMissed).toBe(true);
    expect(incidentTiming(facts({ closed: true, resolvedAt: at(59) }), p1, at(500)).resolutionMissed).toBe(false);
    expect(incidentTiming(facts({ closed: true, resolvedAt: at(61) }), p1, at(500)).resolutionMissed).toBe(true);
  });

  test('P4 has no resolution clock', () => {
    const t = incidentTiming(facts(), DEFAULT_SEVERITIES.P4, at(100_000));
    expect(t.resolutionDueAt).toBeNull();
    expect(t.resolutionMissed).toBe(false);
  });

  test('a closed incident has no next update due and is never overdue', () => {
    const t = incidentTiming(facts({ closed: true, resolvedAt: at(10) }), p1, at(1000));
    expect(t.nextUpdateDueAt).toBeNull();
    expect(t.updateOverdue).toBe(false);
    expect(t.escalateTo).toBeNull();
  });
});

describe('escalation', () => {
  const p2 = DEFAULT_SEVERITIES.P2;

  test('nothing missed: no escalation', () => {
    const t = incidentTiming(facts(), p2, at(10));
    expect(t.requiredEscalationLevel).toBe(0);
    expect(t.escalateTo).toBeNull();
  });

  test('a missed response calls for the team lead; raising the level answers it', () => {
    const late = facts({ respondedAt: at(20) });
    expect(incidentTiming(late, p2, at(30)).escalateTo).toBe('team lead');
    expect(incidentTiming({ ...late, escalationLevel: 1 }, p2, at(30)).escalateTo).toBeNull();
  });

  test('a missed resolution adds a level; twice the resolution window adds the last', () => {
    const late = facts({ respondedAt: at(20) });
    expect(incidentTiming({ ...late, escalationLevel: 1 }, p2, at(241)).escalateTo).toBe('engineering manager');
    expect(incidentTiming({ ...late, escalationLevel: 2 }, p2, at(481)).escalateTo).toBe('CTO/VP engineering');
    expect(incidentTiming({ ...late, escalationLevel: 3 }, p2, at(10_000)).escalateTo).toBeNull();
    expect(incidentTiming(late, p2, at(10_000)).requiredEscalationLevel).toBe(3);
  });

  test('one escalation answers every target missed before it; the next level waits for the next miss', () => {
    // Response and resolution both missed (required: level 2); the level goes 0 → 1 at minute 250.
    const late = facts({ respondedAt: at(20) });
    expect(incidentTiming(late, p2, at(250)).escalateTo).toBe('team lead');
    const escalated = { ...late, escalationLevel: 1, escalatedAt: at(250) };
    // Before: the banner offered engineering manager at once, inviting a second click.
    expect(incidentTiming(escalated, p2, at(251)).escalateTo).toBeNull();
    expect(incidentTiming(escalated, p2, at(251)).nextEscalationAt).toEqual(at(480));
    expect(incidentTiming(escalated, p2, at(481)).escalateTo).toBe('engineering manager');
  });

  test('what happens next: the next target that will be missed, none once at the top or resolved', () => {
    expect(incidentTiming(facts(), p2, at(10)).nextEscalationAt).toEqual(at(240));
    expect(incidentTiming(facts({ respondedAt: null }), p2, at(10)).nextEscalationAt).toEqual(at(15));
    expect(incidentTiming(facts({ escalationLevel: 3 }), p2, at(10)).nextEscalationAt).toBeNull();
    expect(incidentTiming(facts({ closed: true, resolvedAt: at(30) }), p2, at(40)).nextEscalationAt).toBeNull();
  });

  test('security calls for one level more, from when it was flagged; an escalation after it answers it', () => {
    // Flagged from the start: the on-call engineer's level is not enough, with no target missed.
    expect(incidentTiming(facts({ security: true }), p2, at(5)).escalateTo).toBe('team lead');
    expect(incidentTiming(facts({ security: true, escalationLevel: 1, escalatedAt: at(6) }), p2, at(7)).escalateTo).toBeNull();
    // Escalated for a missed response at minute 30, flagged as security at minute 60: the flag calls for one more.
    const late = facts({ respondedAt: at(20), escalationLevel: 1, escalatedAt: at(30) });
    expect(incidentTiming(late, p2, at(61)).escalateTo).toBeNull();
    expect(incidentTiming({ ...late, security: true, securityAt: at(60) }, p2, at(61)).escalateTo).toBe('engineering manager');
    // Custom level names are used.
    expect(incidentTiming(facts({ security: true }), p2, at(5), ['Primary', 'Duty lead', 'Head', 'CTO']).escalateTo).toBe('Duty lead');
  });

  test('level names', () => {
    expect(escalationLevelName(0)).toBe('on-call engineer');
    expect(escalationLevelName(3)).toBe('CTO/VP engineering');
    expect(escalationLevelName(9)).toBe('CTO/VP engineering');
  });
});

test('nextUpdateDueAfter adds the cadence', () => {
  expect(nextUpdateDueAfter(at(7), DEFAULT_SEVERITIES.P3)).toEqual(at(247));
  expect(nextUpdateDueAfter(at(7), { ...DEFAULT_SEVERITIES.P3, cadenceMinutes: 5 })).toEqual(at(12));
});
