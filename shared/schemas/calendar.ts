/**
 * A root unit's working calendar (hours, breaks, weekly rest days and openings, holidays, swapped
 * working days) as administrators read and correct it: `GET/PUT /api/v1/calendar`.
 */
import { z } from 'zod';

const zHm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'HH:MM (00:00–24:00)');
const zRange = z.object({ from: zHm, to: zHm });
const zDate = z.iso.date();
const zBilingual = z.object({ vi: z.string().trim().min(1).max(200), en: z.string().trim().min(1).max(200) });

export const zCalendar = z.object({
  name: z.string().trim().min(1).max(200),
  timezone: z.literal('Asia/Ho_Chi_Minh').default('Asia/Ho_Chi_Minh'),
  utcOffsetMinutes: z.number().int().min(-720).max(840).default(420),
  workingHours: z.array(zRange).min(1).max(6),
  breaks: z.array(zRange).max(6).default([]),
  weekend: z.array(z.number().int().min(0).max(6)).max(6).default([0, 6]),
  weeklyOpenings: z
    .array(z.object({ weekday: z.number().int().min(0).max(6), hours: z.array(zRange).min(1).max(6) }))
    .max(7)
    .default([]),
  holidays: z
    .array(
      z.object({
        date: zDate,
        name: zBilingual,
        status: z.enum(['official', 'law', 'computed']).default('official'),
        source: z.string().max(500).optional(),
      }),
    )
    .max(2000),
  workingDays: z
    .array(
      z.object({
        date: zDate,
        name: zBilingual,
        hours: z.array(zRange).min(1).max(6).optional(),
        status: z.enum(['official', 'computed']).default('official'),
        source: z.string().max(500).optional(),
      }),
    )
    .max(500)
    .default([]),
  notes: z.array(z.string().max(1000)).max(20).optional(),
});
export type CalendarPut = z.infer<typeof zCalendar>;
