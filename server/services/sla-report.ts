/**
 * The SLA report (`GET /api/v1/reports/sla` and the Reports page): every figure of
 * `domain/sla-report.ts`, aggregated in the database — one query per figure, each a range over an
 * indexed moment (created, responded, resolved, the two deadlines, the approval decision), grouped by
 * unit or category, with medians and p90 taken by window functions. Nothing per ticket leaves SQLite.
 * Scoped like tickets: the caller's `report.read` units, narrowed to one unit's subtree on request.
 */
import { and, inArray, type SQL, sql } from 'drizzle-orm';
import type { SlaReportQuery } from '../../shared/schemas/reports.js';
import { scopeCondition, underPath } from '../db/repos/units.js';
import { approvalSteps, tickets, units } from '../db/schema.js';
import type { Db } from '../db/store.js';
import type { AppDeps } from '../deps.js';
import { scopeIsEmpty, scopeOf } from '../domain/scope.js';
import {
  emptyStats,
  type GroupStats,
  type Period,
  periodOfDays,
  type ReportTicket,
} from '../domain/sla-report.js';
import { fail } from '../errors.js';
import type { UserPrincipal } from './principal.js';
import { unitForCaller } from './units.js';

export interface ReportGroup extends GroupStats {
  /** Unit code or category. */
  label: string;
  /** Unit name (by unit); absent for categories. */
  name?: string;
}

export interface SlaReport {
  from: string;
  to: string;
  /** The period as UTC instants: [periodStart, periodEnd). */
  periodStart: string;
  periodEnd: string;
  /** The moment the report was computed; deadlines after it are not decided yet. */
  generatedAt: string;
  by: 'unit' | 'category';
  unit: { code: string; name: string } | null;
  groups: ReportGroup[];
  total: GroupStats;
}

const LIVE_SQL = sql`${tickets.status} NOT IN ('resolved', 'closed')`;
const PAUSED_BEFORE_DEADLINE = sql`(json_extract(${tickets.sla}, '$.clock') = 'paused'
  AND coalesce(json_extract(${tickets.sla}, '$.usedMinutes'), 0) < coalesce(json_extract(${tickets.sla}, '$.resolveMinutes'), 0))`;

type Key = { k: string | null };

/** Computes the report for `q` as the caller may see it (403 without `report.read` anywhere). */
export async function slaReport(deps: AppDeps, p: UserPrincipal, q: SlaReportQuery): Promise<SlaReport> {
  const db = deps.store.read;
  const scope = scopeOf(p.grants, 'report.read');
  if (scopeIsEmpty(scope))
    throw fail.forbidden({
      vi: 'Vai trò của bạn không cho phép xem báo cáo SLA ở đơn vị nào.',
      en: 'Your roles do not allow reading the SLA report for any unit.',
    });
  const unit = q.unit ? await unitForCaller(db, p, q.unit, 'report.read') : undefined;
  const where = and(scopeCondition(scope), unit ? underPath(units.path, unit.path) : undefined)!;
  const period = periodOfDays(q.from, q.to);
  const now = deps.clock.now().getTime();
  const key = q.by === 'unit' ? sql`${tickets.unitId}` : sql`${tickets.category}`;
  const { groups, total } = await aggregate(db, where, key, period, now);

  const out: ReportGroup[] = groups.map((g) => ({ ...g, label: g.key }));
  if (q.by === 'unit' && out.length > 0) {
    const rows = await db
      .select({ id: units.id, code: units.code, name: units.name })
      .from(units)
      .where(
        inArray(
          units.id,
          out.map((g) => g.key),
        ),
      );
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const g of out) {
      const u = byId.get(g.key);
      g.label = u?.code ?? g.key;
      if (u) g.name = u.name;
    }
  }
  out.sort((a, b) => a.label.localeCompare(b.label, 'vi'));
  return {
    from: q.from,
    to: q.to,
    periodStart: new Date(period.from).toISOString(),
    periodEnd: new Date(period.to).toISOString(),
    generatedAt: new Date(now).toISOString(),
    by: q.by,
    unit: unit ? { code: unit.code, name: unit.name } : null,
    groups: out,
    total,
  };
}

