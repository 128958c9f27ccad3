/**
 * The SLA report's definitions, as pure functions over ticket rows: which tickets count in a period
 * for each figure, the on-time outcome of each target, percentiles, and the period of Vietnamese
 * calendar days. `services/sla-report.ts` computes the same figures in SQL (fast with 100k tickets);
 * a test checks that both agree on random data, so this module is the specification of the report.
 *
 * Definitions (half-open period [from, to), `cut` = min(to, now)):
 * - opened: created in the period. resolved: last resolution in the period (a reopen clears it).
 * - on-time outcome of a target is attributed to the period where it was decided: MET at the moment it
 *   was met (responded / resolved on or before the deadline), BREACHED at the deadline itself (answered
 *   or resolved late, or still not done). A deadline only counts once it has passed (before `cut`).
 * - the resolve deadline is the SLA replay's: paused time (awaiting approval, waiting for parts) and
 *   time while resolved do not count; a paused ticket whose clock has not run out is not yet decided.
 * - a ticket resolved (e.g. recovered by itself) before its response deadline with no response is
 *   excluded from the response figure and counted as such.
 * - time to resolve: wall clock from creation to the last resolution (includes nights, weekends,
 *   pauses and time spent resolved before a reopen); working time: the SLA clock's used minutes.
 * - backlog: created before `to` and not resolved at `to` (by the current state: see docs).
 * - approved cost: the ticket's estimate whose approval chain completed (final step approved) in
 *   the period, on the ticket's current approval round.
 */

export interface ReportTicket {
  unitId: string;
  category: string;
  /** UTC ms. */
  createdAt: number;
  respondBy: number;
  respondedAt: number | null;
  resolveBy: number;
  resolvedAt: number | null;
  /** Live statuses have `resolvedAt` null; resolved/closed have it set. */
  live: boolean;
  clock: 'running' | 'paused' | 'stopped';
  /** Working minutes the resolution clock has run (SLA replay). */
  usedMinutes: number;
  resolveMinutes: number;
  /** Set when the current round's approval chain completed (final step approved). */
  approvedCostVnd: number | null;
  approvedAt: number | null;
}

export interface Period {
  /** UTC ms, inclusive. */
  from: number;
  /** UTC ms, exclusive. */
  to: number;
}

export type Outcome = 'met' | 'breached' | 'excluded' | undefined;

const inP = (t: number | null, from: number, to: number): t is number => t !== null && t >= from && t < to;

/** Response outcome decided in the period (undefined: not decided in it). */
export function respondOutcome(t: ReportTicket, p: Period, now: number): Outcome {
  const cut = Math.min(p.to, now);
  if (t.respondedAt !== null && t.respondedAt <= t.respondBy)
    return inP(t.respondedAt, p.from, p.to) ? 'met' : undefined;
  if (!inP(t.respondBy, p.from, cut)) return undefined;
  if (t.respondedAt !== null) return 'breached';
  // Nobody responded: it was resolved before the deadline (excluded), or the deadline passed unanswered.
  if (t.resolvedAt !== null && t.resolvedAt <= t.respondBy) return 'excluded';
  return 'breached';
}

/** Is a live ticket's resolution clock held by a pause before it ran out? (Not yet decided.) */
export function pausedBeforeDeadline(t: ReportTicket): boolean {
  return t.clock === 'paused' && t.usedMinutes < t.resolveMinutes;
}

/** Resolution outcome decided in the period; 'excluded' = deadline passed in the period while paused. */
export function resolveOutcome(t: ReportTicket, p: Period, now: number): Outcome {
  const cut = Math.min(p.to, now);
  if (t.resolvedAt !== null && t.resolvedAt <= t.resolveBy)
    return inP(t.resolvedAt, p.from, p.to) ? 'met' : undefined;
  if (!inP(t.resolveBy, p.from, cut)) return undefined;
  if (t.resolvedAt !== null) return 'breached';
  return pausedBeforeDeadline(t) ? 'excluded' : 'breached';
}

/** In the backlog at the end of the period (created before it ended, not resolved by then). */
export function inBacklog(t: ReportTicket, p: Period): boolean {
  return t.createdAt < p.to && (t.live || (t.resolvedAt !== null && t.resolvedAt >= p.to));
}

/** Nearest-rank percentile of ascending values: the value at rank ceil(q·n) (q = 0.5, 0.9). */
export function nearestRank(sorted: readonly number[], q: 0.5 | 0.9): number | null {
  if (sorted.length === 0) return null;
  // Integer arithmetic, the same the SQL uses: ceil(n/2) = (n+1)/2, ceil(9n/10) = (9n+9)/10.
  const n = sorted.length;
  const rank = q === 0.5 ? Math.floor((n + 1) / 2) : Math.floor((9 * n + 9) / 10);
  return sorted[rank - 1]!;
}

export interface Rate {
  met: number;
  breached: number;
  /** Not counted either way (see the definitions); shown so nothing disappears silently. */
  excluded: number;
}

export interface Spread {
  n: number;
  /** Minutes (wall clock or working, per field). */
  median: number | null;
  p90: number | null;
}

export interface GroupStats {
  key: string;
  opened: number;
  resolved: number;
  respond: Rate;
  resolve: Rate;
  /** Wall-clock minutes from creation to last resolution, of tickets resolved in the period. */
  wallMinutes: Spread;
  /** Working minutes the SLA clock ran (pauses excluded), of the same tickets. */
  workMinutes: Spread;
  backlog: number;
  /** Creation time of the oldest ticket in the backlog (UTC ms). */
  oldestBacklogAt: number | null;
  approvedCostVnd: number;
  approvedCount: number;
}

