// The scheduler: scheduled updates go public at the first tick after their time, exactly once, across instances and restarts.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { eq } from 'drizzle-orm';
import { createApp } from '../../api/app.ts';
import { startScheduler, type Job } from '../../api/server/scheduler.ts';
import type { AppDeps } from '../../api/core/deps.ts';
import { openMigratedDatabase, type Database } from '../../db/client.ts';
import { auditLog, incidentUpdates } from '../../db/schema.ts';
import { caller, makeTestApp, userWithSession, type TestApp, type TestUser } from '../support/app.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1, 12);
const plus = (minutes: number) => new Date(T0 + minutes * MIN).toISOString();

let t: TestApp;
let publisher: TestUser;
const extra: Database[] = [];

beforeEach(async () => {
  t = await makeTestApp();
  publisher = await userWithSession(t, 'publisher');
});
afterEach(() => {
  for (const d of extra.splice(0)) d.close();
  t.close();
});

const call = caller(() => t, () => publisher.headers);

interface PublicIncident {
  id: string;
  status: string;
  incident_updates: { id: string; status: string; display_at: string }[];
}

async function publicIncidents(): Promise<PublicIncident[]> {
  const res = await t.app.request('/api/v2/incidents.json');
  return ((await res.json()) as { incidents: PublicIncident[] }).incidents;
}

async function databaseFile(): Promise<string> {
  const list = await t.database.client.execute('PRAGMA database_list');
  return String(list.rows.find((r) => r.name === 'main')?.file);
}

/** A second "server" in this process: its own client, app and deps on the same database file and clock. */
async function secondInstance(): Promise<AppDeps> {
  const file = await databaseFile();
  const database = await openMigratedDatabase(`file:${file}`);
  extra.push(database);
  const deps: AppDeps = { ...t.deps, db: database.db };
  createApp(deps);
  return deps;
}

