/**
 * Creating, reading, moving and archiving units, with the level rule and the active matrix's
 * resolvability. Archiving is refused while anything still lives there (docs/adr/0702-unit-archiving.md).
 */
import { and, eq, isNull, type SQL, sql } from 'drizzle-orm';
import type { UnitCreate, UnitUpdate, UnitView } from '../../shared/schemas/units.js';
import {
  allUnits,
  changeTree,
  changeTreeFrom,
  codesOf,
  guardUnitAsRead,
  rootUnit,
  treeStamp,
  type UnitRow,
  underPath,
  unitByCode,
  unitView,
} from '../db/repos/units.js';
import { enrollmentTokens, unitFacts, units } from '../db/schema.js';
import type { Db, WriteTx } from '../db/store.js';
import type { AppDeps } from '../deps.js';
import { type MatrixBody, type UnitNode, unresolvableRulesFor } from '../domain/matrix.js';
import { allowed, type Permission } from '../domain/scope.js';
import { fail } from '../errors.js';
import { newId } from '../security/crypto.js';
import { audit } from './audit.js';
import { activeMatrix, guardActiveMatrix } from './matrix-active.js';
import type { UserPrincipal } from './principal.js';

/**
 * The unit's declared figures from `at` on (area, officers): compliance at a past date reads the ones
 * in force then. Two changes in the same millisecond keep the later.
 */
async function recordUnitFacts(
  tx: WriteTx,
  unitId: string,
  at: Date,
  f: { areaM2: number | null; officers: number | null; digitizingOfficers: number | null },
) {
  const v = { areaM2: f.areaM2, officers: f.officers, digitizingOfficers: f.digitizingOfficers };
  await tx
    .insert(unitFacts)
    .values({ unitId, at, ...v })
    .onConflictDoUpdate({ target: [unitFacts.unitId, unitFacts.at], set: v });
}

/** Finds a unit by code or answers 404; then checks `permission` there (403). */
export async function unitForCaller(
  db: Db,
  p: UserPrincipal,
  code: string,
  permission: Permission,
): Promise<UnitRow> {
  const u = await unitByCode(db, code);
  if (!u || u.archivedAt)
    throw fail.notFound({ vi: `Không tìm thấy đơn vị "${code}".`, en: `Unit "${code}" not found.` });
  if (!allowed(p.grants, permission, u)) {
    // A unit the caller cannot even read answers 404, as if it did not exist.
    if (!allowed(p.grants, 'unit.read', u))
      throw fail.notFound({ vi: `Không tìm thấy đơn vị "${code}".`, en: `Unit "${code}" not found.` });
    throw fail.forbidden();
  }
  return u;
}

function levelIndex(matrix: MatrixBody, level: string): number {
  return matrix.levels.indexOf(level);
}

function assertLevelBelow(matrix: MatrixBody, level: string, parent: UnitRow | undefined): void {
  const li = levelIndex(matrix, level);
  if (li < 0)
    throw fail.invalid(
      {
        vi: `Cấp "${level}" không thuộc các cấp của ma trận hiện hành (${matrix.levels.join(', ')}).`,
        en: `Level "${level}" is not one of the active matrix's levels (${matrix.levels.join(', ')}).`,
      },
      [{ path: 'level', message: `must be one of ${matrix.levels.join(', ')}` }],
    );
  if (parent && li <= levelIndex(matrix, parent.level))
    throw fail.invalid(
      {
        vi: `Cấp "${level}" phải thấp hơn cấp "${parent.level}" của đơn vị cha ${parent.code}.`,
        en: `Level "${level}" must be below its parent ${parent.code}'s level "${parent.level}".`,
      },
      [{ path: 'level', message: `must be strictly below the parent's level ${parent.level}` }],
    );
}

function assertResolvable(matrix: MatrixBody, tree: UnitNode[], node: UnitNode): void {
  const rules = unresolvableRulesFor(matrix, tree, node);
  if (rules.length > 0)
    throw fail.invalid(
      {
        vi: `Ma trận hiện hành không thể định tuyến cho đơn vị ${node.code} theo quy tắc: ${rules.join(', ')}. Hãy sửa ma trận trước.`,
        en: `The active matrix could not route tickets of ${node.code} by rule(s): ${rules.join(', ')}. Fix the matrix first.`,
      },
      rules.map((r) => ({ path: 'parentCode', message: `rule ${r} would be unresolvable` })),
      { rules },
    );
}

const toNode = (u: UnitRow): UnitNode => ({ id: u.id, code: u.code, level: u.level, parentId: u.parentId });

