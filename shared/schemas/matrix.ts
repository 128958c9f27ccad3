/**
 * The maintenance matrix (MATRIX.md) as a zod schema: well-formedness only. Completeness,
 * unambiguity, resolvability and cross-references are checked by the server's matrix validator,
 * which returns every problem as explicit cells.
 */
import { z } from 'zod';
import { ROLES } from '../enums.js';
import { zUnitCode, zVnd } from './common.js';

const zKey = z
  .string()
  .min(1)
  .max(32)
  .regex(/^[a-z][a-z0-9_]*$/, 'lower-case letters, digits and "_", starting with a letter');

/** Where a role is held relative to the ticket's unit. */
export const zAt = z
  .string()
  .regex(/^(self|parent|root|level:[a-z][a-z0-9_]*)$/, 'one of self, parent, root or level:NAME');

export const zPlace = z.object({ role: z.enum(ROLES), at: zAt });
export type MatrixPlace = z.infer<typeof zPlace>;

const zStarOr = <T extends z.ZodType>(item: T) => z.union([z.literal('*'), z.array(item).min(1).max(64)]);

const zMinutes = z
  .number()
  .int()
  .min(1)
  .max(366 * 24 * 60);

export const zMatrixRule = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" or "-"'),
  description: z.string().max(2000).optional(),
  when: z.object({
    level: zStarOr(zKey),
    category: zStarOr(zKey),
    severity: zStarOr(zKey),
    costBand: zStarOr(z.number().int().min(0).max(63)),
  }),
  handler: zPlace,
  approvers: z.array(zPlace).max(10).default([]),
  sla: z.object({ respondMinutes: zMinutes, resolveMinutes: zMinutes, approveMinutes: zMinutes }),
  escalation: z
    .array(
      z.object({
        afterMinutes: z
          .number()
          .int()
          .min(0)
          .max(366 * 24 * 60),
        notify: zPlace,
      }),
    )
    .max(10)
    .default([]),
  legalBasis: z.string().max(2000).optional(),
});
export type MatrixRule = z.infer<typeof zMatrixRule>;

export const zMatrix = z.object({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(4000).optional(),
  levels: z.array(zKey).min(1).max(6),
  categories: z.array(zKey).min(1).max(50),
  severities: z.array(zKey).min(1).max(10),
  costBandsVnd: z.array(zVnd).min(1).max(20),
  rules: z.array(zMatrixRule).min(1).max(1000),
  legalBasis: z.string().max(4000).optional(),
});
export type Matrix = z.infer<typeof zMatrix>;
/** What a client may send (defaults not yet applied). */
export type MatrixInput = z.input<typeof zMatrix>;

/** One cell of levels × categories × severities × cost bands. */
export interface MatrixCell {
  level: string;
  category: string;
  severity: string;
  costBand: number;
}

export interface UnresolvedPlace {
  /** The rule that cannot route; `*` when the unit itself does not fit the matrix (unknown level, level order). */
  ruleId: string;
  /** The unit whose tickets could not be routed; absent when no unit of that level could ever resolve it. */
  unitCode?: string;
  /** The level the rule applies at. */
  level: string;
  /** `handler`, `approvers.N` or `escalation.N.notify`; absent for a unit whose level the matrix lacks. */
  field?: string;
  at?: string;
  message: string;
}

export interface UnstaffedWarning {
  role: string;
  unitCode: string;
  ruleIds: string[];
  message: string;
}

export interface MatrixValidation {
  valid: boolean;
  gaps: MatrixCell[];
  overlaps: { cell: MatrixCell; ruleIds: string[] }[];
  unresolved: UnresolvedPlace[];
  /** Structural problems: duplicate ids, bands not ascending, values not in the declared lists. */
  errors: { path: string; message: string }[];
  /** Resolvable places nobody staffs (MATRIX.md rule 3): not errors. */
  warnings: UnstaffedWarning[];
  /** Totals, in case the cell lists were cut to keep the answer small. */
  counts: { cells: number; gaps: number; overlaps: number; unresolved: number };
  truncated: boolean;
}

export const zSimulate = z.object({
  unitCode: zUnitCode,
  category: z.string().min(1).max(32),
  severity: z.string().min(1).max(32),
  costEstimateVnd: zVnd.optional(),
});
export type SimulateBody = z.infer<typeof zSimulate>;

export interface RouteView {
  ruleId: string;
  matrixVersion: number;
  costBand: number;
  handler: { role: string; unitCode: string };
  approvers: { role: string; unitCode: string }[];
  sla: { respondMinutes: number; resolveMinutes: number; approveMinutes: number };
  escalation: { afterMinutes: number; notify: { role: string; unitCode: string } }[];
  explanation: { vi: string; en: string };
  legalBasis?: string;
}