export function emptyStats(key: string): GroupStats {
  return {
    key,
    opened: 0,
    resolved: 0,
    respond: { met: 0, breached: 0, excluded: 0 },
    resolve: { met: 0, breached: 0, excluded: 0 },
    wallMinutes: { n: 0, median: null, p90: null },
    workMinutes: { n: 0, median: null, p90: null },
    backlog: 0,
    oldestBacklogAt: null,
    approvedCostVnd: 0,
    approvedCount: 0,
  };
}

function spread(values: number[]): Spread {
  values.sort((a, b) => a - b);
  return { n: values.length, median: nearestRank(values, 0.5), p90: nearestRank(values, 0.9) };
}

const MINUTE = 60_000;

/**
 * The reference computation: every figure for each group (`keyOf` a ticket) and for all of them
 * together. Groups with nothing to show are left out. Durations are rounded to whole minutes.
 */
export function summarise(
  rows: readonly ReportTicket[],
  p: Period,
  now: number,
  keyOf: (t: ReportTicket) => string,
): { groups: GroupStats[]; total: GroupStats } {
  const acc = new Map<string, { s: GroupStats; wall: number[]; work: number[] }>();
  const total = { s: emptyStats(''), wall: [] as number[], work: [] as number[] };
  for (const t of rows) {
    const key = keyOf(t);
    let g = acc.get(key);
    const touch = () => {
      if (!g) {
        g = { s: emptyStats(key), wall: [], work: [] };
        acc.set(key, g);
      }
      return g;
    };
    const both = (f: (x: { s: GroupStats; wall: number[]; work: number[] }) => void) => {
      f(touch());
      f(total);
    };
    if (inP(t.createdAt, p.from, p.to)) both((x) => x.s.opened++);
    if (inP(t.resolvedAt, p.from, p.to)) {
      const wall = Math.round((t.resolvedAt - t.createdAt) / MINUTE);
      const work = Math.round(t.usedMinutes);
      both((x) => {
        x.s.resolved++;
        x.wall.push(wall);
        x.work.push(work);
      });
    }
    const ro = respondOutcome(t, p, now);
    if (ro) both((x) => x.s.respond[ro]++);
    const so = resolveOutcome(t, p, now);
    if (so) both((x) => x.s.resolve[so]++);
    if (inBacklog(t, p))
      both((x) => {
        x.s.backlog++;
        x.s.oldestBacklogAt = Math.min(x.s.oldestBacklogAt ?? t.createdAt, t.createdAt);
      });
    if (t.approvedCostVnd !== null && inP(t.approvedAt, p.from, p.to)) {
      const cost = t.approvedCostVnd;
      both((x) => {
        x.s.approvedCostVnd += cost;
        x.s.approvedCount++;
      });
    }
  }
  const finish = (x: { s: GroupStats; wall: number[]; work: number[] }) => ({
    ...x.s,
    wallMinutes: spread(x.wall),
    workMinutes: spread(x.work),
  });
  const groups = [...acc.values()].map(finish).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { groups, total: finish(total) };
}

/** Percentage of met among decided, or null when nothing was decided (never "0 %" of nothing). */
export function onTimePct(r: Rate): number | null {
  const n = r.met + r.breached;
  return n === 0 ? null : (100 * r.met) / n;
}

// ---- periods of Vietnamese calendar days -----------------------------------------------------------

/** Vietnam is UTC+7 all year (no daylight saving). */
const VN_OFFSET_MS = 7 * 3_600_000;
const DAY_MS = 86_400_000;
export const MAX_REPORT_DAYS = 366;

/** Midnight (Asia/Ho_Chi_Minh) at the start of a `YYYY-MM-DD` day, as UTC ms. */
export function vnDayStart(day: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) - VN_OFFSET_MS;
}

/** The Vietnamese calendar day (`YYYY-MM-DD`) containing `at`. */
export function vnDayOf(at: number): string {
  return new Date(at + VN_OFFSET_MS).toISOString().slice(0, 10);
}

/** `from` and `to` inclusive calendar days → the half-open UTC interval. */
export function periodOfDays(from: string, to: string): Period {
  return { from: vnDayStart(from), to: vnDayStart(to) + DAY_MS };
}

/** Inclusive number of days from `from` to `to` (1 for the same day). */
export function daysInclusive(from: string, to: string): number {
  return Math.round((vnDayStart(to) - vnDayStart(from)) / DAY_MS) + 1;
}

export type PresetPeriod = 'this_month' | 'last_month' | 'this_quarter' | 'last_quarter';

/** A named period relative to `now` (in Vietnamese days), as inclusive `from`/`to` days. */
export function presetPeriod(preset: PresetPeriod, now: number): { from: string; to: string } {
  const today = vnDayOf(now);
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7)) - 1;
  const day = (yy: number, mm: number, dd: number) =>
    new Date(Date.UTC(yy, mm, dd)).toISOString().slice(0, 10);
  switch (preset) {
    case 'this_month':
      return { from: day(y, m, 1), to: day(y, m + 1, 0) };
    case 'last_month':
      return { from: day(y, m - 1, 1), to: day(y, m, 0) };
    case 'this_quarter': {
      const q = m - (m % 3);
      return { from: day(y, q, 1), to: day(y, q + 3, 0) };
    }
    case 'last_quarter': {
      const q = m - (m % 3) - 3;
      return { from: day(y, q, 1), to: day(y, q + 3, 0) };
    }
  }
}
