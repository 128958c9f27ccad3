/**
 * Maintenance windows in time: which occurrence of a one-off or recurring window covers an instant.
 * Recurrence is in Vietnam's local time (UTC+7 all year, no daylight saving), so "every Saturday
 * 07:00–11:00" stays at 07:00 local: an occurrence is the first one shifted by whole days.
 */

const DAY = 86_400_000;
/** Asia/Ho_Chi_Minh has had no daylight saving time since 1975. */
const VN_OFFSET = 7 * 3_600_000;

export interface WindowTimes {
  startsAt: Date;
  endsAt: Date;
  recurrence: {
    freq: 'daily' | 'weekly';
    byWeekday?: number[] | undefined;
    until?: string | undefined;
  } | null;
  cancelledAt?: Date | null;
}

/** ISO weekday (1 = Monday … 7 = Sunday) of an instant in Vietnam. */
export function vnWeekday(ms: number): number {
  const d = new Date(ms + VN_OFFSET).getUTCDay();
  return d === 0 ? 7 : d;
}

/** The occurrence `[start, end)` covering `at`, or null. */
export function occurrenceAt(w: WindowTimes, at: Date): { start: Date; end: Date } | null {
  if (w.cancelledAt && w.cancelledAt.getTime() <= at.getTime()) return null;
  const s0 = w.startsAt.getTime();
  const len = w.endsAt.getTime() - s0;
  const t = at.getTime();
  if (!w.recurrence) return t >= s0 && t < s0 + len ? { start: w.startsAt, end: w.endsAt } : null;
  if (t < s0) return null;
  const until = w.recurrence.until ? Date.parse(w.recurrence.until) : Number.POSITIVE_INFINITY;
  const days = w.recurrence.byWeekday ?? [vnWeekday(s0)];
  const k = Math.floor((t - s0) / DAY);
  // An occurrence lasts at most 7 days, so only starts in the last 8 days can cover `at`.
  for (let j = 0; j <= 7 && k - j >= 0; j++) {
    const start = s0 + (k - j) * DAY;
    if (start > until) continue;
    if (w.recurrence.freq === 'weekly' && !days.includes(vnWeekday(start))) continue;
    if (t >= start && t < start + len) return { start: new Date(start), end: new Date(start + len) };
    if (w.recurrence.freq === 'daily') break; // daily occurrences last at most a day: only k and k-1
  }
  return null;
}

export function coversNow(w: WindowTimes, at: Date): boolean {
  return occurrenceAt(w, at) !== null;
}

/** Could this window cover any instant at or after `at`? (for listing and caching current windows) */
export function mayCoverFrom(w: WindowTimes, at: Date): boolean {
  if (w.cancelledAt) return false;
  if (!w.recurrence) return w.endsAt.getTime() > at.getTime();
  const until = w.recurrence.until ? Date.parse(w.recurrence.until) : Number.POSITIVE_INFINITY;
  return until + (w.endsAt.getTime() - w.startsAt.getTime()) > at.getTime();
}
