// The scheduler job for the response team: the next level paged when nobody acknowledged in time, update reminders
// and missed-target notices, each exactly once however many instances run.
import { and, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import { incidentUpdates, incidents, responseReminders, users } from '../../db/schema.ts';
import type { AppDeps } from '../core/deps.ts';
import { DomainError } from '../core/errors.ts';
import type { ReminderKind } from '../core/events.ts';
import { getSettings, type Settings } from '../core/settings.ts';
import { write } from '../audit/write.ts';
import type { Tx } from '../../db/client.ts';
import { OPEN_INCIDENTS, type IncidentRow } from '../incidents/incident-store.ts';
import { resolutionDueAt, responseDueAt } from '../incidents/incident-timing.ts';
import { MAX_PAGE_LEVEL, levelContacts } from './escalation-settings.ts';
import { escalateIncident, levelPageState } from './paging.ts';

const MINUTE = 60_000;

/** Open incidents (not maintenance), the only ones anyone is paged or reminded about. */
async function openIncidents(deps: AppDeps): Promise<IncidentRow[]> {
  return deps.db.select().from(incidents).where(OPEN_INCIDENTS);
}

/**
 * Pages the next level of each incident whose current level was paged and not acknowledged within the severity's
 * ack timeout. The next level is the first above with an active contact (an empty level is passed over). The
 * escalation is conditional on the incident's level not having moved (escalateIncident's claim), so two instances
 * page once.
 */
export async function escalateUnacknowledged(deps: AppDeps, now: Date, open?: IncidentRow[]): Promise<number> {
  const settings = await getSettings(deps.db);
  const candidates = (open ?? (await openIncidents(deps))).filter(
    (i) => i.severity && settings.ackTimeoutMinutes[i.severity] !== null && i.escalationLevel + 1 < MAX_PAGE_LEVEL,
  );
  if (!candidates.length) return 0;
  const contacts = await levelContacts(deps.db);
  const staffed = new Set(contacts.filter((c) => c.active).map((c) => c.level));
  let done = 0;
  for (const i of candidates) {
    const timeout = settings.ackTimeoutMinutes[i.severity!]!;
    const position = i.escalationLevel + 1;
    const state = await levelPageState(deps.db, i.id, position);
    if (!state.latest || state.acknowledged || now.getTime() - state.latest.getTime() <= timeout * MINUTE) continue;
    let target = position + 1;
    while (target <= MAX_PAGE_LEVEL && !staffed.has(target)) target += 1;
    if (target > MAX_PAGE_LEVEL) continue;
    try {
      const escalated = await write(deps, null, (w) => escalateIncident(w, i.id, { level: target, reason: 'unacknowledged', automatic: true, fromLevel: i.escalationLevel }));
      if (escalated) done += 1;
    } catch (err) {
      // resolved meanwhile, or a refusal: the next run looks again
      if (!(err instanceof DomainError)) throw err;
    }
  }
  return done;
}

interface Due {
  kind: ReminderKind;
  dueAt: Date;
}

/** What is due for `i` at `now`: the update reminder (before due, or overdue) and missed targets. */
function remindersDue(i: IncidentRow, settings: Settings, now: Date): Due[] {
  if (!i.severity) return [];
  const out: Due[] = [];
  const t = now.getTime();
  if (i.nextUpdateDueAt) {
    const due = i.nextUpdateDueAt.getTime();
    const lead = settings.updateReminderMinutes * MINUTE;
    if (t > due) out.push({ kind: 'update_overdue', dueAt: i.nextUpdateDueAt });
    else if (lead > 0 && t >= due - lead) out.push({ kind: 'update_due', dueAt: i.nextUpdateDueAt });
  }
  const policy = settings.severities[i.severity];
  const response = responseDueAt(i.startedAt, policy);
  if (!i.publishedAt && t > response.getTime()) out.push({ kind: 'response_missed', dueAt: response });
  const resolution = resolutionDueAt(i.startedAt, policy);
  if (resolution && t > resolution.getTime()) out.push({ kind: 'resolution_missed', dueAt: resolution });
  return out;
}

const reminderKey = (kind: ReminderKind, incidentId: string, dueAt: Date) => `${kind}:${incidentId}:${dueAt.getTime()}`;

const ROLE_OF: Record<ReminderKind, 'commsLeadId' | 'commanderId'> = {
  update_due: 'commsLeadId',
  update_overdue: 'commsLeadId',
  response_missed: 'commanderId',
  resolution_missed: 'commanderId',
};

/** The role holder when assigned and active, else every active publisher and owner. */
async function remindWhom(tx: Tx, i: IncidentRow, kind: ReminderKind): Promise<{ userIds: string[]; to: string }> {
  const holder = i[ROLE_OF[kind]];
  if (holder) {
    const [u] = await tx.select({ id: users.id }).from(users).where(and(eq(users.id, holder), isNull(users.disabledAt)));
    if (u) return { userIds: [u.id], to: ROLE_OF[kind] === 'commsLeadId' ? 'communications lead' : 'incident commander' };
  }
  const rows = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(inArray(users.role, ['publisher', 'owner']), isNull(users.disabledAt)));
  return { userIds: rows.map((r) => r.id), to: 'publishers' };
}

