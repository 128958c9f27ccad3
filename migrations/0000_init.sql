CREATE TABLE `approval_steps` (
	`ticket_id` text NOT NULL,
	`round` integer NOT NULL,
	`step` integer NOT NULL,
	`role` text NOT NULL,
	`unit_id` text NOT NULL,
	`due_at` integer,
	`decision` text,
	`decided_by` text,
	`as_deputy_of` text,
	`decided_at` integer,
	`note` text,
	`started_at` integer,
	`escalated_at` integer,
	PRIMARY KEY(`ticket_id`, `round`, `step`)
);
--> statement-breakpoint
CREATE INDEX `approval_pending` ON `approval_steps` (`unit_id`,`role`);--> statement-breakpoint
CREATE INDEX `approval_due` ON `approval_steps` (`due_at`);--> statement-breakpoint
CREATE INDEX `approval_decided` ON `approval_steps` (`decided_at`);--> statement-breakpoint
CREATE TABLE `audit_events` (
	`id` text PRIMARY KEY NOT NULL,
	`at` integer NOT NULL,
	`actor_id` text,
	`actor_kind` text NOT NULL,
	`action` text NOT NULL,
	`target_type` text NOT NULL,
	`target_id` text,
	`data` text,
	`ip` text
);
--> statement-breakpoint
CREATE INDEX `audit_at` ON `audit_events` (`at`);--> statement-breakpoint
CREATE INDEX `audit_target` ON `audit_events` (`target_type`,`target_id`);--> statement-breakpoint
CREATE TABLE `calendars` (
	`unit_id` text PRIMARY KEY NOT NULL,
	`body` text NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text
);
--> statement-breakpoint
CREATE TABLE `deputies` (
	`id` text PRIMARY KEY NOT NULL,
	`principal_id` text NOT NULL,
	`deputy_id` text NOT NULL,
	`role` text NOT NULL,
	`unit_id` text NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`reason` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE INDEX `deputies_deputy` ON `deputies` (`deputy_id`);--> statement-breakpoint
CREATE INDEX `deputies_unit_role` ON `deputies` (`unit_id`,`role`);--> statement-breakpoint
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
CREATE TABLE `devices` (
	`id` text PRIMARY KEY NOT NULL,
	`unit_id` text NOT NULL,
	`hostname` text NOT NULL,
	`hardware_id` text NOT NULL,
	`os` text NOT NULL,
	`agent_version` text NOT NULL,
	`token_hash` text,
	`enrolled_at` integer NOT NULL,
	`revoked_at` integer,
	`last_seen_at` integer,
	`last_seq` integer DEFAULT 0 NOT NULL,
	`reports_received` integer DEFAULT 0 NOT NULL,
	`status` text DEFAULT 'ok' NOT NULL,
	`latest` text,
	`latest_at` integer,
	`active_faults` integer DEFAULT 0 NOT NULL,
	`peripherals_hash` text,
	`policy_override` text,
	`inventory` text,
	`inventory_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `devices_unit_hw` ON `devices` (`unit_id`,`hardware_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `devices_token` ON `devices` (`token_hash`);--> statement-breakpoint
CREATE INDEX `devices_last_seen` ON `devices` (`last_seen_at`);--> statement-breakpoint
CREATE INDEX `devices_unit` ON `devices` (`unit_id`);--> statement-breakpoint
CREATE TABLE `enrollment_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`token_hash` text NOT NULL,
	`unit_id` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`max_uses` integer NOT NULL,
	`uses` integer DEFAULT 0 NOT NULL,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `enrollment_tokens_hash` ON `enrollment_tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `enrollment_tokens_unit` ON `enrollment_tokens` (`unit_id`);--> statement-breakpoint
CREATE TABLE `faults` (
	`fingerprint` text PRIMARY KEY NOT NULL,
	`device_id` text,
	`unit_id` text NOT NULL,
	`check` text NOT NULL,
	`subject` text NOT NULL,
	`severity` text,
	`category` text,
	`bad_streak` integer DEFAULT 0 NOT NULL,
	`good_streak` integer DEFAULT 0 NOT NULL,
	`state` text NOT NULL,
	`last_seq` integer,
	`first_bad_at` integer,
	`last_change_at` integer NOT NULL,
	`ticket_id` text,
	`parent_ticket_id` text,
	`evidence` text,
	`resolved_at` integer
);
--> statement-breakpoint
CREATE INDEX `faults_device` ON `faults` (`device_id`);--> statement-breakpoint
CREATE INDEX `faults_ticket` ON `faults` (`ticket_id`);--> statement-breakpoint
CREATE INDEX `faults_parent` ON `faults` (`parent_ticket_id`);--> statement-breakpoint
CREATE INDEX `faults_check_subject` ON `faults` (`check`,`subject`,`state`);--> statement-breakpoint
CREATE INDEX `faults_state` ON `faults` (`state`);--> statement-breakpoint
CREATE TABLE `job_leases` (
	`name` text PRIMARY KEY NOT NULL,
	`holder` text,
	`lease_until` integer,
	`last_started_at` integer,
	`last_finished_at` integer,
	`last_error` text
);
--> statement-breakpoint
CREATE TABLE `login_throttle` (
	`key` text PRIMARY KEY NOT NULL,
	`failures` integer NOT NULL,
	`window_start` integer NOT NULL,
	`blocked_until` integer
);
--> statement-breakpoint
CREATE TABLE `maintenance_windows` (
	`id` text PRIMARY KEY NOT NULL,
	`unit_id` text NOT NULL,
	`device_id` text,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`recurrence` text,
	`reason` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`cancelled_at` integer
);
--> statement-breakpoint
CREATE INDEX `mw_unit` ON `maintenance_windows` (`unit_id`);--> statement-breakpoint
CREATE INDEX `mw_device` ON `maintenance_windows` (`device_id`);--> statement-breakpoint
CREATE TABLE `matrix_versions` (
	`version` integer PRIMARY KEY NOT NULL,
	`body` text NOT NULL,
	`activated_at` integer NOT NULL,
	`activated_by` text
);
--> statement-breakpoint
CREATE TABLE `meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`ticket_id` text,
	`kind` text NOT NULL,
	`at` integer NOT NULL,
	`data` text,
	`read_at` integer
);
--> statement-breakpoint
CREATE INDEX `notifications_user` ON `notifications` (`user_id`,`at`);--> statement-breakpoint
CREATE INDEX `notifications_ticket` ON `notifications` (`ticket_id`);--> statement-breakpoint
CREATE TABLE `peripherals_seen` (
	`device_id` text NOT NULL,
	`key` text NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`vendor_id` text,
	`product_id` text,
	`serial` text,
	`connected` integer NOT NULL,
	`first_seen_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	PRIMARY KEY(`device_id`, `key`)
);
--> statement-breakpoint
CREATE TABLE `policies` (
	`unit_id` text PRIMARY KEY NOT NULL,
	`body` text NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text
);
--> statement-breakpoint
CREATE TABLE `report_batches` (
	`id` text PRIMARY KEY NOT NULL,
	`device_id` text NOT NULL,
	`received_at` integer NOT NULL,
	`body` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `report_batches_received` ON `report_batches` (`received_at`);--> statement-breakpoint
CREATE TABLE `reports` (
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
CREATE INDEX `reports_received` ON `reports` (`received_at`);--> statement-breakpoint
CREATE TABLE `role_grants` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`role` text NOT NULL,
	`unit_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `role_grants_unique` ON `role_grants` (`user_id`,`role`,`unit_id`);--> statement-breakpoint
CREATE INDEX `role_grants_unit` ON `role_grants` (`unit_id`);--> statement-breakpoint
CREATE TABLE `rollups` (
	`device_id` text NOT NULL,
	`metric` text NOT NULL,
	`hour` integer NOT NULL,
	`min` real NOT NULL,
	`max` real NOT NULL,
	`sum` real NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`device_id`, `metric`, `hour`)
);
--> statement-breakpoint
CREATE INDEX `rollups_hour` ON `rollups` (`hour`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`token_hash` text NOT NULL,
	`user_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`last_used_at` integer NOT NULL,
	`ip` text,
	`user_agent` text,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sessions_token` ON `sessions` (`token_hash`);--> statement-breakpoint
CREATE INDEX `sessions_user` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `ticket_events` (
	`id` text PRIMARY KEY NOT NULL,
	`ticket_id` text NOT NULL,
	`seq` integer NOT NULL,
	`at` integer NOT NULL,
	`type` text NOT NULL,
	`actor_kind` text,
	`actor_id` text,
	`actor_label` text NOT NULL,
	`data` text,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ticket_events_seq` ON `ticket_events` (`ticket_id`,`seq`);--> statement-breakpoint
CREATE TABLE `tickets` (
	`id` text PRIMARY KEY NOT NULL,
	`number` integer NOT NULL,
	`title` text NOT NULL,
	`description` text,
	`unit_id` text NOT NULL,
	`device_id` text,
	`category` text NOT NULL,
	`severity` text NOT NULL,
	`source` text NOT NULL,
	`status` text NOT NULL,
	`handler_role` text NOT NULL,
	`handler_unit_id` text NOT NULL,
	`assignee_id` text,
	`cost_estimate_vnd` integer,
	`estimated_by` text,
	`rule_id` text NOT NULL,
	`matrix_version` integer NOT NULL,
	`explanation` text NOT NULL,
	`approval_round` integer DEFAULT 0 NOT NULL,
	`sla` text NOT NULL,
	`respond_by` integer NOT NULL,
	`resolve_by` integer NOT NULL,
	`responded_at` integer,
	`escalation_level` integer DEFAULT 0 NOT NULL,
	`parent_id` text,
	`fingerprint` text,
	`recovered_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`resolved_at` integer,
	`closed_at` integer,
	`version` integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tickets_number` ON `tickets` (`number`);--> statement-breakpoint
CREATE UNIQUE INDEX `tickets_open_fingerprint` ON `tickets` (`fingerprint`) WHERE "tickets"."fingerprint" IS NOT NULL AND "tickets"."status" NOT IN ('resolved', 'closed');--> statement-breakpoint
CREATE INDEX `tickets_unit_created` ON `tickets` (`unit_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `tickets_status_created` ON `tickets` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `tickets_handler` ON `tickets` (`handler_unit_id`,`status`);--> statement-breakpoint
CREATE INDEX `tickets_parent` ON `tickets` (`parent_id`);--> statement-breakpoint
CREATE INDEX `tickets_created` ON `tickets` (`created_at`);--> statement-breakpoint
CREATE INDEX `tickets_device` ON `tickets` (`device_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `tickets_live_due` ON `tickets` ((CASE WHEN "responded_at" IS NULL THEN "respond_by" ELSE "resolve_by" END),`id`) WHERE "tickets"."status" NOT IN ('resolved', 'closed');--> statement-breakpoint
CREATE INDEX `tickets_live_unit` ON `tickets` (`unit_id`) WHERE "tickets"."status" NOT IN ('resolved', 'closed');--> statement-breakpoint
CREATE INDEX `tickets_report_created` ON `tickets` (`created_at`,`unit_id`,`category`);--> statement-breakpoint
CREATE INDEX `tickets_report_responded` ON `tickets` (`responded_at`,`respond_by`,`unit_id`,`category`);--> statement-breakpoint
CREATE INDEX `tickets_report_respond_by` ON `tickets` (`respond_by`,`responded_at`,`resolved_at`,`unit_id`,`category`);--> statement-breakpoint
CREATE INDEX `tickets_report_resolved` ON `tickets` (`resolved_at`,`created_at`,`resolve_by`,`unit_id`,`category`);--> statement-breakpoint
CREATE INDEX `tickets_report_resolve_by` ON `tickets` (`resolve_by`,`resolved_at`,`unit_id`,`category`);--> statement-breakpoint
CREATE INDEX `tickets_report_live` ON `tickets` (`created_at`,`unit_id`,`category`) WHERE "tickets"."status" NOT IN ('resolved', 'closed');--> statement-breakpoint
CREATE TABLE `units` (
	`id` text PRIMARY KEY NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`level` text NOT NULL,
	`parent_id` text,
	`path` text NOT NULL,
	`depth` integer NOT NULL,
	`area_m2` real,
	`officers` integer,
	`digitizing_officers` integer,
	`merged_into_id` text,
	`archived_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `units_code_nocase` ON `units` ("code" COLLATE NOCASE);--> statement-breakpoint
CREATE INDEX `units_parent` ON `units` (`parent_id`);--> statement-breakpoint
CREATE INDEX `units_path` ON `units` (`path`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`username` text NOT NULL,
	`display_name` text NOT NULL,
	`password_hash` text NOT NULL,
	`locale` text,
	`disabled_at` integer,
	`must_change_password` integer DEFAULT false NOT NULL,
	`password_changed_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_nocase` ON `users` ("username" COLLATE NOCASE);