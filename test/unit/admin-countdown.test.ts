// Countdown text on top of api/incidents/incident-timing.ts: exact under a controlled clock (no real time involved).
import { describe, expect, it } from 'vitest';
import { ageText, countdown, formatSpan, metText } from '../../admin/lib/countdown.ts';
import { incidentTiming } from '../../api/incidents/incident-timing.ts';
import { DEFAULT_SEVERITIES } from '../../api/core/settings.ts';

const MIN = 60_000;
const start = new Date(Date.UTC(2026, 0, 1, 12, 0, 0));
const at = (ms: number) => new Date(start.getTime() + ms);

describe('formatSpan', () => {
  it.each([
    [0, '0 s'],
    [999, '0 s'],
    [45_000, '45 s'],
    [60_000, '1 min'],
    [4 * MIN + 30_000, '4 min 30 s'],
    [9 * MIN + 59_999, '9 min 59 s'],
    [10 * MIN, '10 min'],
    [25 * MIN + 59_000, '25 min'],
    [60 * MIN, '1 h'],
    [65 * MIN, '1 h 5 min'],
    [24 * 60 * MIN, '1 d'],
    [(2 * 24 + 3) * 60 * MIN + 59 * MIN, '2 d 3 h'],
    [-5_000, '0 s'],
  ])('%i ms → %s', (ms, text) => expect(formatSpan(ms)).toBe(text));
});

describe('countdown', () => {
  it('counts down, is on time exactly at the due time, then says MISSED or OVERDUE', () => {
    const due = at(30 * MIN);
    expect(countdown('update', due, at(18 * MIN))).toEqual({ text: 'due in 12 min', state: 'upcoming' });
    expect(countdown('update', due, at(30 * MIN - 1_000))).toEqual({ text: 'due in 1 s', state: 'upcoming' });
    expect(countdown('update', due, due)).toEqual({ text: 'due now', state: 'now' });
    expect(countdown('update', due, at(35 * MIN))).toEqual({ text: 'OVERDUE by 5 min', state: 'late' });
    expect(countdown('target', due, at(35 * MIN))).toEqual({ text: 'MISSED 5 min ago', state: 'late' });
  });

  it('describes met targets', () => {
    expect(metText(at(15 * MIN), at(3 * MIN), start).text).toBe('met after 3 min');
    expect(metText(at(15 * MIN), at(19 * MIN), start)).toEqual({ text: 'met late, 4 min after the target', state: 'late' });
    expect(ageText(start, at(65 * MIN))).toBe('1 h 5 min ago');
  });
});

describe('countdowns for a P1 from incident-timing under a controlled clock', () => {
  const policy = DEFAULT_SEVERITIES.P1;
  const facts = { startedAt: start, respondedAt: at(2 * MIN), lastPublishedAt: at(2 * MIN), resolvedAt: null, closed: false, escalationLevel: 0 };

  it('next update due = last published update + 30 min cadence', () => {
    const now = at(20 * MIN);
    const t = incidentTiming(facts, policy, now);
    expect(t.nextUpdateDueAt?.toISOString()).toBe('2026-01-01T12:32:00.000Z');
    expect(countdown('update', t.nextUpdateDueAt!, now).text).toBe('due in 12 min');
    expect(t.updateOverdue).toBe(false);
  });

  it('an update 3 min past the cadence is overdue, and the resolution target counts down', () => {
    const now = at(35 * MIN);
    const t = incidentTiming(facts, policy, now);
    expect(t.updateOverdue).toBe(true);
    expect(countdown('update', t.nextUpdateDueAt!, now)).toEqual({ text: 'OVERDUE by 3 min', state: 'late' });
    expect(countdown('target', t.resolutionDueAt!, now).text).toBe('due in 25 min');
  });

  it('a missed resolution target reads MISSED and asks to escalate', () => {
    const now = at(65 * MIN);
    const t = incidentTiming(facts, policy, now);
    expect(t.resolutionMissed).toBe(true);
    expect(countdown('target', t.resolutionDueAt!, now).text).toBe('MISSED 5 min ago');
    expect(t.escalateTo).toBe('team lead');
  });
});
