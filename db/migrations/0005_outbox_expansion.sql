ALTER TABLE `outbox_events` ADD `expansion` text;--> statement-breakpoint
CREATE INDEX `outbox_events_expanding_idx` ON `outbox_events` (`created_at`) WHERE expansion is not null;