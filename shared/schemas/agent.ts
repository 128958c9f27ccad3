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
