// The drizzle schema: every table Herald keeps. Times are stored as integer milliseconds (UTC).
import { sqliteTable, text, integer, real, index, primaryKey, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { sql } from 'drizzle-orm';

const ms = (name: string) => integer(name, { mode: 'timestamp_ms' });
const flag = (name: string) => integer(name, { mode: 'boolean' });

export const ROLES = ['owner', 'publisher', 'editor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const SEVERITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const MAINTENANCE_STATUSES = ['scheduled', 'in_progress', 'verifying', 'completed'] as const;
export type MaintenanceStatus = (typeof MAINTENANCE_STATUSES)[number];

export const STAGES = [
  'detection',
  'triage',
  'contain',
  'investigate',
  'remediate',
  'verify',
  'resolved',
  'post_incident',
] as const;
export type Stage = (typeof STAGES)[number];

const IMPACTS = ['none', 'minor', 'major', 'critical', 'maintenance'] as const;
export type Impact = (typeof IMPACTS)[number];

export const COMPONENT_STATUSES = [
  'operational',
  'degraded_performance',
  'partial_outage',
  'major_outage',
  'under_maintenance',
] as const;
export type ComponentStatus = (typeof COMPONENT_STATUSES)[number];

export const ESCALATION_LEVELS = [
  'on-call engineer',
  'team lead',
  'engineering manager',
  'CTO/VP engineering',
] as const;

/** One entry of an update's `affected_components`, in Statuspage's shape. */
export interface AffectedComponent {
  code: string;
  name: string;
  old_status: ComponentStatus;
  new_status: ComponentStatus;
}

/** What an API token may do: read, write, or only post alerts. */
export const TOKEN_SCOPES = ['read', 'write', 'alerts'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export const users = sqliteTable('users', {
  id: text('id').primaryKey(),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  role: text('role', { enum: ROLES }).notNull(),
  passwordHash: text('password_hash'),
  disabledAt: ms('disabled_at'),
  createdAt: ms('created_at').notNull(),
  updatedAt: ms('updated_at').notNull(),
});

export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    secretHash: text('secret_hash').notNull(),
    createdAt: ms('created_at').notNull(),
    lastUsedAt: ms('last_used_at').notNull(),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

export const apiTokens = sqliteTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** `alerts`: may only post alerts (Alertmanager, Grafana, scripts), nothing else. */
    scope: text('scope', { enum: TOKEN_SCOPES }).notNull(),
    secretHash: text('secret_hash').notNull(),
    createdAt: ms('created_at').notNull(),
    lastUsedAt: ms('last_used_at'),
    revokedAt: ms('revoked_at'),
  },
  (t) => [index('api_tokens_user_idx').on(t.userId)],
);

/** One-time links: the first-run setup link and user invitations. Only a hash of the secret is kept. */
export const oneTimeLinks = sqliteTable('one_time_links', {
  id: text('id').primaryKey(),
  /** `reset`: a password reset link, emailed to the account's address. */
  purpose: text('purpose', { enum: ['setup', 'invite', 'reset'] }).notNull(),
  secretHash: text('secret_hash').notNull(),
  userId: text('user_id').references(() => users.id, { onDelete: 'cascade' }),
  createdAt: ms('created_at').notNull(),
  expiresAt: ms('expires_at').notNull(),
  usedAt: ms('used_at'),
});

/** Failed sign-ins per key (an account or a client address), for rate limits and lockout. */
export const loginFailures = sqliteTable('login_failures', {
  key: text('key').primaryKey(),
  count: integer('count').notNull(),
  windowStart: ms('window_start').notNull(),
  lockedUntil: ms('locked_until'),
});

export const componentGroups = sqliteTable('component_groups', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  description: text('description'),
  position: integer('position').notNull().default(0),
  createdAt: ms('created_at').notNull(),
  updatedAt: ms('updated_at').notNull(),
});

export const components = sqliteTable(
  'components',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    description: text('description'),
    groupId: text('group_id').references(() => componentGroups.id, { onDelete: 'set null' }),
    status: text('status', { enum: COMPONENT_STATUSES }).notNull().default('operational'),
    position: integer('position').notNull().default(0),
    showcase: flag('showcase').notNull().default(true),
    onlyShowIfDegraded: flag('only_show_if_degraded').notNull().default(false),
    startDate: text('start_date'),
    /** The uptime the component is promised to keep, in percent (99.9): uptime reports and badges measure against it. */
    slaTargetPercent: real('sla_target_percent'),
    /** The status a firing alert mapped to this component sets, restored when it resolves; null: alerts never change it. */
    alertStatus: text('alert_status', { enum: COMPONENT_STATUSES }),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [index('components_group_idx').on(t.groupId, t.position)],
);

