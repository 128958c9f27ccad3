/** Devices (enrolled counter PCs) as the API shows them. */
import { z } from 'zod';
import { DEVICE_STATUSES } from '../enums.js';
import { zUnitCode } from './common.js';

export const zDeviceListQuery = z.object({
  /** A unit code: that unit and its subtree (within the caller's scope). */
  unit: zUnitCode.optional(),
  status: z.enum(DEVICE_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(512).optional(),
});

export interface DeviceView {
  id: string;
  unitCode: string;
  hostname: string;
  hardwareId: string;
  os: { platform: string; release: string; arch: string };
  agentVersion: string;
  enrolledAt: string;
  lastSeenAt: string | null;
  lastSeq: number;
  reportsReceived: number;
  status: (typeof DEVICE_STATUSES)[number];
  openTickets: number;
  revokedAt: string | null;
}

export interface PeripheralInventoryItem {
  kind: string;
  name: string;
  vendorId: string | null;
  productId: string | null;
  serial: string | null;
  connected: boolean;
  firstSeenAt: string;
  lastSeenAt: string;
  /** Label of the expected entry it satisfies, if any. */
  expectedAs: string | null;
}
