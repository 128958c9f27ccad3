CREATE TABLE `report_batches` (
	`id` text PRIMARY KEY NOT NULL,
	`device_id` text NOT NULL,
	`received_at` integer NOT NULL,
	`body` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `report_batches_received` ON `report_batches` (`received_at`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_reports` (
	`device_id` text NOT NULL,
	`seq` integer NOT NULL,
	`collected_at` integer NOT NULL,
	`received_at` integer NOT NULL,
	`body` text,
	`batch_id` text,
	`batch_idx` integer,
	PRIMARY KEY(`device_id`, `seq`)
);
--> statement-breakpoint
INSERT INTO `__new_reports`("device_id", "seq", "collected_at", "received_at", "body") SELECT "device_id", "seq", "collected_at", "received_at", "body" FROM `reports`;--> statement-breakpoint
DROP TABLE `reports`;--> statement-breakpoint
ALTER TABLE `__new_reports` RENAME TO `reports`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `reports_received` ON `reports` (`received_at`);