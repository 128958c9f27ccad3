ALTER TABLE `approval_steps` ADD `started_at` integer;--> statement-breakpoint
ALTER TABLE `approval_steps` ADD `escalated_at` integer;--> statement-breakpoint
CREATE INDEX `approval_due` ON `approval_steps` (`due_at`);--> statement-breakpoint
ALTER TABLE `ticket_events` ADD `actor_kind` text;--> statement-breakpoint
CREATE INDEX `notifications_ticket` ON `notifications` (`ticket_id`);