ALTER TABLE `devices` ADD `active_faults` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `devices` ADD `peripherals_hash` text;--> statement-breakpoint
CREATE INDEX `devices_unit` ON `devices` (`unit_id`);--> statement-breakpoint
ALTER TABLE `faults` ADD `resolved_at` integer;--> statement-breakpoint
CREATE INDEX `faults_parent` ON `faults` (`parent_ticket_id`);--> statement-breakpoint
CREATE INDEX `faults_check_subject` ON `faults` (`check`,`subject`,`state`);--> statement-breakpoint
CREATE INDEX `faults_state` ON `faults` (`state`);