/** Incidents and scheduled maintenance share one table; `kind` tells them apart. */
export const incidents = sqliteTable(
  'incidents',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: ['incident', 'maintenance'] }).notNull().default('incident'),
    title: text('title').notNull(),
    severity: text('severity', { enum: SEVERITIES }),
    status: text('status').notNull(),
    stage: text('stage', { enum: STAGES }).notNull().default('triage'),
    impact: text('impact', { enum: IMPACTS }).notNull(),
    commanderId: text('commander_id').references(() => users.id, { onDelete: 'set null' }),
    techLeadId: text('tech_lead_id').references(() => users.id, { onDelete: 'set null' }),
    commsLeadId: text('comms_lead_id').references(() => users.id, { onDelete: 'set null' }),
    escalationLevel: integer('escalation_level').notNull().default(0),
    /** A security incident: calls for escalation, and the console warns before public text names it as one. */
    security: flag('security').notNull().default(false),
    startedAt: ms('started_at').notNull(),
    identifiedAt: ms('identified_at'),
    monitoringAt: ms('monitoring_at'),
    resolvedAt: ms('resolved_at'),
    scheduledFor: ms('scheduled_for'),
    scheduledUntil: ms('scheduled_until'),
    autoStart: flag('auto_start').notNull().default(false),
    autoComplete: flag('auto_complete').notNull().default(false),
    remindBeforeMinutes: integer('remind_before_minutes'),
    /** When the maintenance reminder was claimed by the worker: set once, so it goes out exactly once. */
    reminderSentAt: ms('reminder_sent_at'),
    nextUpdateDueAt: ms('next_update_due_at'),
    /** When its first update was published: an incident is public only from then on. */
    publishedAt: ms('published_at'),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [
    index('incidents_kind_status_idx').on(t.kind, t.status),
    index('incidents_started_idx').on(t.startedAt),
    index('incidents_kind_started_idx').on(t.kind, t.startedAt),
    index('incidents_resolved_idx').on(t.resolvedAt),
  ],
);

/** The components an incident or maintenance affects. */
export const incidentComponents = sqliteTable(
  'incident_components',
  {
    incidentId: text('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    componentId: text('component_id')
      .notNull()
      .references(() => components.id, { onDelete: 'cascade' }),
    /** Maintenance only: the component's status when the maintenance started, restored at completion. */
    previousStatus: text('previous_status', { enum: COMPONENT_STATUSES }),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.componentId] }), index('incident_components_component_idx').on(t.componentId)],
);

/**
 * Update posts. `state`: draft (an editor's, not public), scheduled (goes out at `publishAt`),
 * published (public since `publishedAt`). `displayAt` is the time shown publicly.
 */
