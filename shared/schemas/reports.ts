/**
 * The SLA report's query (`GET /api/v1/reports/sla`): a period of Vietnamese calendar days (`to`
 * inclusive, at most 366 days), an optional unit (its subtree, within the caller's scope), the grouping
 * and the format. Shared by the API route and the UI's report page.
 */
import { z } from 'zod';
import { zUnitCode } from './common.js';

export const REPORT_MAX_DAYS = 366;

/** A real calendar day `YYYY-MM-DD` (2026-02-30 is refused, not rolled over). */
export const zCalendarDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a calendar day YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s && s >= '2000-01-01';
  }, 'not a real calendar day (YYYY-MM-DD, from 2000-01-01)');

const dayMs = (s: string) => new Date(`${s}T00:00:00Z`).getTime();

export const zSlaReportQuery = z
  .object({
    from: zCalendarDay,
    to: zCalendarDay,
    unit: zUnitCode.optional(),
    by: z.enum(['unit', 'category']).default('unit'),
    format: z.enum(['json', 'csv']).optional(),
  })
  .superRefine((q, ctx) => {
    if (q.to < q.from) ctx.addIssue({ code: 'custom', path: ['to'], message: '"to" is before "from"' });
    else if ((dayMs(q.to) - dayMs(q.from)) / 86_400_000 + 1 > REPORT_MAX_DAYS)
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: `the period is longer than ${REPORT_MAX_DAYS} days`,
      });
  });
export type SlaReportQuery = z.infer<typeof zSlaReportQuery>;
