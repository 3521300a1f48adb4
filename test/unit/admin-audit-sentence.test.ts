// The audit log in words, from the entries real writes leave: no action codes, no camelCase field names.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEventOut } from '../../api/audit/audit-routes.ts';
import { auditSentence, changeLines, sentenceText } from '../../admin/lib/audit-sentence.ts';
import { json, makeTestApp, userWithSession, type TestApp, type TestUser } from '../support/app.ts';

let t: TestApp;
let owner: TestUser;
beforeEach(async () => {
  t = await makeTestApp({ memory: true });
  owner = await userWithSession(t, 'owner');
  await t.database.db.run(`update users set name = 'Dana' where id = '${owner.id}'`);
});
afterEach(() => t.close());

const call = async (method: string, path: string, body?: unknown) => {
  const res = await t.app.request(path, body === undefined ? { method, headers: owner.headers } : json(method, body, owner.headers));
  return (await res.json()) as Record<string, unknown> & { id: string };
};

describe('auditSentence', () => {
  it('says what happened in words, naming the incident and the person', async () => {
    const comp = await call('POST', '/api/v1/components', { name: 'Checkout' });
    const inc = await call('POST', '/api/v1/incidents', { title: 'Slow checkout', severity: 'P2', message: 'Looking.' });
    await call('POST', `/api/v1/incidents/${inc.id}/updates`, { status: 'monitoring', message: 'Better.', components: { [comp.id]: 'degraded_performance' } });
    await call('PATCH', `/api/v1/incidents/${inc.id}`, { stage: 'investigate', comms_lead_id: owner.id });
    await call('POST', `/api/v1/incidents/${inc.id}/escalate`);
    await call('PATCH', `/api/v1/components/${comp.id}`, { status: 'operational' });
    const { events } = (await call('GET', '/api/v1/audit?limit=50')) as unknown as { events: AuditEventOut[] };
    const ctx = { incidentTitle: null as string | null, userName: (id: string) => (id === owner.id ? 'Dana' : null), timeZone: 'Etc/UTC' };
    const lines = events.map((e) => sentenceText(auditSentence(e, { ...ctx, incidentTitle: e.incident_id ? 'Slow checkout' : null })));
    expect(lines).toContain('Dana published an update to Slow checkout: Monitoring');
    expect(lines).toContain('Dana opened Slow checkout (P2)');
    expect(lines).toContain('Dana moved Slow checkout from Triage to Investigate');
    expect(lines).toContain('Dana made Dana communications lead of Slow checkout');
    expect(lines).toContain('Dana escalated Slow checkout to the team lead');
    expect(lines).toContain('Dana changed the component Checkout');
    expect(lines).toContain('Dana added the component Checkout');
    expect(lines.join('\n')).not.toMatch(/[a-z]+_[a-z]+\.|[a-z]\.[a-z]/);

    const publish = events.find((e) => e.action === 'incident_update.publish')!;
    expect(auditSentence(publish, { ...ctx, incidentTitle: 'Slow checkout' })).toContainEqual({ name: 'Slow checkout' });
    const compChange = events.find((e) => e.action === 'component.update')!;
    expect(changeLines(compChange.before, compChange.after, ctx)).toEqual(['status: Degraded performance → Operational']);
    // The raw rows' camelCase names never show.
    const all = events.flatMap((e) => changeLines(e.before, e.after, ctx)).join('\n');
    expect(all).not.toMatch(/[a-z][A-Z]/);
  });

  it('names who did it: a person, their token, or Herald', () => {
    const base = { action: 'session.login', entity_type: 'session', entity_id: null, incident_id: null, before: null, after: null };
    const ctx = { incidentTitle: null, userName: () => null, timeZone: 'Etc/UTC' };
    expect(sentenceText(auditSentence({ ...base, user_name: 'Dana', token_id: null }, ctx))).toBe('Dana signed in');
    expect(sentenceText(auditSentence({ ...base, action: 'outbox.retry_failed', user_name: 'Dana', token_id: 't1' }, ctx))).toBe('Dana (with an API token) queued every failed message again');
    expect(sentenceText(auditSentence({ ...base, action: 'maintenance.reminder', user_name: null, token_id: null }, { ...ctx, incidentTitle: 'DB upgrade' }))).toBe('Herald sent the reminder for DB upgrade');
  });
});