export const incidentUpdates = sqliteTable(
  'incident_updates',
  {
    id: text('id').primaryKey(),
    incidentId: text('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    status: text('status').notNull(),
    body: text('body').notNull(),
    state: text('state', { enum: ['draft', 'scheduled', 'published'] }).notNull(),
    authorId: text('author_id').references(() => users.id, { onDelete: 'set null' }),
    stage: text('stage', { enum: STAGES }),
    affectedComponents: text('affected_components', { mode: 'json' }).$type<AffectedComponent[] | null>(),
    /** Component changes requested by a draft or scheduled update, applied when it is published. */
    componentChanges: text('component_changes', { mode: 'json' }).$type<Record<string, ComponentStatus> | null>(),
    notify: flag('notify').notNull().default(true),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
    displayAt: ms('display_at').notNull(),
    publishAt: ms('publish_at'),
    publishedAt: ms('published_at'),
  },
  (t) => [
    index('incident_updates_incident_idx').on(t.incidentId, t.displayAt),
    // publish_at first: with `state` first SQLite picks this index for `state = 'published'` lookups and walks
    // every update ever published (measured: 120 ms per home page render at 100,000 updates).
    index('incident_updates_due_idx').on(t.publishAt, t.state),
    // The uptime bars' status changes in a window: only updates that changed a component, a small part of all.
    index('incident_updates_changes_idx').on(t.displayAt).where(sql`affected_components is not null`),
  ],
);

/** The published copy of a postmortem's sections, frozen at publish time. */
export interface PostmortemContent {
  summary: string;
  timeline: string;
  rootCause: string;
  impact: string;
  remediation: string;
  lessons: string;
  externalUrl: string | null;
}

/**
 * One postmortem per incident. The section columns hold the console's working draft; `published`
 * holds what the public sees, so editing a published postmortem stays private until published again.
 */
export const postmortems = sqliteTable('postmortems', {
  incidentId: text('incident_id')
    .primaryKey()
    .references(() => incidents.id, { onDelete: 'cascade' }),
  summary: text('summary').notNull().default(''),
  timeline: text('timeline').notNull().default(''),
  rootCause: text('root_cause').notNull().default(''),
  impact: text('impact').notNull().default(''),
  remediation: text('remediation').notNull().default(''),
  lessons: text('lessons').notNull().default(''),
  externalUrl: text('external_url'),
  published: text('published', { mode: 'json' }).$type<PostmortemContent | null>(),
  authorId: text('author_id').references(() => users.id, { onDelete: 'set null' }),
  createdAt: ms('created_at').notNull(),
  updatedAt: ms('updated_at').notNull(),
  /** First publication; `lastPublishedAt` moves with each later publish. */
  publishedAt: ms('published_at'),
  lastPublishedAt: ms('last_published_at'),
});

/** Follow-up work from an incident; internal unless `public` is set on the item. */
export const actionItems = sqliteTable(
  'action_items',
  {
    id: text('id').primaryKey(),
    incidentId: text('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    ownerId: text('owner_id').references(() => users.id, { onDelete: 'set null' }),
    dueAt: ms('due_at'),
    doneAt: ms('done_at'),
    public: flag('public').notNull().default(false),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [index('action_items_incident_idx').on(t.incidentId), index('action_items_open_idx').on(t.doneAt, t.dueAt)],
);

/** Settings as key → JSON value (page name, public URL, time zone, severity targets, ...). */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value', { mode: 'json' }).notNull(),
  updatedAt: ms('updated_at').notNull(),
});

export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: ms('at').notNull(),
    userId: text('user_id'),
    tokenId: text('token_id'),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id'),
    incidentId: text('incident_id'),
    before: text('before', { mode: 'json' }),
    after: text('after', { mode: 'json' }),
  },
  (t) => [
    index('audit_log_user_idx').on(t.userId, t.at),
    index('audit_log_incident_idx').on(t.incidentId, t.at),
    index('audit_log_at_idx').on(t.at),
  ],
);

/** A single row whose version every write bumps, so every instance can drop its page cache. */
export const contentVersion = sqliteTable('content_version', {
  id: integer('id').primaryKey(),
  version: integer('version').notNull(),
  updatedAt: ms('updated_at').notNull(),
});

// ---- Subscriptions and notifications (api/notify/subscriber-routes.ts, api/notify/webhook-routes.ts, api/notify/outbox.ts) ----

const SUBSCRIBER_KINDS = ['email', 'webhook'] as const;
type SubscriberKind = (typeof SUBSCRIBER_KINDS)[number];
export const SUBSCRIBER_STATES = ['pending', 'confirmed', 'unsubscribed'] as const;
export type SubscriberState = (typeof SUBSCRIBER_STATES)[number];
/** What a webhook receives: Statuspage's signed JSON, or a chat service's own message. */
export const WEBHOOK_FORMATS = ['statuspage', 'slack', 'teams', 'discord'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/**
 * Who hears about incidents: email addresses (double opt-in: `pending` until the link is followed)
 * and webhooks registered in the console (confirmed from the start). `allComponents` false means
 * only incidents touching a component in subscriber_components.
 */
export const subscribers = sqliteTable(
  'subscribers',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: SUBSCRIBER_KINDS }).notNull(),
    /** Lower-cased; unique among email subscribers. */
    email: text('email').unique(),
    url: text('url'),
    /** A webhook's signing secret (`whsec_…`): HMAC needs the key itself, so it cannot be hashed. Never logged or shown again. */
    signingSecret: text('signing_secret'),
    /** A webhook's format; null (older rows): told from the URL at delivery (api/notify/chat-formats.ts). */
    webhookFormat: text('webhook_format', { enum: WEBHOOK_FORMATS }),
    description: text('description'),
    state: text('state', { enum: SUBSCRIBER_STATES }).notNull(),
    allComponents: flag('all_components').notNull().default(true),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
    confirmedAt: ms('confirmed_at'),
    unsubscribedAt: ms('unsubscribed_at'),
    /** The last confirmation email asked for (one per few minutes per address, whoever asks). */
    confirmationSentAt: ms('confirmation_sent_at'),
    /** The language of the page they subscribed on (BCP 47): their emails' language; null is the page's default. */
    language: text('language'),
  },
  // kind + email: the console's list and CSV read them in address order, a page at a time, without sorting them all.
  (t) => [index('subscribers_kind_state_idx').on(t.kind, t.state), index('subscribers_kind_email_idx').on(t.kind, t.email)],
);

