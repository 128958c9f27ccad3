/**
 * The equipment register (PROTOCOL.md Additions, "Equipment register and the equipment standard"):
 * assets, suppliers, the versioned equipment standard and the compliance figures computed from them.
 */
import { z } from 'zod';
import { ASSET_KINDS, ASSET_STATUSES } from '../enums.js';
import { zId, zIsoDateTime, zName, zUnitCode, zVnd } from './common.js';

/** A calendar date `YYYY-MM-DD` (purchase, warranty end): a day, not a moment. */
export const zIsoDate = z.iso.date();

/** Printed on the label and typed by people: letters, digits, `-`, `_`, `.`, `/`. */
export const zAssetTag = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, 'chữ, số, ".", "_", "/" hoặc "-", bắt đầu bằng chữ hoặc số');

const zText = (max: number) => z.string().trim().max(max);

export const zAssetCreate = z.object({
  unitCode: zUnitCode,
  kind: z.enum(ASSET_KINDS),
  name: zName,
  assetTag: zAssetTag.optional(),
  manufacturer: zText(200).optional(),
  model: zText(200).optional(),
  serial: zText(200).optional(),
  purchasedOn: zIsoDate.optional(),
  priceVnd: zVnd.optional(),
  fundingSource: zText(200).optional(),
  warrantyUntil: zIsoDate.optional(),
  supplierId: zId.optional(),
  status: z.enum(ASSET_STATUSES).default('in_use'),
  deviceId: zId.optional(),
  /**
   * Addition: confirm a peripheral an agent sees (`deviceId|key` from GET /assets/suggestions); the asset
   * is linked to it so the same peripheral is never offered again.
   */
  peripheralRef: z.string().min(3).max(400).optional(),
  notes: zText(5000).optional(),
});
export type AssetCreate = z.infer<typeof zAssetCreate>;

const nullable = <T extends z.ZodType>(s: T) => s.nullable().optional();

export const zAssetUpdate = z
  .object({
    unitCode: zUnitCode.optional(),
    kind: z.enum(ASSET_KINDS).optional(),
    name: zName.optional(),
    assetTag: zAssetTag.optional(),
    manufacturer: nullable(zText(200)),
    model: nullable(zText(200)),
    serial: nullable(zText(200)),
    purchasedOn: nullable(zIsoDate),
    priceVnd: nullable(zVnd),
    fundingSource: nullable(zText(200)),
    warrantyUntil: nullable(zIsoDate),
    supplierId: nullable(zId),
    status: z.enum(ASSET_STATUSES).optional(),
    /** Why the status changed (kept on the status timeline). */
    statusNote: zText(2000).optional(),
    deviceId: nullable(zId),
    notes: nullable(zText(5000)),
  })
  .refine((v) => Object.keys(v).length > 0, { message: 'cần ít nhất một trường để sửa' });
export type AssetUpdate = z.infer<typeof zAssetUpdate>;

export const zAssetListQuery = z.object({
  unit: zUnitCode.optional(),
  kind: z.enum(ASSET_KINDS).optional(),
  status: z.enum(ASSET_STATUSES).optional(),
  q: z.string().trim().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(512).optional(),
});
export type AssetListQuery = z.infer<typeof zAssetListQuery>;

/** A fault reported from the counter (scanned label): opens a manual ticket linked to the asset. */
export const zAssetFaultReport = z.object({
  description: z.string().trim().min(1).max(5000),
  severity: z.enum(['critical', 'major', 'minor']).default('major'),
});
export type AssetFaultReport = z.infer<typeof zAssetFaultReport>;

export interface SupplierRef {
  id: string;
  name: string;
  phone: string | null;
  email: string | null;
}