describe('publishing scheduled updates', () => {
  test('not public before its time, public at the first tick after it, once', async () => {
    const opened = await call('POST', '/api/v1/incidents', { title: 'Slow', severity: 'P2', message: 'Looking.' });
    const id = opened.body.id;
    const scheduled = await call('POST', `/api/v1/incidents/${id}/updates`, { status: 'monitoring', message: 'Fix rolling out.', publish_at: plus(10) });
    expect(scheduled.body.state).toBe('scheduled');

    const scheduler = startScheduler(t.deps, { intervalMs: 0 });
    try {
      t.clock.set(T0 + 9 * MIN);
      expect(await scheduler.tick()).toBe(0);
      let pub = await publicIncidents();
      expect(pub[0]?.status).toBe('investigating');
      expect(pub[0]?.incident_updates.map((u) => u.id)).not.toContain(scheduled.body.id);

      t.clock.set(T0 + 10 * MIN + 1500);
      expect(await scheduler.tick()).toBe(1);
      pub = await publicIncidents();
      expect(pub[0]?.status).toBe('monitoring');
      expect(pub[0]?.incident_updates[0]).toMatchObject({ id: scheduled.body.id, status: 'monitoring' });

      expect(await scheduler.tick()).toBe(0);
      const detail = await call('GET', `/api/v1/incidents/${id}`);
      expect(detail.body).toMatchObject({ status: 'monitoring', monitoring_at: new Date(T0 + 10 * MIN + 1500).toISOString() });
      const u = detail.body.updates.find((x: { id: string }) => x.id === scheduled.body.id);
      expect(u).toMatchObject({ state: 'published', published_at: new Date(T0 + 10 * MIN + 1500).toISOString() });
      const publishes = (await t.database.db.select().from(auditLog)).filter((a) => a.action === 'incident_update.publish' && a.entityId === scheduled.body.id);
      expect(publishes).toHaveLength(1);
      expect(publishes[0]?.userId).toBeNull();
    } finally {
      await scheduler.stop();
    }
  });

  test('a new incident whose first update is scheduled stays private until then', async () => {
    const opened = await call('POST', '/api/v1/incidents', { title: 'Planned comms', severity: 'P3', message: 'Heads-up.', publish_at: plus(5) });
    expect(opened.body).toMatchObject({ published_at: null, scheduled_update_count: 1 });
    const scheduler = startScheduler(t.deps, { intervalMs: 0 });
    expect(await scheduler.tick()).toBe(0);
    expect(await publicIncidents()).toEqual([]);
    t.clock.set(T0 + 5 * MIN);
    expect(await scheduler.tick()).toBe(1);
    expect((await publicIncidents()).map((i) => i.id)).toEqual([opened.body.id]);
    await scheduler.stop();
  });

  test('two instances in one process ticking at once on one database publish each update exactly once', async () => {
    const opened = await call('POST', '/api/v1/incidents', { title: 'Many', severity: 'P2', message: 'Looking.' });
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      ids.push((await call('POST', `/api/v1/incidents/${opened.body.id}/updates`, { status: 'identified', message: `note ${i}`, publish_at: plus(1 + i) })).body.id);
    }
    const logs: string[] = [];
    const other = await secondInstance();
    const a = startScheduler({ ...t.deps, log: (l) => logs.push(l) }, { intervalMs: 0 });
    const b = startScheduler({ ...other, log: (l) => logs.push(l) }, { intervalMs: 0 });
    t.clock.set(T0 + 60 * MIN);
    const counts = await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]);
    expect(counts.reduce((x, y) => x + y, 0)).toBe(12);
    await Promise.all([a.stop(), b.stop()]);
    // neither instance hit a lock error: they queued, and the losers of each claim skipped
    expect(logs).toEqual([]);

    const publishes = (await t.database.db.select().from(auditLog)).filter((e) => e.action === 'incident_update.publish' && ids.includes(e.entityId ?? ''));
    expect(publishes).toHaveLength(12);
    expect(new Set(publishes.map((p) => p.entityId)).size).toBe(12);
    const states = await t.database.db.select({ state: incidentUpdates.state }).from(incidentUpdates).where(eq(incidentUpdates.incidentId, opened.body.id));
    expect(states.every((s) => s.state === 'published')).toBe(true);
  });

  test('two server processes ticking at once on one database file publish each update exactly once', async () => {
    const opened = await call('POST', '/api/v1/incidents', { title: 'Many', severity: 'P2', message: 'Looking.' });
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      ids.push((await call('POST', `/api/v1/incidents/${opened.body.id}/updates`, { status: 'identified', message: `note ${i}`, publish_at: plus(1 + i) })).body.id);
    }
    const file = await databaseFile();
    const script = fileURLToPath(new URL('../support/scheduler-tick.ts', import.meta.url));
    const start = () => {
      const child = spawn(process.execPath, ['--import', 'tsx', script, file, String(T0 + 60 * MIN), '3'], { stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      const ready = new Promise<void>((resolve, reject) => {
        child.stdout.on('data', () => out.includes('ready') && resolve());
        child.on('exit', () => reject(new Error(`exited before ready: ${err}`)));
      });
      const done = new Promise<{ published: number; errors: string[] }>((resolve, reject) => {
        child.on('exit', (code) => {
          if (code !== 0) reject(new Error(`exit ${code}: ${err}`));
          else resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '{}'));
        });
      });
      return { child, ready, done };
    };
    const procs = [start(), start()];
    await Promise.all(procs.map((p) => p.ready));
    // both processes start ticking at the same moment
    for (const p of procs) p.child.stdin.end('go\n');
    const results = await Promise.all(procs.map((p) => p.done));
    expect(results.flatMap((r) => r.errors)).toEqual([]);
    expect(results.reduce((n, r) => n + r.published, 0)).toBe(20);

    const publishes = (await t.database.db.select().from(auditLog)).filter((e) => e.action === 'incident_update.publish' && ids.includes(e.entityId ?? ''));
    expect(publishes).toHaveLength(20);
    expect(new Set(publishes.map((p) => p.entityId)).size).toBe(20);
  }, 90_000);

  test('after a restart, a new scheduler publishes what is due and nothing twice', async () => {
    const opened = await call('POST', '/api/v1/incidents', { title: 'Restart', severity: 'P2', message: 'Looking.' });
    const first = (await call('POST', `/api/v1/incidents/${opened.body.id}/updates`, { status: 'identified', message: 'one', publish_at: plus(5) })).body.id;
    const second = (await call('POST', `/api/v1/incidents/${opened.body.id}/updates`, { status: 'monitoring', message: 'two', publish_at: plus(20) })).body.id;

    const before = startScheduler(t.deps, { intervalMs: 0 });
    t.clock.set(T0 + 6 * MIN);
    expect(await before.tick()).toBe(1);
    await before.stop();

    // the "restarted" process: a new client, app and scheduler on the same file
    const restarted = startScheduler(await secondInstance(), { intervalMs: 0 });
    expect(await restarted.tick()).toBe(0);
    t.clock.set(T0 + 25 * MIN);
    expect(await restarted.tick()).toBe(1);
    expect(await restarted.tick()).toBe(0);
    await restarted.stop();

    const publishes = (await t.database.db.select().from(auditLog)).filter((e) => e.action === 'incident_update.publish');
    expect(publishes.filter((p) => p.entityId === first)).toHaveLength(1);
    expect(publishes.filter((p) => p.entityId === second)).toHaveLength(1);
  });

  test('an update that can no longer go out (incident resolved meanwhile) returns to draft, audited', async () => {
    const opened = await call('POST', '/api/v1/incidents', { title: 'x', severity: 'P2', message: 'Looking.' });
    const id = opened.body.id;
    const later = (await call('POST', `/api/v1/incidents/${id}/updates`, { status: 'monitoring', message: 'later', publish_at: plus(10) })).body.id;
    await call('POST', `/api/v1/incidents/${id}/updates`, { status: 'resolved', message: 'Fixed early.' });
    const scheduler = startScheduler(t.deps, { intervalMs: 0 });
    t.clock.set(T0 + 11 * MIN);
    expect(await scheduler.tick()).toBe(0);
    await scheduler.stop();
    const detail = await call('GET', `/api/v1/incidents/${id}`);
    expect(detail.body.status).toBe('resolved');
    expect(detail.body.updates.find((u: { id: string }) => u.id === later).state).toBe('draft');
    const event = detail.body.timeline.find((e: { action?: string }) => e.action === 'incident_update.schedule_failed');
    expect(event.summary).toMatch(/could not be published/);
  });
});