export const subscriberComponents = sqliteTable(
  'subscriber_components',
  {
    subscriberId: text('subscriber_id')
      .notNull()
      .references(() => subscribers.id, { onDelete: 'cascade' }),
    componentId: text('component_id')
      .notNull()
      .references(() => components.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.subscriberId, t.componentId] }), index('subscriber_components_component_idx').on(t.componentId)],
);

/** The key that signs subscription links (confirm, manage, one-click unsubscribe); one row, made on first use. */
export const subscriptionKeys = sqliteTable('subscription_keys', {
  id: integer('id').primaryKey(),
  secret: text('secret').notNull(),
  createdAt: ms('created_at').notNull(),
});

/**
 * Something to tell subscribers about, with a snapshot of what to say (so a later edit or deletion
 * does not change a message half-way through a fan-out). `key` is unique per event: enqueuing the
 * same event twice adds nothing.
 */
export const outboxEvents = sqliteTable(
  'outbox_events',
  {
    id: text('id').primaryKey(),
    key: text('key').notNull().unique(),
    kind: text('kind').notNull(),
    incidentId: text('incident_id'),
    content: text('content', { mode: 'json' }).notNull(),
    createdAt: ms('created_at').notNull(),
    /**
     * Who is still to get a row, while a large audience is being written in chunks (api/notify/enqueue.ts): the
     * subscribers matching the event's audience past the last one written. Null once every row is written.
     */
    expansion: text('expansion', { mode: 'json' }).$type<OutboxExpansion>(),
  },
  (t) => [index('outbox_events_incident_idx').on(t.incidentId), index('outbox_events_expanding_idx').on(t.createdAt).where(sql`expansion is not null`)],
);

/** An event's audience: the subscribers in `state` on `channels`, all of them or those of `componentIds`. */
export interface OutboxAudience {
  state: SubscriberState;
  channels: SubscriberKind[];
  /** Only this subscriber (a confirmation). */
  onlySubscriberId?: string;
  /** Subscribers to all components always; the others when one of theirs is here (none: only the former). */
  componentIds: string[];
}

export interface OutboxExpansion {
  audience: OutboxAudience;
  /** The id of the last subscriber whose row is written (subscribers are taken in id order). */
  after: string;
}

export const DELIVERY_STATES = ['pending', 'sent', 'failed', 'held', 'skipped'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/**
 * One message per (event, recipient), the unique pair being the exactly-once key. A worker claims
 * a row by setting `leaseUntil`/`leasedBy` with a conditional update; `held` means kept, not sent
 * (no SMTP configured); `skipped` means the recipient unsubscribed before it went out.
 */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    eventId: text('event_id')
      .notNull()
      .references(() => outboxEvents.id, { onDelete: 'cascade' }),
    /** A public subscriber, or (internal messages) `recipientId`: exactly one of the two is set. */
    subscriberId: text('subscriber_id').references(() => subscribers.id, { onDelete: 'cascade' }),
    recipientId: text('recipient_id').references(() => recipients.id, { onDelete: 'cascade' }),
    channel: text('channel', { enum: ['email', 'webhook'] }).notNull(),
    state: text('state', { enum: DELIVERY_STATES }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ms('next_attempt_at').notNull(),
    leaseUntil: ms('lease_until'),
    leasedBy: text('leased_by'),
    lastError: text('last_error'),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
    sentAt: ms('sent_at'),
  },
  (t) => [
    uniqueIndex('outbox_event_subscriber_idx').on(t.eventId, t.subscriberId),
    uniqueIndex('outbox_event_recipient_idx').on(t.eventId, t.recipientId),
    index('outbox_due_idx').on(t.state, t.nextAttemptAt),
    index('outbox_subscriber_idx').on(t.subscriberId),
    index('outbox_recipient_idx').on(t.recipientId),
  ],
);

