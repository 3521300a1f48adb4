// Reminders: the communications lead (or every publisher) before the next public update is due and when it is
// overdue, the commander when a target is missed; once each, never after the update was posted, across two server
// processes on one database (and the automatic escalation with them).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { eq, like } from 'drizzle-orm';
import type { InArgs } from '@libsql/client';
import { openMigratedDatabase, type Database } from '../../db/client.ts';
import { auditLog, incidents, outbox, outboxEvents, pages } from '../../db/schema.ts';
import { createApp } from '../../api/app.ts';
import { ManualClock, type AppDeps, type Mailer } from '../../api/core/deps.ts';
import { createSmtpMailer } from '../../api/notify/mailer.ts';
import { deliverDue } from '../../api/notify/deliver.ts';
import { notifyingEvents } from '../../api/notify/events.ts';
import { runResponseJobs } from '../../api/response/response-worker.ts';
import { OPEN_INCIDENTS } from '../../api/incidents/incident-store.ts';
import { CONSOLE_PATHS, RESPONSE_LINKS } from '../../admin/paths.ts';
import { json, PUBLIC_URL, userWithSession, type TestApp, type TestUser } from '../support/app.ts';
import { startMailSink, type MailSink } from '../support/mail-sink.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1, 12);

let dir: string;
let database: Database;
let sink: MailSink;
let mailer: Mailer;
let t: TestApp;
let owner: TestUser;
let comms: TestUser;
let editor: TestUser;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'herald-reminders-'));
  database = await openMigratedDatabase(`file:${join(dir, 'test.db')}`);
  sink = await startMailSink();
  mailer = createSmtpMailer({ url: sink.url, from: 'status@example.com' });
  const clock = new ManualClock(T0);
  const deps: AppDeps = { db: database.db, clock, events: notifyingEvents, publicUrl: PUBLIC_URL, invitationPath: CONSOLE_PATHS.invitation, passwordResetPath: CONSOLE_PATHS.passwordReset, responseLinks: RESPONSE_LINKS, mailer, webhooks: { allowPrivate: true } };
  t = { app: createApp(deps), deps, database, clock, close: () => database.close() };
  owner = await userWithSession(t, 'owner', 'olive@example.com');
  comms = await userWithSession(t, 'publisher', 'comms@example.com');
  // a second publisher: told when there is no communications lead
  await userWithSession(t, 'publisher', 'other@example.com');
  editor = await userWithSession(t, 'editor', 'ed@example.com');
});

