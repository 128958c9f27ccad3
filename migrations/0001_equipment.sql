CREATE TABLE `asset_events` (
	`id` text PRIMARY KEY NOT NULL,
	`asset_id` text NOT NULL,
	`at` integer NOT NULL,
	`unit_id` text NOT NULL,
	`kind` text NOT NULL,
	`from_status` text,
	`status` text NOT NULL,
	`status_since` integer NOT NULL,
	`actor_id` text,
	`note` text,
	`ticket_id` text
);
--> statement-breakpoint
CREATE INDEX `asset_events_asset` ON `asset_events` (`asset_id`,`at`);--> statement-breakpoint
CREATE INDEX `asset_events_at` ON `asset_events` (`at`,`asset_id`);--> statement-breakpoint
CREATE TABLE `assets` (
	`id` text PRIMARY KEY NOT NULL,
	`asset_tag` text NOT NULL,
	`unit_id` text NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`manufacturer` text,
	`model` text,
	`serial` text,
	`purchased_on` text,
	`price_vnd` integer,
	`funding_source` text,
	`warranty_until` text,
	`supplier_id` text,
	`status` text NOT NULL,
	`status_since` integer NOT NULL,
	`device_id` text,
	`peripheral_ref` text,
	`notes` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `assets_tag_nocase` ON `assets` ("asset_tag" COLLATE NOCASE);--> statement-breakpoint
CREATE UNIQUE INDEX `assets_device` ON `assets` (`device_id`) WHERE "assets"."device_id" IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `assets_peripheral` ON `assets` (`peripheral_ref`) WHERE "assets"."peripheral_ref" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `assets_unit_kind_status` ON `assets` (`unit_id`,`kind`,`status`,`status_since`,`device_id`);--> statement-breakpoint
CREATE INDEX `assets_status_kind` ON `assets` (`status`,`kind`,`status_since`);--> statement-breakpoint
CREATE TABLE `equipment_standards` (
	`version` integer PRIMARY KEY NOT NULL,
	`body` text NOT NULL,
	`activated_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text
);
--> statement-breakpoint
CREATE TABLE `suppliers` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`phone` text,
	`email` text,
	`tax_code` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `unit_facts` (
	`unit_id` text NOT NULL,
	`at` integer NOT NULL,
	`area_m2` real,
	`officers` integer,
	`digitizing_officers` integer,
	PRIMARY KEY(`unit_id`, `at`)
);
--> statement-breakpoint
ALTER TABLE `tickets` ADD `asset_id` text;--> statement-breakpoint
CREATE INDEX `tickets_asset` ON `tickets` (`asset_id`,`created_at`);--> statement-breakpoint
INSERT INTO `assets` (`id`, `asset_tag`, `unit_id`, `kind`, `name`, `status`, `status_since`, `device_id`, `created_at`, `updated_at`)
SELECT 'as' || `id`, 'PC-' || `id`, `unit_id`, 'pc', `hostname`, 'in_use', `enrolled_at`, `id`, `enrolled_at`, `enrolled_at`
FROM `devices` WHERE `revoked_at` IS NULL;--> statement-breakpoint
INSERT INTO `asset_events` (`id`, `asset_id`, `at`, `unit_id`, `kind`, `from_status`, `status`, `status_since`, `note`)
SELECT 'ae' || `id`, `id`, `created_at`, `unit_id`, `kind`, NULL, `status`, `status_since`, 'agent' FROM `assets`;--> statement-breakpoint
INSERT INTO `unit_facts` (`unit_id`, `at`, `area_m2`, `officers`, `digitizing_officers`)
SELECT `id`, `created_at`, `area_m2`, `officers`, `digitizing_officers` FROM `units`;