export interface AssetView {
  id: string;
  assetTag: string;
  unitCode: string;
  unitName: string;
  kind: (typeof ASSET_KINDS)[number];
  name: string;
  manufacturer: string | null;
  model: string | null;
  serial: string | null;
  purchasedOn: string | null;
  priceVnd: number | null;
  fundingSource: string | null;
  warrantyUntil: string | null;
  /** `in_warranty` until the end of `warrantyUntil` (Asia/Ho_Chi_Minh), `expired` after, `unknown` without a date. */
  warranty: 'in_warranty' | 'expired' | 'unknown';
  supplier: SupplierRef | null;
  status: (typeof ASSET_STATUSES)[number];
  statusSince: string;
  deviceId: string | null;
  peripheralRef: string | null;
  notes: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface AssetStatusChange {
  at: string;
  from: string | null;
  to: string;
  unitCode: string;
  by: string | null;
  note: string | null;
  ticketId: string | null;
}

export interface AssetDetail extends AssetView {
  tickets: {
    id: string;
    number: number;
    status: string;
    title: string;
    createdAt: string;
    costEstimateVnd: number | null;
  }[];
  /** Sum of the cost estimates of its resolved and closed tickets (VND). */
  repairCostVnd: number;
  history: AssetStatusChange[];
}

// ---- suppliers ---------------------------------------------------------------------------------

export const zSupplierCreate = z.object({
  name: zName,
  phone: zText(40).optional(),
  email: z.email().max(254).optional(),
  taxCode: z
    .string()
    .trim()
    .regex(/^\d{10}(-\d{3})?$/, 'mã số thuế gồm 10 chữ số, hoặc 10 chữ số, "-" và 3 chữ số')
    .optional(),
});
export type SupplierCreate = z.infer<typeof zSupplierCreate>;
export const zSupplierUpdate = zSupplierCreate.partial();

export interface SupplierView extends SupplierRef {
  taxCode: string | null;
  createdAt: string;
}

// ---- the equipment standard --------------------------------------------------------------------

const zRequirementBase = {
  id: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[a-z0-9_]+$/, 'chữ thường, số và "_"'),
  title: z.object({ vi: z.string().trim().min(1).max(300), en: z.string().trim().min(1).max(300) }),
  /** The decision that sets this minimum (number, date, article); empty only while a draft. */
  legalBasis: z.string().trim().max(500),
};

export const UNIT_ATTRIBUTES = ['areaM2', 'officers', 'digitizingOfficers'] as const;

export const zRequirement = z.discriminatedUnion('form', [
  /** A figure of the unit itself: `areaM2 ≥ 40`. */
  z.object({
    ...zRequirementBase,
    form: z.literal('unit_attribute'),
    attribute: z.enum(UNIT_ATTRIBUTES),
    min: z.number().min(0),
  }),
  /** In-use assets of a kind per unit figure: `pc ≥ 1 × officers` (rounded up). */
  z.object({
    ...zRequirementBase,
    form: z.literal('ratio'),
    kind: z.enum(ASSET_KINDS),
    per: z.enum(['officers', 'digitizingOfficers']),
    ratio: z.number().positive().max(100),
  }),
  /** In-use assets of a kind per unit: `photocopier ≥ 1`. */
  z.object({
    ...zRequirementBase,
    form: z.literal('count'),
    kind: z.enum(ASSET_KINDS),
    min: z.number().int().min(1).max(1000),
  }),
]);
export type Requirement = z.infer<typeof zRequirement>;

export const zEquipmentStandardBody = z
  .object({
    name: z.string().trim().min(1).max(300),
    legalBasis: z.string().trim().max(500).default(''),
    /** When the version takes effect (default: now); a future date schedules it. */
    activatedAt: zIsoDateTime.optional(),
    requirements: z.array(zRequirement).min(1).max(100),
  })
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    s.requirements.forEach((r, i) => {
      if (seen.has(r.id))
        ctx.addIssue({ code: 'custom', path: ['requirements', i, 'id'], message: `mã "${r.id}" bị trùng` });
      seen.add(r.id);
    });
  });
export type EquipmentStandardBody = z.infer<typeof zEquipmentStandardBody>;

export interface EquipmentStandardView {
  version: number;
  name: string;
  legalBasis: string;
  activatedAt: string;
  activatedBy: string | null;
  requirements: Requirement[];
}

// ---- compliance --------------------------------------------------------------------------------

export const zComplianceQuery = z.object({
  unit: zUnitCode.optional(),
  at: zIsoDateTime.optional(),
});

export interface ComplianceFailing {
  unitCode: string;
  unitName: string;
  have: number | null;
  need: number | null;
  /** `missing_data`: the unit's figure the requirement needs (area, officers) is not declared. */
  reason: 'shortfall' | 'missing_data';
}

export interface ComplianceRequirement {
  id: string;
  title: { vi: string; en: string };
  legalBasis: string;
  form: Requirement['form'];
  metUnits: number;
  totalUnits: number;
  failing: ComplianceFailing[];
}

export interface ComplianceView {
  standardVersion: number;
  at: string;
  unitCode: string;
  unitName: string;
  /** Units at the matrix's lowest level in the subtree (the counters). */
  units: number;
  /** Units meeting every requirement. */
  fullyCompliantUnits: number;
  requirements: ComplianceRequirement[];
  /** Equipment out of service (broken or under repair) by kind, and since when the oldest has been. */
  broken: { kind: string; count: number; brokenSince: string; longestDays: number }[];
  /** One unit's checklist (when the subtree is a single counter unit). */
  checklist?: { id: string; met: boolean; have: number | null; need: number | null; reason?: string }[];
}
