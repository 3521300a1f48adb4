// The page's languages as settings: PATCH /api/v1/settings { language, languages }, BCP 47 tags of shipped catalogues.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditLog } from '../../db/schema.ts';
import { json, makeTestApp, userWithSession, type TestApp, type TestUser } from '../support/app.ts';

let t: TestApp;
let owner: TestUser;
beforeEach(async () => {
  t = await makeTestApp({ memory: true });
  owner = await userWithSession(t, 'owner');
});
afterEach(() => t.close());

type Out = { language: string; languages: string[]; available_languages: string[] };
const patch = async (body: unknown) => t.app.request('/api/v1/settings', json('PATCH', body, owner.headers));
const read = async () => (await (await t.app.request('/api/v1/settings', { headers: owner.headers })).json()) as Out;

describe('the page languages', () => {
  it('default to English alone, and list every shipped catalogue as available', async () => {
    expect(await read()).toMatchObject({ language: 'en', languages: [], available_languages: ['en', 'de', 'fr', 'es', 'pt-BR', 'ja', 'ar'] });
  });

  it('are stored as the catalogues spell the tags, once each, never the default among the further ones; audited', async () => {
    const res = await patch({ language: 'pt-br', languages: ['DE', 'de', 'pt-BR', 'ar'] });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ language: 'pt-BR', languages: ['de', 'ar'] });
    expect(await read()).toMatchObject({ language: 'pt-BR', languages: ['de', 'ar'] });
    // Making a further language the default drops it from the further ones.
    expect(await (await patch({ language: 'de' })).json()).toMatchObject({ language: 'de', languages: ['ar'] });
    const audit = await t.database.db.select().from(auditLog);
    expect(audit.filter((a) => a.action === 'settings.update')).toHaveLength(2);
  });

  it('move the public pages: the default at /, the others under their tag', async () => {
    await patch({ language: 'de', languages: ['ja'] });
    expect((await t.app.request('/history.rss')).status).toBe(200);
    expect(await (await t.app.request('/history.rss')).text()).toContain('Status von Herald');
    expect(await (await t.app.request('/ja/history.rss')).text()).toContain('Herald ステータス');
    // English is no longer offered: its address leads to the default language's feed.
    expect((await t.app.request('/en/history.rss')).status).toBe(302);
  });
});
