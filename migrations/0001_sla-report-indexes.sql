ALTER TABLE `tickets` ADD `sla_used_minutes` real GENERATED ALWAYS AS (json_extract(sla, '$.usedMinutes')) VIRTUAL;--> statement-breakpoint
CREATE INDEX `tickets_report_created` ON `tickets` (`created_at`,`unit_id`,`category`);--> statement-breakpoint
CREATE INDEX `tickets_report_responded` ON `tickets` (`responded_at`,`respond_by`,`unit_id`,`category`);--> statement-breakpoint
CREATE INDEX `tickets_report_respond_by` ON `tickets` (`respond_by`,`responded_at`,`resolved_at`,`unit_id`,`category`);--> statement-breakpoint
CREATE INDEX `tickets_report_resolved` ON `tickets` (`resolved_at`,`created_at`,`resolve_by`,`unit_id`,`category`,`sla_used_minutes`);--> statement-breakpoint
CREATE INDEX `tickets_report_resolve_by` ON `tickets` (`resolve_by`,`resolved_at`,`unit_id`,`category`);--> statement-breakpoint
CREATE INDEX `tickets_report_live` ON `tickets` (`created_at`,`unit_id`,`category`) WHERE "tickets"."status" NOT IN ('resolved', 'closed');--> statement-breakpoint
CREATE INDEX `approval_decided` ON `approval_steps` (`decided_at`);