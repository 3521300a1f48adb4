// Postmortems: drafts are console-only, publishing needs a resolved incident and a publisher, then /api/v2 says `postmortem` and links it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, outboxEvents } from '../../db/schema.ts';
import { getPublicPostmortem, type PostmortemOut } from '../../api/postmortems/postmortem-read.ts';
import { json, makeTestApp, PUBLIC_URL, userWithSession, type TestApp, type TestUser } from '../support/app.ts';

let t: TestApp;
let publisher: TestUser;
let editor: TestUser;

beforeEach(async () => {
  t = await makeTestApp({ memory: true });
  publisher = await userWithSession(t, 'publisher');
  editor = await userWithSession(t, 'editor');
});
afterEach(() => t.close());

async function openIncident(title = 'Checkout errors'): Promise<string> {
  const res = await t.app.request('/api/v1/incidents', json('POST', { title, severity: 'P2', status: 'investigating', message: 'We are **investigating** errors.' }, publisher.headers));
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function postUpdate(id: string, status: string, message: string) {
  t.clock.advance(10 * 60_000);
  const res = await t.app.request(`/api/v1/incidents/${id}/updates`, json('POST', { status, message }, publisher.headers));
  expect(res.status, await res.clone().text()).toBeLessThan(300);
}

async function resolvedIncident(): Promise<string> {
  const id = await openIncident();
  await postUpdate(id, 'identified', 'A bad deploy of the payment service.');
  await postUpdate(id, 'resolved', 'Rolled back; errors are gone.');
  return id;
}

async function v2Incident(id: string): Promise<{ status: string; postmortem_url?: string | null } | undefined> {
  const body = (await (await t.app.request('/api/v2/incidents.json')).json()) as { incidents: { id: string; status: string; postmortem_url?: string | null }[] };
  return body.incidents.find((i) => i.id === id);
}

const SECTIONS = {
  summary: 'Checkout failed for **20 minutes**.',
  root_cause: 'A config change <script>alert(1)</script> removed a timeout.',
  impact: '12% of checkouts failed.',
  remediation: 'Rolled back the config.',
  lessons: 'Review config changes like code.',
};

describe('postmortem drafts', () => {
  it('starts from the report template with the timeline built from the updates and internal events', async () => {
    const id = await resolvedIncident();
    const res = await t.app.request(`/api/v1/incidents/${id}/postmortem`, { headers: editor.headers });
    expect(res.status).toBe(200);
    const pm = (await res.json()) as PostmortemOut;
    expect(pm.state).toBe('none');
    expect(pm.can_publish).toBe(true);
    const lines = pm.timeline.split('\n');
    // The update's markdown is kept: the timeline is markdown too.
    expect(lines.some((l) => l.includes('Investigating') && l.includes('We are **investigating** errors.'))).toBe(true);
    expect(lines.some((l) => l.includes('Identified') && l.includes('bad deploy'))).toBe(true);
    expect(lines.at(-1)).toContain('Resolved');
    expect(lines.some((l) => l.includes('(internal)'))).toBe(true);
    expect(pm.timeline).toBe(pm.suggested_timeline);
  });

  it('lets an editor save a draft that stays out of the public JSON and pages', async () => {
    const id = await resolvedIncident();
    const put = await t.app.request(`/api/v1/incidents/${id}/postmortem`, json('PUT', { ...SECTIONS, timeline: '- 12:00 it broke\n- 12:20 fixed' }, editor.headers));
    expect(put.status).toBe(200);
    const pm = (await put.json()) as PostmortemOut;
    expect(pm.state).toBe('draft');
    expect(pm.summary).toBe(SECTIONS.summary);
    expect(pm.html.summary).toContain('<strong>20 minutes</strong>');
    expect(pm.html.root_cause).not.toContain('<script');
    expect(pm.public_url).toBeNull();

    // A partial PUT keeps the other sections.
    const partial = await t.app.request(`/api/v1/incidents/${id}/postmortem`, json('PUT', { lessons: 'Updated lessons.' }, editor.headers));
    const after = (await partial.json()) as PostmortemOut;
    expect(after.lessons).toBe('Updated lessons.');
    expect(after.summary).toBe(SECTIONS.summary);

    const v2 = await v2Incident(id);
    expect(v2?.status).toBe('resolved');
    expect(v2?.postmortem_url ?? null).toBeNull();
    expect(await getPublicPostmortem(t.deps, id)).toBeNull();

    const anon = await t.app.request(`/api/v1/incidents/${id}/postmortem`);
    expect(anon.status).toBe(401);
    const audits = await t.database.db.select().from(auditLog).where(and(eq(auditLog.incidentId, id), eq(auditLog.action, 'postmortem.save')));
    expect(audits).toHaveLength(2);
  });

  it('refuses bad input', async () => {
    const id = await resolvedIncident();
    const bad = await t.app.request(`/api/v1/incidents/${id}/postmortem`, json('PUT', { summary: 5 }, editor.headers));
    expect(bad.status).toBe(400);
    const badUrl = await t.app.request(`/api/v1/incidents/${id}/postmortem`, json('PUT', { external_url: 'javascript:alert(1)' }, editor.headers));
    expect(badUrl.status).toBe(400);
    const unknown = await t.app.request(`/api/v1/incidents/nope/postmortem`, json('PUT', { summary: 'x' }, editor.headers));
    expect(unknown.status).toBe(404);
    const viewer = await userWithSession(t, 'viewer');
    const denied = await t.app.request(`/api/v1/incidents/${id}/postmortem`, json('PUT', { summary: 'x' }, viewer.headers));
    expect(denied.status).toBe(403);
  });
});

describe('publishing a postmortem', () => {
  it('is for publishers, only for resolved incidents (422 otherwise) and only with content', async () => {
    const open = await openIncident('Still open');
    await t.app.request(`/api/v1/incidents/${open}/postmortem`, json('PUT', SECTIONS, editor.headers));
    const early = await t.app.request(`/api/v1/incidents/${open}/postmortem/publish`, json('POST', {}, publisher.headers));
    expect(early.status).toBe(422);

    const id = await resolvedIncident();
    const empty = await t.app.request(`/api/v1/incidents/${id}/postmortem/publish`, json('POST', {}, publisher.headers));
    expect(empty.status).toBe(422);
    await t.app.request(`/api/v1/incidents/${id}/postmortem`, json('PUT', SECTIONS, editor.headers));
    const byEditor = await t.app.request(`/api/v1/incidents/${id}/postmortem/publish`, json('POST', {}, editor.headers));
    expect(byEditor.status).toBe(403);
  });

  it('makes it public: status postmortem and postmortem_url in /api/v2, the public read, and later edits stay drafts', async () => {
    const id = await resolvedIncident();
    await t.app.request(`/api/v1/incidents/${id}/postmortem`, json('PUT', SECTIONS, editor.headers));
    t.clock.advance(60_000);
    const res = await t.app.request(`/api/v1/incidents/${id}/postmortem/publish`, json('POST', { notify: false }, publisher.headers));
    expect(res.status).toBe(200);
    const pm = (await res.json()) as PostmortemOut;
    expect(pm.state).toBe('published');
    expect(pm.public_url).toBe(`${PUBLIC_URL}/incidents/${id}/postmortem`);

    const v2 = await v2Incident(id);
    expect(v2?.status).toBe('postmortem');
    expect(v2?.postmortem_url).toBe(`${PUBLIC_URL}/incidents/${id}/postmortem`);
    const unresolved = (await (await t.app.request('/api/v2/incidents/unresolved.json')).json()) as { incidents: { id: string }[] };
    expect(unresolved.incidents.map((i) => i.id)).not.toContain(id);

    const pub = await getPublicPostmortem(t.deps, id);
    // The timeline was not sent, so the draft kept the one built from the incident.
    expect(pub?.sections.map((s) => s.key)).toEqual(['summary', 'timeline', 'root_cause', 'impact', 'remediation', 'lessons']);
    expect(pub?.sections.find((s) => s.key === 'root_cause')?.html).not.toContain('<script');

    // Editing after publication is a draft again until the next publish.
    await t.app.request(`/api/v1/incidents/${id}/postmortem`, json('PUT', { summary: 'A new summary.' }, editor.headers));
    const edited = (await (await t.app.request(`/api/v1/incidents/${id}/postmortem`, { headers: editor.headers })).json()) as PostmortemOut;
    expect(edited.has_unpublished_changes).toBe(true);
    expect((await getPublicPostmortem(t.deps, id))?.sections[0]?.html).toContain('20 minutes');
    await t.app.request(`/api/v1/incidents/${id}/postmortem/publish`, json('POST', {}, publisher.headers));
    expect((await getPublicPostmortem(t.deps, id))?.sections[0]?.html).toContain('A new summary.');

    const incident = (await (await t.app.request(`/api/v1/incidents/${id}`, { headers: editor.headers })).json()) as { stage: string };
    expect(incident.stage).toBe('post_incident');
  });

  it('can be taken back by a publisher: 404 in public, resolved in /api/v2, the draft kept, the audit says so', async () => {
    const id = await resolvedIncident();
    await t.app.request(`/api/v1/incidents/${id}/postmortem`, json('PUT', SECTIONS, editor.headers));
    expect((await t.app.request(`/api/v1/incidents/${id}/postmortem/unpublish`, json('POST', {}, publisher.headers))).status).toBe(422);
    expect((await t.app.request(`/api/v1/incidents/${id}/postmortem/publish`, json('POST', {}, publisher.headers))).status).toBe(200);
    const before = await t.database.client.execute('select version from content_version');

    expect((await t.app.request(`/api/v1/incidents/${id}/postmortem/unpublish`, json('POST', {}, editor.headers))).status).toBe(403);
    expect((await t.app.request(`/api/v1/incidents/${id}/postmortem/unpublish`, json('POST', { notify: true }, publisher.headers))).status).toBe(400);
    expect(await getPublicPostmortem(t.deps, id)).not.toBeNull();

    const res = await t.app.request(`/api/v1/incidents/${id}/postmortem/unpublish`, json('POST', {}, publisher.headers));
    expect(res.status).toBe(200);
    const pm = (await res.json()) as PostmortemOut;
    expect(pm.state).toBe('draft');
    expect(pm.public_url).toBeNull();
    expect(pm.summary).toBe(SECTIONS.summary);
    expect(await getPublicPostmortem(t.deps, id)).toBeNull();
    const v2 = await v2Incident(id);
    expect(v2?.status).toBe('resolved');
    expect(v2?.postmortem_url ?? null).toBeNull();
    const after = await t.database.client.execute('select version from content_version');
    expect(Number(after.rows[0]?.version)).toBeGreaterThan(Number(before.rows[0]?.version));
    const audit = await t.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'postmortem.unpublish'), eq(auditLog.entityId, id)));
    expect(audit).toHaveLength(1);
    // Published again later, it is public again.
    expect((await t.app.request(`/api/v1/incidents/${id}/postmortem/publish`, json('POST', {}, publisher.headers))).status).toBe(200);
    expect((await v2Incident(id))?.status).toBe('postmortem');
  });

  it('links an external postmortem instead, and queues one notification when asked', async () => {
    const id = await resolvedIncident();
    await t.app.request(`/api/v1/incidents/${id}/postmortem`, json('PUT', { external_url: 'https://docs.example.com/pm/42' }, editor.headers));
    const res = await t.app.request(`/api/v1/incidents/${id}/postmortem/publish`, json('POST', { notify: true }, publisher.headers));
    expect(res.status).toBe(200);
    expect(((await res.json()) as PostmortemOut).public_url).toBe('https://docs.example.com/pm/42');
    expect((await v2Incident(id))?.postmortem_url).toBe('https://docs.example.com/pm/42');
    expect((await getPublicPostmortem(t.deps, id))?.external_url).toBe('https://docs.example.com/pm/42');
    // Notified once: publishing again (after an edit) with notify does not message subscribers twice.
    await t.app.request(`/api/v1/incidents/${id}/postmortem/publish`, json('POST', { notify: true }, publisher.headers));
    const events = await t.database.db.select().from(outboxEvents).where(and(eq(outboxEvents.incidentId, id), eq(outboxEvents.kind, 'postmortem_published')));
    expect(events).toHaveLength(1);
  });
});
