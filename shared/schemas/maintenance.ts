/**
 * Maintenance windows: a unit (and its subtree) or one device, a time range, a reason and an optional
 * weekly or daily recurrence in Asia/Ho_Chi_Minh. Faults inside a window open no tickets.
 */
import { z } from 'zod';
import { zId, zIsoDateTime, zUnitCode } from './common.js';

export const zRecurrence = z
  .object({
    freq: z.enum(['daily', 'weekly']),
    /** ISO weekdays in Vietnam's local time: 1 = Monday … 7 = Sunday (weekly only). */
    byWeekday: z.array(z.number().int().min(1).max(7)).min(1).max(7).optional(),
    /** No occurrence starts after this instant. */
    until: zIsoDateTime.optional(),
  })
  .strict();
export type Recurrence = z.infer<typeof zRecurrence>;

export const zMaintenanceWindowCreate = z
  .object({
    unitCode: zUnitCode.optional(),
    deviceId: zId.optional(),
    startsAt: zIsoDateTime,
    endsAt: zIsoDateTime,
    reason: z.string().trim().min(1).max(500),
    recurrence: zRecurrence.nullable().optional(),
  })
  .strict()
  .superRefine((w, ctx) => {
    if (!w.unitCode && !w.deviceId)
      ctx.addIssue({ code: 'custom', path: ['unitCode'], message: 'give unitCode or deviceId' });
    const start = Date.parse(w.startsAt);
    const end = Date.parse(w.endsAt);
    if (!(end > start)) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
    const maxLen =
      w.recurrence?.freq === 'daily' ? 86_400_000 : w.recurrence ? 7 * 86_400_000 : 31 * 86_400_000;
    if (end - start > maxLen)
      ctx.addIssue({
        code: 'custom',
        path: ['endsAt'],
        message: w.recurrence
          ? `one occurrence may last at most ${w.recurrence.freq === 'daily' ? '24 hours' : '7 days'}`
          : 'a one-off window may last at most 31 days',
      });
    if (w.recurrence?.until && Date.parse(w.recurrence.until) < start)
      ctx.addIssue({ code: 'custom', path: ['recurrence', 'until'], message: 'must not be before startsAt' });
  });
export type MaintenanceWindowCreate = z.infer<typeof zMaintenanceWindowCreate>;

export const zMaintenanceWindowQuery = z.object({
  unit: zUnitCode.optional(),
  deviceId: zId.optional(),
  /** `1`: only windows active now or later (default); `0`: also the past. */
  current: z.enum(['0', '1']).default('1'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(512).optional(),
});

export interface MaintenanceWindowView {
  id: string;
  unitCode: string;
  deviceId: string | null;
  startsAt: string;
  endsAt: string;
  recurrence: Recurrence | null;
  reason: string;
  createdBy: string;
  createdAt: string;
  cancelledAt: string | null;
  /** Is an occurrence of it in force right now? */
  activeNow: boolean;
}
