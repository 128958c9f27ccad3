/**
 * Compliance with the equipment standard: the figures (per requirement, how many counter units meet
 * it and which do not — "60/627 đơn vị chưa có máy quét"), computed from the register at any moment,
 * and the compliance tickets (one per unit and requirement, resolved when met again).
 *
 * "Now" reads the assets table (a group-by over a covering index); a past moment reads the register's history
 * (`asset_events`: the last state of each asset at or before it) and the units' declared figures then
 * (`unit_facts`), so last quarter's figures are reproducible after the register changed.
 */
import { and, eq, inArray, isNull, notInArray, sql } from 'drizzle-orm';
import type { ComplianceView, Requirement } from '../../shared/schemas/assets.js';
import { underPath, type unitById } from '../db/repos/units.js';
import { tickets, units } from '../db/schema.js';
import type { Db } from '../db/write-model.js';
import type { AppDeps } from '../deps.js';
import { type CheckResult, evaluate, type KindCounts, type UnitFigures } from '../domain/compliance.js';
import { grantsFor } from '../domain/scope.js';
import { fail } from '../errors.js';
import { loadCalendar } from './calendar.js';
import { standardAt } from './equipment-standard.js';
import { activeMatrix } from './matrix-active.js';
import type { UserPrincipal } from './principal.js';
import { openTicket, openTicketFor, routingContext, systemChange, ticketOf } from './ticket-core.js';
import { unitForCaller } from './units.js';

type UnitRow = NonNullable<Awaited<ReturnType<typeof unitById>>>;

export interface RegisterSnapshot {
  units: UnitFigures[];
  inUse: Map<string, Map<string, number>>;
  broken: { kind: string; count: number; since: number }[];
  /** Units with equipment entered by a person (not only PCs the agents registered). */
  declared: Set<string>;
}

/** Counter units (the matrix's lowest level) of a subtree that existed at `at`, with their figures then. */
async function counterUnits(db: Db, top: UnitRow, at: Date, live: boolean): Promise<UnitFigures[]> {
  const m = await activeMatrix(db);
  const lowest = m?.body.levels[m.body.levels.length - 1] ?? top.level;
  const t = at.getTime();
  const rows = live
    ? await db
        .select({
          id: units.id,
          code: units.code,
          name: units.name,
          areaM2: units.areaM2,
          officers: units.officers,
          digitizingOfficers: units.digitizingOfficers,
        })
        .from(units)
        .where(and(underPath(units.path, top.path), eq(units.level, lowest), isNull(units.archivedAt)))
        .orderBy(units.code)
    : ((
        await db.all<{
          id: string;
          code: string;
          name: string;
          areaM2: number | null;
          officers: number | null;
          digitizingOfficers: number | null;
        }>(sql`
          SELECT u.id AS id, u.code AS code, u.name AS name,
                 f.area_m2 AS areaM2, f.officers AS officers, f.digitizing_officers AS digitizingOfficers
          FROM units u
          LEFT JOIN unit_facts f ON f.unit_id = u.id AND f.at = (
            SELECT max(f2.at) FROM unit_facts f2 WHERE f2.unit_id = u.id AND f2.at <= ${t})
          WHERE ${underPath(sql`u.path`, top.path)} AND u.level = ${lowest}
            AND u.created_at <= ${t} AND (u.archived_at IS NULL OR u.archived_at > ${t})
          ORDER BY u.code`)
      ).map((r) => ({ ...r })) as UnitFigures[]);
  return rows;
}