export async function createUnit(deps: AppDeps, p: UserPrincipal, input: UnitCreate): Promise<UnitView> {
  return deps.store.write(async (tx) => {
    const now = deps.clock.now();
    const parent = input.parentCode ? await unitByCode(tx, input.parentCode) : await rootUnit(tx);
    if (!parent || parent.archivedAt)
      throw fail.invalid({ vi: 'Không tìm thấy đơn vị cha.', en: 'Parent unit not found.' }, [
        { path: 'parentCode', message: `unknown unit ${input.parentCode ?? '(root)'}` },
      ]);
    if (!allowed(p.grants, 'unit.write', parent)) throw fail.forbidden();
    if (await unitByCode(tx, input.code))
      throw fail.conflict({
        vi: `Mã đơn vị "${input.code}" đã tồn tại.`,
        en: `Unit code "${input.code}" already exists.`,
      });
    const active = (await activeMatrix(tx))!;
    const matrix = active.body;
    assertLevelBelow(matrix, input.level, parent);
    const id = newId(now.getTime());
    const node: UnitNode = { id, code: input.code, level: input.level, parentId: parent.id };
    assertResolvable(matrix, [...(await allUnits(tx)).map(toNode), node], node);
    const row = {
      id,
      code: input.code,
      name: input.name,
      level: input.level,
      parentId: parent.id,
      path: `${parent.path}${id}/`,
      depth: parent.depth + 1,
      areaM2: input.areaM2 ?? null,
      officers: input.officers ?? null,
      digitizingOfficers: input.digitizingOfficers ?? null,
      createdAt: now,
      updatedAt: now,
    };
    // Checked against the parent's branch and this matrix (the level rule and routing only look up the
    // ancestors): both must still be the ones at commit — the parent archived or moved, or another
    // matrix activated meanwhile → this runs again on the new state. Siblings created at the same time
    // do not matter, so they do not make each other re-run.
    guardUnitAsRead(tx, parent);
    guardActiveMatrix(tx, active.version);
    await changeTree(tx, id);
    await tx.insert(units).values(row);
    await recordUnitFacts(tx, row.id, now, row);
    await audit(tx, {
      at: now,
      actorId: p.userId,
      actorKind: 'user',
      action: 'unit.create',
      targetType: 'unit',
      targetId: id,
      data: { ...input },
      ip: p.ip ?? null,
    });
    return unitView({ ...row, mergedIntoId: null, archivedAt: null }, parent.code);
  });
}

export async function updateUnit(
  deps: AppDeps,
  p: UserPrincipal,
  code: string,
  input: UnitUpdate,
): Promise<UnitView> {
  return deps.store.write(async (tx) => {
    const now = deps.clock.now();
    const stamp = await treeStamp(tx);
    const unit = await unitForCaller(tx, p, code, 'unit.write');
    let parent = unit.parentId
      ? (await tx.select().from(units).where(eq(units.id, unit.parentId)))[0]
      : undefined;
    let path = unit.path;
    let depth = unit.depth;
    let moved = false;
    if (input.parentCode !== undefined && input.parentCode !== parent?.code) {
      if (!unit.parentId)
        throw fail.invalid({ vi: 'Không thể chuyển đơn vị gốc.', en: 'The root unit cannot be moved.' });
      const np = await unitByCode(tx, input.parentCode);
      if (!np || np.archivedAt)
        throw fail.invalid({ vi: 'Không tìm thấy đơn vị cha mới.', en: 'New parent unit not found.' }, [
          { path: 'parentCode', message: `unknown unit ${input.parentCode}` },
        ]);
      if (np.path.startsWith(unit.path))
        throw fail.invalid(
          {
            vi: 'Không thể chuyển đơn vị vào chính nhánh con của nó.',
            en: 'A unit cannot move under its own subtree.',
          },
          [{ path: 'parentCode', message: 'would create a cycle' }],
        );
      if (!allowed(p.grants, 'unit.write', np)) throw fail.forbidden();
      const active = (await activeMatrix(tx))!;
      const matrix = active.body;
      assertLevelBelow(matrix, unit.level, np);
      const tree = (await allUnits(tx)).map((u) =>
        u.id === unit.id ? { ...toNode(u), parentId: np.id } : toNode(u),
      );
      for (const n of tree.filter((t) => (allUnitsPathOf(tree, t.id) ?? '').includes(unit.id)))
        assertResolvable(matrix, tree, n);
      parent = np;
      path = `${np.path}${unit.id}/`;
      depth = np.depth + 1;
      moved = true;
      // Checked against the whole tree (the moved subtree's routing) and this matrix: both must still
      // be the ones at commit, else this runs again on the new state.
      changeTreeFrom(tx, stamp, newId(now.getTime()));
      guardActiveMatrix(tx, active.version);
      // Re-path the whole subtree in one statement: prefix swap.
      await tx
        .update(units)
        .set({
          path: sql`${path} || substr(${units.path}, ${unit.path.length + 1})`,
          depth: sql`${units.depth} + ${depth - unit.depth}`,
          updatedAt: now,
        })
        .where(underPath(units.path, unit.path));
    }
    const patch = {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.areaM2 !== undefined ? { areaM2: input.areaM2 } : {}),
      ...(input.officers !== undefined ? { officers: input.officers } : {}),
      ...(input.digitizingOfficers !== undefined ? { digitizingOfficers: input.digitizingOfficers } : {}),
      // The parent is written only by a move (guarded on the tree above), never restated from a read.
      ...(moved ? { parentId: parent?.id ?? null } : {}),
      updatedAt: now,
    };
    // Archived meanwhile → this runs again and answers 404.
    tx.guard(
      tx
        .update(units)
        .set(patch)
        .where(and(eq(units.id, unit.id), isNull(units.archivedAt))),
      `unit ${unit.id} live`,
    );
    if (input.areaM2 !== undefined || input.officers !== undefined || input.digitizingOfficers !== undefined)
      await recordUnitFacts(tx, unit.id, now, { ...unit, ...patch });
    await audit(tx, {
      at: now,
      actorId: p.userId,
      actorKind: 'user',
      action: 'unit.update',
      targetType: 'unit',
      targetId: unit.id,
      data: { ...input },
      ip: p.ip ?? null,
    });
    return unitView({ ...unit, ...patch, parentId: parent?.id ?? null, path, depth }, parent?.code ?? null);
  });
}

