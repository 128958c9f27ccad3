/**
 * The agent half of the contract: enrollment, config and reports. Agents in the field upgrade slowly,
 * so this file only ever gains optional fields. Unknown keys are stripped, not refused, so a newer agent
 * can talk to an older server.
 */
import { z } from 'zod';
import { PERIPHERAL_KINDS, SMART_STATES, TARGET_KINDS } from '../enums.js';
import { zId, zIsoDateTime } from './common.js';

const zShort = z.string().max(200);

export const zEnrollBody = z.object({
  enrollmentToken: z.string().min(1).max(200),
  hostname: z.string().trim().min(1).max(253),
  hardwareId: z.string().trim().min(1).max(200),
  os: z.object({ platform: zShort, release: zShort, arch: zShort }),
  agentVersion: z.string().min(1).max(64),
});
export type EnrollBody = z.infer<typeof zEnrollBody>;

// ---- config handed to agents -------------------------------------------------------------------

export const zTarget = z
  .object({
    id: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, "_" or "-"'),
    name: z.string().min(1).max(200),
    kind: z.enum(TARGET_KINDS),
    host: z.string().min(1).max(253).optional(),
    port: z.number().int().min(1).max(65535).optional(),
    url: z
      .url({ protocol: /^https?$/ })
      .max(2000)
      .optional(),
    warnMs: z.number().int().min(1).max(60_000),
    critMs: z.number().int().min(1).max(60_000),
    timeoutMs: z.number().int().min(100).max(60_000),
  })
  .superRefine((t, ctx) => {
    if (t.kind === 'tcp' && (!t.host || !t.port))
      ctx.addIssue({ code: 'custom', message: 'a tcp target needs host and port', path: ['host'] });
    if (t.kind === 'http' && !t.url)
      ctx.addIssue({ code: 'custom', message: 'an http target needs url', path: ['url'] });
    if (t.warnMs > t.critMs)
      ctx.addIssue({ code: 'custom', message: 'warnMs must not exceed critMs', path: ['warnMs'] });
  });
export type Target = z.infer<typeof zTarget>;

export const zPeripheralMatch = z
  .object({
    nameIncludes: z.string().min(1).max(200).optional(),
    vendorId: z
      .string()
      .regex(/^[0-9a-fA-F]{4}$/)
      .optional(),
    productId: z
      .string()
      .regex(/^[0-9a-fA-F]{4}$/)
      .optional(),
  })
  .refine((m) => m.nameIncludes || m.vendorId, { message: 'match needs nameIncludes or vendorId' });

export const zExpectedPeripheral = z.object({
  kind: z.enum(PERIPHERAL_KINDS),
  label: z.string().min(1).max(200),
  match: zPeripheralMatch,
});
export type ExpectedPeripheral = z.infer<typeof zExpectedPeripheral>;

export const zDiskThresholds = z
  .object({ warnFreePct: z.number().min(0).max(100), critFreePct: z.number().min(0).max(100) })
  .refine((d) => d.critFreePct <= d.warnFreePct, { message: 'critFreePct must not exceed warnFreePct' });

export const zAgentConfig = z.object({
  etag: z.string(),
  intervalSec: z.number().int().min(1).max(3600),
  disk: zDiskThresholds,
  targets: z.array(zTarget).max(64),
  peripherals: z.object({ expected: z.array(zExpectedPeripheral).max(64) }),
});
export type AgentConfig = z.infer<typeof zAgentConfig>;

export interface EnrollResponse {
  deviceId: string;
  agentToken: string;
  config: AgentConfig;
}

// ---- reports -----------------------------------------------------------------------------------

/** Sizes up to 1 EiB; anything bigger is a bug in the collector, not a disk. */
const zBytes = z
  .number()
  .int()
  .min(0)
  .max(2 ** 60);