/**
 * Every figure per group key and in total, in SQL. Exported for the test that checks it against the
 * domain's reference `summarise` on the same rows.
 */
export async function aggregate(
  db: Db,
  where: SQL,
  key: SQL,
  p: Period,
  now: number,
): Promise<{ groups: GroupStats[]; total: GroupStats }> {
  const F = p.from;
  const T = p.to;
  const cut = Math.min(p.to, now);
  // Tickets first, by the range of the figure's own moment; each ticket's unit by primary key after.
  // (CROSS JOIN fixes that order in SQLite: left alone, the planner walks every ticket of every unit
  // in scope, 20× slower with 100k tickets.)
  const from = sql`${tickets} CROSS JOIN ${units} ON ${units.id} = ${tickets.unitId}`;

  const opened = await db.all<Key & { n: number }>(sql`
    SELECT ${key} AS k, count(*) AS n FROM ${from}
    WHERE ${where} AND ${tickets.createdAt} >= ${F} AND ${tickets.createdAt} < ${T}
    GROUP BY k`);

  // Resolved in the period: count, met, and nearest-rank median/p90 of wall and working minutes,
  // per group and (k NULL) over all groups together.
  const resolvedCte = sql`WITH r AS (
      SELECT ${key} AS k, round((${tickets.resolvedAt} - ${tickets.createdAt}) / 60000.0) AS wall,
        round(coalesce(json_extract(${tickets.sla}, '$.usedMinutes'), 0)) AS work,
        (${tickets.resolvedAt} <= ${tickets.resolveBy}) AS met
      FROM ${from}
      WHERE ${where} AND ${tickets.resolvedAt} >= ${F} AND ${tickets.resolvedAt} < ${T}
    ), ranked AS (
      SELECT k, wall, work, met,
        row_number() OVER (PARTITION BY k ORDER BY wall) AS rw,
        row_number() OVER (PARTITION BY k ORDER BY work) AS rk,
        count(*) OVER (PARTITION BY k) AS n,
        row_number() OVER (ORDER BY wall) AS trw,
        row_number() OVER (ORDER BY work) AS trk,
        count(*) OVER () AS tn
      FROM r
    )`;
  type Resolved = Key & {
    n: number;
    met: number;
    wall50: number | null;
    wall90: number | null;
    work50: number | null;
    work90: number | null;
  };
  const resolved = await db.all<Resolved & { total: number }>(sql`${resolvedCte}
    SELECT 0 AS total, k, n, sum(met) AS met,
      max(CASE WHEN rw = (n + 1) / 2 THEN wall END) AS wall50,
      max(CASE WHEN rw = (9 * n + 9) / 10 THEN wall END) AS wall90,
      max(CASE WHEN rk = (n + 1) / 2 THEN work END) AS work50,
      max(CASE WHEN rk = (9 * n + 9) / 10 THEN work END) AS work90
    FROM ranked GROUP BY k
    UNION ALL
    SELECT 1 AS total, NULL AS k, tn AS n, sum(met) AS met,
      max(CASE WHEN trw = (tn + 1) / 2 THEN wall END),
      max(CASE WHEN trw = (9 * tn + 9) / 10 THEN wall END),
      max(CASE WHEN trk = (tn + 1) / 2 THEN work END),
      max(CASE WHEN trk = (9 * tn + 9) / 10 THEN work END)
    FROM ranked HAVING count(*) > 0`);

  // Resolution deadline passed in the period without an on-time resolution: resolved late (read from
  // the covering index), or still open (few rows; a paused clock with time left is not decided yet).
  const resolvedLate = await db.all<Key & { n: number }>(sql`
    SELECT ${key} AS k, count(*) AS n FROM ${from}
    WHERE ${where} AND ${tickets.resolveBy} >= ${F} AND ${tickets.resolveBy} < ${cut}
      AND ${tickets.resolvedAt} > ${tickets.resolveBy}
    GROUP BY k`);
  const openLate = await db.all<Key & { breached: number; excluded: number }>(sql`
    SELECT ${key} AS k,
      sum(CASE WHEN ${PAUSED_BEFORE_DEADLINE} THEN 0 ELSE 1 END) AS breached,
      sum(CASE WHEN ${PAUSED_BEFORE_DEADLINE} THEN 1 ELSE 0 END) AS excluded
    FROM ${from}
    WHERE ${where} AND ${tickets.resolveBy} >= ${F} AND ${tickets.resolveBy} < ${cut}
      AND ${tickets.resolvedAt} IS NULL
    GROUP BY k`);
  const resolveLate = [...resolvedLate.map((r) => ({ k: r.k, breached: r.n, excluded: 0 })), ...openLate];

  const respondMet = await db.all<Key & { n: number }>(sql`
    SELECT ${key} AS k, count(*) AS n FROM ${from}
    WHERE ${where} AND ${tickets.respondedAt} >= ${F} AND ${tickets.respondedAt} < ${T}
      AND ${tickets.respondedAt} <= ${tickets.respondBy}
    GROUP BY k`);
  const respondLate = await db.all<Key & { breached: number; excluded: number }>(sql`
    SELECT ${key} AS k,
      sum(CASE WHEN ${tickets.respondedAt} IS NULL AND ${tickets.resolvedAt} <= ${tickets.respondBy} THEN 0 ELSE 1 END) AS breached,
      sum(CASE WHEN ${tickets.respondedAt} IS NULL AND ${tickets.resolvedAt} <= ${tickets.respondBy} THEN 1 ELSE 0 END) AS excluded
    FROM ${from}
    WHERE ${where} AND ${tickets.respondBy} >= ${F} AND ${tickets.respondBy} < ${cut}
      AND (${tickets.respondedAt} IS NULL OR ${tickets.respondedAt} > ${tickets.respondBy})
    GROUP BY k`);

  // Open at the period's end: live now (partial index), or resolved only after the end.
  const backlog = await db.all<Key & { n: number; oldest: number | null }>(sql`
    SELECT k, count(*) AS n, min(c) AS oldest FROM (
      SELECT ${key} AS k, ${tickets.unitId} AS u, ${tickets.createdAt} AS c FROM ${tickets}
      WHERE ${LIVE_SQL} AND ${tickets.createdAt} < ${T}
      UNION ALL
      SELECT ${key} AS k, ${tickets.unitId} AS u, ${tickets.createdAt} AS c FROM ${tickets}
      WHERE ${tickets.resolvedAt} >= ${T} AND ${tickets.createdAt} < ${T}
    ) AS b CROSS JOIN ${units} ON ${units.id} = b.u
    WHERE ${where} GROUP BY k`);

  // Approval chains completed in the period: the current round's last step, approved.
  const approved = await db.all<Key & { n: number; vnd: number }>(sql`
    SELECT ${key} AS k, count(*) AS n, sum(${tickets.costEstimateVnd}) AS vnd
    FROM ${approvalSteps}
      CROSS JOIN ${tickets} ON ${tickets.id} = ${approvalSteps.ticketId} AND ${tickets.approvalRound} = ${approvalSteps.round}
      CROSS JOIN ${units} ON ${units.id} = ${tickets.unitId}
    WHERE ${where} AND ${approvalSteps.decision} = 'approve'
      AND ${approvalSteps.decidedAt} >= ${F} AND ${approvalSteps.decidedAt} < ${T}
      AND ${tickets.costEstimateVnd} IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM ${approvalSteps} s2 WHERE s2.ticket_id = ${approvalSteps.ticketId}
        AND s2.round = ${approvalSteps.round} AND s2.step > ${approvalSteps.step})
    GROUP BY k`);

  const acc = new Map<string, GroupStats>();
  const total = emptyStats('');
  const g = (k: string | null) => {
    const key = String(k);
    let s = acc.get(key);
    if (!s) {
      s = emptyStats(key);
      acc.set(key, s);
    }
    return s;
  };
  for (const r of opened) {
    g(r.k).opened = r.n;
    total.opened += r.n;
  }
  for (const r of resolved) {
    const s = r.total ? total : g(r.k);
    s.resolved = r.n;
    s.resolve.met = r.met;
    s.wallMinutes = { n: r.n, median: r.wall50, p90: r.wall90 };
    s.workMinutes = { n: r.n, median: r.work50, p90: r.work90 };
  }
  for (const r of resolveLate) {
    const s = g(r.k);
    s.resolve.breached += r.breached;
    s.resolve.excluded += r.excluded;
    total.resolve.breached += r.breached;
    total.resolve.excluded += r.excluded;
  }
  for (const r of respondMet) {
    g(r.k).respond.met = r.n;
    total.respond.met += r.n;
  }
  for (const r of respondLate) {
    const s = g(r.k);
    s.respond.breached = r.breached;
    s.respond.excluded = r.excluded;
    total.respond.breached += r.breached;
    total.respond.excluded += r.excluded;
  }
  for (const r of backlog) {
    const s = g(r.k);
    s.backlog = r.n;
    s.oldestBacklogAt = r.oldest;
    total.backlog += r.n;
    if (r.oldest !== null) total.oldestBacklogAt = Math.min(total.oldestBacklogAt ?? r.oldest, r.oldest);
  }
  for (const r of approved) {
    const s = g(r.k);
    s.approvedCount = r.n;
    s.approvedCostVnd = r.vnd;
    total.approvedCount += r.n;
    total.approvedCostVnd += r.vnd;
  }
  const groups = [...acc.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { groups, total };
}

/** The report's rows as the domain sees them (for the agreement test; not used to serve requests). */
export async function reportTickets(db: Db): Promise<ReportTicket[]> {
  const rows = await db.all<{
    unitId: string;
    category: string;
    createdAt: number;
    respondBy: number;
    respondedAt: number | null;
    resolveBy: number;
    resolvedAt: number | null;
    live: number;
    clock: ReportTicket['clock'];
    usedMinutes: number | null;
    resolveMinutes: number | null;
    cost: number | null;
    approvedAt: number | null;
  }>(sql`SELECT ${tickets.unitId} AS unitId, ${tickets.category} AS category, ${tickets.createdAt} AS createdAt,
      ${tickets.respondBy} AS respondBy, ${tickets.respondedAt} AS respondedAt, ${tickets.resolveBy} AS resolveBy,
      ${tickets.resolvedAt} AS resolvedAt, (${LIVE_SQL}) AS live,
      json_extract(${tickets.sla}, '$.clock') AS clock, json_extract(${tickets.sla}, '$.usedMinutes') AS usedMinutes,
      json_extract(${tickets.sla}, '$.resolveMinutes') AS resolveMinutes, ${tickets.costEstimateVnd} AS cost,
      (SELECT s.decided_at FROM ${approvalSteps} s WHERE s.ticket_id = ${tickets.id} AND s.round = ${tickets.approvalRound}
        AND s.decision = 'approve' AND NOT EXISTS (SELECT 1 FROM ${approvalSteps} s2 WHERE s2.ticket_id = s.ticket_id
        AND s2.round = s.round AND s2.step > s.step)) AS approvedAt
    FROM ${tickets}`);
  return rows.map((r) => ({
    unitId: r.unitId,
    category: r.category,
    createdAt: r.createdAt,
    respondBy: r.respondBy,
    respondedAt: r.respondedAt,
    resolveBy: r.resolveBy,
    resolvedAt: r.resolvedAt,
    live: r.live === 1,
    clock: r.clock,
    usedMinutes: r.usedMinutes ?? 0,
    resolveMinutes: r.resolveMinutes ?? 0,
    approvedCostVnd: r.approvedAt !== null ? r.cost : null,
    approvedAt: r.approvedAt,
  }));
}