/**
 * Claims and sends one reminder. Inside one write transaction (BEGIN IMMEDIATE: instances take turns), it reads
 * the incident again, checks the reminder still applies (open; the same next-update time: an update posted
 * meanwhile moved it; no scheduled update going out first), then claims the key in response_reminders
 * (insert-or-ignore): only the first instance gets the row, so the reminder goes out once.
 */
async function sendOne(deps: AppDeps, incidentId: string, due: Due): Promise<boolean> {
  const key = reminderKey(due.kind, incidentId, due.dueAt);
  return write(deps, null, async (w) => {
    const { tx, now } = w;
    const [i] = await tx.select().from(incidents).where(eq(incidents.id, incidentId));
    if (!i || i.status === 'resolved') return false;
    const settings = await getSettings(tx);
    if (!remindersDue(i, settings, now).some((d) => d.kind === due.kind && d.dueAt.getTime() === due.dueAt.getTime())) return false;
    if (due.kind === 'update_due') {
      const [first] = await tx
        .select({ n: sql<number>`count(*)` })
        .from(incidentUpdates)
        .where(and(eq(incidentUpdates.incidentId, i.id), eq(incidentUpdates.state, 'scheduled'), lt(incidentUpdates.publishAt, new Date(due.dueAt.getTime() + 1))));
      if (Number(first?.n ?? 0) > 0) return false;
    }
    const claim = await tx.insert(responseReminders).values({ key, incidentId: i.id, kind: due.kind, dueAt: due.dueAt, sentAt: now }).onConflictDoNothing().returning();
    if (!claim.length) return false;
    const whom = await remindWhom(tx, i, due.kind);
    await w.audit({ action: 'response.reminder', entityType: 'incident', entityId: i.id, incidentId: i.id, after: { kind: due.kind, due_at: due.dueAt.toISOString(), to: whom.to, recipients: whom.userIds.length } });
    await w.events.reminder(tx, { incident: i, kind: due.kind, dueAt: due.dueAt, key, userIds: whom.userIds, now });
    return true;
  });
}

async function sendReminders(deps: AppDeps, now: Date, open?: IncidentRow[]): Promise<number> {
  const list = open ?? (await openIncidents(deps));
  if (!list.length) return 0;
  const settings = await getSettings(deps.db);
  const wanted = list.flatMap((i) => remindersDue(i, settings, now).map((d) => ({ i, d, key: reminderKey(d.kind, i.id, d.dueAt) })));
  if (!wanted.length) return 0;
  // The common case on a busy incident: all of them went out already. A read answers that without the write lock.
  const claimed = new Set(
    (await deps.db.select({ key: responseReminders.key }).from(responseReminders).where(inArray(responseReminders.key, wanted.map((w) => w.key)))).map((r) => r.key),
  );
  let done = 0;
  for (const w of wanted) {
    if (claimed.has(w.key)) continue;
    if (await sendOne(deps, w.i.id, w.d)) done += 1;
  }
  return done;
}

/** One run: automatic escalations first (the more urgent), then reminders. Safe to run from several processes. */
export async function runResponseJobs(deps: AppDeps): Promise<number> {
  const now = deps.clock.now();
  // One instant for the whole run: each escalation and reminder is written at the time it was found due.
  const tick = { ...deps, clock: { now: () => now } };
  const open = await openIncidents(tick);
  if (!open.length) return 0;
  let done = await escalateUnacknowledged(tick, now, open);
  done += await sendReminders(tick, now, done ? undefined : open);
  return done;
}