export const zDiskReading = z
  .object({
    mount: z.string().min(1).max(260),
    fs: z.string().max(64).optional(),
    sizeBytes: zBytes,
    usedBytes: zBytes,
    smart: z.enum(SMART_STATES).optional(),
  })
  .refine((d) => d.usedBytes <= d.sizeBytes, { message: 'usedBytes exceeds sizeBytes', path: ['usedBytes'] });

export const zTargetReading = z.object({
  id: z.string().min(1).max(64),
  ok: z.boolean(),
  latencyMs: z.number().min(0).max(600_000).nullable().optional(),
  error: z.string().max(500).optional(),
});

export const zPeripheralReading = z.object({
  kind: z.enum(PERIPHERAL_KINDS),
  name: z.string().max(200),
  vendorId: z.string().max(16).optional(),
  productId: z.string().max(16).optional(),
  serial: z.string().max(128).optional(),
  connected: z.boolean(),
});

/** A collector that failed or timed out is reported, never silently missing (optional, agent ≥ 0.1). */
export const zCollectorError = z.object({
  collector: z.string().max(64),
  message: z.string().max(500),
  timedOut: z.boolean().optional(),
});

// ---- hardware and software inventory (optional; ADR 0520) -----------------------------------------
//
// Descriptive only: nothing on the server decides on these values, so every field is optional, every
// text a bounded string (never an enum: a newer agent's new disk type must not make an older server
// refuse the whole report), and `null` means "the PC did not say". The agent normalises what it sends
// to these bounds (agent/inventory/normalize.ts), so a valid agent never sends anything this refuses.

/** A text value of the inventory: null when unknown (placeholders like "To Be Filled By O.E.M." included). */
const zInvText = (max: number) => z.string().max(max).nullable().optional();
const zInvCount = z.number().int().min(0).max(100_000).nullable().optional();
const zInvBool = z.boolean().nullable().optional();
const zInvBytes = zBytes.nullable().optional();

/** Bounds of the inventory lists; the agent keeps the first N (ADR 0520). */
export const INVENTORY_LIMITS = {
  memoryModules: 32,
  disks: 16,
  network: 16,
  displays: 8,
  printers: 32,
  usb: 64,
  errors: 32,
} as const;

