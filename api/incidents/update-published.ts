// What else happens inside the transaction that publishes an update (notifications add their outbox rows here).
import type { Tx } from '../../db/client.ts';
import type { Actor } from '../http/access.ts';
import type { IncidentRow, UpdateRow } from './incident-store.ts';
import { enqueueForPublishedUpdate } from '../notify/outbox.ts';

export interface UpdatePublishedEvent {
  /** The incident (or maintenance) after the update was applied. */
  incident: IncidentRow;
  /** The update as published (state 'published', affected components filled in). */
  update: UpdateRow;
  /** True when this update made the incident public (its first published update). */
  firstPublish: boolean;
  /** Null when the scheduler published it. */
  actor: Actor | null;
  now: Date;
}

/**
 * Called by publishUpdate, in the same transaction, after the update and the incident are written.
 * Writes here commit or roll back with the publication itself: a side effect queued here (an
 * outbox row) is never lost and never sent for an update that did not go out. Honour
 * `event.update.notify` before queueing anything for subscribers.
 */
export async function onUpdatePublished(tx: Tx, event: UpdatePublishedEvent): Promise<void> {
  await enqueueForPublishedUpdate(tx, event);
}
