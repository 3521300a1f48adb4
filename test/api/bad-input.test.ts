// Bad input on every write endpoint of components, groups, incidents, updates and settings: the right 4xx, and the database unchanged.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_BODY_LIMIT } from '../../api/app.ts';
import { caller, makeTestApp, userWithSession, type TestApp, type TestUser } from '../support/app.ts';
import { rowCounts, tableContents } from '../support/row-counts.ts';

let t: TestApp;
let publisher: TestUser;
let owner: TestUser;

/** Ids of the fixtures the cases point at. */
const f = {
  component: '',
  group: '',
  open: '',
  openUpdate: '',
  resolved: '',
  resolvedOnlyUpdate: '',
  staleDraft: '',
  maxed: '',
};

const call = caller(() => t);

beforeAll(async () => {
  t = await makeTestApp();
  publisher = await userWithSession(t, 'publisher');
  owner = await userWithSession(t, 'owner');
  const p = (method: string, path: string, body?: unknown) => call(method, path, body, publisher.headers);
  f.group = (await p('POST', '/api/v1/component-groups', { name: 'Backend' })).body.id;
  f.component = (await p('POST', '/api/v1/components', { name: 'API', group_id: f.group })).body.id;
  await p('POST', '/api/v1/components', { name: 'DB', group_id: f.group });

  const open = await p('POST', '/api/v1/incidents', { title: 'Open', severity: 'P2', message: 'Looking.', components: { [f.component]: 'partial_outage' } });
  f.open = open.body.id;
  f.openUpdate = open.body.updates[0].id;

  const resolved = await p('POST', '/api/v1/incidents', { title: 'Done', severity: 'P3', message: 'Looking.' });
  f.resolved = resolved.body.id;
  f.staleDraft = (await p('POST', `/api/v1/incidents/${f.resolved}/updates`, { status: 'monitoring', message: 'Draft', draft: true })).body.id;
  const res = await p('POST', `/api/v1/incidents/${f.resolved}/updates`, { status: 'resolved', message: 'Fixed.' });
  expect(res.status).toBe(201);
  // leave the resolved incident one published update, so deleting it is the "last one" case
  expect((await p('DELETE', `/api/v1/incidents/${f.resolved}/updates/${resolved.body.updates[0].id}`)).status).toBe(204);
  f.resolvedOnlyUpdate = res.body.id;

  f.maxed = (await p('POST', '/api/v1/incidents', { title: 'Maxed', severity: 'P1', message: 'x' })).body.id;
  await p('PATCH', `/api/v1/incidents/${f.maxed}`, { escalation_level: 3 });
});
afterAll(() => t.close());

interface Case {
  name: string;
  method: string;
  path: () => string;
  /** An object is sent as JSON; a string is sent raw as an application/json body. A function is called at test time (fixture ids). */
  body?: unknown;
  status: number;
  code: string;
  /** A key expected in error.fields (a function when it names a fixture id). */
  field?: string | (() => string);
  as?: 'owner';
}

const MALFORMED = '{"name": "x",';
const huge = 'x'.repeat(DEFAULT_BODY_LIMIT + 1024);

