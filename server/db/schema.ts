/**
 * The database model (drizzle sqlite-core), shared by libSQL on Node and D1 on Workers.
 * Times are integer milliseconds since the epoch (UTC); JSON columns hold contract-shaped values.
 * Invariants that must hold across server processes live here as unique and partial indexes,
 * not only in application code.
 */
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

const ts = (name: string) => integer(name, { mode: 'timestamp_ms' });
const json = <T>(name: string) => text(name, { mode: 'json' }).$type<T>();

// ---- organisation ------------------------------------------------------------------------------

export const units = sqliteTable(
  'units',
  {
    id: text('id').primaryKey(),
    /** Human code; unique regardless of letter case so `hn-tx` cannot shadow `HN-TX`. */
    code: text('code').notNull(),
    name: text('name').notNull(),
    level: text('level').notNull(),
    parentId: text('parent_id'),
    /** Materialised path of ids, `/root/child/…/self/`: a subtree is one `LIKE 'prefix%'` range. */
    path: text('path').notNull(),
    depth: integer('depth').notNull(),
    areaM2: real('area_m2'),
    officers: integer('officers'),
    digitizingOfficers: integer('digitizing_officers'),
    /** Set when the unit was merged into another by a reorganisation; it then owns nothing. */
    mergedIntoId: text('merged_into_id'),
    archivedAt: ts('archived_at'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('units_code_nocase').on(sql`${t.code} COLLATE NOCASE`),
    index('units_parent').on(t.parentId),
    index('units_path').on(t.path),
  ],
);

export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    /** `pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>`: parameters travel with the hash. */
    passwordHash: text('password_hash').notNull(),
    locale: text('locale'),
    disabledAt: ts('disabled_at'),
    /** Set by an administrator's password reset: the UI sends the user to change it before anything else. */
    mustChangePassword: integer('must_change_password', { mode: 'boolean' }).notNull().default(false),
    /** When the password was last set (creation, change or reset); null for rows older than the column. */
    passwordChangedAt: ts('password_changed_at'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [uniqueIndex('users_username_nocase').on(sql`${t.username} COLLATE NOCASE`)],
);

export const roleGrants = sqliteTable(
  'role_grants',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull(),
    role: text('role').notNull(),
    unitId: text('unit_id').notNull(),
    createdAt: ts('created_at').notNull(),
    createdBy: text('created_by'),
  },
  (t) => [
    uniqueIndex('role_grants_unique').on(t.userId, t.role, t.unitId),
    index('role_grants_unit').on(t.unitId),
  ],
);

/** A user standing in for another's role at a unit for a date range (leave, vacancy). */
export const deputies = sqliteTable(
  'deputies',
  {
    id: text('id').primaryKey(),
    principalId: text('principal_id').notNull(),
    deputyId: text('deputy_id').notNull(),
    role: text('role').notNull(),
    unitId: text('unit_id').notNull(),
    startsAt: ts('starts_at').notNull(),
    endsAt: ts('ends_at').notNull(),
    reason: text('reason'),
    createdBy: text('created_by').notNull(),
    createdAt: ts('created_at').notNull(),
    revokedAt: ts('revoked_at'),
  },
  (t) => [index('deputies_deputy').on(t.deputyId), index('deputies_unit_role').on(t.unitId, t.role)],
);

export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    /** SHA-256 of the bearer token; the token itself is never stored. */
    tokenHash: text('token_hash').notNull(),
    userId: text('user_id').notNull(),
    createdAt: ts('created_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
    lastUsedAt: ts('last_used_at').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    revokedAt: ts('revoked_at'),
  },
  (t) => [uniqueIndex('sessions_token').on(t.tokenHash), index('sessions_user').on(t.userId)],
);

/** Failed-login counters per key (`user:<name>` or `ip:<addr>`), shared by every server process. */
export const loginThrottle = sqliteTable('login_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull(),
  windowStart: ts('window_start').notNull(),
  blockedUntil: ts('blocked_until'),
});

