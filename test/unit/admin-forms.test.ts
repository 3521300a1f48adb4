// The console's form plumbing: time zones in datetime-local fields, form → API bodies, ordering helpers.
import { describe, expect, it } from 'vitest';
import { utcToWallTime, wallTimeToUtc } from '../../admin/lib/zoned.ts';
import { incidentBody, readIncidentForm, readUpdateForm, updateBody } from '../../admin/lib/incident-form.ts';
import { formErrors } from '../../admin/lib/api.ts';
import { moveOne } from '../../admin/lib/reorder.ts';
import { actionFirst, isOpen } from '../../admin/lib/incidents.ts';
import { safeNext } from '../../admin/lib/page.ts';

const now = new Date(Date.UTC(2026, 0, 15, 12, 0, 0));

describe('zoned datetime-local values', () => {
  it('reads wall time in the page zone, across DST', () => {
    expect(wallTimeToUtc('2026-01-15T13:30', 'Europe/Berlin')?.toISOString()).toBe('2026-01-15T12:30:00.000Z');
    expect(wallTimeToUtc('2026-07-15T13:30:05', 'Europe/Berlin')?.toISOString()).toBe('2026-07-15T11:30:05.000Z');
    expect(wallTimeToUtc('2026-01-15T13:30', 'Etc/UTC')?.toISOString()).toBe('2026-01-15T13:30:00.000Z');
    expect(wallTimeToUtc('yesterday', 'Etc/UTC')).toBeNull();
  });
  it('writes an instant back as the zone’s wall time', () => {
    expect(utcToWallTime(new Date('2026-07-15T11:30:00Z'), 'Europe/Berlin')).toBe('2026-07-15T13:30');
    expect(utcToWallTime(new Date('2026-07-15T11:30:07Z'), 'Etc/UTC')).toBe('2026-07-15T11:30:07');
  });
});

function form(entries: [string, string][]): FormData {
  const f = new FormData();
  for (const [k, v] of entries) f.append(k, v);
  return f;
}

describe('incident and update forms', () => {
  it('turns the open-incident form into the API body', () => {
    const v = readIncidentForm(
      form([
        ['title', ' Checkout errors '],
        ['severity', 'P1'],
        ['status', 'investigating'],
        ['stage', 'triage'],
        ['message', 'We are *looking*.\n'],
        ['notify', '1'],
        ['component:abc', 'major_outage'],
        ['component:def', ''],
        ['mode', 'now'],
        ['commander_id', 'u1'],
        ['comms_lead_id', ''],
      ]),
    );
    expect(incidentBody(v, 'Etc/UTC', now)).toEqual({
      body: { title: 'Checkout errors', severity: 'P1', status: 'investigating', message: 'We are *looking*.\n', notify: true, stage: 'triage', components: { abc: 'major_outage' }, commander_id: 'u1' },
      fields: {},
    });
  });

  it('schedules in the page zone, refuses a past time, and saves drafts', () => {
    const base = [['status', 'identified'], ['message', 'x']] as [string, string][];
    const scheduled = updateBody(readUpdateForm(form([...base, ['mode', 'schedule'], ['publish_at', '2026-01-15T13:05']])), 'Europe/Berlin', now);
    expect(scheduled.body).toMatchObject({ publish_at: '2026-01-15T12:05:00.000Z', notify: false });
    const past = updateBody(readUpdateForm(form([...base, ['mode', 'schedule'], ['publish_at', '2026-01-15T12:59']])), 'Europe/Berlin', now);
    expect(past.body).toBeNull();
    expect(past.fields.publish_at).toMatch(/passed/);
    expect(updateBody(readUpdateForm(form([...base, ['mode', 'draft']])), 'Etc/UTC', now).body).toMatchObject({ draft: true });
  });

  it('maps API field errors to form fields', () => {
    expect(formErrors({ code: 'invalid_input', message: 'x', fields: { 'components.x': 'No component "x".', message: 'Required.' } }).fields).toEqual({ components: 'No component "x".', message: 'Required.' });
  });
});

describe('ordering', () => {
  it('moves one id up or down, not past the ends', () => {
    expect(moveOne(['a', 'b', 'c'], 'b', 'up')).toEqual(['b', 'a', 'c']);
    expect(moveOne(['a', 'b', 'c'], 'b', 'down')).toEqual(['a', 'c', 'b']);
    expect(moveOne(['a', 'b', 'c'], 'a', 'up')).toEqual(['a', 'b', 'c']);
    expect(moveOne(['a', 'b', 'c'], 'z', 'down')).toEqual(['a', 'b', 'c']);
  });

  it('puts what needs action first (overdue, missed), then severity, then the oldest', () => {
    const calm = { update_overdue: false, response_missed: false, resolution_missed: false, escalate_to: null };
    const list = [
      { ...calm, title: 'p2 new', severity: 'P2' as const, started_at: '2026-01-01T12:00:00Z' },
      { ...calm, title: 'p1 new', severity: 'P1' as const, started_at: '2026-01-01T12:00:00Z' },
      { ...calm, title: 'p1 old', severity: 'P1' as const, started_at: '2026-01-01T10:00:00Z' },
      { ...calm, title: 'p4', severity: 'P4' as const, started_at: '2026-01-01T09:00:00Z' },
      { ...calm, title: 'p3 overdue', severity: 'P3' as const, started_at: '2026-01-01T12:00:00Z', update_overdue: true },
      { ...calm, title: 'p2 missed', severity: 'P2' as const, started_at: '2026-01-01T12:00:00Z', resolution_missed: true },
    ];
    expect(actionFirst(list).map((i) => i.title)).toEqual(['p2 missed', 'p3 overdue', 'p1 old', 'p1 new', 'p2 new', 'p4']);
    expect(isOpen({ kind: 'incident', status: 'monitoring' })).toBe(true);
    expect(isOpen({ kind: 'incident', status: 'resolved' })).toBe(false);
  });
});

describe('small helpers', () => {
  it('only returns to console paths after sign-in', () => {
    expect(safeNext('/admin/incidents/x')).toBe('/admin/incidents/x');
    expect(safeNext('https://evil.example')).toBe('/admin');
    expect(safeNext('//evil.example/admin')).toBe('/admin');
    expect(safeNext('/admin\\@evil')).toBe('/admin');
    expect(safeNext(null)).toBe('/admin');
  });
});
