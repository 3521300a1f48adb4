// Domain events: what a write announces inside its transaction, so the capability that reacts (notify/)
// queues its work in the same transaction and no writer imports the capabilities that react to it.
import type { Executor, Tx } from '../../db/client.ts';
import type { ComponentStatus, PageReason, incidentNotes, incidentUpdates, incidents, pages } from '../../db/schema.ts';
import type { Actor } from './actor.ts';

type IncidentRow = typeof incidents.$inferSelect;
type UpdateRow = typeof incidentUpdates.$inferSelect;
type PageRow = typeof pages.$inferSelect;
type NoteRow = typeof incidentNotes.$inferSelect;

export interface UpdatePublishedEvent {
  /** The incident (or maintenance) after the update was applied. */
  incident: IncidentRow;
  /** The update as published (state 'published', affected components filled in). */
  update: UpdateRow;
  /** True when this update made the incident public (its first published update). */
  firstPublish: boolean;
  /** The incident before the update was applied (its stage, status). */
  previous: IncidentRow;
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

export interface IncidentOpenedEvent {
  incident: IncidentRow;
  /** Null when the server opened it. */
  actor: Actor | null;
  now: Date;
}

/** Severity, stage, roles or the security flag changed (an edit, not an update post). */
export interface IncidentChangedEvent {
  before: IncidentRow;
  incident: IncidentRow;
  actor: Actor | null;
  now: Date;
}

export interface IncidentEscalatedEvent {
  incident: IncidentRow;
  /** The escalation path position paged, 1 (on-call engineer) … 4 (CTO/VP engineering). */
  level: number;
  reason: PageReason | null;
  /** True when the scheduler escalated because nobody acknowledged in time. */
  automatic: boolean;
  /** The pages written for that level's contacts (none when the level has no contacts). */
  pages: PageRow[];
  actor: Actor | null;
  now: Date;
}

export interface InternalNoteEvent {
  incident: IncidentRow;
  note: NoteRow;
  actor: Actor | null;
  now: Date;
}

export type ReminderKind = 'update_due' | 'update_overdue' | 'response_missed' | 'resolution_missed';

/** A reminder the scheduler claimed (once per incident, kind and due time). */
export interface ReminderEvent {
  incident: IncidentRow;
  kind: ReminderKind;
  dueAt: Date;
  /** The claim's key: the outbox event is keyed by it too. */
  key: string;
  /** Who is told: user ids (the role holder, else every publisher). */
  userIds: string[];
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
  /** An incident was opened (by a person, or declared from an alert): page on open, tell roles and stakeholders. */
  incidentOpened(tx: Tx, event: IncidentOpenedEvent): Promise<void>;
  /** An incident's severity, stage, roles or security flag changed. */
  incidentChanged(tx: Tx, event: IncidentChangedEvent): Promise<void>;
  /** An incident was escalated (or a level paged again): its pages go out, stakeholders hear of it. */
  incidentEscalated(tx: Tx, event: IncidentEscalatedEvent): Promise<void>;
  /** An internal note was written: stakeholders get it, subscribers never. */
  internalNote(tx: Tx, event: InternalNoteEvent): Promise<void>;
  /** An update reminder or a missed-target notice is due. */
  reminder(tx: Tx, event: ReminderEvent): Promise<void>;
}
