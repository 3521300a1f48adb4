CREATE TABLE `import_links` (
	`source` text NOT NULL,
	`kind` text NOT NULL,
	`external_id` text NOT NULL,
	`local_id` text NOT NULL,
	`imported_at` integer NOT NULL,
	PRIMARY KEY(`source`, `kind`, `external_id`)
);
--> statement-breakpoint
ALTER TABLE `components` ADD `sla_target_percent` real;--> statement-breakpoint
ALTER TABLE `subscribers` ADD `webhook_format` text;