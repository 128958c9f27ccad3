/** The SLA report's definitions (domain/sla-report.ts): outcomes, boundaries, percentiles, periods. */
import { describe, expect, it } from 'vitest';
import {
  daysInclusive,
  inBacklog,
  nearestRank,
  onTimePct,
  type Period,
  periodOfDays,
  presetPeriod,
  type ReportTicket,
  resolveOutcome,
  respondOutcome,
  summarise,
  vnDayOf,
} from '../../server/domain/sla-report.js';

const H = 3_600_000;
/** March 2026 in Vietnam: 2026-02-28T17:00Z .. 2026-03-31T17:00Z. */
const P: Period = periodOfDays('2026-03-01', '2026-03-31');
const at = (iso: string) => Date.parse(iso);
const NOW = at('2026-05-01T00:00:00+07:00');

function ticket(over: Partial<ReportTicket>): ReportTicket {
  const createdAt = over.createdAt ?? at('2026-03-10T09:00:00+07:00');
  return {
    unitId: 'u1',
    category: 'hardware',
    createdAt,
    respondBy: createdAt + 4 * H,
    respondedAt: createdAt + 1 * H,
    resolveBy: createdAt + 24 * H,
    resolvedAt: createdAt + 5 * H,
    live: false,
    clock: 'stopped',
    usedMinutes: 300,
    resolveMinutes: 1440,
    approvedCostVnd: null,
    approvedAt: null,
    ...over,
  };
}

describe('period of Vietnamese calendar days', () => {
  it('is [00:00+07 of from, 00:00+07 after to)', () => {
    expect(new Date(P.from).toISOString()).toBe('2026-02-28T17:00:00.000Z');
    expect(new Date(P.to).toISOString()).toBe('2026-03-31T17:00:00.000Z');
    expect(daysInclusive('2026-03-01', '2026-03-31')).toBe(31);
    expect(daysInclusive('2024-01-01', '2024-12-31')).toBe(366);
    expect(vnDayOf(at('2026-03-31T23:59:59+07:00'))).toBe('2026-03-31');
    expect(vnDayOf(at('2026-03-31T17:00:00Z'))).toBe('2026-04-01');
  });

  it.each([
    ['this_month', '2026-05-01T00:00:00+07:00', '2026-05-01', '2026-05-31'],
    ['last_month', '2026-05-01T00:00:00+07:00', '2026-04-01', '2026-04-30'],
    ['last_month', '2026-01-15T10:00:00+07:00', '2025-12-01', '2025-12-31'],
    ['this_quarter', '2026-05-01T00:00:00+07:00', '2026-04-01', '2026-06-30'],
    ['last_quarter', '2026-02-10T00:00:00+07:00', '2025-10-01', '2025-12-31'],
    // 30 April 18:00 UTC is already 1 May in Hanoi.
    ['this_month', '2026-04-30T18:00:00Z', '2026-05-01', '2026-05-31'],
    ['this_month', '2024-02-10T00:00:00+07:00', '2024-02-01', '2024-02-29'],
  ] as const)('%s at %s is %s..%s', (preset, now, from, to) => {
    expect(presetPeriod(preset, at(now))).toEqual({ from, to });
  });
});

