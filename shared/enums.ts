/**
 * Enumerations fixed by the HTTP contract (PROTOCOL.md). Both the agent and the server import them,
 * so a value added here is added on both sides at once. Categories and severities are NOT here:
 * they are data of the active maintenance matrix.
 */

export const ROLES = ['admin', 'it_staff', 'unit_head', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const PERIPHERAL_KINDS = [
  'scanner',
  'printer',
  'camera',
  'queue_machine',
  'rating_device',
  'display',
  'card_reader',
  'other',
] as const;
export type PeripheralKind = (typeof PERIPHERAL_KINDS)[number];

export const TICKET_STATUSES = [
  'open',
  'acknowledged',
  'in_progress',
  'awaiting_approval',
  'approved',
  'rejected',
  /** Addition to the contract: waiting for parts or a warranty repair (the resolution clock pauses). */
  'waiting_parts',
  'resolved',
  'closed',
] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const TICKET_SOURCES = ['agent', 'manual', 'compliance'] as const;
export type TicketSource = (typeof TICKET_SOURCES)[number];

export const TICKET_ACTIONS = [
  'acknowledge',
  'assign',
  'start',
  'estimate',
  'resolve',
  'close',
  'reopen',
  'comment',
  /** Addition to the contract: in_progress/approved → waiting_parts. */
  'wait_parts',
] as const;
export type TicketAction = (typeof TICKET_ACTIONS)[number];

export const DEVICE_STATUSES = ['ok', 'degraded', 'silent', 'maintenance'] as const;
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];

export const TARGET_KINDS = ['tcp', 'http'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

export const SMART_STATES = ['ok', 'failing', 'unknown'] as const;

/** Organisation structures the default matrix knows (ORG_LEVELS). */
export const ORG_STRUCTURES = {
  '2025': ['city', 'commune'],
  '2022': ['city', 'district', 'commune'],
} as const;

/** Kinds of equipment in the register (PROTOCOL.md Additions). */
export const ASSET_KINDS = [
  'pc',
  'scanner',
  'printer',
  'photocopier',
  'queue_machine',
  'rating_device',
  'citizen_lookup',
  'display',
  'card_reader',
  'network',
  'ups',
  'other',
] as const;
export type AssetKind = (typeof ASSET_KINDS)[number];

/** Only `in_use` equipment counts toward a minimum of the equipment standard. */
export const ASSET_STATUSES = ['in_use', 'broken', 'under_repair', 'spare', 'retired'] as const;
export type AssetStatus = (typeof ASSET_STATUSES)[number];
