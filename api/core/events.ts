// Domain events: what a write announces inside its transaction, so the capability that reacts (notify/)
// queues its work in the same transaction and no writer imports the capabilities that react to it.
import type { Executor, Tx } from '../../db/client.ts';
import type { ComponentStatus, incidentUpdates, incidents } from '../../db/schema.ts';
import type { Actor } from './actor.ts';

type IncidentRow = typeof incidents.$inferSelect;
type UpdateRow = typeof incidentUpdates.$inferSelect;

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

interface ComponentStatusChangedEvent {
  componentId: string;
  oldStatus: ComponentStatus;
  newStatus: ComponentStatus;
  actor: Actor | null;
  now: Date;
}

interface MaintenanceReminderEvent {
  maintenance: IncidentRow;
  now: Date;
}

interface PostmortemPublishedEvent {
  incident: IncidentRow;
  /** The public address: ours, or the external document's. */
  url: string;
  now: Date;
}

interface PasswordResetRequestedEvent {
  userId: string;
  /** The one-time link (purpose `reset`) the email carries; its token is signed from this id when the email is made. */
  linkId: string;
  now: Date;
}

/**
 * The port a writer emits through (`deps.events`). Each handler runs in the writer's transaction:
 * what it writes (an outbox row) commits or rolls back with the write itself, so a notification is
 * never lost and never sent for a write that did not happen.
 */
export interface DomainEvents {
  /** An update was published (now, by the scheduler, or as a maintenance step). Honour `update.notify`. */
  updatePublished(tx: Tx, event: UpdatePublishedEvent): Promise<void>;
  /** A component's status was changed directly (not through an update). */
  componentStatusChanged(tx: Executor, event: ComponentStatusChangedEvent): Promise<void>;
  /** A maintenance reminder was claimed (once per maintenance). */
  maintenanceReminder(tx: Tx, event: MaintenanceReminderEvent): Promise<void>;
  /** A postmortem was published with `notify`. */
  postmortemPublished(tx: Tx, event: PostmortemPublishedEvent): Promise<void>;
  /** Someone asked for a password reset link for this user's account: email it to them. */
  passwordResetRequested(tx: Tx, event: PasswordResetRequestedEvent): Promise<void>;
}