describe('the worker itself', () => {
  test('runs extra jobs in order; a failing job does not stop the others', async () => {
    const ran: string[] = [];
    const logs: string[] = [];
    const failing: Job = async () => {
      ran.push('failing');
      throw new Error('boom');
    };
    const counting: Job = async () => {
      ran.push('counting');
      return 2;
    };
    const scheduler = startScheduler({ ...t.deps, log: (l) => logs.push(l) }, { intervalMs: 0, jobs: [failing, counting] });
    expect(await scheduler.tick()).toBe(2);
    expect(ran).toEqual(['failing', 'counting']);
    expect(logs.some((l) => l.includes('boom'))).toBe(true);
    await scheduler.stop();
  });

  test('on an interval it ticks by itself, and stop() waits for the running tick', async () => {
    let ticks = 0;
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let finished = false;
    const slow: Job = async () => {
      ticks += 1;
      if (ticks === 1) {
        await gate;
        finished = true;
      }
      return 0;
    };
    const scheduler = startScheduler(t.deps, { intervalMs: 1, jobs: [slow] });
    // wait (bounded) for the timer's first tick to start
    for (let i = 0; i < 500 && ticks === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(ticks).toBe(1);
    const stopping = scheduler.stop();
    release();
    await stopping;
    expect(finished).toBe(true);
    const after = ticks;
    await new Promise((r) => setTimeout(r, 20));
    expect(ticks).toBe(after);
  });
});