/** Incident templates: a saved title, first update, severity and components, picked when opening an incident. */
export const incidentTemplates = sqliteTable('incident_templates', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  title: text('title').notNull(),
  body: text('body').notNull(),
  severity: text('severity', { enum: SEVERITIES }).notNull(),
  /** Component id → the status the incident starts it at. */
  components: text('components', { mode: 'json' }).$type<Record<string, ComponentStatus>>().notNull(),
  createdAt: ms('created_at').notNull(),
  updatedAt: ms('updated_at').notNull(),
});

// ---- The response team: alerts in, people paged (api/alerts/, api/response/) ----

const ALERT_STATUSES = ['firing', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];
/** open: not looked at yet; resolved: recovered before anyone decided; the others: what a person decided. */
export const ALERT_STATES = ['open', 'declared', 'attached', 'dismissed', 'resolved'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

/**
 * Alerts from Alertmanager, Grafana or a script, keyed by (source, fingerprint): a repeat updates
 * `lastSeenAt`, a resolution resolves it, a new firing after a resolution is a new occurrence.
 */
export const alerts = sqliteTable(
  'alerts',
  {
    id: text('id').primaryKey(),
    source: text('source').notNull(),
    fingerprint: text('fingerprint').notNull(),
    status: text('status', { enum: ALERT_STATUSES }).notNull(),
    state: text('state', { enum: ALERT_STATES }).notNull(),
    title: text('title').notNull(),
    description: text('description'),
    labels: text('labels', { mode: 'json' }).$type<Record<string, string>>().notNull(),
    annotations: text('annotations', { mode: 'json' }).$type<Record<string, string>>().notNull(),
    severitySuggestion: text('severity_suggestion', { enum: SEVERITIES }),
    componentIds: text('component_ids', { mode: 'json' }).$type<string[]>().notNull(),
    url: text('url'),
    /** When the source says it started firing (Alertmanager's `startsAt`). */
    startsAt: ms('starts_at'),
    firstSeenAt: ms('first_seen_at').notNull(),
    lastSeenAt: ms('last_seen_at').notNull(),
    resolvedAt: ms('resolved_at'),
    incidentId: text('incident_id').references(() => incidents.id, { onDelete: 'set null' }),
    dismissReason: text('dismiss_reason'),
    decidedBy: text('decided_by').references(() => users.id, { onDelete: 'set null' }),
    decidedAt: ms('decided_at'),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('alerts_source_fingerprint_idx').on(t.source, t.fingerprint),
    index('alerts_state_idx').on(t.state, t.firstSeenAt),
    index('alerts_incident_idx').on(t.incidentId),
  ],
);

/**
 * A component status a firing alert set (component automation): the status before, to restore when the
 * alert resolves, unless someone (an incident) changed the component meanwhile.
 */
export const alertComponentHolds = sqliteTable(
  'alert_component_holds',
  {
    alertId: text('alert_id')
      .notNull()
      .references(() => alerts.id, { onDelete: 'cascade' }),
    componentId: text('component_id')
      .notNull()
      .references(() => components.id, { onDelete: 'cascade' }),
    previousStatus: text('previous_status', { enum: COMPONENT_STATUSES }).notNull(),
    appliedStatus: text('applied_status', { enum: COMPONENT_STATUSES }).notNull(),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.alertId, t.componentId] }), index('alert_component_holds_component_idx').on(t.componentId)],
);

export const RECIPIENT_KINDS = ['email', 'slack', 'teams', 'discord', 'webhook'] as const;
export type RecipientKind = (typeof RECIPIENT_KINDS)[number];

/**
 * Internal recipients of the outbox (never public subscribers): escalation contacts, stakeholders and
 * Herald users (a user's messages go to their email as it is when sent). Kept while messages refer to them.
 */
