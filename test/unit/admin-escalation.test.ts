// After an escalation: who was paged at the incident's level, and when Herald pages the level above by itself.
import { describe, expect, it } from 'vitest';
import { escalatedUrl, listText, pagedNow } from '../../admin/lib/escalation.ts';
import type { EscalationOut } from '../../api/response/escalation-settings.ts';
import type { PageOut } from '../../api/response/paging.ts';

const page = (over: Partial<PageOut>): PageOut => ({
  id: 'p',
  incident_id: 'i',
  level: 2,
  level_name: 'team lead',
  contact: 'lead@example.com',
  channel: 'email',
  reason: 'needs_expertise',
  state: 'sent',
  delivery: 'held',
  sent_at: '2026-01-01T12:10:00.000Z',
  acknowledged_at: null,
  acknowledged_by: null,
  acknowledged_by_name: null,
  acknowledged_via: null,
  ...over,
});

const contact = (label: string) => ({ id: label, kind: 'email' as const, user_id: null, address: label, name: null, label });
const path = (staffed: number[]): EscalationOut => ({
  levels: [1, 2, 3, 4].map((level) => ({ level, name: ['on-call engineer', 'team lead', 'engineering manager', 'CTO/VP engineering'][level - 1]!, contacts: staffed.includes(level) ? [contact(`l${level}@example.com`)] : [] })),
  ack_timeout_minutes: { P1: 5, P2: 15, P3: 60, P4: null },
  page_on_open: { P1: true, P2: false, P3: false, P4: false },
  update_reminder_minutes: 10,
});
const incident = { escalation_level: 1, escalation_level_name: 'team lead', severity: 'P2' as const };

describe('pagedNow', () => {
  it('names the newest batch at the level, and when the next staffed level is paged by itself', () => {
    const pages = [
      page({ id: 'a', contact: 'lead@example.com' }),
      page({ id: 'b', contact: 'Slack https://hooks.slack.com/services/…', channel: 'slack' }),
      page({ id: 'old', contact: 'former@example.com', sent_at: '2026-01-01T12:00:00.000Z' }),
      page({ id: 'l1', level: 1, level_name: 'on-call engineer', contact: 'oncall@example.com', sent_at: '2026-01-01T11:50:00.000Z' }),
    ];
    const p = pagedNow(incident, pages, path([1, 2, 4]));
    expect(p.contacts).toEqual(['lead@example.com', 'Slack https://hooks.slack.com/services/…']);
    expect(p.sentAt).toEqual(new Date('2026-01-01T12:10:00.000Z'));
    // level 3 has nobody: the climb passes it by, as the scheduler does
    expect(p.autoLevelName).toBe('CTO/VP engineering');
    expect(p.autoAt).toEqual(new Date('2026-01-01T12:25:00.000Z'));
  });

  it('says nobody was paged at an empty level, and nothing climbs once acknowledged, without a timeout or at the top', () => {
    expect(pagedNow(incident, [], path([1])).contacts).toEqual([]);
    expect(pagedNow(incident, [], path([1])).autoAt).toBeNull();
    const acked = pagedNow(incident, [page({ acknowledged_at: '2026-01-01T12:12:00.000Z', acknowledged_by_name: 'Pat' })], path([2, 3]));
    expect(acked.acknowledgedBy).toBe('Pat');
    expect(acked.autoAt).toBeNull();
    expect(pagedNow({ ...incident, severity: 'P4' }, [page({})], path([2, 3])).autoAt).toBeNull();
    expect(pagedNow(incident, [page({})], path([1, 2])).autoAt).toBeNull();
    expect(pagedNow(incident, [page({})], null).autoAt).toBeNull();
  });

  it('lists and returns in words', () => {
    expect(listText(['a'])).toBe('a');
    expect(listText(['a', 'b', 'c'])).toBe('a, b and c');
    expect(escalatedUrl('/admin?x=1', 'inc')).toBe('/admin?x=1&escalated=inc#main');
  });
});
