// The audit log in words, from the entries real writes leave: no action codes, no camelCase field names.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEventOut } from '../../api/audit/audit-routes.ts';
import { auditSentence, changeLines, sentenceText } from '../../admin/lib/audit-sentence.ts';
import { escalateUnacknowledged, runResponseJobs } from '../../api/response/response-worker.ts';
import { bearer, json, makeTestApp, userWithSession, type TestApp, type TestUser } from '../support/app.ts';

let t: TestApp;
let owner: TestUser;
beforeEach(async () => {
  t = await makeTestApp({ memory: true });
  owner = await userWithSession(t, 'owner');
  await t.database.db.run(`update users set name = 'Dana' where id = '${owner.id}'`);
});
afterEach(() => t.close());

const call = async (method: string, path: string, body?: unknown, headers = owner.headers) => {
  const res = await t.app.request(path, body === undefined ? { method, headers } : json(method, body, headers));
  expect(res.status, `${method} ${path}`).toBeLessThan(300);
  return (res.status === 204 ? {} : await res.json()) as Record<string, unknown> & { id: string };
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
    // nothing that did not change in words (null and absent), nor the incident's own id
    expect(all).not.toMatch(/none → none|^incident:/m);
  });

  it('says what the response team did: alerts, escalation settings, pages, acknowledgements, notes, reminders', async () => {
    const MIN = 60_000;
    const alertsToken = await bearer(t, owner.id, 'alerts');
    const comp = await call('POST', '/api/v1/components', { name: 'Checkout', alert_status: 'major_outage' });
    await call('PUT', '/api/v1/escalation', {
      levels: [
        { level: 1, contacts: [{ kind: 'email', address: 'oncall@example.com' }] },
        { level: 2, contacts: [{ kind: 'user', user_id: owner.id }] },
      ],
      ack_timeout_minutes: { P1: 7 },
      page_on_open: { P1: true },
    });
    const stakeholder = await call('POST', '/api/v1/stakeholders', { kind: 'email', address: 'ceo@example.com', name: 'CEO' });
    await call('DELETE', `/api/v1/stakeholders/${stakeholder.id}`);
    const alert = (fingerprint: string, title: string, status = 'firing') => ({ source: 'nagios', fingerprint, status, title, severity: 'P1', component_ids: [comp.id] });
    const received = (await call('POST', '/api/v1/alerts', alert('disk', 'Disk full'), alertsToken)) as unknown as { alerts: { id: string }[] };
    const other = (await call('POST', '/api/v1/alerts', alert('cpu', 'CPU hot'), alertsToken)) as unknown as { alerts: { id: string }[] };
    const noise = (await call('POST', '/api/v1/alerts', alert('flap', 'Flapping probe'), alertsToken)) as unknown as { alerts: { id: string }[] };
    // declared as a P1: level 1 is paged on open
    const inc = await call('POST', `/api/v1/alerts/${received.alerts[0]!.id}/declare`, { title: 'Checkout down', severity: 'P1', message: 'Looking.' });
    await call('POST', `/api/v1/alerts/${other.alerts[0]!.id}/attach`, { incident_id: inc.id });
    await call('POST', `/api/v1/alerts/${noise.alerts[0]!.id}/dismiss`, { reason: 'A probe restarting' });
    await call('POST', '/api/v1/alerts', alert('disk', 'Disk full', 'resolved'), alertsToken);
    await call('PATCH', `/api/v1/incidents/${inc.id}`, { security: true });
    await call('POST', `/api/v1/incidents/${inc.id}/notes`, { message: 'Root cause: the index rebuild.\nMore later.' });
    // nobody acknowledges level 1 within 7 minutes: Herald pages level 2
    t.clock.advance(8 * MIN);
    expect(await escalateUnacknowledged(t.deps, t.clock.now())).toBe(1);
    const pages = (await call('GET', `/api/v1/incidents/${inc.id}/pages`)) as unknown as { id: string; level: number }[];
    await call('POST', `/api/v1/pages/${pages.find((p) => p.level === 2)!.id}/ack`, {});
    await call('POST', `/api/v1/incidents/${inc.id}/escalate`, { reason: 'needs_expertise', level: 2 });
    await call('POST', `/api/v1/incidents/${inc.id}/escalate`, { reason: 'business_impact' });
    // the public update is overdue: the communications lead is reminded
    t.clock.advance(2 * 60 * MIN);
    await runResponseJobs(t.deps);

    const { events } = (await call('GET', '/api/v1/audit?limit=100')) as unknown as { events: AuditEventOut[] };
    const ctx = { incidentTitle: null as string | null, userName: (id: string) => (id === owner.id ? 'Dana' : null), componentName: (id: string) => (id === comp.id ? 'Checkout' : null), timeZone: 'Etc/UTC' };
    const lines = events.map((e) => sentenceText(auditSentence(e, { ...ctx, incidentTitle: e.incident_id ? 'Checkout down' : null })));
    expect(lines).toContain('Dana changed the escalation path and paging');
    expect(lines).toContain('Dana added the stakeholder CEO (ceo@example.com)');
    expect(lines).toContain('Dana removed the stakeholder CEO (ceo@example.com)');
    expect(lines).toContain('The alert Disk full came in from nagios');
    expect(lines).toContain('Herald set the component Checkout to Major outage because of the alert Disk full');
    expect(lines).toContain('Dana declared Checkout down from the alert Disk full');
    expect(lines).toContain('Dana attached the alert CPU hot to Checkout down');
    expect(lines).toContain('Dana dismissed the alert Flapping probe: A probe restarting');
    expect(lines).toContain('The alert Disk full was resolved by nagios');
    expect(lines).toContain('Dana marked Checkout down as a security incident');
    expect(lines).toContain('Dana wrote an internal note on Checkout down: “Root cause: the index rebuild.”');
    expect(lines).toContain('Dana paged the on-call engineer about Checkout down: 1 contact by email');
    expect(lines).toContain('Herald escalated Checkout down to the team lead: nobody acknowledged the page in time');
    expect(lines).toContain('Herald paged the team lead about Checkout down: 1 contact by email');
    expect(lines).toContain('Dana acknowledged the page to Dana <' + owner.email + '> about Checkout down');
    expect(lines).toContain('Dana paged the team lead again about Checkout down: more expertise needed');
    expect(lines).toContain('Dana escalated Checkout down to the engineering manager: significant business impact');
    expect(lines).toContain('Nobody was paged about Checkout down: the engineering manager level has no contacts');
    expect(lines.some((l) => /^Herald reminded the (communications lead|incident commander|publishers) about Checkout down: /.test(l))).toBe(true);
    // no action codes, no field names, no reason codes
    expect(lines.join('\n').replace(/\S+@\S+/g, '')).not.toMatch(/[a-z]_[a-z]|\b[a-z]+\.[a-z]/);
    // the changes listed never repeat codes or camelCase names, and the escalation path's change is in words
    const changes = events.flatMap((e) => changeLines(e.before, e.after, ctx, e.action));
    expect(changes.join('\n')).not.toMatch(/[a-z][A-Z]|_|changed → changed/);
    const path = events.find((e) => e.action === 'escalation.update')!;
    expect(changeLines(path.before, path.after, ctx, path.action)).toEqual(
      expect.arrayContaining(['on-call engineer contacts: none → oncall@example.com', 'acknowledge within (P1): 5 min → 7 min']),
    );
  });

  it('names who did it: a person, their token, or Herald', () => {
    const base = { action: 'session.login', entity_type: 'session', entity_id: null, incident_id: null, before: null, after: null };
    const ctx = { incidentTitle: null, userName: () => null, timeZone: 'Etc/UTC' };
    expect(sentenceText(auditSentence({ ...base, user_name: 'Dana', token_id: null }, ctx))).toBe('Dana signed in');
    expect(sentenceText(auditSentence({ ...base, action: 'outbox.retry_failed', user_name: 'Dana', token_id: 't1' }, ctx))).toBe('Dana (with an API token) queued every failed message again');
    expect(sentenceText(auditSentence({ ...base, action: 'maintenance.reminder', user_name: null, token_id: null }, { ...ctx, incidentTitle: 'DB upgrade' }))).toBe('Herald sent the reminder for DB upgrade');
  });
});