/** The register of a subtree at `at` (now when `live`). */
export async function registerSnapshot(
  db: Db,
  top: UnitRow,
  at: Date,
  live: boolean,
): Promise<RegisterSnapshot> {
  const list = await counterUnits(db, top, at, live);
  const inUse = new Map<string, Map<string, number>>();
  const brokenByKind = new Map<string, { count: number; since: number }>();
  const declared = new Set<string>();
  // One row per unit (its kinds as JSON) instead of one per unit × kind × status: moving 25,000 rows
  // into JavaScript cost more than the query itself for a city (bench: 3,000 units, 50,000 assets).
  const t = at.getTime();
  const perKind = live
    ? sql`SELECT a.unit_id AS unit_id, a.kind AS kind, sum(a.status = 'in_use') AS in_use,
            sum(a.status IN ('broken', 'under_repair')) AS out_n,
            min(CASE WHEN a.status IN ('broken', 'under_repair') THEN a.status_since END) AS out_since,
            max(a.device_id IS NULL) AS manual
          FROM assets a JOIN units u ON u.id = a.unit_id
          WHERE ${underPath(sql`u.path`, top.path)} GROUP BY a.unit_id, a.kind`
    : // The asset's state at t: its last history row at or before t (same instant: insertion order).
      sql`SELECT e.unit_id AS unit_id, e.kind AS kind, sum(e.status = 'in_use') AS in_use,
            sum(e.status IN ('broken', 'under_repair')) AS out_n,
            min(CASE WHEN e.status IN ('broken', 'under_repair') THEN e.status_since END) AS out_since,
            max(a.device_id IS NULL) AS manual
          FROM assets a
          JOIN asset_events e ON e.rowid = (SELECT e2.rowid FROM asset_events e2
            WHERE e2.asset_id = a.id AND e2.at <= ${t} ORDER BY e2.at DESC, e2.rowid DESC LIMIT 1)
          JOIN units u ON u.id = e.unit_id
          WHERE ${underPath(sql`u.path`, top.path)} GROUP BY e.unit_id, e.kind`;
  const rows = await db.all<{ unitId: string; kinds: string; manual: number }>(sql`
    SELECT unit_id AS unitId, json_group_object(kind, json_array(in_use, out_n, out_since)) AS kinds,
           max(manual) AS manual FROM (${perKind}) GROUP BY unit_id`);
  const listed = new Set(list.map((u) => u.id));
  for (const r of rows) {
    if (Number(r.manual) > 0) declared.add(r.unitId);
    const m = new Map<string, number>();
    const kinds = JSON.parse(r.kinds) as Record<string, [number, number, number | null]>;
    for (const [kind, [n, out, since]] of Object.entries(kinds)) {
      if (n > 0) m.set(kind, n);
      if (out > 0 && since !== null && listed.has(r.unitId)) {
        const b = brokenByKind.get(kind) ?? { count: 0, since };
        b.count += out;
        b.since = Math.min(b.since, since);
        brokenByKind.set(kind, b);
      }
    }
    if (m.size > 0) inUse.set(r.unitId, m);
  }
  // Out-of-service equipment is counted over the listed counter units only, like the requirements.
  const broken = [...brokenByKind.entries()]
    .map(([kind, b]) => ({ kind, count: b.count, since: b.since }))
    .sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind));
  return { units: list, inUse, broken, declared };
}

/** The unit a caller's figures default to: the widest unit they may read the register of. */
function defaultUnitCode(p: UserPrincipal): string {
  const gs = grantsFor(p.grants, 'asset.read').sort((a, b) => a.unitPath.length - b.unitPath.length);
  if (!gs[0]) throw fail.forbidden();
  return gs[0].unitCode;
}

export async function complianceFigures(
  deps: AppDeps,
  p: UserPrincipal,
  q: { unit?: string | undefined; at?: string | undefined },
): Promise<ComplianceView> {
  const db = deps.store.read;
  const now = deps.clock.now();
  const top = await unitForCaller(db, p, q.unit ?? defaultUnitCode(p), 'asset.read');
  const at = q.at ? new Date(q.at) : now;
  // Within a second of now the live tables are the register "at" that moment.
  const live = !q.at || Math.abs(at.getTime() - now.getTime()) < 1000;
  const [standard, snap] = await Promise.all([standardAt(db, at), registerSnapshot(db, top, at, live)]);
  return figuresView(standard, top, at, snap);
}

export function figuresView(
  standard: { version: number; requirements: Requirement[] },
  top: { code: string; name: string },
  at: Date,
  snap: RegisterSnapshot,
): ComplianceView {
  const { perRequirement, fullyCompliant } = evaluate(
    standard.requirements,
    snap.units,
    snap.inUse as Map<string, KindCounts>,
  );
  const view: ComplianceView = {
    standardVersion: standard.version,
    at: at.toISOString(),
    unitCode: top.code,
    unitName: top.name,
    units: snap.units.length,
    fullyCompliantUnits: fullyCompliant,
    requirements: perRequirement.map((f) => ({
      id: f.requirement.id,
      title: f.requirement.title,
      legalBasis: f.requirement.legalBasis,
      form: f.requirement.form,
      metUnits: f.met,
      totalUnits: snap.units.length,
      failing: f.failing.map(({ unit, result }) => ({
        unitCode: unit.code,
        unitName: unit.name,
        have: result.have,
        need: result.need,
        reason: result.reason ?? 'shortfall',
      })),
    })),
    broken: snap.broken.map((b) => ({
      kind: b.kind,
      count: b.count,
      brokenSince: new Date(b.since).toISOString(),
      longestDays: Math.max(0, Math.floor((at.getTime() - b.since) / 86_400_000)),
    })),
  };
  if (snap.units.length === 1) {
    const u = snap.units[0]!;
    view.checklist = perRequirement.map((f) => {
      const failing = f.failing.find((x) => x.unit.id === u.id);
      const r: CheckResult = failing?.result ?? { met: true, ...metFigures(f.requirement, u, snap) };
      return {
        id: f.requirement.id,
        met: r.met,
        have: r.have,
        need: r.need,
        ...(r.reason ? { reason: r.reason } : {}),
      };
    });
  }
  return view;
}

