// Scheduled maintenance: the API, and the worker under a controlled clock (reminder, auto start/complete, restore), exactly once across restarts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { openMigratedDatabase, type Database } from '../../db/client.ts';
import { auditLog, incidentUpdates, outbox, outboxEvents, subscribers } from '../../db/schema.ts';
import { createApp } from '../../api/app.ts';
import { ManualClock, type AppDeps } from '../../api/core/deps.ts';
import { runMaintenanceJobs } from '../../api/maintenance/maintenance-worker.ts';
import type { MaintenanceOut } from '../../api/maintenance/maintenance-routes.ts';
import { json, PUBLIC_URL, userWithSession, type TestApp, type TestUser } from '../support/app.ts';
import { notifyingEvents } from '../../api/notify/events.ts';
import { CONSOLE_PATHS, RESPONSE_LINKS } from '../../admin/paths.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const START = Date.UTC(2026, 0, 1, 12);

/** An app on a database file we know, so a test can "restart" the server on the same file. */
async function openApp(path: string, clock: ManualClock): Promise<TestApp> {
  const database: Database = await openMigratedDatabase(`file:${path}`);
  const deps: AppDeps = { db: database.db, clock, events: notifyingEvents, publicUrl: PUBLIC_URL, invitationPath: CONSOLE_PATHS.invitation, passwordResetPath: CONSOLE_PATHS.passwordReset, responseLinks: RESPONSE_LINKS };
  return { app: createApp(deps), deps, database, clock, close: () => database.close() };
}

let dir: string;
let dbPath: string;
let t: TestApp;
let publisher: TestUser;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'herald-maint-'));
  dbPath = join(dir, 'test.db');
  t = await openApp(dbPath, new ManualClock(START));
  publisher = await userWithSession(t, 'publisher');
});
afterEach(() => {
  t.close();
  rmSync(dir, { recursive: true, force: true });
});

async function createComponent(name: string, status = 'operational'): Promise<string> {
  const res = await t.app.request('/api/v1/components', json('POST', { name, status }, publisher.headers));
  expect(res.status).toBe(201);
  const body = (await res.json()) as { id?: string; component?: { id: string } };
  const id = body.id ?? body.component?.id;
  if (!id) throw new Error('no component id');
  return id;
}

async function componentStatuses(): Promise<Record<string, string>> {
  const res = await t.app.request('/api/v2/components.json');
  const body = (await res.json()) as { components: { id: string; status: string }[] };
  return Object.fromEntries(body.components.map((c) => [c.id, c.status]));
}

async function schedule(body: Record<string, unknown>): Promise<MaintenanceOut> {
  const res = await t.app.request('/api/v1/maintenances', json('POST', body, publisher.headers));
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as MaintenanceOut;
}

async function getMaintenance(id: string): Promise<MaintenanceOut> {
  const res = await t.app.request(`/api/v1/maintenances/${id}`, { headers: publisher.headers });
  expect(res.status).toBe(200);
  return (await res.json()) as MaintenanceOut;
}

async function auditCount(id: string, action: string, db = t.database.db): Promise<number> {
  const rows = await db.select().from(auditLog).where(and(eq(auditLog.incidentId, id), eq(auditLog.action, action)));
  return rows.length;
}

const iso = (ms: number) => new Date(ms).toISOString();