const cases: Case[] = [
  // components
  { name: 'component: malformed JSON', method: 'POST', path: () => '/api/v1/components', body: MALFORMED, status: 400, code: 'invalid_input' },
  { name: 'component: missing name', method: 'POST', path: () => '/api/v1/components', body: {}, status: 400, code: 'invalid_input', field: 'name' },
  { name: 'component: name of the wrong type', method: 'POST', path: () => '/api/v1/components', body: { name: 5 }, status: 400, code: 'invalid_input', field: 'name' },
  { name: 'component: blank name', method: 'POST', path: () => '/api/v1/components', body: { name: '   ' }, status: 400, code: 'invalid_input', field: 'name' },
  { name: 'component: unknown status', method: 'POST', path: () => '/api/v1/components', body: { name: 'x', status: 'on_fire' }, status: 400, code: 'invalid_input', field: 'status' },
  { name: 'component: unknown group', method: 'POST', path: () => '/api/v1/components', body: { name: 'x', group_id: 'nope' }, status: 400, code: 'invalid_input', field: 'group_id' },
  { name: 'component: unknown field', method: 'POST', path: () => '/api/v1/components', body: { name: 'x', colour: 'red' }, status: 400, code: 'invalid_input' },
  { name: 'component: bad start date', method: 'POST', path: () => '/api/v1/components', body: { name: 'x', start_date: 'yesterday' }, status: 400, code: 'invalid_input', field: 'start_date' },
  { name: 'component: oversized body', method: 'POST', path: () => '/api/v1/components', body: { name: 'x', description: huge }, status: 413, code: 'body_too_large' },
  { name: 'component PATCH: malformed JSON', method: 'PATCH', path: () => `/api/v1/components/${f.component}`, body: MALFORMED, status: 400, code: 'invalid_input' },
  { name: 'component PATCH: unknown status', method: 'PATCH', path: () => `/api/v1/components/${f.component}`, body: { status: 'down' }, status: 400, code: 'invalid_input', field: 'status' },
  { name: 'component PATCH: negative position', method: 'PATCH', path: () => `/api/v1/components/${f.component}`, body: { position: -1 }, status: 400, code: 'invalid_input', field: 'position' },
  { name: 'component PATCH: showcase not a boolean', method: 'PATCH', path: () => `/api/v1/components/${f.component}`, body: { showcase: 'yes' }, status: 400, code: 'invalid_input', field: 'showcase' },
  { name: 'component PATCH: unknown group', method: 'PATCH', path: () => `/api/v1/components/${f.component}`, body: { group_id: 'nope', status: 'major_outage' }, status: 400, code: 'invalid_input', field: 'group_id' },
  { name: 'component PATCH: unknown component', method: 'PATCH', path: () => '/api/v1/components/nope', body: { name: 'x' }, status: 404, code: 'not_found' },
  { name: 'component DELETE: unknown component', method: 'DELETE', path: () => '/api/v1/components/nope', status: 404, code: 'not_found' },
  { name: 'reorder: ids not a list', method: 'POST', path: () => '/api/v1/components/reorder', body: { ids: 'a,b' }, status: 400, code: 'invalid_input', field: 'ids' },
  { name: 'reorder: empty list', method: 'POST', path: () => '/api/v1/components/reorder', body: { ids: [] }, status: 400, code: 'invalid_input', field: 'ids' },
  { name: 'reorder: duplicate ids', method: 'POST', path: () => '/api/v1/components/reorder', body: () => ({ ids: [f.component, f.component] }), status: 400, code: 'invalid_input', field: 'ids' },
  { name: 'reorder: unknown id', method: 'POST', path: () => '/api/v1/components/reorder', body: () => ({ ids: [f.component, 'nope'] }), status: 400, code: 'invalid_input', field: 'ids' },
  { name: 'reorder: not the whole group', method: 'POST', path: () => '/api/v1/components/reorder', body: () => ({ ids: [f.component] }), status: 400, code: 'invalid_input', field: 'ids' },

  // component groups
  { name: 'group: malformed JSON', method: 'POST', path: () => '/api/v1/component-groups', body: MALFORMED, status: 400, code: 'invalid_input' },
  { name: 'group: missing name', method: 'POST', path: () => '/api/v1/component-groups', body: { description: 'x' }, status: 400, code: 'invalid_input', field: 'name' },
  { name: 'group: position of the wrong type', method: 'POST', path: () => '/api/v1/component-groups', body: { name: 'x', position: 'first' }, status: 400, code: 'invalid_input', field: 'position' },
  { name: 'group PATCH: name of the wrong type', method: 'PATCH', path: () => `/api/v1/component-groups/${f.group}`, body: { name: 3 }, status: 400, code: 'invalid_input', field: 'name' },
  { name: 'group PATCH: unknown group', method: 'PATCH', path: () => '/api/v1/component-groups/nope', body: { name: 'x' }, status: 404, code: 'not_found' },
  { name: 'group DELETE: unknown group', method: 'DELETE', path: () => '/api/v1/component-groups/nope', status: 404, code: 'not_found' },
  { name: 'group reorder: unknown id', method: 'POST', path: () => '/api/v1/component-groups/reorder', body: { ids: ['nope'] }, status: 400, code: 'invalid_input', field: 'ids' },

  // incidents
  { name: 'incident: malformed JSON', method: 'POST', path: () => '/api/v1/incidents', body: MALFORMED, status: 400, code: 'invalid_input' },
  { name: 'incident: missing fields', method: 'POST', path: () => '/api/v1/incidents', body: {}, status: 400, code: 'invalid_input', field: 'title' },
  { name: 'incident: missing message', method: 'POST', path: () => '/api/v1/incidents', body: { title: 'x', severity: 'P1' }, status: 400, code: 'invalid_input', field: 'message' },
  { name: 'incident: unknown severity', method: 'POST', path: () => '/api/v1/incidents', body: { title: 'x', severity: 'P5', message: 'm' }, status: 400, code: 'invalid_input', field: 'severity' },
  { name: 'incident: unknown status', method: 'POST', path: () => '/api/v1/incidents', body: { title: 'x', severity: 'P1', message: 'm', status: 'panicking' }, status: 400, code: 'invalid_input', field: 'status' },
  { name: 'incident: title of the wrong type', method: 'POST', path: () => '/api/v1/incidents', body: { title: ['x'], severity: 'P1', message: 'm' }, status: 400, code: 'invalid_input', field: 'title' },
  { name: 'incident: notify not a boolean', method: 'POST', path: () => '/api/v1/incidents', body: { title: 'x', severity: 'P1', message: 'm', notify: 'yes' }, status: 400, code: 'invalid_input', field: 'notify' },
  {
    name: 'incident: unknown component id',
    method: 'POST',
    path: () => '/api/v1/incidents',
    body: { title: 'x', severity: 'P1', message: 'm', components: { nope: 'major_outage' } },
    status: 400,
    code: 'invalid_input',
    field: 'components.nope',
  },
  {
    name: 'incident: unknown component status',
    method: 'POST',
    path: () => '/api/v1/incidents',
    body: () => ({ title: 'x', severity: 'P1', message: 'm', components: { [f.component]: 'melted' } }),
    status: 400,
    code: 'invalid_input',
    field: () => `components.${f.component}`,
  },
  {
    name: 'incident: components as a list',
    method: 'POST',
    path: () => '/api/v1/incidents',
    body: () => ({ title: 'x', severity: 'P1', message: 'm', components: [f.component] }),
    status: 400,
    code: 'invalid_input',
    field: 'components',
  },
  {
    name: 'incident: unknown commander',
    method: 'POST',
    path: () => '/api/v1/incidents',
    body: () => ({ title: 'x', severity: 'P1', message: 'm', commander_id: 'nobody', components: { [f.component]: 'major_outage' } }),
    status: 400,
    code: 'invalid_input',
    field: 'commander_id',
  },
  { name: 'incident: bad publish time', method: 'POST', path: () => '/api/v1/incidents', body: { title: 'x', severity: 'P1', message: 'm', publish_at: 'tomorrow' }, status: 400, code: 'invalid_input', field: 'publish_at' },
  { name: 'incident: start in the future', method: 'POST', path: () => '/api/v1/incidents', body: { title: 'x', severity: 'P1', message: 'm', started_at: '2027-01-01T00:00:00Z' }, status: 400, code: 'invalid_input', field: 'started_at' },
  { name: 'incident: oversized message', method: 'POST', path: () => '/api/v1/incidents', body: { title: 'x', severity: 'P1', message: huge }, status: 413, code: 'body_too_large' },
  { name: 'incident PATCH: malformed JSON', method: 'PATCH', path: () => `/api/v1/incidents/${f.open}`, body: MALFORMED, status: 400, code: 'invalid_input' },
  { name: 'incident PATCH: unknown severity', method: 'PATCH', path: () => `/api/v1/incidents/${f.open}`, body: { severity: 'P0' }, status: 400, code: 'invalid_input', field: 'severity' },
  { name: 'incident PATCH: unknown stage', method: 'PATCH', path: () => `/api/v1/incidents/${f.open}`, body: { stage: 'panic' }, status: 400, code: 'invalid_input', field: 'stage' },
  { name: 'incident PATCH: escalation beyond the top', method: 'PATCH', path: () => `/api/v1/incidents/${f.open}`, body: { escalation_level: 4 }, status: 400, code: 'invalid_input', field: 'escalation_level' },
  { name: 'incident PATCH: unknown tech lead with a valid title', method: 'PATCH', path: () => `/api/v1/incidents/${f.open}`, body: { title: 'New', tech_lead_id: 'nobody' }, status: 400, code: 'invalid_input', field: 'tech_lead_id' },
  { name: 'incident PATCH: unknown incident', method: 'PATCH', path: () => '/api/v1/incidents/nope', body: { title: 'x' }, status: 404, code: 'not_found' },
  { name: 'escalate: unknown incident', method: 'POST', path: () => '/api/v1/incidents/nope/escalate', status: 404, code: 'not_found' },
  { name: 'escalate: resolved incident', method: 'POST', path: () => `/api/v1/incidents/${f.resolved}/escalate`, status: 422, code: 'invalid_transition' },
  { name: 'escalate: already at the top', method: 'POST', path: () => `/api/v1/incidents/${f.maxed}/escalate`, status: 409, code: 'conflict' },

  // updates
  { name: 'update: malformed JSON', method: 'POST', path: () => `/api/v1/incidents/${f.open}/updates`, body: MALFORMED, status: 400, code: 'invalid_input' },
  { name: 'update: missing status and message', method: 'POST', path: () => `/api/v1/incidents/${f.open}/updates`, body: {}, status: 400, code: 'invalid_input', field: 'status' },
  { name: 'update: not an incident status', method: 'POST', path: () => `/api/v1/incidents/${f.open}/updates`, body: { status: 'completed', message: 'm' }, status: 400, code: 'invalid_input', field: 'status' },
  {
    name: 'update: unknown component id, with a status change that would otherwise apply',
    method: 'POST',
    path: () => `/api/v1/incidents/${f.open}/updates`,
    body: () => ({ status: 'identified', message: 'm', components: { [f.component]: 'operational', nope: 'operational' } }),
    status: 400,
    code: 'invalid_input',
    field: 'components.nope',
  },
  { name: 'update: resolved → investigating', method: 'POST', path: () => `/api/v1/incidents/${f.resolved}/updates`, body: { status: 'investigating', message: 'Back' }, status: 422, code: 'invalid_transition' },
  { name: 'update: resolved → monitoring, scheduled', method: 'POST', path: () => `/api/v1/incidents/${f.resolved}/updates`, body: { status: 'monitoring', message: 'm', publish_at: '2027-01-01T00:00:00Z' }, status: 422, code: 'invalid_transition' },
  { name: 'update: unknown incident', method: 'POST', path: () => '/api/v1/incidents/nope/updates', body: { status: 'identified', message: 'm' }, status: 404, code: 'not_found' },
  { name: 'update: oversized', method: 'POST', path: () => `/api/v1/incidents/${f.open}/updates`, body: { status: 'identified', message: huge }, status: 413, code: 'body_too_large' },
  { name: 'update PATCH: malformed JSON', method: 'PATCH', path: () => `/api/v1/incidents/${f.open}/updates/${f.openUpdate}`, body: MALFORMED, status: 400, code: 'invalid_input' },
  { name: 'update PATCH: status of a published update', method: 'PATCH', path: () => `/api/v1/incidents/${f.open}/updates/${f.openUpdate}`, body: { message: 'ok', status: 'identified' }, status: 400, code: 'invalid_input', field: 'status' },
  { name: 'update PATCH: empty message', method: 'PATCH', path: () => `/api/v1/incidents/${f.open}/updates/${f.openUpdate}`, body: { message: '' }, status: 400, code: 'invalid_input', field: 'message' },
  { name: 'update PATCH: draft to a status the incident can no longer take', method: 'PATCH', path: () => `/api/v1/incidents/${f.resolved}/updates/${f.staleDraft}`, body: { status: 'identified' }, status: 422, code: 'invalid_transition' },
  { name: 'update PATCH: draft with an unknown component', method: 'PATCH', path: () => `/api/v1/incidents/${f.resolved}/updates/${f.staleDraft}`, body: { message: 'm', components: { nope: 'operational' } }, status: 400, code: 'invalid_input', field: 'components.nope' },
  { name: 'update PATCH: update of another incident', method: 'PATCH', path: () => `/api/v1/incidents/${f.resolved}/updates/${f.openUpdate}`, body: { message: 'x' }, status: 404, code: 'not_found' },
  { name: 'update DELETE: the only published update', method: 'DELETE', path: () => `/api/v1/incidents/${f.resolved}/updates/${f.resolvedOnlyUpdate}`, status: 409, code: 'conflict' },
  { name: 'update DELETE: unknown update', method: 'DELETE', path: () => `/api/v1/incidents/${f.open}/updates/nope`, status: 404, code: 'not_found' },
  { name: 'publish: malformed JSON', method: 'POST', path: () => `/api/v1/incidents/${f.resolved}/updates/${f.staleDraft}/publish`, body: MALFORMED, status: 400, code: 'invalid_input' },
  { name: 'publish: bad time', method: 'POST', path: () => `/api/v1/incidents/${f.resolved}/updates/${f.staleDraft}/publish`, body: { publish_at: 42 }, status: 400, code: 'invalid_input', field: 'publish_at' },
  { name: 'publish: already published', method: 'POST', path: () => `/api/v1/incidents/${f.open}/updates/${f.openUpdate}/publish`, status: 409, code: 'conflict' },
  // the claim is made, then the transition refused: the rollback must undo the claim too
  { name: 'publish: a draft the resolved incident can no longer take', method: 'POST', path: () => `/api/v1/incidents/${f.resolved}/updates/${f.staleDraft}/publish`, status: 422, code: 'invalid_transition' },
  { name: 'publish: unknown update', method: 'POST', path: () => `/api/v1/incidents/${f.open}/updates/nope/publish`, status: 404, code: 'not_found' },

  // settings
  { name: 'settings: malformed JSON', method: 'PATCH', path: () => '/api/v1/settings', body: MALFORMED, status: 400, code: 'invalid_input', as: 'owner' },
  { name: 'settings: unknown time zone', method: 'PATCH', path: () => '/api/v1/settings', body: { page_name: 'Fine', time_zone: 'Mars/Olympus' }, status: 400, code: 'invalid_input', field: 'time_zone', as: 'owner' },
  { name: 'settings: blank page name', method: 'PATCH', path: () => '/api/v1/settings', body: { page_name: '' }, status: 400, code: 'invalid_input', field: 'page_name', as: 'owner' },
  { name: 'settings: public URL not http', method: 'PATCH', path: () => '/api/v1/settings', body: { public_url: 'ftp://status.example' }, status: 400, code: 'invalid_input', field: 'public_url', as: 'owner' },
  { name: 'settings: logo not a URL', method: 'PATCH', path: () => '/api/v1/settings', body: { logo_url: 'javascript:alert(1)' }, status: 400, code: 'invalid_input', field: 'logo_url', as: 'owner' },
  { name: 'settings: a language Herald does not ship', method: 'PATCH', path: () => '/api/v1/settings', body: { page_name: 'Fine', language: 'tlh' }, status: 400, code: 'invalid_input', field: 'language', as: 'owner' },
  { name: 'settings: a further language Herald does not ship', method: 'PATCH', path: () => '/api/v1/settings', body: { languages: ['de', 'xx-YY'] }, status: 400, code: 'invalid_input', field: 'languages.1', as: 'owner' },
  { name: 'settings: languages not a list', method: 'PATCH', path: () => '/api/v1/settings', body: { languages: 'de' }, status: 400, code: 'invalid_input', field: 'languages', as: 'owner' },
  {
    name: 'settings: unknown impact',
    method: 'PATCH',
    path: () => '/api/v1/settings',
    body: { severities: { P1: { impact: 'apocalyptic' } } },
    status: 400,
    code: 'invalid_input',
    field: 'severities.P1.impact',
    as: 'owner',
  },
  {
    name: 'settings: cadence of the wrong type',
    method: 'PATCH',
    path: () => '/api/v1/settings',
    body: { severities: { P2: { cadence_minutes: '60' } } },
    status: 400,
    code: 'invalid_input',
    field: 'severities.P2.cadence_minutes',
    as: 'owner',
  },
  {
    name: 'settings: resolution before response',
    method: 'PATCH',
    path: () => '/api/v1/settings',
    body: { page_name: 'Fine', severities: { P3: { response_minutes: 120, resolution_minutes: 60 } } },
    status: 400,
    code: 'invalid_input',
    field: 'severities.P3.resolution_minutes',
    as: 'owner',
  },
  { name: 'settings: unknown severity', method: 'PATCH', path: () => '/api/v1/settings', body: { severities: { P5: {} } }, status: 400, code: 'invalid_input', as: 'owner' },
  { name: 'settings: oversized', method: 'PATCH', path: () => '/api/v1/settings', body: { page_name: huge }, status: 413, code: 'body_too_large', as: 'owner' },
];

describe('bad input leaves the database as it was', () => {
  for (const c of cases) {
    test(c.name, async () => {
      const countsBefore = await rowCounts(t.database);
      const contentsBefore = await tableContents(t.database);
      const body: unknown = typeof c.body === 'function' ? (c.body as () => unknown)() : c.body;
      const res = await call(c.method, c.path(), body, c.as === 'owner' ? owner.headers : publisher.headers);
      expect(res.status, JSON.stringify(res.body)).toBe(c.status);
      expect(res.body.error.code).toBe(c.code);
      expect(typeof res.body.error.message).toBe('string');
      expect(res.body.error.message.length).toBeGreaterThan(5);
      if (c.field) expect(Object.keys(res.body.error.fields ?? {})).toContain(typeof c.field === 'function' ? c.field() : c.field);
      expect(await rowCounts(t.database)).toEqual(countsBefore);
      expect(await tableContents(t.database)).toEqual(contentsBefore);
    });
  }
});