export const zInventory = z.object({
  /** When the inventory was taken on the PC (its clock). */
  collectedAt: zIsoDateTime,
  agentVersion: z.string().max(64),
  /** Wall time the collection took. */
  durationMs: z.number().int().min(0).max(86_400_000).optional(),
  system: z
    .object({
      manufacturer: zInvText(128),
      model: zInvText(128),
      version: zInvText(128),
      serial: zInvText(128),
      sku: zInvText(128),
      chassis: zInvText(64),
      virtual: zInvBool,
    })
    .optional(),
  bios: z
    .object({
      vendor: zInvText(128),
      version: zInvText(128),
      /** YYYY-MM-DD as the firmware states it. */
      releaseDate: zInvText(32),
      uefi: zInvBool,
    })
    .optional(),
  baseboard: z
    .object({
      manufacturer: zInvText(128),
      model: zInvText(128),
      version: zInvText(128),
      serial: zInvText(128),
      memorySlots: zInvCount,
      memoryMaxBytes: zInvBytes,
    })
    .optional(),
  cpu: z
    .object({
      manufacturer: zInvText(64),
      brand: zInvText(128),
      cores: zInvCount,
      physicalCores: zInvCount,
      processors: zInvCount,
      speedGHz: z.number().min(0).max(100).nullable().optional(),
    })
    .optional(),
  memory: z
    .object({
      /** Memory the operating system sees. */
      totalBytes: zInvBytes,
      /** Absent when the modules could not be read (e.g. Linux without root). */
      modules: z
        .array(
          z.object({
            slot: zInvText(64),
            sizeBytes: zInvBytes,
            type: zInvText(32),
            speedMHz: zInvCount,
            formFactor: zInvText(32),
            manufacturer: zInvText(64),
            partNumber: zInvText(64),
            serial: zInvText(64),
          }),
        )
        .max(INVENTORY_LIMITS.memoryModules)
        .optional(),
    })
    .optional(),
  disks: z
    .array(
      z.object({
        model: zInvText(128),
        vendor: zInvText(64),
        serial: zInvText(128),
        sizeBytes: zInvBytes,
        /** `SSD`, `HDD`, or what the PC said (e.g. `SCM`, `Virtual`). */
        type: zInvText(16),
        /** `SATA`, `NVMe`, `USB`, `SCSI`, … */
        interface: zInvText(32),
        firmware: zInvText(64),
      }),
    )
    .max(INVENTORY_LIMITS.disks)
    .optional(),
  os: z
    .object({
      platform: zInvText(32),
      distro: zInvText(128),
      release: zInvText(64),
      build: zInvText(64),
      codename: zInvText(64),
      kernel: zInvText(128),
      arch: zInvText(16),
      hostname: zInvText(253),
    })
    .optional(),
  network: z
    .array(
      z.object({
        name: zInvText(128),
        model: zInvText(128),
        mac: zInvText(32),
        speedMbps: z.number().min(0).max(10_000_000).nullable().optional(),
        type: zInvText(16),
        /** The adapter's IPv4 address (for remote support); never IPv6, gateways or DNS. */
        ipv4: zInvText(15),
        up: zInvBool,
      }),
    )
    .max(INVENTORY_LIMITS.network)
    .optional(),
  displays: z
    .array(
      z.object({
        vendor: zInvText(64),
        model: zInvText(128),
        serial: zInvText(64),
        year: zInvCount,
        widthPx: zInvCount,
        heightPx: zInvCount,
        connection: zInvText(32),
        main: zInvBool,
      }),
    )
    .max(INVENTORY_LIMITS.displays)
    .optional(),
  printers: z
    .array(
      z.object({
        name: zInvText(200),
        driver: zInvText(200),
        status: zInvText(32),
        local: zInvBool,
        default: zInvBool,
        shared: zInvBool,
      }),
    )
    .max(INVENTORY_LIMITS.printers)
    .optional(),
  usb: z
    .array(
      z.object({
        name: zInvText(200),
        vendorId: zInvText(4),
        productId: zInvText(4),
        manufacturer: zInvText(128),
        serial: zInvText(128),
        type: zInvText(32),
      }),
    )
    .max(INVENTORY_LIMITS.usb)
    .optional(),
  /** A part that could not be read (failed or timed out); the other parts are still sent. */
  errors: z
    .array(
      z.object({ part: z.string().max(32), message: z.string().max(300), timedOut: z.boolean().optional() }),
    )
    .max(INVENTORY_LIMITS.errors)
    .optional(),
});
export type Inventory = z.infer<typeof zInventory>;

export const zReport = z.object({
  seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  collectedAt: zIsoDateTime,
  disks: z.array(zDiskReading).max(64),
  targets: z.array(zTargetReading).max(64),
  peripherals: z.array(zPeripheralReading).max(256),
  system: z
    .object({
      cpuLoadPct: z.number().min(0).max(100).optional(),
      memUsedPct: z.number().min(0).max(100).optional(),
      uptimeSec: z
        .number()
        .min(0)
        .max(10 * 365 * 86400)
        .optional(),
    })
    .optional(),
  agent: z
    .object({
      version: z.string().max(64),
      spooled: z.number().int().min(0),
      dropped: z.number().int().min(0).optional(),
      quarantined: z.number().int().min(0).optional(),
    })
    .optional(),
  errors: z.array(zCollectorError).max(64).optional(),
  /** The PC's hardware/software inventory: only in the first report after a new one was taken (ADR 0520). */
  inventory: zInventory.optional(),
});
export type Report = z.infer<typeof zReport>;

export const zReportBatch = z.object({ reports: z.array(zReport).min(1).max(500) });
export type ReportBatch = z.infer<typeof zReportBatch>;

export interface ReportsResponse {
  accepted: number;
  duplicates: number;
  lastSeq: number;
}

export const zDeviceId = zId;