afterEach(async () => {
  mailer.close();
  await sink.close();
  database.close();
  rmSync(dir, { recursive: true, force: true });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = any;
async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = comms.headers): Promise<{ status: number; body: Body }> {
  const res = await t.app.request(path, body === undefined ? { method, headers } : json(method, body, headers));
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

const at = (minutes: number) => t.clock.set(T0 + minutes * MIN);
const jobs = () => runResponseJobs(t.deps);
async function delivered(): Promise<string[]> {
  await deliverDue(t.deps);
  const out = await sink.parsed();
  sink.clear();
  return out.map((m) => `${(m.to as { text: string }).text} | ${m.subject}`).sort();
}

describe('update reminders', () => {
  test('the communications lead: before the update is due and when overdue, once each; not for a due time an update replaced', async () => {
    const opened = await call('POST', '/api/v1/incidents', { title: 'Slow API', severity: 'P2', message: 'Looking.', comms_lead_id: comms.id });
    const id = opened.body.id;
    // P2: an update every 60 min; reminders 5 min before
    at(54);
    expect(await jobs()).toBe(0);
    at(55);
    expect(await jobs()).toBe(1);
    expect(await jobs()).toBe(0);
    expect(await delivered()).toEqual(['comms@example.com | [Herald] Update due at Jan 1, 2026, 13:00 UTC: Slow API']);
    at(60);
    expect(await jobs()).toBe(0);
    at(61);
    expect(await jobs()).toBe(1);
    expect(await jobs()).toBe(0);
    const overdue = await delivered();
    expect(overdue).toEqual(['comms@example.com | [Herald] UPDATE OVERDUE: Slow API']);

    // an update posted: its new due time has its own reminder; the old one never comes again
    at(62);
    await call('POST', `/api/v1/incidents/${id}/updates`, { status: 'identified', message: 'Found it.' });
    expect(await jobs()).toBe(0);
    at(117);
    expect(await jobs()).toBe(1);
    expect(await delivered()).toEqual(['comms@example.com | [Herald] Update due at Jan 1, 2026, 14:02 UTC: Slow API']);
    const summaries = (await call('GET', `/api/v1/incidents/${id}`)).body.timeline.map((e: Body) => e.summary);
    expect(summaries.filter((s: string) => s === 'Reminder sent: the next public update is due soon')).toHaveLength(2);
    expect(summaries.filter((s: string) => s === 'Reminder sent: the public update is overdue')).toHaveLength(1);
  });

  test('with no communications lead, every publisher and owner; a reminder queued before the update was posted is not sent; a scheduled update going out first needs none', async () => {
    const opened = await call('POST', '/api/v1/incidents', { title: 'Queue backlog', severity: 'P2', message: 'Looking.' });
    const id = opened.body.id;
    at(56);
    expect(await jobs()).toBe(1);
    // posted before the worker sent the reminder: it is not sent after the fact
    await call('POST', `/api/v1/incidents/${id}/updates`, { status: 'identified', message: 'Found it.' });
    expect(await delivered()).toEqual([]);
    const skipped = await t.database.db.select().from(outbox).where(eq(outbox.state, 'skipped'));
    expect(skipped).toHaveLength(3);

    // due at 13:56; the next update is scheduled for 13:50: no "due soon" reminder
    await call('POST', `/api/v1/incidents/${id}/updates`, { status: 'monitoring', message: 'Fix rolling out.', publish_at: new Date(T0 + 110 * MIN).toISOString() });
    at(112);
    expect(await jobs()).toBe(0);
    // the scheduled update did not go out (no scheduler here): overdue is still told, to every publisher and owner
    at(117);
    expect(await jobs()).toBe(1);
    expect(await delivered()).toEqual([
      'comms@example.com | [Herald] UPDATE OVERDUE: Queue backlog',
      'olive@example.com | [Herald] UPDATE OVERDUE: Queue backlog',
      'other@example.com | [Herald] UPDATE OVERDUE: Queue backlog',
    ]);
  });
});

describe('missed targets', () => {
  test('the incident commander is told when the response or resolution target is missed, once each', async () => {
    // an editor's incident is a draft: nothing public, so the response target (P2: 15 min) runs out
    const opened = await call('POST', '/api/v1/incidents', { title: 'Data export failing', severity: 'P2', message: 'Looking.', commander_id: owner.id }, editor.headers);
    expect(opened.body.published_at).toBeNull();
    at(15);
    expect(await jobs()).toBe(0);
    at(16);
    expect(await jobs()).toBe(1);
    expect(await jobs()).toBe(0);
    const [first] = await delivered();
    expect(first).toBe('olive@example.com | [Herald] Response target missed: Data export failing');
    const text = (await t.database.db.select().from(outboxEvents).where(like(outboxEvents.key, 'response_missed:%'))).length;
    expect(text).toBe(1);
    at(241);
    expect(await jobs()).toBe(1);
    expect(await delivered()).toEqual(['olive@example.com | [Herald] Resolution target missed: Data export failing']);
    at(300);
    expect(await jobs()).toBe(0);
  });
});

/** A separate server process's scheduler on the same database file, ticking `ticks` times at `now` (test/support/scheduler-tick.ts). */
function tickProcess(file: string, now: number, ticks = 3) {
  const script = fileURLToPath(new URL('../support/scheduler-tick.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, file, String(now), String(ticks), 'response'], { stdio: ['pipe', 'pipe', 'pipe'] });
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
}

/** Two processes, started together: their ticks' total. */
async function twoProcesses(file: string, now: number): Promise<number> {
  const procs = [tickProcess(file, now), tickProcess(file, now)];
  await Promise.all(procs.map((p) => p.ready));
  for (const p of procs) p.child.stdin.end('go\n');
  const results = await Promise.all(procs.map((p) => p.done));
  expect(results.flatMap((r) => r.errors)).toEqual([]);
  return results.reduce((n, r) => n + r.published, 0);
}

describe('the job on a long history', () => {
  test('finds the open incidents by kind and status through their index, never walking every incident ever made', async () => {
    const query = t.database.db.select().from(incidents).where(OPEN_INCIDENTS).toSQL();
    const plan = await t.database.client.execute({ sql: `EXPLAIN QUERY PLAN ${query.sql}`, args: query.params as InArgs });
    const detail = plan.rows.map((r) => String(r.detail)).join('\n');
    expect(detail).toMatch(/incidents_kind_status_idx \(kind=\? AND status=\?\)/);
  });
});

describe('two server processes on one database', () => {
  test('each reminder and each automatic escalation happens once', async () => {
    // only P1s page on open here, so that one incident climbs the path
    await call(
      'PUT',
      '/api/v1/escalation',
      { levels: [{ level: 1, contacts: [{ kind: 'email', address: 'oncall@example.com' }] }, { level: 2, contacts: [{ kind: 'email', address: 'lead@example.com' }] }], page_on_open: { P2: false } },
      owner.headers,
    );
    const slow = await call('POST', '/api/v1/incidents', { title: 'Slow API', severity: 'P2', message: 'Looking.', comms_lead_id: comms.id });
    const down = await call('POST', '/api/v1/incidents', { title: 'Login down', severity: 'P1', message: 'Down.', commander_id: owner.id });
    const list = await database.client.execute('PRAGMA database_list');
    const file = String(list.rows.find((r) => r.name === 'main')?.file);

    // 12:56: the P2's update is due at 13:00 (reminder); the P1's (every 30 min) is overdue since 12:30; its level-1
    // page is 56 min unacknowledged (P1: 5 min), so level 2 is paged
    expect(await twoProcesses(file, T0 + 56 * MIN)).toBe(3);
    // 13:01: the P2's update is overdue; the P1's resolution target (1 h) is missed: each once
    expect(await twoProcesses(file, T0 + 61 * MIN)).toBe(2);
    expect(await twoProcesses(file, T0 + 61 * MIN)).toBe(0);

    const claimed = (await t.database.db.select().from(outboxEvents)).map((e) => e.key).filter((k) => !k.startsWith('stakeholder'));
    expect(claimed.filter((k) => k.startsWith('update_due:'))).toEqual([`update_due:${slow.body.id}:${T0 + 60 * MIN}`]);
    expect(claimed.filter((k) => k.startsWith('update_overdue:')).sort()).toEqual([`update_overdue:${down.body.id}:${T0 + 30 * MIN}`, `update_overdue:${slow.body.id}:${T0 + 60 * MIN}`].sort());
    expect(claimed.filter((k) => k.startsWith('resolution_missed:'))).toEqual([`resolution_missed:${down.body.id}:${T0 + 60 * MIN}`]);
    const escalations = (await t.database.db.select().from(auditLog)).filter((a) => a.action === 'incident.escalation');
    expect(escalations).toHaveLength(1);
    expect((await t.database.db.select().from(pages).where(eq(pages.level, 2))).map((p) => p.contact)).toEqual(['lead@example.com']);

    t.clock.set(T0 + 61 * MIN);
    const mail = await delivered();
    // the P2 has a communications lead; the P1 has none, so every publisher and owner is told
    expect(mail.filter((m) => m.startsWith('comms@'))).toEqual(
      ['comms@example.com | [Herald] UPDATE OVERDUE: Login down', 'comms@example.com | [Herald] UPDATE OVERDUE: Slow API', 'comms@example.com | [Herald] Update due at Jan 1, 2026, 13:00 UTC: Slow API'].sort(),
    );
    expect(mail.filter((m) => m.startsWith('other@'))).toEqual(['other@example.com | [Herald] UPDATE OVERDUE: Login down']);
    expect(mail.filter((m) => m.startsWith('olive@'))).toEqual([
      'olive@example.com | [Herald] Resolution target missed: Login down',
      'olive@example.com | [Herald] UPDATE OVERDUE: Login down',
      'olive@example.com | [Herald] You are incident commander: P1 Login down',
    ]);
    expect(mail.filter((m) => m.startsWith('lead@'))).toEqual(['lead@example.com | [Herald] [PAGE] P1 Login down: team lead, please acknowledge']);
    expect(mail.filter((m) => m.startsWith('oncall@'))).toEqual(['oncall@example.com | [Herald] [PAGE] P1 Login down: on-call engineer, please acknowledge']);
  }, 120_000);
});