describe('response outcome', () => {
  const created = at('2026-03-10T09:00:00+07:00');
  it.each([
    ['responded before the deadline, in the period', { respondedAt: created + H }, 'met'],
    ['responded exactly on the deadline', { respondedAt: created + 4 * H }, 'met'],
    ['responded one ms late', { respondedAt: created + 4 * H + 1 }, 'breached'],
    [
      'no response, still open past the deadline',
      { respondedAt: null, resolvedAt: null, live: true },
      'breached',
    ],
    [
      'no response, resolved after the deadline',
      { respondedAt: null, resolvedAt: created + 5 * H },
      'breached',
    ],
    [
      'no response, recovered before the deadline',
      { respondedAt: null, resolvedAt: created + 2 * H },
      'excluded',
    ],
  ] as const)('%s → %s', (_label, over, expected) => {
    expect(respondOutcome(ticket({ createdAt: created, ...over }), P, NOW)).toBe(expected);
  });

  it('a deadline exactly at the period end belongs to the next period', () => {
    const t = ticket({ createdAt: P.to - 4 * H, respondedAt: null, resolvedAt: null, live: true });
    expect(t.respondBy).toBe(P.to);
    expect(respondOutcome(t, P, NOW)).toBeUndefined();
    expect(respondOutcome(t, { from: P.to, to: P.to + 30 * 24 * H }, NOW)).toBe('breached');
  });

  it('a deadline in the period that has not passed yet is not decided', () => {
    const now = at('2026-03-10T10:00:00+07:00');
    const t = ticket({ respondedAt: null, resolvedAt: null, live: true });
    expect(respondOutcome(t, P, now)).toBeUndefined();
  });

  it('a late response counts where the deadline fell, an on-time one where the response fell', () => {
    const t = ticket({ createdAt: P.to - 2 * H, respondedAt: P.to + H });
    expect(respondOutcome(t, P, NOW)).toBeUndefined();
    expect(respondOutcome(t, { from: P.to, to: P.to + 24 * H }, NOW)).toBe('met');
    const late = ticket({ createdAt: P.to - 6 * H, respondedAt: P.to + H });
    expect(respondOutcome(late, P, NOW)).toBe('breached');
    expect(respondOutcome(late, { from: P.to, to: P.to + 24 * H }, NOW)).toBeUndefined();
  });
});

describe('resolution outcome', () => {
  const created = at('2026-03-10T09:00:00+07:00');
  it.each([
    ['resolved before the deadline', { resolvedAt: created + 5 * H }, 'met'],
    ['resolved exactly on the deadline', { resolvedAt: created + 24 * H }, 'met'],
    ['resolved after the deadline', { resolvedAt: created + 25 * H }, 'breached'],
    ['open past the deadline, running', { resolvedAt: null, live: true, clock: 'running' }, 'breached'],
    // Paused (awaiting approval) with clock time left: its deadline moves; no outcome yet.
    [
      'paused before the clock ran out',
      { resolvedAt: null, live: true, clock: 'paused', usedMinutes: 600 },
      'excluded',
    ],
    // Paused after the clock had already run out: the breach happened.
    [
      'paused after the clock ran out',
      { resolvedAt: null, live: true, clock: 'paused', usedMinutes: 1440 },
      'breached',
    ],
  ] as const)('%s → %s', (_label, over, expected) => {
    expect(resolveOutcome(ticket({ createdAt: created, ...over }), P, NOW)).toBe(expected);
  });

  it('a deadline exactly at the period end is decided in the next period', () => {
    const t = ticket({ createdAt: P.to - 24 * H, resolvedAt: null, live: true, clock: 'running' });
    expect(t.resolveBy).toBe(P.to);
    expect(resolveOutcome(t, P, NOW)).toBeUndefined();
    expect(resolveOutcome(t, { from: P.to, to: P.to + H }, NOW)).toBe('breached');
  });

  it('a resolution exactly at the period end belongs to the next period', () => {
    const t = ticket({ createdAt: P.to - 5 * H, resolvedAt: P.to });
    expect(resolveOutcome(t, P, NOW)).toBeUndefined();
    expect(resolveOutcome(t, { from: P.to, to: P.to + H }, NOW)).toBe('met');
  });

  it('a reopened ticket counts once, by its final outcome', () => {
    // Resolved on time on 10 March, reopened, resolved again late (replayed deadline 11 March) on 2 April.
    const reopenedLate = ticket({
      resolvedAt: at('2026-04-02T10:00:00+07:00'),
      resolveBy: at('2026-03-11T09:00:00+07:00'),
    });
    expect(resolveOutcome(reopenedLate, P, NOW)).toBe('breached');
    expect(resolveOutcome(reopenedLate, periodOfDays('2026-04-01', '2026-04-30'), NOW)).toBeUndefined();
    // Reopened and still open (a reopen clears resolvedAt): in the backlog, not resolved.
    const stillOpen = ticket({ resolvedAt: null, live: true, resolveBy: at('2026-04-20T09:00:00+07:00') });
    const s = summarise([stillOpen], P, NOW, (t) => t.unitId);
    expect(s.total.resolved).toBe(0);
    expect(s.total.backlog).toBe(1);
  });
});

