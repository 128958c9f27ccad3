/**
 * Building blocks of the contract's schemas: ids, unit codes, timestamps, pagination.
 * Limits on string lengths exist so a hostile client cannot make the server store megabytes in a name.
 */
import { z } from 'zod';

export const zId = z.string().min(1).max(64);

/** Unit codes are human: `HN`, `HN-TX-KD`, or the statistics office's `00004`. */
export const zUnitCode = z
  .string()
  .min(1)
  .max(32)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" or "-", starting with a letter or digit');

/** ISO-8601 timestamp with an explicit offset (the contract says UTC; any offset is accepted and normalised). */
export const zIsoDateTime = z.iso.datetime({ offset: true });

export const zName = z.string().trim().min(1).max(200);

export const zListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(512).optional(),
});
export type ListQuery = z.infer<typeof zListQuery>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Money is an integer number of VND (no fractional đồng), bounded to something a unit could spend. */
export const zVnd = z.number().int().min(0).max(1_000_000_000_000);