/** Id path of a node in a parent-linked list (used to find a moved unit's descendants). */
function allUnitsPathOf(tree: UnitNode[], id: string): string | undefined {
  const byId = new Map(tree.map((t) => [t.id, t]));
  const parts: string[] = [];
  let cur = byId.get(id);
  let guard = 0;
  while (cur && guard++ < 64) {
    parts.unshift(cur.id);
    cur = cur.parentId ? byId.get(cur.parentId) : undefined;
  }
  return `/${parts.join('/')}/`;
}

export async function unitViews(db: Db, rows: UnitRow[]): Promise<UnitView[]> {
  const codes = await codesOf(
    db,
    rows.map((r) => r.parentId ?? ''),
  );
  return rows.map((r) => unitView(r, r.parentId ? (codes.get(r.parentId) ?? null) : null));
}

// ---- archiving -------------------------------------------------------------------------------------

/** What still lives at a unit and keeps it from being archived (each a count; all zero = archivable). */
export interface ArchiveBlockers {
  subUnits: number;
  devices: number;
  /** Equipment in the register (not retired) that is not an agent's PC: move or retire it first. */
  assets: number;
  liveTickets: number;
  pendingApprovals: number;
  roleGrants: number;
  deputies: number;
}

/** One `SELECT 1 …` per blocker: counted for the message, and `NOT EXISTS` in the archiving update. */
function blockerQueries(unitId: string, now: Date): Record<keyof ArchiveBlockers, SQL> {
  const live = sql.raw(`NOT IN ('resolved', 'closed')`);
  return {
    subUnits: sql`SELECT 1 FROM units AS c WHERE c.parent_id = ${unitId} AND c.archived_at IS NULL`,
    devices: sql`SELECT 1 FROM devices AS d WHERE d.unit_id = ${unitId} AND d.revoked_at IS NULL`,
    assets: sql`SELECT 1 FROM assets AS a WHERE a.unit_id = ${unitId} AND a.status <> 'retired' AND a.device_id IS NULL`,
    liveTickets: sql`SELECT 1 FROM tickets AS t WHERE (t.unit_id = ${unitId} OR t.handler_unit_id = ${unitId}) AND t.status ${live}`,
    pendingApprovals: sql`SELECT 1 FROM approval_steps AS a JOIN tickets AS t ON t.id = a.ticket_id WHERE a.unit_id = ${unitId} AND a.decision IS NULL AND t.status ${live}`,
    roleGrants: sql`SELECT 1 FROM role_grants AS r WHERE r.unit_id = ${unitId}`,
    deputies: sql`SELECT 1 FROM deputies AS x WHERE x.unit_id = ${unitId} AND x.revoked_at IS NULL AND x.ends_at > ${now.getTime()}`,
  };
}

export async function archiveBlockers(db: Db, unit: UnitRow, now: Date): Promise<ArchiveBlockers> {
  const q = blockerQueries(unit.id, now);
  const keys = Object.keys(q) as (keyof ArchiveBlockers)[];
  const row = (
    await db.all<Record<string, number>>(
      sql`SELECT ${sql.join(
        keys.map((k) => sql`(SELECT count(*) FROM (${q[k]})) AS ${sql.identifier(k)}`),
        sql`, `,
      )}`,
    )
  )[0];
  const out = {} as ArchiveBlockers;
  for (const k of keys) out[k] = Number(row?.[k] ?? 0);
  return out;
}