describe('scheduling maintenance', () => {
  it('creates a public scheduled maintenance with its components and first update', async () => {
    const api = await createComponent('API');
    const m = await schedule({
      title: 'Database upgrade',
      message: 'We upgrade the **primary** database.',
      components: [api],
      scheduled_for: iso(START + 2 * HOUR),
      scheduled_until: iso(START + 4 * HOUR),
      auto_start: true,
      auto_complete: true,
      remind_before_minutes: 60,
    });
    expect(m.status).toBe('scheduled');
    expect(m.component_ids).toEqual([api]);
    expect(m.message).toBe('We upgrade the **primary** database.');
    expect(m.remind_at).toBe(iso(START + HOUR));
    expect(m.updates).toHaveLength(1);
    expect(m.updates[0]?.state).toBe('published');
    expect(m.started_at).toBeNull();

    const upcoming = (await (await t.app.request('/api/v2/scheduled-maintenances/upcoming.json')).json()) as {
      scheduled_maintenances: { id: string; status: string; scheduled_for: string; scheduled_until: string }[];
    };
    const listed = upcoming.scheduled_maintenances.find((x) => x.id === m.id);
    expect(listed?.status).toBe('scheduled');
    expect(listed?.scheduled_for).toBe(iso(START + 2 * HOUR));
    expect(listed?.scheduled_until).toBe(iso(START + 4 * HOUR));

    const list = (await (await t.app.request('/api/v1/maintenances?status=upcoming', { headers: publisher.headers })).json()) as {
      maintenances: MaintenanceOut[];
    };
    expect(list.maintenances.map((x) => x.id)).toEqual([m.id]);
    expect(await auditCount(m.id, 'maintenance.create')).toBe(1);
  });

  it('validates input: window order, unknown components, roles', async () => {
    const bad = await t.app.request(
      '/api/v1/maintenances',
      json('POST', { title: 'x', message: 'y', components: [], scheduled_for: iso(START + HOUR), scheduled_until: iso(START) }, publisher.headers),
    );
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { fields: Record<string, string> } }).error.fields.scheduled_until).toBeTruthy();

    const unknown = await t.app.request(
      '/api/v1/maintenances',
      json('POST', { title: 'x', message: 'y', components: ['nope'], scheduled_for: iso(START + HOUR), scheduled_until: iso(START + 2 * HOUR) }, publisher.headers),
    );
    expect(unknown.status).toBe(400);

    const notATime = await t.app.request(
      '/api/v1/maintenances',
      json('POST', { title: 'x', message: 'y', scheduled_for: 'tomorrow', scheduled_until: iso(START + 2 * HOUR) }, publisher.headers),
    );
    expect(notATime.status).toBe(400);

    const editor = await userWithSession(t, 'editor');
    const denied = await t.app.request(
      '/api/v1/maintenances',
      json('POST', { title: 'x', message: 'y', scheduled_for: iso(START + HOUR), scheduled_until: iso(START + 2 * HOUR) }, editor.headers),
    );
    expect(denied.status).toBe(403);
    const anonymous = await t.app.request('/api/v1/maintenances');
    expect(anonymous.status).toBe(401);
  });

  it('moves forward by hand, posts updates, and refuses going back (422)', async () => {
    const api = await createComponent('API');
    const m = await schedule({ title: 'Network work', message: 'Switch swap.', components: [api], scheduled_for: iso(START + HOUR), scheduled_until: iso(START + 2 * HOUR) });

    const back = await t.app.request(`/api/v1/maintenances/${m.id}`, json('PATCH', { status: 'in_progress' }, publisher.headers));
    expect(back.status).toBe(200);
    expect((await componentStatuses())[api]).toBe('under_maintenance');

    const note = await t.app.request(`/api/v1/maintenances/${m.id}/updates`, json('POST', { status: 'verifying', message: 'Checking the switches.' }, publisher.headers));
    expect(note.status).toBe(201);
    expect((await getMaintenance(m.id)).status).toBe('verifying');

    const toScheduled = await t.app.request(`/api/v1/maintenances/${m.id}`, json('PATCH', { status: 'scheduled' }, publisher.headers));
    expect(toScheduled.status).toBe(422);
    const backToWork = await t.app.request(`/api/v1/maintenances/${m.id}/updates`, json('POST', { status: 'in_progress', message: 'x' }, publisher.headers));
    expect(backToWork.status).toBe(422);

    // The incident update route does not take maintenance: it would skip putting components back.
    const sideDoor = await t.app.request(`/api/v1/incidents/${m.id}/updates`, json('POST', { status: 'completed', message: 'x' }, publisher.headers));
    expect(sideDoor.status).toBe(409);

    const done = await t.app.request(`/api/v1/maintenances/${m.id}`, json('PATCH', { status: 'completed' }, publisher.headers));
    expect(done.status).toBe(200);
    expect((await componentStatuses())[api]).toBe('operational');
    const reopen = await t.app.request(`/api/v1/maintenances/${m.id}`, json('PATCH', { status: 'in_progress' }, publisher.headers));
    expect(reopen.status).toBe(422);
    const reschedule = await t.app.request(`/api/v1/maintenances/${m.id}`, json('PATCH', { scheduled_until: iso(START + 5 * HOUR) }, publisher.headers));
    expect(reschedule.status).toBe(422);
    const retitle = await t.app.request(
      `/api/v1/maintenances/${m.id}`,
      // The unchanged plan may come along (a client sending the whole form back): only real changes are refused.
      json('PATCH', { title: 'Network work (done)', components: [api], scheduled_until: iso(START + 2 * HOUR) }, publisher.headers),
    );
    expect(retitle.status).toBe(200);

    const final = await getMaintenance(m.id);
    expect(final.title).toBe('Network work (done)');
    expect(final.updates.map((u) => u.status)).toEqual(['completed', 'verifying', 'in_progress', 'scheduled']);
    expect(final.completed_at).not.toBeNull();
    expect(await auditCount(m.id, 'maintenance.status')).toBe(3);
  });

  it('edits the plan while scheduled: window, components, message', async () => {
    const a = await createComponent('A');
    const b = await createComponent('B');
    const m = await schedule({ title: 'T', message: 'First text.', components: [a], scheduled_for: iso(START + HOUR), scheduled_until: iso(START + 2 * HOUR) });
    const res = await t.app.request(
      `/api/v1/maintenances/${m.id}`,
      json('PATCH', { components: [b], scheduled_until: iso(START + 3 * HOUR), message: 'Second text.', remind_before_minutes: 30 }, publisher.headers),
    );
    expect(res.status).toBe(200);
    const out = (await res.json()) as MaintenanceOut;
    expect(out.component_ids).toEqual([b]);
    expect(out.scheduled_until).toBe(iso(START + 3 * HOUR));
    expect(out.message).toBe('Second text.');
    expect(out.remind_at).toBe(iso(START + 30 * MINUTE));
    const badWindow = await t.app.request(`/api/v1/maintenances/${m.id}`, json('PATCH', { scheduled_until: iso(START) }, publisher.headers));
    expect(badWindow.status).toBe(400);
    expect(await auditCount(m.id, 'maintenance.edit')).toBe(1);
  });
});

