// Moving in from Statuspage: recorded v2 JSON served on loopback is imported (groups, HTML entities, postmortems,
// maintenance updates), shows on Herald's own pages and API, a second run changes nothing and adds nothing, and a
// source that is not Statuspage-shaped (or too big, too slow, elsewhere) is refused with nothing written.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openMigratedDatabase } from '../../db/client.ts';
import { auditLog, outbox } from '../../db/schema.ts';
import { importStatuspage, decodeEntities } from '../../api/cli/import-statuspage.ts';
import { readStatuspageSource, SourceError } from '../../api/cli/statuspage-source.ts';
import { getUptime } from '../../api/public/uptime.ts';
import type { AnyIncidentJson, ComponentJson } from '../../api/public/statuspage-types.ts';
import { makeTestApp, userWithSession, type TestApp } from '../support/app.ts';
import { rowCounts, tableContents } from '../support/row-counts.ts';
import { FIXTURE_DIR, recordedDocuments, startStatuspageServer, type StatuspageServer } from '../support/statuspage-server.ts';

const ROOT = new URL('../..', import.meta.url).pathname;

let sp: StatuspageServer;
let t: TestApp;
beforeAll(async () => {
  sp = await startStatuspageServer();
});
afterAll(() => sp.close());
beforeEach(async () => {
  t = await makeTestApp();
  t.clock.set(Date.UTC(2026, 2, 10, 12));
  sp.pages = { '': recordedDocuments() };
});
afterEach(() => t.close());

async function importFrom(url: string) {
  return importStatuspage(t.deps, await readStatuspageSource(url));
}