describe('backlog at period end', () => {
  it.each([
    ['live, created in the period', { resolvedAt: null, live: true }, true],
    ['resolved in the period', {}, false],
    ['resolved exactly at the end', { createdAt: P.to - 5 * H, resolvedAt: P.to }, true],
    ['resolved after the end', { createdAt: P.to - 5 * H, resolvedAt: P.to + H }, true],
    ['created exactly at the end', { createdAt: P.to, resolvedAt: null, live: true }, false],
  ] as const)('%s → %s', (_label, over, expected) => {
    expect(inBacklog(ticket(over), P)).toBe(expected);
  });
});

describe('percentiles (nearest rank)', () => {
  it.each([
    [[], null, null],
    [[7], 7, 7],
    [[1, 2], 1, 2],
    [[1, 2, 3], 2, 3],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5, 9],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100], 6, 10],
  ])('%j → median %s, p90 %s', (values, median, p90) => {
    expect(nearestRank(values, 0.5)).toBe(median);
    expect(nearestRank(values, 0.9)).toBe(p90);
  });
});

describe('summarise', () => {
  it('groups, totals and the cost of completed approvals only', () => {
    const c = at('2026-03-05T08:00:00+07:00');
    const rows: ReportTicket[] = [
      ticket({ unitId: 'a', createdAt: c, resolvedAt: c + 2 * H, usedMinutes: 120 }),
      ticket({
        unitId: 'a',
        createdAt: c,
        resolvedAt: c + 30 * H,
        usedMinutes: 540,
        approvedCostVnd: 8_500_000,
        approvedAt: c + 3 * H,
      }),
      ticket({
        unitId: 'b',
        createdAt: c,
        resolvedAt: null,
        live: true,
        clock: 'running',
        respondedAt: null,
      }),
      // Approved in February: not this period's cost.
      ticket({
        unitId: 'b',
        createdAt: at('2026-02-01T08:00:00+07:00'),
        resolvedAt: at('2026-02-02T08:00:00+07:00'),
        approvedCostVnd: 1_000_000,
        approvedAt: at('2026-02-01T12:00:00+07:00'),
      }),
    ];
    const s = summarise(rows, P, NOW, (t) => t.unitId);
    expect(s.groups.map((g) => g.key)).toEqual(['a', 'b']);
    const a = s.groups[0]!;
    expect(a).toMatchObject({
      opened: 2,
      resolved: 2,
      backlog: 0,
      approvedCostVnd: 8_500_000,
      approvedCount: 1,
    });
    expect(a.resolve).toEqual({ met: 1, breached: 1, excluded: 0 });
    expect(a.wallMinutes).toEqual({ n: 2, median: 120, p90: 1800 });
    expect(a.workMinutes).toEqual({ n: 2, median: 120, p90: 540 });
    const b = s.groups[1]!;
    expect(b).toMatchObject({ opened: 1, resolved: 0, backlog: 1, oldestBacklogAt: c, approvedCostVnd: 0 });
    expect(b.respond).toEqual({ met: 0, breached: 1, excluded: 0 });
    expect(b.resolve).toEqual({ met: 0, breached: 1, excluded: 0 });
    expect(s.total).toMatchObject({ opened: 3, resolved: 2, backlog: 1, approvedCostVnd: 8_500_000 });
    expect(s.total.respond).toEqual({ met: 2, breached: 1, excluded: 0 });
    expect(onTimePct(s.total.resolve)).toBeCloseTo(100 / 3);
    expect(onTimePct({ met: 0, breached: 0, excluded: 3 })).toBeNull();
  });
});