describe('the maintenance worker under a controlled clock', () => {
  it('reminds, starts, puts components under maintenance, completes and restores them, each once', async () => {
    const api = await createComponent('API');
    const web = await createComponent('Web', 'degraded_performance');
    const other = await createComponent('Other');
    const m = await schedule({
      title: 'Upgrade',
      message: 'Planned upgrade.',
      components: [api, web],
      scheduled_for: iso(START + 2 * HOUR),
      scheduled_until: iso(START + 4 * HOUR),
      auto_start: true,
      auto_complete: true,
      remind_before_minutes: 60,
    });

    expect(await runMaintenanceJobs(t.deps)).toBe(0);
    t.clock.set(START + HOUR - 1);
    expect(await runMaintenanceJobs(t.deps)).toBe(0);

    // Reminder time: sent once, however often the worker runs.
    t.clock.set(START + HOUR);
    expect(await runMaintenanceJobs(t.deps)).toBe(1);
    expect(await runMaintenanceJobs(t.deps)).toBe(0);
    expect(await auditCount(m.id, 'maintenance.reminder')).toBe(1);
    expect((await getMaintenance(m.id)).reminder_sent_at).toBe(iso(START + HOUR));

    // Window start: started automatically, components under maintenance in the JSON, roll-up says maintenance.
    t.clock.set(START + 2 * HOUR + 30_000);
    expect(await runMaintenanceJobs(t.deps)).toBe(1);
    expect(await runMaintenanceJobs(t.deps)).toBe(0);
    const started = await getMaintenance(m.id);
    expect(started.status).toBe('in_progress');
    expect(started.started_at).toBe(iso(START + 2 * HOUR + 30_000));
    const during = await componentStatuses();
    expect(during[api]).toBe('under_maintenance');
    expect(during[web]).toBe('under_maintenance');
    expect(during[other]).toBe('operational');
    const active = (await (await t.app.request('/api/v2/scheduled-maintenances/active.json')).json()) as { scheduled_maintenances: { id: string }[] };
    expect(active.scheduled_maintenances.map((x) => x.id)).toContain(m.id);
    const status = (await (await t.app.request('/api/v2/status.json')).json()) as { status: { indicator: string } };
    // Web was degraded before; the roll-up follows the components, now all under maintenance or operational.
    expect(status.status.indicator).toBe('maintenance');
    const startUpdate = started.updates[0];
    expect(startUpdate?.status).toBe('in_progress');
    expect(startUpdate?.affected_components?.map((a) => [a.code, a.old_status, a.new_status]).sort()).toEqual(
      [
        [api, 'operational', 'under_maintenance'],
        [web, 'degraded_performance', 'under_maintenance'],
      ].sort(),
    );

    // Window end: completed automatically; each component returns to the status it had before.
    t.clock.set(START + 4 * HOUR);
    expect(await runMaintenanceJobs(t.deps)).toBe(1);
    expect(await runMaintenanceJobs(t.deps)).toBe(0);
    const after = await componentStatuses();
    expect(after[api]).toBe('operational');
    expect(after[web]).toBe('degraded_performance');
    const completed = await getMaintenance(m.id);
    expect(completed.status).toBe('completed');
    expect(completed.updates.map((u) => u.status)).toEqual(['completed', 'in_progress', 'scheduled']);
    expect(await auditCount(m.id, 'maintenance.status')).toBe(2);
  });

  it('queues one notification per subscriber for scheduled, reminder, started and completed', async () => {
    const api = await createComponent('API');
    const now = t.clock.now();
    await t.database.db
      .insert(subscribers)
      .values({ id: 'sub1', kind: 'email', email: 'reader@example.com', state: 'confirmed', allComponents: true, createdAt: now, updatedAt: now, confirmedAt: now });
    const m = await schedule({ title: 'Notify', message: 'x', components: [api], scheduled_for: iso(START + HOUR), scheduled_until: iso(START + 2 * HOUR), auto_start: true, auto_complete: true, remind_before_minutes: 30 });
    for (const at of [START + 30 * MINUTE, START + HOUR, START + 2 * HOUR]) {
      t.clock.set(at);
      await runMaintenanceJobs(t.deps);
      await runMaintenanceJobs(t.deps);
    }
    const events = await t.database.db.select().from(outboxEvents).where(eq(outboxEvents.incidentId, m.id));
    expect(events.map((e) => e.kind).sort()).toEqual(['maintenance_completed', 'maintenance_reminder', 'maintenance_scheduled', 'maintenance_started']);
    const rows = await t.database.db.select().from(outbox).where(eq(outbox.subscriberId, 'sub1'));
    expect(rows.filter((r) => events.some((e) => e.id === r.eventId))).toHaveLength(4);
  });

  it('keeps quiet on the automatic start and completion of a maintenance scheduled without notifying', async () => {
    const api = await createComponent('API');
    const now = t.clock.now();
    await t.database.db
      .insert(subscribers)
      .values({ id: 'sub2', kind: 'email', email: 'quiet@example.com', state: 'confirmed', allComponents: true, createdAt: now, updatedAt: now, confirmedAt: now });
    const m = await schedule({ title: 'Quiet', message: 'x', components: [api], scheduled_for: iso(START + HOUR), scheduled_until: iso(START + 2 * HOUR), auto_start: true, auto_complete: true, notify: false });
    t.clock.set(START + HOUR);
    await runMaintenanceJobs(t.deps);
    t.clock.set(START + 2 * HOUR);
    await runMaintenanceJobs(t.deps);
    expect((await getMaintenance(m.id)).status).toBe('completed');
    const events = await t.database.db.select().from(outboxEvents).where(eq(outboxEvents.incidentId, m.id));
    expect(events.map((e) => e.kind)).toEqual([]);
  });

  it('does each transition exactly once with the server restarted in the middle and a second instance', async () => {
    const api = await createComponent('API');
    const m = await schedule({
      title: 'Restart test',
      message: 'x',
      components: [api],
      scheduled_for: iso(START + 2 * HOUR),
      scheduled_until: iso(START + 4 * HOUR),
      auto_start: true,
      auto_complete: true,
      remind_before_minutes: 30,
    });

    t.clock.set(START + 2 * HOUR - 30 * MINUTE);
    expect(await runMaintenanceJobs(t.deps)).toBe(1);

    // "Restart": the first process goes away, a new one opens the same database file.
    t.close();
    const clock = new ManualClock(START + 2 * HOUR);
    t = await openApp(dbPath, clock);
    // A second instance on the same database runs its worker too, for the same due transitions.
    // (In turn: libSQL's embedded driver is synchronous, so two clients in one thread cannot wait on each other's lock.)
    const second = await openApp(dbPath, clock);
    try {
      expect(await runMaintenanceJobs(t.deps)).toBe(1);
      expect(await runMaintenanceJobs(second.deps)).toBe(0);
      clock.set(START + 5 * HOUR);
      expect(await runMaintenanceJobs(second.deps)).toBe(1);
      expect(await runMaintenanceJobs(t.deps)).toBe(0);
    } finally {
      second.close();
    }
    // And one more restart after everything happened: nothing happens again.
    t.close();
    t = await openApp(dbPath, clock);
    expect(await runMaintenanceJobs(t.deps)).toBe(0);

    expect(await auditCount(m.id, 'maintenance.reminder')).toBe(1);
    expect(await auditCount(m.id, 'maintenance.status')).toBe(2);
    const updates = await t.database.db.select().from(incidentUpdates).where(eq(incidentUpdates.incidentId, m.id));
    expect(updates.map((u) => u.status).sort()).toEqual(['completed', 'in_progress', 'scheduled']);
    expect((await componentStatuses())[api]).toBe('operational');
  });

  it('does each transition once when two instances run their workers at the same moment', async () => {
    const api = await createComponent('API');
    const m = await schedule({ title: 'Race', message: 'x', components: [api], scheduled_for: iso(START + HOUR), scheduled_until: iso(START + 2 * HOUR), auto_start: true, auto_complete: true, remind_before_minutes: 10 });
    const other = await openApp(dbPath, t.clock);
    try {
      for (const at of [START + HOUR - 10 * MINUTE, START + HOUR, START + 2 * HOUR]) {
        t.clock.set(at);
        const [a, b] = await Promise.all([runMaintenanceJobs(t.deps), runMaintenanceJobs(other.deps)]);
        expect(a + b).toBe(1);
      }
    } finally {
      other.close();
    }
    expect(await auditCount(m.id, 'maintenance.reminder')).toBe(1);
    expect(await auditCount(m.id, 'maintenance.status')).toBe(2);
    expect((await getMaintenance(m.id)).updates.map((u) => u.status)).toEqual(['completed', 'in_progress', 'scheduled']);
  });

  it('leaves a component an incident changed during the maintenance as the incident set it', async () => {
    const api = await createComponent('API');
    const db = await createComponent('DB');
    const m = await schedule({ title: 'M', message: 'x', components: [api, db], scheduled_for: iso(START + HOUR), scheduled_until: iso(START + 2 * HOUR), auto_start: true, auto_complete: true });
    t.clock.set(START + HOUR);
    expect(await runMaintenanceJobs(t.deps)).toBe(1);
    const patched = await t.app.request(`/api/v1/components/${db}`, json('PATCH', { status: 'major_outage' }, publisher.headers));
    expect(patched.status).toBe(200);
    t.clock.set(START + 2 * HOUR);
    expect(await runMaintenanceJobs(t.deps)).toBe(1);
    const after = await componentStatuses();
    expect(after[api]).toBe('operational');
    expect(after[db]).toBe('major_outage');
    expect((await getMaintenance(m.id)).status).toBe('completed');
  });

  it('keeps a component under maintenance while an overlapping maintenance still runs', async () => {
    const api = await createComponent('API', 'partial_outage');
    const first = await schedule({ title: 'One', message: 'x', components: [api], scheduled_for: iso(START + HOUR), scheduled_until: iso(START + 3 * HOUR), auto_start: true, auto_complete: true });
    const second = await schedule({ title: 'Two', message: 'x', components: [api], scheduled_for: iso(START + 2 * HOUR), scheduled_until: iso(START + 4 * HOUR), auto_start: true, auto_complete: true });
    t.clock.set(START + HOUR);
    await runMaintenanceJobs(t.deps);
    t.clock.set(START + 2 * HOUR);
    await runMaintenanceJobs(t.deps);
    t.clock.set(START + 3 * HOUR);
    await runMaintenanceJobs(t.deps);
    expect((await getMaintenance(first.id)).status).toBe('completed');
    expect((await componentStatuses())[api]).toBe('under_maintenance');
    t.clock.set(START + 4 * HOUR);
    await runMaintenanceJobs(t.deps);
    expect((await getMaintenance(second.id)).status).toBe('completed');
    expect((await componentStatuses())[api]).toBe('partial_outage');
  });

  it('starts and completes a window that passed entirely while no worker ran, and skips a stale reminder', async () => {
    const api = await createComponent('API');
    const m = await schedule({ title: 'Missed', message: 'x', components: [api], scheduled_for: iso(START + HOUR), scheduled_until: iso(START + 2 * HOUR), auto_start: true, auto_complete: true, remind_before_minutes: 15 });
    t.clock.set(START + 3 * HOUR);
    expect(await runMaintenanceJobs(t.deps)).toBe(3);
    expect((await getMaintenance(m.id)).status).toBe('completed');
    expect(await auditCount(m.id, 'maintenance.reminder')).toBe(0);
    expect(await auditCount(m.id, 'maintenance.reminder_skipped')).toBe(1);
    expect((await componentStatuses())[api]).toBe('operational');
  });
});
