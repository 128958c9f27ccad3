CREATE TABLE `device_inventory_changes` (
	`id` text PRIMARY KEY NOT NULL,
	`device_id` text NOT NULL,
	`at` integer NOT NULL,
	`ord` integer DEFAULT 0 NOT NULL,
	`previous_at` integer,
	`component` text NOT NULL,
	`change` text NOT NULL,
	`field` text,
	`before` text,
	`after` text
);
--> statement-breakpoint
CREATE INDEX `inventory_changes_device` ON `device_inventory_changes` (`device_id`,`at`,`ord`);--> statement-breakpoint
ALTER TABLE `devices` ADD `inventory` text;--> statement-breakpoint
ALTER TABLE `devices` ADD `inventory_at` integer;