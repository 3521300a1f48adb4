CREATE TABLE `alert_component_holds` (
	`alert_id` text NOT NULL,
	`component_id` text NOT NULL,
	`previous_status` text NOT NULL,
	`applied_status` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`alert_id`, `component_id`),
	FOREIGN KEY (`alert_id`) REFERENCES `alerts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`component_id`) REFERENCES `components`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `alert_component_holds_component_idx` ON `alert_component_holds` (`component_id`);--> statement-breakpoint
CREATE TABLE `alerts` (
	`id` text PRIMARY KEY NOT NULL,
	`source` text NOT NULL,
	`fingerprint` text NOT NULL,
	`status` text NOT NULL,
	`state` text NOT NULL,
	`title` text NOT NULL,
	`description` text,
	`labels` text NOT NULL,
	`annotations` text NOT NULL,
	`severity_suggestion` text,
	`component_ids` text NOT NULL,
	`url` text,
	`starts_at` integer,
	`first_seen_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`resolved_at` integer,
	`incident_id` text,
	`dismiss_reason` text,
	`decided_by` text,
	`decided_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`decided_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `alerts_source_fingerprint_idx` ON `alerts` (`source`,`fingerprint`);--> statement-breakpoint
CREATE INDEX `alerts_state_idx` ON `alerts` (`state`,`first_seen_at`);--> statement-breakpoint
CREATE INDEX `alerts_incident_idx` ON `alerts` (`incident_id`);--> statement-breakpoint
CREATE TABLE `escalation_contacts` (
	`id` text PRIMARY KEY NOT NULL,
	`level` integer NOT NULL,
	`position` integer NOT NULL,
	`recipient_id` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`recipient_id`) REFERENCES `recipients`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `escalation_contacts_level_idx` ON `escalation_contacts` (`level`,`position`);--> statement-breakpoint
CREATE TABLE `incident_notes` (
	`id` text PRIMARY KEY NOT NULL,
	`incident_id` text NOT NULL,
	`author_id` text,
	`body` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `incident_notes_incident_idx` ON `incident_notes` (`incident_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `pages` (
	`id` text PRIMARY KEY NOT NULL,
	`incident_id` text NOT NULL,
	`level` integer NOT NULL,
	`recipient_id` text,
	`contact` text NOT NULL,
	`channel` text NOT NULL,
	`reason` text,
	`batch_id` text NOT NULL,
	`sent_at` integer NOT NULL,
	`acknowledged_at` integer,
	`acknowledged_by` text,
	`acknowledged_via` text,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`recipient_id`) REFERENCES `recipients`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`acknowledged_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `pages_incident_idx` ON `pages` (`incident_id`,`level`,`sent_at`);--> statement-breakpoint
CREATE TABLE `recipients` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`address` text NOT NULL,
	`user_id` text,
	`signing_secret` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `recipients_user_idx` ON `recipients` (`user_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `recipients_address_idx` ON `recipients` (`kind`,`address`) WHERE user_id is null;--> statement-breakpoint
CREATE TABLE `response_reminders` (
	`key` text PRIMARY KEY NOT NULL,
	`incident_id` text NOT NULL,
	`kind` text NOT NULL,
	`due_at` integer NOT NULL,
	`sent_at` integer NOT NULL,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `response_reminders_incident_idx` ON `response_reminders` (`incident_id`);--> statement-breakpoint
CREATE TABLE `stakeholders` (
	`id` text PRIMARY KEY NOT NULL,
	`recipient_id` text NOT NULL,
	`name` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`recipient_id`) REFERENCES `recipients`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `stakeholders_recipient_id_unique` ON `stakeholders` (`recipient_id`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`event_id` text NOT NULL,
	`subscriber_id` text,
	`recipient_id` text,
	`channel` text NOT NULL,
	`state` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`lease_until` integer,
	`leased_by` text,
	`last_error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`sent_at` integer,
	FOREIGN KEY (`event_id`) REFERENCES `outbox_events`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`subscriber_id`) REFERENCES `subscribers`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`recipient_id`) REFERENCES `recipients`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_outbox`("id", "event_id", "subscriber_id", "recipient_id", "channel", "state", "attempts", "next_attempt_at", "lease_until", "leased_by", "last_error", "created_at", "updated_at", "sent_at") SELECT "id", "event_id", "subscriber_id", NULL, "channel", "state", "attempts", "next_attempt_at", "lease_until", "leased_by", "last_error", "created_at", "updated_at", "sent_at" FROM `outbox`;--> statement-breakpoint
DROP TABLE `outbox`;--> statement-breakpoint
ALTER TABLE `__new_outbox` RENAME TO `outbox`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_event_subscriber_idx` ON `outbox` (`event_id`,`subscriber_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_event_recipient_idx` ON `outbox` (`event_id`,`recipient_id`);--> statement-breakpoint
CREATE INDEX `outbox_due_idx` ON `outbox` (`state`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `outbox_subscriber_idx` ON `outbox` (`subscriber_id`);--> statement-breakpoint
CREATE INDEX `outbox_recipient_idx` ON `outbox` (`recipient_id`);--> statement-breakpoint
ALTER TABLE `components` ADD `alert_status` text;--> statement-breakpoint
ALTER TABLE `incidents` ADD `security` integer DEFAULT false NOT NULL;