function metFigures(r: Requirement, u: UnitFigures, snap: RegisterSnapshot) {
  if (r.form === 'unit_attribute') return { have: u[r.attribute], need: r.min };
  const have = snap.inUse.get(u.id)?.get(r.kind) ?? 0;
  if (r.form === 'count') return { have, need: r.min };
  const base = u[r.per] ?? 0;
  return { have, need: Math.ceil(base * r.ratio - 1e-9) };
}

// ---- compliance tickets ------------------------------------------------------------------------

export const COMPLIANCE_ACTOR = { kind: 'system' as const, label: 'compliance' };

export function complianceFingerprint(unitId: string, requirementId: string): string {
  return `compliance|${unitId}|${requirementId}`;
}

/** Tickets opened and resolved per write: bounded, so a first run over a city is many small commits. */
const BATCH = 100;

export interface ComplianceTicketsResult {
  opened: number;
  resolved: number;
  shortfalls: number;
}

/**
 * Brings compliance tickets in line with the register and the standard in force: a shortfall of a
 * declared unit without a live ticket opens one (fingerprint `compliance|unit|requirement`, unique
 * among live tickets, so two runs never duplicate); a live ticket whose shortfall is gone — met again,
 * requirement removed by a new standard, unit archived — resolves itself (or is only marked recovered
 * while a person works it). Units whose register holds only agent-registered PCs are not ticketed:
 * until someone enters their other equipment, "no photocopier" would be noise for every unit.
 * Missing figures (area, officers not declared) are reported on the compliance page, not ticketed.
 */
