import { z } from 'zod';
import { zName, zUnitCode } from './common.js';

export const zUnitCreate = z.object({
  code: zUnitCode,
  name: zName,
  level: z.string().min(1).max(32),
  parentCode: zUnitCode.optional(),
  areaM2: z.number().min(0).max(1_000_000).optional(),
  officers: z.number().int().min(0).max(100_000).optional(),
  digitizingOfficers: z.number().int().min(0).max(100_000).optional(),
});
export type UnitCreate = z.infer<typeof zUnitCreate>;

export const zUnitUpdate = zUnitCreate.omit({ code: true, level: true }).partial().extend({
  parentCode: zUnitCode.optional(),
  // Addition to the contract: `null` clears a figure that is no longer known.
  areaM2: zUnitCreate.shape.areaM2.unwrap().nullable().optional(),
  officers: zUnitCreate.shape.officers.unwrap().nullable().optional(),
  digitizingOfficers: zUnitCreate.shape.digitizingOfficers.unwrap().nullable().optional(),
});
export type UnitUpdate = z.infer<typeof zUnitUpdate>;

export interface UnitView {
  id: string;
  code: string;
  name: string;
  level: string;
  parentCode: string | null;
  areaM2: number | null;
  officers: number | null;
  digitizingOfficers: number | null;
  createdAt: string;
}