async function getJson<T>(path: string, headers: Record<string, string> = {}): Promise<T> {
  const res = await t.app.request(path, { headers });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

describe('import from a Statuspage page', () => {
  it('creates groups, components, incidents with their updates at their times, postmortems and maintenances', async () => {
    const result = await importFrom(sp.url);
    expect(result).toMatchObject({
      groups: { created: 2, updated: 0, unchanged: 0 },
      components: { created: 5 },
      incidents: { created: 5 },
      maintenances: { created: 2 },
      updates: { created: 16 },
      postmortems: { created: 2 },
    });
    // Only the page's own address was read.
    expect(sp.requests).toEqual(['/api/v2/summary.json', '/api/v2/components.json', '/api/v2/incidents.json', '/api/v2/scheduled-maintenances.json']);

    const { components } = await getJson<{ components: ComponentJson[] }>('/api/v2/components.json');
    // HTML entities in names become the characters they stand for; groups keep their children.
    expect(components.map((c) => [c.name, c.group, c.status])).toEqual([
      ['Core & Platform', true, 'degraded_performance'],
      ['API <v2>', false, 'operational'],
      ['Dashboard', false, 'degraded_performance'],
      ['Billing & Invoices', false, 'operational'],
      ['Data', true, 'operational'],
      ['Search', false, 'operational'],
      ['Legacy export', false, 'operational'],
    ]);
    const core = components[0]!;
    expect(core.components).toEqual([components[1]!.id, components[2]!.id]);
    expect(components[1]!.group_id).toBe(core.id);
    expect(components[3]).toMatchObject({ description: 'Payments \'n\' invoices — all of them' });
    expect(components[5]).toMatchObject({ only_show_if_degraded: true });
    expect(components[6]).toMatchObject({ showcase: false, start_date: '2025-06-01' });

    const { incidents } = await getJson<{ incidents: AnyIncidentJson[] }>('/api/v2/incidents.json');
    expect(incidents.map((i) => [i.name, i.status, i.impact])).toEqual([
      ['Search is slow', 'monitoring', 'minor'],
      ['API & Dashboard errors', 'resolved', 'major'],
      ['Full outage', 'postmortem', 'critical'],
      ['Slow checkout', 'postmortem', 'minor'],
      ['Docs typo — fixed', 'resolved', 'none'],
    ]);
    const errors = incidents[1]!;
    expect(errors.started_at).toBe('2026-03-01T10:00:00.000Z');
    expect(errors.resolved_at).toBe('2026-03-01T13:00:00.000Z');
    expect(errors.incident_updates.map((u) => [u.status, u.display_at])).toEqual([
      ['resolved', '2026-03-01T13:00:00.000Z'],
      ['monitoring', '2026-03-01T12:00:00.000Z'],
      ['identified', '2026-03-01T11:00:00.000Z'],
      ['investigating', '2026-03-01T10:00:00.000Z'],
    ]);
    // Bodies stay as written (markdown, where an entity already shows as its character).
    expect(errors.incident_updates[0]!.body).toBe('All fixed &amp; verified.');
    expect(errors.incident_updates[3]!.affected_components).toEqual([
      { code: components[1]!.id, name: 'API <v2>', old_status: 'operational', new_status: 'major_outage' },
      { code: components[2]!.id, name: 'Dashboard', old_status: 'operational', new_status: 'degraded_performance' },
    ]);
    expect(errors.components.map((c) => c.name)).toEqual(['API <v2>', 'Dashboard']);
    // A postmortem: the page's text when it gives one, else a link to it on Statuspage.
    expect(incidents[2]!.postmortem_url).toBe('https://stspg.io/abc12');
    expect(incidents[3]!.postmortem_url).toBe(`http://127.0.0.1:4321/incidents/${incidents[3]!.id}/postmortem`);
    expect(incidents[4]!.incident_updates[0]!).toMatchObject({ display_at: '2026-01-15T09:00:00.000Z', created_at: '2026-01-15T09:05:00.000Z', deliver_notifications: false });

    // Impact becomes severity (P1 critical … P4 none); the open incident is due its next update on the cadence.
    const viewer = await userWithSession(t, 'viewer');
    const admin = await getJson<{ incidents: { title: string; severity: string; next_update_due_at: string | null }[] }>('/api/v1/incidents', viewer.headers);
    expect(Object.fromEntries(admin.incidents.filter((i) => i.severity).map((i) => [i.title, i.severity]))).toEqual({
      'Search is slow': 'P3',
      'API & Dashboard errors': 'P2',
      'Full outage': 'P1',
      'Slow checkout': 'P3',
      'Docs typo — fixed': 'P4',
    });
    expect(admin.incidents.find((i) => i.title === 'Search is slow')!.next_update_due_at).toBe('2026-03-09T19:00:00.000Z');

    const { scheduled_maintenances: maintenances } = await getJson<{ scheduled_maintenances: (AnyIncidentJson & { scheduled_for: string })[] }>('/api/v2/scheduled-maintenances.json');
    expect(maintenances.map((m) => [m.name, m.status, m.scheduled_for, m.incident_updates.length])).toEqual([
      ['Network maintenance', 'scheduled', '2026-04-01T01:00:00.000Z', 1],
      ['Database upgrade & reindex', 'completed', '2026-03-05T02:00:00.000Z', 4],
    ]);
    expect(maintenances[1]!.incident_updates.map((u) => u.status)).toEqual(['completed', 'verifying', 'in_progress', 'scheduled']);

    // The history draws the bars: the API was down on 1 March, Billing under maintenance on 5 March.
    const uptime = await getUptime(t.deps);
    const dayOf = (id: string, date: string) => uptime.get(id)!.days.find((d) => d.date === date)!;
    expect(dayOf(components[1]!.id, '2026-03-01').status).toBe('major_outage');
    expect(dayOf(components[3]!.id, '2026-03-05').status).toBe('under_maintenance');

    // History is not news: nobody is notified. The import is in the audit log.
    expect(await t.database.db.select().from(outbox)).toEqual([]);
    const audit = await t.database.db.select().from(auditLog);
    expect(audit.map((a) => a.action)).toEqual(['import.statuspage']);
  });

  it('a second run changes nothing and adds nothing; a later one updates what changed', async () => {
    await importFrom(sp.url);
    const before = await rowCounts(t.database);
    const again = await importFrom(sp.url);
    expect(again).toMatchObject({
      groups: { created: 0, updated: 0, unchanged: 2 },
      components: { created: 0, updated: 0, unchanged: 5 },
      incidents: { created: 0, updated: 0, unchanged: 5 },
      maintenances: { created: 0, updated: 0, unchanged: 2 },
      updates: { created: 0, updated: 0, unchanged: 16 },
      postmortems: { created: 0, updated: 0, unchanged: 2 },
    });
    const after = await rowCounts(t.database);
    // Only the audit log grows (one entry per run).
    expect({ ...after, audit_log: 0 }).toEqual({ ...before, audit_log: 0 });
    expect(after.audit_log).toBe(before.audit_log! + 1);

    // The page moves on: the open incident is resolved with a new update, a component renamed.
    const docs = sp.pages['']!;
    const list = (docs['incidents.json'] as { incidents: { id: string; status: string; resolved_at: string | null; incident_updates: unknown[] }[] }).incidents;
    const search = list.find((i) => i.id === 'in04srch0')!;
    search.status = 'resolved';
    search.resolved_at = '2026-03-09T16:00:00.000Z';
    search.incident_updates.unshift({ id: 'up43', status: 'resolved', body: 'Fixed.', created_at: '2026-03-09T16:00:00.000Z', display_at: '2026-03-09T16:00:00.000Z', affected_components: null });
    for (const doc of ['summary.json', 'components.json']) {
      const c = (docs[doc] as { components: { id: string; name: string }[] }).components.find((x) => x.id === 'cp02dash0')!;
      c.name = 'Dashboard (web)';
    }
    (docs['summary.json'] as { incidents: unknown[] }).incidents = [];
    const third = await importFrom(sp.url);
    expect(third).toMatchObject({ components: { updated: 1, created: 0 }, incidents: { updated: 1, created: 0 }, updates: { created: 1, unchanged: 16 } });
    const { incidents } = await getJson<{ incidents: AnyIncidentJson[] }>('/api/v2/incidents.json');
    expect(incidents.filter((i) => i.name === 'Search is slow').map((i) => [i.status, i.incident_updates.length])).toEqual([['resolved', 3]]);
  });

  it('reads a folder of saved documents the same way', async () => {
    const dump = await readStatuspageSource(FIXTURE_DIR);
    expect(dump.page.id).toBe('kctbh9vrtdwd');
    const result = await importStatuspage(t.deps, dump);
    expect(result.components.created).toBe(5);
    // The same page, from its address: the same rows, found again.
    expect((await importFrom(sp.url)).components).toEqual({ created: 0, updated: 0, unchanged: 5 });
  });

  it('accepts the page as pasted: with a trailing slash, its /api/v2, or a document; follows a redirect on the same site', async () => {
    for (const url of [`${sp.url}/`, `${sp.url}/api/v2`, `${sp.url}/api/v2/summary.json?x=1`, `${sp.url}/moved`]) {
      expect((await readStatuspageSource(url)).page.name, url).toBe('Acme &amp; Co');
    }
  });
});

describe('refusals: nothing written', () => {
  async function refused(source: string, message: RegExp, opts: { timeoutMs?: number; maxBytes?: number } = {}) {
    const before = await tableContents(t.database);
    const err = await readStatuspageSource(source, opts)
      .then((dump) => importStatuspage(t.deps, dump))
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err, source).toBeInstanceOf(SourceError);
    expect((err as Error).message).toMatch(message);
    expect(await tableContents(t.database)).toEqual(before);
  }

  it('refuses sources that are not Statuspage-shaped, naming what is wrong', async () => {
    const docs = recordedDocuments();
    sp.pages['/other'] = { ...docs, 'summary.json': { hello: 'world' } };
    await refused(`${sp.url}/other`, /does not look like a Statuspage page's public API \(summary\.json: page: Required\)/);
    sp.pages['/bad-status'] = recordedDocuments();
    (sp.pages['/bad-status']!['components.json'] as { components: { status: string }[] }).components[1]!.status = 'fine';
    await refused(`${sp.url}/bad-status`, /components\.json: components\.1\.status/);
    sp.pages['/no-updates'] = recordedDocuments();
    delete (sp.pages['/no-updates']!['incidents.json'] as { incidents: { incident_updates?: unknown }[] }).incidents[0]!.incident_updates;
    await refused(`${sp.url}/no-updates`, /incidents\.json: incidents\.0\.incident_updates: Required/);
    sp.pages['/mixed'] = recordedDocuments();
    (sp.pages['/mixed']!['incidents.json'] as { page: { id: string } }).page.id = 'someone-else';
    await refused(`${sp.url}/mixed`, /come from different pages/);
    sp.pages['/text'] = { ...recordedDocuments(), 'components.json': 'not json' };
    await refused(`${sp.url}/text`, /components\.json is not JSON/);
    await refused(`${sp.url}/html`, /summary\.json is not JSON/);
    await refused(`${sp.url}/nothing-here`, /answered 404/);
  });

  it('fetches only http(s), from the site given, within a time and a size limit', async () => {
    await refused('ftp://127.0.0.1/status', /Only http:\/\/ and https:\/\//);
    await refused('file:///etc/passwd', /Only http:\/\/ and https:\/\//);
    await refused('status.example.com', /did you mean https:\/\/status\.example\.com/);
    await refused(`${sp.url}/elsewhere`, /redirects to http:\/\/localhost:\d+\/api\/v2\/summary\.json; give that page's address instead/);
    await refused(`${sp.url}/big`, /more than the 100000 bytes/, { maxBytes: 100_000 });
    await refused(`${sp.url}/slow`, /did not answer within 1 s/, { timeoutMs: 1_000 });
    const empty = mkdtempSync(join(tmpdir(), 'herald-sp-'));
    try {
      writeFileSync(join(empty, 'summary.json'), '{}');
      await refused(empty, /has no components\.json, incidents\.json, scheduled-maintenances\.json/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('decodes named and numeric entities, and leaves anything else alone', () => {
    expect(decodeEntities('A &amp; B &lt;c&gt; &#39;d&#39; &#x2014; &nbsp;&bogus; &#xD800; &')).toBe("A & B <c> 'd' — \u00a0&bogus; &#xD800; &");
  });
});

describe('npm run import:statuspage', () => {
  /** The command as a process of its own (asynchronously: the Statuspage server answers from this one). */
  const run = (args: string[], databaseUrl: string) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'api/cli/import-statuspage.ts', ...args], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATABASE_URL: databaseUrl },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });

  it('prints what it did; a second run the same counts, all unchanged; a refused source exits 1 having written nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-import-cli-'));
    const databaseUrl = `file:${join(dir, 'herald.db')}`;
    try {
      const first = await run([sp.url], databaseUrl);
      expect(first.stderr).toBe('');
      expect(first.status).toBe(0);
      expect(first.stdout).toContain('Importing "Acme & Co" (Statuspage page kctbh9vrtdwd)');
      expect(first.stdout).toMatch(/components\s+5 created,\s+0 updated,\s+0 unchanged/);
      expect(first.stdout).toMatch(/incidents\s+5 created/);
      const second = await run([sp.url], databaseUrl);
      expect(second.status).toBe(0);
      expect(second.stdout).toMatch(/components\s+0 created,\s+0 updated,\s+5 unchanged/);
      expect(second.stdout).toMatch(/updates\s+0 created,\s+0 updated,\s+16 unchanged/);

      const database = await openMigratedDatabase(databaseUrl);
      const before = await rowCounts(database);
      const bad = await run([`${sp.url}/html`], databaseUrl);
      expect(bad.status).toBe(1);
      expect(bad.stderr).toMatch(/^Nothing imported\. This does not look like a Statuspage page's public API/);
      expect(await rowCounts(database)).toEqual(before);
      database.close();
      expect((await run([], databaseUrl)).status).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