export const auditEvents = sqliteTable(
  'audit_events',
  {
    id: text('id').primaryKey(),
    at: ts('at').notNull(),
    actorId: text('actor_id'),
    actorKind: text('actor_kind').notNull(), // user | agent | system
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id'),
    data: json<Record<string, unknown>>('data'),
    ip: text('ip'),
  },
  (t) => [index('audit_at').on(t.at), index('audit_target').on(t.targetType, t.targetId)],
);

// ---- agents and readings -----------------------------------------------------------------------

export const enrollmentTokens = sqliteTable(
  'enrollment_tokens',
  {
    id: text('id').primaryKey(),
    tokenHash: text('token_hash').notNull(),
    unitId: text('unit_id').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: ts('created_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
    maxUses: integer('max_uses').notNull(),
    uses: integer('uses').notNull().default(0),
    revokedAt: ts('revoked_at'),
  },
  (t) => [
    uniqueIndex('enrollment_tokens_hash').on(t.tokenHash),
    index('enrollment_tokens_unit').on(t.unitId),
  ],
);

export interface DeviceOs {
  platform: string;
  release: string;
  arch: string;
}

export const devices = sqliteTable(
  'devices',
  {
    id: text('id').primaryKey(),
    unitId: text('unit_id').notNull(),
    hostname: text('hostname').notNull(),
    hardwareId: text('hardware_id').notNull(),
    os: json<DeviceOs>('os').notNull(),
    agentVersion: text('agent_version').notNull(),
    /** SHA-256 of the current agent token; replaced on re-enrolment, nulled on revocation. */
    tokenHash: text('token_hash'),
    enrolledAt: ts('enrolled_at').notNull(),
    revokedAt: ts('revoked_at'),
    lastSeenAt: ts('last_seen_at'),
    lastSeq: integer('last_seq').notNull().default(0),
    reportsReceived: integer('reports_received').notNull().default(0),
    status: text('status').notNull().default('ok'),
    /** The last report as received, so "latest reading" never needs a scan of history. */
    latest: json<Record<string, unknown>>('latest'),
    latestAt: ts('latest_at'),
    /** Fault rows of this device not in state ok: 0 lets a healthy report skip detection entirely. */
    activeFaults: integer('active_faults').notNull().default(0),
    /** Hash of the last peripheral list, so the inventory is rewritten only when it changes. */
    peripheralsHash: text('peripherals_hash'),
    /** Per-device overrides of the unit's effective check policy. */
    policyOverride: json<Record<string, unknown>>('policy_override'),
    /** The latest hardware/software inventory the agent sent (contract `Inventory`; ADR 0520). */
    inventory: json<Record<string, unknown>>('inventory'),
    /** When that inventory was taken on the PC (its clock, never ahead of the server's). */
    inventoryAt: ts('inventory_at'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('devices_unit_hw').on(t.unitId, t.hardwareId),
    uniqueIndex('devices_token').on(t.tokenHash),
    index('devices_last_seen').on(t.lastSeenAt),
    index('devices_unit').on(t.unitId),
  ],
);

/**
 * Raw reports, idempotent by (device, seq); kept for the retention period, then deleted.
 * The body is either inline (`body`) or, for reports ingested since the batch store, element
 * `batch_idx` of `reports` in the `report_batches` row `batch_id` — one stored text per request, so
 * a batch of 100 reports is one large write plus 100 small key rows instead of 100 large rows.
 */
export const reports = sqliteTable(
  'reports',
  {
    deviceId: text('device_id').notNull(),
    seq: integer('seq').notNull(),
    collectedAt: ts('collected_at').notNull(),
    receivedAt: ts('received_at').notNull(),
    body: text('body'),
    batchId: text('batch_id'),
    batchIdx: integer('batch_idx'),
  },
  (t) => [primaryKey({ columns: [t.deviceId, t.seq] }), index('reports_received').on(t.receivedAt)],
);

/** The validated body of one report request, `{"reports": [...]}`; its reports point into it. */
export const reportBatches = sqliteTable(
  'report_batches',
  {
    id: text('id').primaryKey(),
    deviceId: text('device_id').notNull(),
    receivedAt: ts('received_at').notNull(),
    body: text('body').notNull(),
  },
  (t) => [index('report_batches_received').on(t.receivedAt)],
);

/** Hourly min/avg/max per device and metric (e.g. `disk:C:/freePct`, `target:motcua/latencyMs`). */
export const rollups = sqliteTable(
  'rollups',
  {
    deviceId: text('device_id').notNull(),
    metric: text('metric').notNull(),
    hour: ts('hour').notNull(),
    min: real('min').notNull(),
    max: real('max').notNull(),
    sum: real('sum').notNull(),
    count: integer('count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.deviceId, t.metric, t.hour] }), index('rollups_hour').on(t.hour)],
);

export const peripheralsSeen = sqliteTable(
  'peripherals_seen',
  {
    deviceId: text('device_id').notNull(),
    /** kind|vendor:product|serial-or-name: stable identity of one physical peripheral. */
    key: text('key').notNull(),
    kind: text('kind').notNull(),
    name: text('name').notNull(),
    vendorId: text('vendor_id'),
    productId: text('product_id'),
    serial: text('serial'),
    connected: integer('connected', { mode: 'boolean' }).notNull(),
    firstSeenAt: ts('first_seen_at').notNull(),
    lastSeenAt: ts('last_seen_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.deviceId, t.key] })],
);

/**
 * What changed between two inventories of a device (a swapped disk, a removed RAM module, another
 * board serial): a short history per device, newest kept (ADR 0522).
 */
export const deviceInventoryChanges = sqliteTable(
  'device_inventory_changes',
  {
    id: text('id').primaryKey(),
    deviceId: text('device_id').notNull(),
    /** collectedAt of the inventory that showed the change. */
    at: ts('at').notNull(),
    /** Order among the changes of that inventory (identity first, then parts). */
    ord: integer('ord').notNull().default(0),
    /** collectedAt of the inventory it was compared with. */
    previousAt: ts('previous_at'),
    /** system | baseboard | bios | cpu | memory | memoryModule | disk | os | display */
    component: text('component').notNull(),
    /** added | removed | changed */
    change: text('change').notNull(),
    /** The field that changed (`serial`, `model`, `totalBytes`, …); null for added/removed. */
    field: text('field'),
    /** Values as the contract has them (JSON): the field's value, or the whole item added/removed. */
    before: json<unknown>('before'),
    after: json<unknown>('after'),
  },
  (t) => [index('inventory_changes_device').on(t.deviceId, t.at, t.ord)],
);

/** Check policy overrides of one unit (only the keys it sets). */
export const policies = sqliteTable('policies', {
  unitId: text('unit_id').primaryKey(),
  body: json<Record<string, unknown>>('body').notNull(),
  updatedAt: ts('updated_at').notNull(),
  updatedBy: text('updated_by'),
});

/**
 * Hysteresis state of one fingerprint (device, check, subject). The row survives the ticket so
 * "returns within 24 h → reopen" can find the ticket it resolved.
 */
export const faults = sqliteTable(
  'faults',
  {
    fingerprint: text('fingerprint').primaryKey(),
    deviceId: text('device_id'),
    unitId: text('unit_id').notNull(),
    check: text('check').notNull(),
    subject: text('subject').notNull(),
    severity: text('severity'),
    category: text('category'),
    badStreak: integer('bad_streak').notNull().default(0),
    goodStreak: integer('good_streak').notNull().default(0),
    /** ok | pending | open | recovering */
    state: text('state').notNull(),
    lastSeq: integer('last_seq'),
    firstBadAt: ts('first_bad_at'),
    lastChangeAt: ts('last_change_at').notNull(),
    ticketId: text('ticket_id'),
    parentTicketId: text('parent_ticket_id'),
    evidence: json<unknown[]>('evidence'),
    /** When detection last auto-resolved this fault's ticket (a return within 24 h reopens it). */
    resolvedAt: ts('resolved_at'),
  },
  (t) => [
    index('faults_device').on(t.deviceId),
    index('faults_ticket').on(t.ticketId),
    index('faults_parent').on(t.parentTicketId),
    index('faults_check_subject').on(t.check, t.subject, t.state),
    index('faults_state').on(t.state),
  ],
);

export const maintenanceWindows = sqliteTable(
  'maintenance_windows',
  {
    id: text('id').primaryKey(),
    unitId: text('unit_id').notNull(),
    deviceId: text('device_id'),
    startsAt: ts('starts_at').notNull(),
    endsAt: ts('ends_at').notNull(),
    /** Optional recurrence, e.g. `{freq: 'weekly', byWeekday: [6], until}`; null = one-off. */
    recurrence: json<Record<string, unknown>>('recurrence'),
    reason: text('reason').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: ts('created_at').notNull(),
    cancelledAt: ts('cancelled_at'),
  },
  (t) => [index('mw_unit').on(t.unitId), index('mw_device').on(t.deviceId)],
);

// ---- matrix and tickets ------------------------------------------------------------------------

/** Every activated matrix; the active one is the highest version. Versions are never edited. */
export const matrixVersions = sqliteTable('matrix_versions', {
  version: integer('version').primaryKey(),
  body: json<Record<string, unknown>>('body').notNull(),
  activatedAt: ts('activated_at').notNull(),
  activatedBy: text('activated_by'),
});

export interface StoredExplanation {
  vi: string;
  en: string;
}

export const tickets = sqliteTable(
  'tickets',
  {
    id: text('id').primaryKey(),
    number: integer('number').notNull(),
    title: text('title').notNull(),
    description: text('description'),
    unitId: text('unit_id').notNull(),
    deviceId: text('device_id'),
    /** The register entry the ticket is about (a scanned label, a compliance shortfall's unit has none). */
    assetId: text('asset_id'),
    category: text('category').notNull(),
    severity: text('severity').notNull(),
    source: text('source').notNull(),
    status: text('status').notNull(),
    handlerRole: text('handler_role').notNull(),
    handlerUnitId: text('handler_unit_id').notNull(),
    assigneeId: text('assignee_id'),
    costEstimateVnd: integer('cost_estimate_vnd'),
    estimatedBy: text('estimated_by'),
    ruleId: text('rule_id').notNull(),
    matrixVersion: integer('matrix_version').notNull(),
    explanation: json<StoredExplanation>('explanation').notNull(),
    /** Round of the approval chain (each estimate that needs approval starts a new round). */
    approvalRound: integer('approval_round').notNull().default(0),
    /** SLA state: targets, pauses and the rule's minutes, replayable from the timeline. */
    sla: json<Record<string, unknown>>('sla').notNull(),
    respondBy: ts('respond_by').notNull(),
    resolveBy: ts('resolve_by').notNull(),
    respondedAt: ts('responded_at'),
    escalationLevel: integer('escalation_level').notNull().default(0),
    parentId: text('parent_id'),
    /** (device, check, subject) of an agent-detected problem. */
    fingerprint: text('fingerprint'),
    recoveredAt: ts('recovered_at'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    resolvedAt: ts('resolved_at'),
    closedAt: ts('closed_at'),
    /** Optimistic concurrency: every transition is `UPDATE … WHERE version = ?`. */
    version: integer('version').notNull().default(1),
  },
  (t) => [
    uniqueIndex('tickets_number').on(t.number),
    // At most one open ticket per fingerprint, across every server process.
    uniqueIndex('tickets_open_fingerprint')
      .on(t.fingerprint)
      .where(sql`${t.fingerprint} IS NOT NULL AND ${t.status} NOT IN ('resolved', 'closed')`),
    index('tickets_unit_created').on(t.unitId, t.createdAt),
    index('tickets_status_created').on(t.status, t.createdAt),
    index('tickets_handler').on(t.handlerUnitId, t.status),
    index('tickets_parent').on(t.parentId),
    index('tickets_created').on(t.createdAt),
    // A device's tickets (the device page, and the open-ticket count of every row of GET /devices).
    index('tickets_device').on(t.deviceId, t.createdAt),
    index('tickets_asset').on(t.assetId, t.createdAt),
    // The work queue: live tickets by their next deadline (first response until someone responded,
    // then resolution). Partial, so closed history never slows it; the expression and the WHERE are
    // the very ones services/ticket-queue.ts queries with (NEXT_DUE_SQL, LIVE_SQL).
    index('tickets_live_due')
      .on(sql`(CASE WHEN ${t.respondedAt} IS NULL THEN ${t.respondBy} ELSE ${t.resolveBy} END)`, t.id)
      .where(sql`${t.status} NOT IN ('resolved', 'closed')`),
    // Open tickets per unit (fleet health, rolled up the tree): covering, so no table lookups.
    index('tickets_live_unit').on(t.unitId).where(sql`${t.status} NOT IN ('resolved', 'closed')`),
    // The SLA report (services/sla-report.ts): each figure is a range over one of these moments, and
    // each index covers its query (group keys and compared times included), so a month of a city's
    // tickets is read from the index alone, never from the wide ticket rows.
    index('tickets_report_created').on(t.createdAt, t.unitId, t.category),
    index('tickets_report_responded').on(t.respondedAt, t.respondBy, t.unitId, t.category),
    index('tickets_report_respond_by').on(t.respondBy, t.respondedAt, t.resolvedAt, t.unitId, t.category),
    index('tickets_report_resolved').on(t.resolvedAt, t.createdAt, t.resolveBy, t.unitId, t.category),
    index('tickets_report_resolve_by').on(t.resolveBy, t.resolvedAt, t.unitId, t.category),
    index('tickets_report_live')
      .on(t.createdAt, t.unitId, t.category)
      .where(sql`${t.status} NOT IN ('resolved', 'closed')`),
  ],
);

export const approvalSteps = sqliteTable(
  'approval_steps',
  {
    ticketId: text('ticket_id').notNull(),
    round: integer('round').notNull(),
    step: integer('step').notNull(),
    role: text('role').notNull(),
    unitId: text('unit_id').notNull(),
    dueAt: ts('due_at'),
    decision: text('decision'),
    decidedBy: text('decided_by'),
    asDeputyOf: text('as_deputy_of'),
    decidedAt: ts('decided_at'),
    note: text('note'),
    /** When the step became the current one (its approval clock started). */
    startedAt: ts('started_at'),
    /** When the scheduler escalated this step for passing `dueAt` undecided (once per step). */
    escalatedAt: ts('escalated_at'),
  },
  (t) => [
    primaryKey({ columns: [t.ticketId, t.round, t.step] }),
    index('approval_pending').on(t.unitId, t.role),
    index('approval_due').on(t.dueAt),
    // The SLA report's approved cost: approvals completed in a period.
    index('approval_decided').on(t.decidedAt),
  ],
);

/** Append-only timeline; `hash` chains each event to the previous one of the same ticket. */
export const ticketEvents = sqliteTable(
  'ticket_events',
  {
    id: text('id').primaryKey(),
    ticketId: text('ticket_id').notNull(),
    seq: integer('seq').notNull(),
    at: ts('at').notNull(),
    type: text('type').notNull(),
    /** user | agent | system (part of the hashed content). */
    actorKind: text('actor_kind'),
    actorId: text('actor_id'),
    actorLabel: text('actor_label').notNull(),
    data: json<Record<string, unknown>>('data'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [uniqueIndex('ticket_events_seq').on(t.ticketId, t.seq)],
);

export const notifications = sqliteTable(
  'notifications',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull(),
    ticketId: text('ticket_id'),
    kind: text('kind').notNull(),
    at: ts('at').notNull(),
    data: json<Record<string, unknown>>('data'),
    readAt: ts('read_at'),
  },
  (t) => [index('notifications_user').on(t.userId, t.at), index('notifications_ticket').on(t.ticketId)],
);

/** Working calendar of a root unit: hours, weekend, holidays and swapped working days (data, not code). */
export const calendars = sqliteTable('calendars', {
  unitId: text('unit_id').primaryKey(),
  body: json<Record<string, unknown>>('body').notNull(),
  updatedAt: ts('updated_at').notNull(),
  updatedBy: text('updated_by'),
});

// ---- equipment register ------------------------------------------------------------------------

/** Suppliers and repairers (who to call about a warranty or a quote). */
export const suppliers = sqliteTable('suppliers', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  phone: text('phone'),
  email: text('email'),
  taxCode: text('tax_code'),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
});

/** One piece of equipment of a counter (PC, scanner, queue machine, …), with or without an agent. */
export const assets = sqliteTable(
  'assets',
  {
    id: text('id').primaryKey(),
    /** Printed on the label (QR); unique regardless of letter case. */
    assetTag: text('asset_tag').notNull(),
    unitId: text('unit_id').notNull(),
    kind: text('kind').notNull(),
    name: text('name').notNull(),
    manufacturer: text('manufacturer'),
    model: text('model'),
    serial: text('serial'),
    /** Calendar dates `YYYY-MM-DD`. */
    purchasedOn: text('purchased_on'),
    priceVnd: integer('price_vnd'),
    fundingSource: text('funding_source'),
    warrantyUntil: text('warranty_until'),
    supplierId: text('supplier_id'),
    status: text('status').notNull(),
    statusSince: ts('status_since').notNull(),
    /** The enrolled PC this asset is (one asset per device). */
    deviceId: text('device_id'),
    /** `deviceId|key` of the agent-seen peripheral it was confirmed from (never offered twice). */
    peripheralRef: text('peripheral_ref'),
    notes: text('notes'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    /** Optimistic concurrency for PATCH (`UPDATE … WHERE version = ?`). */
    version: integer('version').notNull().default(1),
  },
  (t) => [
    uniqueIndex('assets_tag_nocase').on(sql`${t.assetTag} COLLATE NOCASE`),
    uniqueIndex('assets_device').on(t.deviceId).where(sql`${t.deviceId} IS NOT NULL`),
    uniqueIndex('assets_peripheral').on(t.peripheralRef).where(sql`${t.peripheralRef} IS NOT NULL`),
    // Compliance "now": counts per unit and kind, read from this covering index alone.
    index('assets_unit_kind_status').on(t.unitId, t.kind, t.status, t.statusSince, t.deviceId),
    index('assets_status_kind').on(t.status, t.kind, t.statusSince),
  ],
);

/**
 * The register's history: one row per creation, status change or move, holding the asset's state
 * AFTER it (unit, kind, status), so the register at any past date is "the last row of each asset at
 * or before it" — compliance figures of last quarter are reproducible.
 */
export const assetEvents = sqliteTable(
  'asset_events',
  {
    id: text('id').primaryKey(),
    assetId: text('asset_id').notNull(),
    at: ts('at').notNull(),
    unitId: text('unit_id').notNull(),
    kind: text('kind').notNull(),
    fromStatus: text('from_status'),
    status: text('status').notNull(),
    /** Since when the asset has been in `status` (a move keeps it): "broken for N days" at a past date. */
    statusSince: ts('status_since').notNull(),
    actorId: text('actor_id'),
    note: text('note'),
    ticketId: text('ticket_id'),
  },
  (t) => [index('asset_events_asset').on(t.assetId, t.at), index('asset_events_at').on(t.at, t.assetId)],
);

/** A unit's declared figures (area, officers) from a moment on: compliance at a past date reads them. */
export const unitFacts = sqliteTable(
  'unit_facts',
  {
    unitId: text('unit_id').notNull(),
    at: ts('at').notNull(),
    areaM2: real('area_m2'),
    officers: integer('officers'),
    digitizingOfficers: integer('digitizing_officers'),
  },
  (t) => [primaryKey({ columns: [t.unitId, t.at] })],
);

/** Every version of the equipment standard; the one in force at a moment is the newest activated by then. */
export const equipmentStandards = sqliteTable('equipment_standards', {
  version: integer('version').primaryKey(),
  body: json<Record<string, unknown>>('body').notNull(),
  activatedAt: ts('activated_at').notNull(),
  createdAt: ts('created_at').notNull(),
  createdBy: text('created_by'),
});

// ---- operations --------------------------------------------------------------------------------

/** Leases for scheduled jobs: one holder at a time across every server process. */
export const jobLeases = sqliteTable('job_leases', {
  name: text('name').primaryKey(),
  holder: text('holder'),
  leaseUntil: ts('lease_until'),
  lastStartedAt: ts('last_started_at'),
  lastFinishedAt: ts('last_finished_at'),
  lastError: text('last_error'),
});

/** Small key/value facts about this installation (e.g. when the server last started). */
export const meta = sqliteTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
