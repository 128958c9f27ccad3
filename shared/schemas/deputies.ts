/**
 * Deputies: a user standing in for another's role at a unit for a date range (leave), or acting in a
 * vacant post (no principal). `POST/GET/DELETE /api/v1/deputies`.
 */
import { z } from 'zod';
import { zId, zIsoDateTime, zUnitCode } from './common.js';

export const zDeputyCreate = z
  .object({
    /** The user whose role is delegated; omitted (admin only) for a vacant post. */
    principalId: zId.optional(),
    deputyId: zId,
    role: z.enum(['unit_head', 'it_staff']),
    unitCode: zUnitCode,
    startsAt: zIsoDateTime,
    endsAt: zIsoDateTime,
    reason: z.string().trim().max(500).optional(),
  })
  .superRefine((d, ctx) => {
    const a = Date.parse(d.startsAt);
    const b = Date.parse(d.endsAt);
    if (b <= a) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
    if (b - a > 366 * 86_400_000)
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'a delegation lasts at most one year' });
  });
export type DeputyCreate = z.infer<typeof zDeputyCreate>;

export const zDeputyListQuery = z.object({
  unit: zUnitCode.optional(),
  active: z.enum(['0', '1', 'true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(512).optional(),
});

export interface DeputyView {
  id: string;
  principalId: string | null;
  principalName: string | null;
  deputyId: string;
  deputyName: string;
  role: 'unit_head' | 'it_staff';
  unitCode: string;
  startsAt: string;
  endsAt: string;
  reason: string | null;
  createdBy: string;
  createdAt: string;
  revokedAt: string | null;
  active: boolean;
}