export async function runComplianceTickets(
  deps: AppDeps,
  now: Date,
  opts: { unitIds?: readonly string[]; resolveOnly?: boolean } = {},
): Promise<ComplianceTicketsResult> {
  const db = deps.store.read;
  const root = (await db.select().from(units).where(isNull(units.parentId)).limit(1))[0];
  if (!root) return { opened: 0, resolved: 0, shortfalls: 0 };
  const [standard, snap] = await Promise.all([standardAt(db, now), registerSnapshot(db, root, now, true)]);
  const only = opts.unitIds ? new Set(opts.unitIds) : undefined;
  const wanted = new Map<string, { unit: UnitFigures; r: Requirement; result: CheckResult }>();
  const { perRequirement } = evaluate(
    standard.requirements,
    snap.units,
    snap.inUse as Map<string, KindCounts>,
  );
  const repairing = await inRepair(db);
  for (const f of perRequirement)
    for (const { unit, result } of f.failing) {
      if (only && !only.has(unit.id)) continue;
      if (result.reason !== 'shortfall') continue;
      const r = f.requirement;
      if (r.form !== 'unit_attribute') {
        if (!snap.declared.has(unit.id)) continue;
        // Equipment out of service with a live repair ticket is being handled: a compliance ticket
        // would only duplicate it. The figures still show the shortfall.
        const pending = repairing.get(`${unit.id}|${r.kind}`) ?? 0;
        if ((result.have ?? 0) + pending >= (result.need ?? 0)) continue;
      }
      wanted.set(complianceFingerprint(unit.id, f.requirement.id), { unit, r: f.requirement, result });
    }
  const live = await db
    .select({ id: tickets.id, fingerprint: tickets.fingerprint, unitId: tickets.unitId })
    .from(tickets)
    .where(
      and(
        eq(tickets.source, 'compliance'),
        notInArray(tickets.status, ['resolved', 'closed']),
        only ? inArray(tickets.unitId, [...only]) : undefined,
      ),
    );
  const liveKeys = new Set(live.map((t) => t.fingerprint));
  const toOpen = opts.resolveOnly ? [] : [...wanted.entries()].filter(([fp]) => !liveKeys.has(fp));
  const toResolve = live.filter((t) => t.fingerprint && !wanted.has(t.fingerprint));
  let opened = 0;
  let resolved = 0;
  const m = await activeMatrix(db);
  const category = m?.body.categories.includes('equipment') ? 'equipment' : 'hardware';
  for (let i = 0; i < toOpen.length; i += BATCH) {
    const chunk = toOpen.slice(i, i + BATCH);
    opened += await deps.store.write(
      async (tx) => {
        let n = 0;
        // Routing and the calendar once per write, not per ticket (a city's first run opens thousands).
        const routing = await routingContext(tx);
        const calendar = await loadCalendar(tx, routing.rootId);
        for (const [fp, w] of chunk) {
          if (await openTicketFor(tx, fp)) continue; // another run opened it meanwhile
          const need = w.result.need;
          const have = w.result.have;
          await openTicket(
            tx,
            deps,
            {
              unitId: w.unit.id,
              category,
              severity: 'minor',
              source: 'compliance',
              fingerprint: fp,
              title: `${w.unit.name} chưa đạt tiêu chuẩn: ${w.r.title.vi} (có ${have ?? 0}, cần ${need ?? '?'})`,
              description:
                `Theo tiêu chuẩn trang thiết bị phiên bản ${standard.version}, yêu cầu "${w.r.title.vi}" ` +
                `chưa được đáp ứng tại ${w.unit.name}: hiện có ${have ?? 0}, cần ${need ?? '?'}. ` +
                (w.r.legalBasis ? `Căn cứ: ${w.r.legalBasis}. ` : '') +
                'Phiếu tự đóng khi sổ thiết bị cho thấy yêu cầu đã đạt.',
              evidence: {
                compliance: { standardVersion: standard.version, requirementId: w.r.id, have, need },
              },
              actor: COMPLIANCE_ACTOR,
            },
            { routing, calendar },
          );
          n++;
        }
        return n;
      },
      { label: 'compliance.open' },
    );
  }
  for (let i = 0; i < toResolve.length; i += BATCH) {
    const chunk = toResolve.slice(i, i + BATCH);
    resolved += await deps.store.write(
      async (tx) => {
        let n = 0;
        for (const t of chunk) {
          const data = { compliance: { standardVersion: standard.version, met: true } };
          if (await systemChange(tx, deps, t.id, 'auto_resolve', COMPLIANCE_ACTOR, data)) n++;
          // A ticket a person works on is only marked met, once (not again on every run).
          else if (!(await ticketOf(tx, t.id))?.recoveredAt)
            await systemChange(tx, deps, t.id, 'mark_recovered', COMPLIANCE_ACTOR, data);
        }
        return n;
      },
      { label: 'compliance.resolve' },
    );
  }
  return { opened, resolved, shortfalls: wanted.size };
}

/** Out-of-service equipment with a live repair ticket, per `unitId|kind`. */
async function inRepair(db: Db): Promise<Map<string, number>> {
  const rows = await db.all<{ unitId: string; kind: string; n: number }>(sql`
    SELECT a.unit_id AS unitId, a.kind AS kind, count(*) AS n FROM assets a
    WHERE a.status IN ('broken', 'under_repair')
      AND EXISTS (SELECT 1 FROM tickets t WHERE t.asset_id = a.id AND t.status NOT IN ('resolved', 'closed'))
    GROUP BY a.unit_id, a.kind`);
  return new Map(rows.map((r) => [`${r.unitId}|${r.kind}`, Number(r.n)]));
}

/**
 * After a change: with unit codes (a register change), resolve what is met again at once but open
 * nothing — a register entered item by item would otherwise open and resolve a ticket per item; the
 * job opens shortfalls that remain. Without (a standard change), re-evaluate every unit once.
 */
export async function complianceAfterChange(deps: AppDeps, unitCodes?: readonly string[]): Promise<void> {
  try {
    let unitIds: string[] | undefined;
    if (unitCodes) {
      const rows = await deps.store.read
        .select({ id: units.id })
        .from(units)
        .where(inArray(units.code, [...new Set(unitCodes)]));
      unitIds = rows.map((r) => r.id);
    }
    await runComplianceTickets(deps, deps.clock.now(), unitIds ? { unitIds, resolveOnly: true } : {});
  } catch (e) {
    deps.logger.warn('compliance: re-evaluation after a register change failed; the job will retry', {
      error: e instanceof Error ? e.message : String(e),
    });
  }
}
