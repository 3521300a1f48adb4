// Side effects of maintenance reminders and postmortem publication, inside the write's transaction (subscriber notifications queue here).
import type { Tx } from '../../db/client.ts';
import type { AppDeps } from '../core/deps.ts';
import type { IncidentRow } from '../incidents/incident-store.ts';
import { enqueueIncidentEvent, enqueueMaintenanceEvent } from '../notify/outbox.ts';

export interface MaintenanceReminderEvent {
  maintenance: IncidentRow;
  now: Date;
}

export interface PostmortemPublishedEvent {
  incident: IncidentRow;
  /** The public address: ours, or the external document's. */
  url: string;
  now: Date;
}

/**
 * Called once per maintenance reminder, in the transaction that claimed it, so a queued
 * notification commits with the claim (never twice, never lost). Scheduled, started and completed
 * notices need nothing here: they are maintenance updates and go through onUpdatePublished.
 */
export async function onMaintenanceReminder(tx: Tx, deps: AppDeps, event: MaintenanceReminderEvent): Promise<void> {
  void deps;
  await enqueueMaintenanceEvent(tx, { kind: 'maintenance_reminder', maintenanceId: event.maintenance.id }, event.now);
}

/** Called when a postmortem is published with `notify`, in the publishing transaction. */
export async function onPostmortemPublished(tx: Tx, deps: AppDeps, event: PostmortemPublishedEvent): Promise<void> {
  void deps;
  await enqueueIncidentEvent(tx, { kind: 'postmortem_published', incidentId: event.incident.id, link: event.url }, event.now);
}