export const recipients = sqliteTable(
  'recipients',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: RECIPIENT_KINDS }).notNull(),
    /** An email address (lower-cased) or a webhook URL; for a user, their email when the row was made. */
    address: text('address').notNull(),
    userId: text('user_id').references(() => users.id, { onDelete: 'cascade' }),
    /** A plain webhook's Standard Webhooks secret (`whsec_…`), shown once. */
    signingSecret: text('signing_secret'),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('recipients_user_idx').on(t.userId),
    uniqueIndex('recipients_address_idx').on(t.kind, t.address).where(sql`user_id is null`),
  ],
);

/** Who is paged at each level of the escalation path (1 on-call engineer … 4 CTO/VP engineering). */
export const escalationContacts = sqliteTable(
  'escalation_contacts',
  {
    id: text('id').primaryKey(),
    level: integer('level').notNull(),
    position: integer('position').notNull(),
    recipientId: text('recipient_id')
      .notNull()
      .references(() => recipients.id, { onDelete: 'cascade' }),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [index('escalation_contacts_level_idx').on(t.level, t.position)],
);

/** Internal stakeholders: they get the internal story of every incident, never public subscriber mail. */
export const stakeholders = sqliteTable('stakeholders', {
  id: text('id').primaryKey(),
  recipientId: text('recipient_id')
    .notNull()
    .unique()
    .references(() => recipients.id, { onDelete: 'cascade' }),
  name: text('name'),
  createdAt: ms('created_at').notNull(),
});

const PAGE_REASONS = ['incident_opened', 'missed_target', 'needs_expertise', 'business_impact', 'security', 'unacknowledged'] as const;
export type PageReason = (typeof PAGE_REASONS)[number];

/** One page: one contact of one escalation level, told about one incident; acknowledged by a person or by its link. */
export const pages = sqliteTable(
  'pages',
  {
    id: text('id').primaryKey(),
    incidentId: text('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    /** 1..4: the escalation path position. */
    level: integer('level').notNull(),
    /** Null once the recipient is gone (a deleted user): the page stays on the incident, by its `contact`. */
    recipientId: text('recipient_id').references(() => recipients.id, { onDelete: 'set null' }),
    /** The contact as a person reads it, when the page was sent. */
    contact: text('contact').notNull(),
    channel: text('channel', { enum: RECIPIENT_KINDS }).notNull(),
    reason: text('reason', { enum: PAGE_REASONS }),
    /** The pages of one escalation share it. */
    batchId: text('batch_id').notNull(),
    sentAt: ms('sent_at').notNull(),
    acknowledgedAt: ms('acknowledged_at'),
    acknowledgedBy: text('acknowledged_by').references(() => users.id, { onDelete: 'set null' }),
    /** `console` (signed in), `link` (the emailed link) or `token` (an API token). Its message is outbox event `page:<id>`. */
    acknowledgedVia: text('acknowledged_via'),
  },
  (t) => [index('pages_incident_idx').on(t.incidentId, t.level, t.sentAt)],
);

/** Internal notes on an incident: never public; sent to stakeholders. */
export const incidentNotes = sqliteTable(
  'incident_notes',
  {
    id: text('id').primaryKey(),
    incidentId: text('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    authorId: text('author_id').references(() => users.id, { onDelete: 'set null' }),
    body: text('body').notNull(),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [index('incident_notes_incident_idx').on(t.incidentId, t.createdAt)],
);

/**
 * Reminders and missed-target notices claimed by the scheduler: the primary key (kind, incident, due
 * time) is the claim, so each goes out once however many instances run.
 */
export const responseReminders = sqliteTable(
  'response_reminders',
  {
    key: text('key').primaryKey(),
    incidentId: text('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    dueAt: ms('due_at').notNull(),
    sentAt: ms('sent_at').notNull(),
  },
  (t) => [index('response_reminders_incident_idx').on(t.incidentId)],
);

/**
 * What an import made from which source record (api/cli/import-statuspage.ts): a second run finds its own rows here
 * and updates them instead of adding copies. `source` names the page (`statuspage:<page id>`).
 */
export const importLinks = sqliteTable(
  'import_links',
  {
    source: text('source').notNull(),
    kind: text('kind', { enum: ['group', 'component', 'incident', 'update'] }).notNull(),
    externalId: text('external_id').notNull(),
    localId: text('local_id').notNull(),
    importedAt: ms('imported_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.source, t.kind, t.externalId] })],
);
