// notify/'s handlers for the domain events (core/events.ts): each queues outbox rows in the writer's transaction
// (subscribers' messages here and in enqueue.ts; the response team's in internal-enqueue.ts).
import type { DomainEvents } from '../core/events.ts';
import { newId } from '../core/ids.ts';
import { enqueuePasswordReset } from './account-mail.ts';
import { enqueueComponentUpdate, enqueueForPublishedUpdate, enqueueIncidentEvent, enqueueMaintenanceEvent } from './enqueue.ts';
import { onIncidentChanged, onIncidentEscalated, onIncidentOpened, onInternalNote, onReminder, onUpdatePublishedInternally } from './internal-enqueue.ts';

export const notifyingEvents: DomainEvents = {
  async updatePublished(tx, event) {
    await enqueueForPublishedUpdate(tx, event);
    await onUpdatePublishedInternally(tx, event);
  },
  async componentStatusChanged(tx, event) {
    // Statuspage sends a component_update webhook for every status change, also those made without an
    // incident; each direct change is its own event: a fresh key, never deduplicated against another.
    await enqueueComponentUpdate(tx, { componentId: event.componentId, oldStatus: event.oldStatus, newStatus: event.newStatus, key: `patch:${newId()}` }, event.now);
  },
  async maintenanceReminder(tx, event) {
    await enqueueMaintenanceEvent(tx, { kind: 'maintenance_reminder', maintenanceId: event.maintenance.id }, event.now);
  },
  async postmortemPublished(tx, event) {
    await enqueueIncidentEvent(tx, { kind: 'postmortem_published', incidentId: event.incident.id, link: event.url }, event.now);
  },
  async passwordResetRequested(tx, event) {
    await enqueuePasswordReset(tx, event.userId, event.linkId, event.now);
  },
  // The response team (api/response/ decides who is paged; the messages are queued here, in the same transaction).
  incidentOpened: onIncidentOpened,
  incidentChanged: onIncidentChanged,
  incidentEscalated: onIncidentEscalated,
  internalNote: onInternalNote,
  reminder: onReminder,
};
