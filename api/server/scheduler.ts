// The in-process worker: runs its jobs (publishing due scheduled updates, and more added later) on an interval.
import { and, asc, eq, lte } from 'drizzle-orm';
import { incidentUpdates } from '../../db/schema.ts';
import { write } from '../audit/write.ts';
import type { AppDeps } from '../core/deps.ts';
import { DomainError } from '../core/errors.ts';
import { publishUpdate } from '../incidents/incident-store.ts';
import { runMaintenanceJobs } from '../maintenance/maintenance-worker.ts';
import { runResponseJobs } from '../response/response-worker.ts';

/** One kind of background work; returns how many things it did (for logs and tests). */
export type Job = (deps: AppDeps) => Promise<number>;

export interface Scheduler {
  /** Runs every job once (after any tick already running); resolves to the total done. */
  tick(): Promise<number>;
  /** Stops the interval and waits for a running tick to finish. */
  stop(): Promise<void>;
}

export interface SchedulerOptions {
  /** Time between the end of one tick and the start of the next; 0 runs no timer (ticks by hand). */
  intervalMs?: number;
  /** The jobs, in order; defaults to DEFAULT_JOBS. */
  jobs?: Job[];
}

const DEFAULT_INTERVAL_MS = 1000;

/** Most updates one tick publishes, so a backlog cannot hold the database for long. */
const BATCH = 50;

/**
 * Publishes every scheduled update whose time has come. Each is claimed inside its own
 * publishing transaction (publishUpdate's conditional UPDATE), so with several processes on one
 * database, or after a restart, each goes out exactly once. One that can no longer be published
 * (its incident was resolved meanwhile) goes back to draft, audited, instead of failing every tick.
 */
const publishDueUpdates: Job = async (deps) => {
  const { db, clock } = deps;
  const now = clock.now();
  // One instant for the whole batch: each update is published at `now`, the time it was found due.
  const tick = { ...deps, clock: { now: () => now } };
  const due = await db
    .select({ id: incidentUpdates.id, incidentId: incidentUpdates.incidentId })
    .from(incidentUpdates)
    .where(and(eq(incidentUpdates.state, 'scheduled'), lte(incidentUpdates.publishAt, now)))
    .orderBy(asc(incidentUpdates.publishAt), asc(incidentUpdates.createdAt))
    .limit(BATCH);
  let published = 0;
  for (const { id, incidentId } of due) {
    try {
      const done = await write(tick, null, (w) => publishUpdate(w, id, { from: ['scheduled'] }));
      if (done) published += 1;
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      await write(tick, null, async (w) => {
        const back = await w.tx
          .update(incidentUpdates)
          .set({ state: 'draft', updatedAt: now })
          .where(and(eq(incidentUpdates.id, id), eq(incidentUpdates.state, 'scheduled')));
        if (back.rowsAffected !== 1) return;
        await w.audit({ action: 'incident_update.schedule_failed', entityType: 'incident_update', entityId: id, incidentId, before: { state: 'scheduled' }, after: { state: 'draft', reason: err.message } });
      });
      deps.log?.(`scheduler: update ${id} not published, back to draft: ${err.message}`);
    }
  }
  return published;
};

export const DEFAULT_JOBS: Job[] = [publishDueUpdates];

/** Every background job but delivery, in order: scheduled updates, maintenance moves, the response team's escalations and reminders. */
export const BACKGROUND_JOBS: Job[] = [...DEFAULT_JOBS, runMaintenanceJobs, runResponseJobs];

export function startScheduler(deps: AppDeps, opts: SchedulerOptions = {}): Scheduler {
  const jobs = opts.jobs ?? DEFAULT_JOBS;
  const intervalMs = opts.intervalMs ?? DEFAULT_INTERVAL_MS;
  let running: Promise<number> = Promise.resolve(0);
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  async function runJobs(): Promise<number> {
    let total = 0;
    for (const job of jobs) {
      // one failing job must not starve the others; it is retried on the next tick
      try {
        total += await job(deps);
      } catch (err) {
        deps.log?.(`scheduler: job ${job.name || 'anonymous'} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      }
    }
    return total;
  }

  function tick(): Promise<number> {
    // ticks never overlap: each starts after the previous one settles
    running = running.catch(() => 0).then(runJobs);
    return running;
  }

  function schedule(): void {
    if (stopped || intervalMs <= 0) return;
    timer = setTimeout(() => {
      timer = null;
      void tick().finally(schedule);
    }, intervalMs);
    timer.unref();
  }

  schedule();
  return {
    tick,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running.catch(() => 0);
    },
  };
}