export function hasBlockers(b: ArchiveBlockers): boolean {
  return Object.values(b).some((n) => n > 0);
}

function blockerList(b: ArchiveBlockers): { vi: string; en: string } {
  const parts: { vi: string; en: string }[] = [];
  if (b.subUnits)
    parts.push({
      vi: `${b.subUnits} đơn vị trực thuộc còn hoạt động`,
      en: `${b.subUnits} active sub-unit(s)`,
    });
  if (b.devices)
    parts.push({ vi: `${b.devices} máy trạm chưa thu hồi`, en: `${b.devices} device(s) not revoked` });
  if (b.assets)
    parts.push({
      vi: `${b.assets} thiết bị trong sổ chưa chuyển đi hoặc thanh lý`,
      en: `${b.assets} registered asset(s) not moved or retired`,
    });
  if (b.liveTickets)
    parts.push({
      vi: `${b.liveTickets} phiếu sự cố chưa giải quyết`,
      en: `${b.liveTickets} unresolved ticket(s)`,
    });
  if (b.pendingApprovals)
    parts.push({
      vi: `${b.pendingApprovals} bước phê duyệt đang chờ`,
      en: `${b.pendingApprovals} pending approval step(s)`,
    });
  if (b.roleGrants)
    parts.push({
      vi: `${b.roleGrants} vai trò đang giao tại đơn vị`,
      en: `${b.roleGrants} role grant(s) held there`,
    });
  if (b.deputies)
    parts.push({ vi: `${b.deputies} ủy quyền còn hiệu lực`, en: `${b.deputies} active delegation(s)` });
  return { vi: parts.map((p) => p.vi).join(', '), en: parts.map((p) => p.en).join(', ') };
}

/**
 * POST /api/v1/units/:code/archive: the unit disappears from every list and lookup (its history
 * stays, read through its tickets and the audit trail). Refused (409, naming each blocker) while
 * sub-units, devices, unresolved tickets, pending approvals, role grants or delegations remain; its
 * enrollment tokens are revoked. The root cannot be archived.
 */
export async function archiveUnit(
  deps: AppDeps,
  p: UserPrincipal,
  code: string,
): Promise<UnitView & { archivedAt: string }> {
  return deps.store.write(async (tx) => {
    const now = deps.clock.now();
    const unit = await unitForCaller(tx, p, code, 'unit.write');
    if (!unit.parentId)
      throw fail.conflict({
        vi: 'Không thể lưu trữ đơn vị gốc.',
        en: 'The root unit cannot be archived.',
      });
    const refused = (b: ArchiveBlockers) => {
      const list = blockerList(b);
      return fail.conflict(
        {
          vi: `Chưa thể lưu trữ ${unit.code}: còn ${list.vi}. Hãy xử lý xong các mục này rồi thử lại.`,
          en: `${unit.code} cannot be archived yet: there are still ${list.en}. Deal with them first.`,
        },
        { blockers: b },
      );
    };
    const blockers = await archiveBlockers(tx, unit, now);
    if (hasBlockers(blockers)) throw refused(blockers);
    // Everything the answer needs is read before the writes are recorded.
    const parentCode = (await codesOf(tx, [unit.parentId])).get(unit.parentId) ?? null;
    // The same conditions in the update itself, as a guard: when a device was enrolled (a grant given,
    // a ticket opened…) meanwhile, this runs again, counts the blockers anew and answers 409 with them.
    const q = blockerQueries(unit.id, now);
    tx.guard(
      tx
        .update(units)
        .set({ archivedAt: now, updatedAt: now })
        .where(
          and(
            eq(units.id, unit.id),
            isNull(units.archivedAt),
            ...Object.values(q).map((x) => sql`NOT EXISTS (${x})`),
          ),
        ),
      `unit ${unit.id} archivable`,
    );
    await changeTree(tx, newId(now.getTime()));
    await tx
      .update(enrollmentTokens)
      .set({ revokedAt: now })
      .where(and(eq(enrollmentTokens.unitId, unit.id), isNull(enrollmentTokens.revokedAt)));
    await audit(tx, {
      at: now,
      actorId: p.userId,
      actorKind: 'user',
      action: 'unit.archive',
      targetType: 'unit',
      targetId: unit.id,
      data: { code: unit.code, name: unit.name },
      ip: p.ip ?? null,
    });
    return { ...unitView(unit, parentCode), archivedAt: now.toISOString() };
  });
}
