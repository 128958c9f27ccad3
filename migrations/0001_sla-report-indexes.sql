CREATE INDEX `approval_decided` ON `approval_steps` (`decided_at`);--> statement-breakpoint
CREATE INDEX `tickets_resolved_at` ON `tickets` (`resolved_at`);--> statement-breakpoint
CREATE INDEX `tickets_responded_at` ON `tickets` (`responded_at`);--> statement-breakpoint
CREATE INDEX `tickets_respond_by` ON `tickets` (`respond_by`);--> statement-breakpoint
CREATE INDEX `tickets_resolve_by` ON `tickets` (`resolve_by`);