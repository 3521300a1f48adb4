// The scheduler job for maintenance: reminders before the window, automatic start and completion at its edges, each exactly once.
import { and, eq, inArray, isNotNull, isNull, lte } from 'drizzle-orm';
import { incidents } from '../../db/schema.ts';
import { write } from '../audit/write.ts';
import type { AppDeps } from '../core/deps.ts';
import { ACTIVE_MAINTENANCE_STATUSES } from '../core/vocabulary.ts';
import { moveMaintenance, notifiesByDefault, type MaintenanceRow } from './maintenance-lifecycle.ts';

const MINUTE = 60_000;
/** At most this many maintenances per kind of step per run; the next run takes the rest. */
const BATCH = 50;

/** When the reminder for `m` is due, or null when it has none. */
export function reminderDueAt(m: Pick<MaintenanceRow, 'scheduledFor' | 'remindBeforeMinutes'>): Date | null {
  if (!m.scheduledFor || m.remindBeforeMinutes === null || m.remindBeforeMinutes === undefined) return null;
  return new Date(m.scheduledFor.getTime() - m.remindBeforeMinutes * MINUTE);
}

/**
 * Claims and sends due reminders. The claim (reminder_sent_at set only where it is still null)
 * makes each reminder go out once whatever the number of workers or restarts. A reminder whose
 * maintenance already started (the server was down through the reminder time) is claimed and
 * recorded as skipped: a "starts soon" message after the start would be wrong.
 */
async function sendReminders(deps: AppDeps, now: Date): Promise<number> {
  const { db } = deps;
  const candidates = await db
    .select()
    .from(incidents)
    .where(
      and(
        eq(incidents.kind, 'maintenance'),
        eq(incidents.status, 'scheduled'),
        isNotNull(incidents.remindBeforeMinutes),
        isNull(incidents.reminderSentAt),
      ),
    )
    .limit(BATCH * 4);
  let done = 0;
  for (const m of candidates.slice(0, BATCH * 4)) {
    const due = reminderDueAt(m);
    if (!due || due.getTime() > now.getTime()) continue;
    const sent = await write(deps, null, async (w) => {
      const claim = await w.tx
        .update(incidents)
        .set({ reminderSentAt: now })
        .where(and(eq(incidents.id, m.id), isNull(incidents.reminderSentAt), eq(incidents.status, 'scheduled')));
      if (claim.rowsAffected !== 1) return false;
      const late = !m.scheduledFor || m.scheduledFor.getTime() <= now.getTime();
      await w.audit({
        action: late ? 'maintenance.reminder_skipped' : 'maintenance.reminder',
        entityType: 'maintenance',
        entityId: m.id,
        incidentId: m.id,
        after: { remind_before_minutes: m.remindBeforeMinutes, scheduled_for: m.scheduledFor?.toISOString() ?? null },
      });
      if (!late) await w.events.maintenanceReminder(w.tx, { maintenance: m, now });
      return true;
    });
    if (sent) done += 1;
  }
  return done;
}

/** Moves each due maintenance with `to`; a lost claim (another worker was first) counts as nothing. */
async function moveDue(deps: AppDeps, due: MaintenanceRow[], to: 'in_progress' | 'completed'): Promise<number> {
  let done = 0;
  for (const m of due) {
    try {
      const moved = await write(deps, null, async (w) => moveMaintenance(w, m, to, { notify: await notifiesByDefault(w.tx, m.id), automatic: true }));
      if (moved) done += 1;
    } catch (err) {
      // One bad row must not stop the others; the next run tries it again.
      deps.log?.(`maintenance ${m.id}: automatic ${to} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return done;
}

/**
 * One run of the maintenance job: reminders, then automatic starts, then automatic completions
 * (in that order, so a window that passed entirely while the server was down still starts and
 * completes, once each). Returns how many steps it took. Safe to run from several processes.
 */
export async function runMaintenanceJobs(deps: AppDeps): Promise<number> {
  const now = deps.clock.now();
  // One instant for the whole run: every step is written at `now`, the time it was found due.
  const run: AppDeps = { ...deps, clock: { now: () => now } };
  let done = await sendReminders(run, now);

  const toStart = await deps.db
    .select()
    .from(incidents)
    .where(and(eq(incidents.kind, 'maintenance'), eq(incidents.status, 'scheduled'), eq(incidents.autoStart, true), lte(incidents.scheduledFor, now)))
    .limit(BATCH);
  done += await moveDue(run, toStart, 'in_progress');

  const toComplete = await deps.db
    .select()
    .from(incidents)
    .where(
      and(
        eq(incidents.kind, 'maintenance'),
        inArray(incidents.status, [...ACTIVE_MAINTENANCE_STATUSES]),
        eq(incidents.autoComplete, true),
        lte(incidents.scheduledUntil, now),
      ),
    )
    .limit(BATCH);
  done += await moveDue(run, toComplete, 'completed');
  return done;
}
