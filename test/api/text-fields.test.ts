// Text fields: NUL is refused everywhere (SQLite would cut the value at it), one-line fields refuse control
// characters (CR/LF) and names that show nothing (only zero-width or bidi characters), with a 400 saying why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, makeTestApp, userWithSession, type TestApp, type TestUser } from '../support/app.ts';
import { rowCounts } from '../support/row-counts.ts';

let t: TestApp;
let owner: TestUser;
let incident = '';

beforeAll(async () => {
  t = await makeTestApp();
  owner = await userWithSession(t, 'owner');
  const res = await t.app.request('/api/v1/incidents', json('POST', { title: 'Open', severity: 'P3', message: 'Looking.' }, owner.headers));
  incident = ((await res.json()) as { id: string }).id;
});
afterAll(() => t.close());

/** Each endpoint with a one-line field, and a body that puts `value` in it. */
const oneLineFields: [string, string, () => string, (v: string) => Record<string, unknown>][] = [
  ['component name', 'POST', () => '/api/v1/components', (v) => ({ name: v })],
  ['group name', 'POST', () => '/api/v1/component-groups', (v) => ({ name: v })],
  ['incident title', 'POST', () => '/api/v1/incidents', (v) => ({ title: v, severity: 'P3', message: 'm' })],
  ['incident title (PATCH)', 'PATCH', () => `/api/v1/incidents/${incident}`, (v) => ({ title: v })],
  ['page name', 'PATCH', () => '/api/v1/settings', (v) => ({ page_name: v })],
  ['template name', 'POST', () => '/api/v1/templates', (v) => ({ name: v, title: 'T', message: 'm', severity: 'P3' })],
  ['maintenance title', 'POST', () => '/api/v1/maintenances', (v) => ({ title: v, message: 'm', components: [], scheduled_for: '2026-03-01T10:00:00Z', scheduled_until: '2026-03-01T11:00:00Z' })],
  ['token name', 'POST', () => '/api/v1/tokens', (v) => ({ name: v, scope: 'read' })],
  ['user name', 'POST', () => '/api/v1/users', (v) => ({ email: `u${Math.random().toString(36).slice(2)}@example.com`, name: v, role: 'viewer' })],
  ['action item title', 'POST', () => `/api/v1/incidents/${incident}/action-items`, (v) => ({ title: v })],
];

const bad: [string, string, RegExp][] = [
  ['NUL', 'A\u0000B', /NUL|control/],
  ['CR/LF', 'Acme\r\nEND:VCALENDAR', /control characters/],
  ['a tab', 'A\tB', /control characters/],
  ['zero-width only', '\u200b\u200c\u200d\ufeff', /visible character/],
  ['bidi overrides only', '\u202e\u202d\u2066\u2069', /visible character/],
  ['fillers only', '\u3164\u2800', /visible character/],
];

describe('one-line fields', () => {
  for (const [what, method, path, body] of oneLineFields) {
    it(`${what}: refuses NUL, control characters and invisible-only text with a 400, and keeps nothing`, async () => {
      for (const [label, value, message] of bad) {
        const before = await rowCounts(t.database);
        const res = await t.app.request(path(), json(method, body(value), owner.headers));
        expect(res.status, `${what}: ${label}`).toBe(400);
        const err = ((await res.json()) as { error: { code: string; message: string; fields?: Record<string, string> } }).error;
        expect(err.code).toBe('invalid_input');
        expect(JSON.stringify(err.fields ?? err.message), `${what}: ${label}`).toMatch(message);
        expect(await rowCounts(t.database)).toEqual(before);
      }
    });
  }

  it('still takes names in any script, with emoji, joiners inside and right-to-left text', async () => {
    for (const name of ['Zürich API', '東京 リージョン', 'API 👩‍💻', 'واجهة API', 'a\u200db']) {
      const res = await t.app.request('/api/v1/components', json('POST', { name }, owner.headers));
      expect(res.status, name).toBe(201);
      expect(((await res.json()) as { name: string }).name).toBe(name);
    }
  });
});

describe('NUL in any text field', () => {
  it('is refused in multi-line fields too (an update message, a description), never stored cut short', async () => {
    const update = await t.app.request(`/api/v1/incidents/${incident}/updates`, json('POST', { status: 'identified', message: 'Found\u0000 it' }, owner.headers));
    expect(update.status).toBe(400);
    expect(((await update.json()) as { error: { fields: Record<string, string> } }).error.fields).toEqual({ message: 'Must not contain a NUL character.' });
    const comp = await t.app.request('/api/v1/components', json('POST', { name: 'Web', description: 'front\u0000end' }, owner.headers));
    expect(comp.status).toBe(400);
  });
});
