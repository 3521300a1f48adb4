// What else happens inside the transaction that changes a component's status directly (not through an update).
import type { Executor } from '../../db/client.ts';
import type { ComponentStatus } from '../../db/schema.ts';
import type { Actor } from '../http/access.ts';
import { newId } from '../core/ids.ts';
import { enqueueComponentUpdate } from '../notify/outbox.ts';

export interface ComponentStatusChangedEvent {
  componentId: string;
  oldStatus: ComponentStatus;
  newStatus: ComponentStatus;
  actor: Actor | null;
  now: Date;
}

/**
 * Called by PATCH /api/v1/components/:id in its transaction when the status really changed.
 * Statuspage sends a component_update webhook for every status change, also those made without
 * an incident; changes made by publishing an update are queued from onUpdatePublished instead.
 */
export async function onComponentStatusChanged(tx: Executor, event: ComponentStatusChangedEvent): Promise<void> {
  // each direct change is its own event: a fresh key, never deduplicated against another
  await enqueueComponentUpdate(tx, { componentId: event.componentId, oldStatus: event.oldStatus, newStatus: event.newStatus, key: `patch:${newId()}` }, event.now);
}
