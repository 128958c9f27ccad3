/**
 * Matrix use cases: reading the active and past versions, validating a candidate against the live
 * unit tree and staffing, activating a new version (refused with 422 and the offending cells when
 * invalid; the active one stays), and simulating a routing decision.
 */
import { desc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Matrix, MatrixValidation, RouteView, SimulateBody } from '../../shared/schemas/matrix.js';
import { allUnits, guardTreeUnchanged, rootUnit, treeStamp } from '../db/repos/units.js';
import { matrixVersions, users } from '../db/schema.js';
import type { Db } from '../db/store.js';
import type { AppDeps } from '../deps.js';
import { buildTree, route, validateMatrix } from '../domain/matrix.js';
import { allowed, grantsFor } from '../domain/scope.js';
import { ApiError, fail } from '../errors.js';
import { decodeCursor, encodeCursor } from '../http/pagination.js';
import { audit } from './audit.js';
import { staffedPlaces } from './deputies.js';
import { activeMatrix } from './matrix-active.js';
import type { UserPrincipal } from './principal.js';
import { compiledVersion, routingProblem } from './ticket-core.js';
import { unitForCaller } from './units.js';

export interface MatrixVersionView extends Matrix {
  version: number;
  activatedAt: string;
  activatedBy: string | null;
}

function versionView(r: typeof matrixVersions.$inferSelect): MatrixVersionView {
  return {
    ...(r.body as unknown as Matrix),
    version: r.version,
    activatedAt: r.activatedAt.toISOString(),
    activatedBy: r.activatedBy,
  };
}

function requireRead(p: UserPrincipal) {
  if (grantsFor(p.grants, 'matrix.read').length === 0) throw fail.forbidden();
}

export async function getActiveMatrix(db: Db, p: UserPrincipal): Promise<MatrixVersionView> {
  requireRead(p);
  const r = (await db.select().from(matrixVersions).orderBy(desc(matrixVersions.version)).limit(1))[0]!;
  return versionView(r);
}

export async function getMatrixVersion(
  db: Db,
  p: UserPrincipal,
  version: number,
): Promise<MatrixVersionView> {
  requireRead(p);
  const r = (await db.select().from(matrixVersions).where(eq(matrixVersions.version, version)).limit(1))[0];
  if (!r)
    throw fail.notFound({
      vi: `Không có phiên bản ma trận ${version}.`,
      en: `Matrix version ${version} does not exist.`,
    });
  return versionView(r);
}

/** Validates against the live tree; staffing warnings count own grants and active deputies. */
export async function validateAgainstTree(db: Db, body: Matrix, now: Date): Promise<MatrixValidation> {
  const units = await allUnits(db);
  const staffed = await staffedPlaces(db, now);
  return validateMatrix(
    body,
    buildTree(units.map((u) => ({ id: u.id, code: u.code, level: u.level, parentId: u.parentId }))),
    { staffed: (role, unitId) => staffed.has(`${role}|${unitId}`) },
  );
}

function requireMatrixAdmin(p: UserPrincipal) {
  if (grantsFor(p.grants, 'matrix.write').length === 0)
    throw fail.forbidden({
      vi: 'Chỉ quản trị viên mới được kiểm tra và thay đổi ma trận bảo trì.',
      en: 'Only administrators may validate or change the maintenance matrix.',
    });
}

export async function validateCandidate(
  deps: AppDeps,
  p: UserPrincipal,
  body: Matrix,
): Promise<MatrixValidation> {
  requireMatrixAdmin(p);
  return validateAgainstTree(deps.store.read, body, deps.clock.now());
}

/** Activates `body` as the next version, or refuses with 422 listing gaps, overlaps and unresolved places. */
export async function putMatrix(
  deps: AppDeps,
  p: UserPrincipal,
  body: Matrix,
): Promise<MatrixVersionView & { warnings: MatrixValidation['warnings'] }> {
  requireMatrixAdmin(p);
  return deps.store.write(async (tx) => {
    const root = (await rootUnit(tx))!;
    // The matrix routes every unit, so changing it takes an administrator at the root.
    if (!allowed(p.grants, 'matrix.write', root)) throw fail.forbidden();
    const now = deps.clock.now();
    // Read before the tree: the matrix is validated against this tree, which must still be the one at
    // commit (a unit created, moved or archived meanwhile → this runs again and validates anew).
    const stamp = await treeStamp(tx);
    const v = await validateAgainstTree(tx, body, now);
    if (!v.valid)
      throw new ApiError(
        'validation_failed',
        {
          vi: `Ma trận không hợp lệ: ${v.counts.gaps} ô chưa có quy tắc, ${v.counts.overlaps} ô trùng quy tắc, ${v.counts.unresolved} chỗ không xác định được đơn vị, ${v.errors.length} lỗi cấu trúc. Ma trận hiện hành vẫn giữ nguyên.`,
          en: `The matrix is not valid: ${v.counts.gaps} gaps, ${v.counts.overlaps} overlaps, ${v.counts.unresolved} unresolved places, ${v.errors.length} structural errors. The active matrix stays.`,
        },
        {
          errors: v.errors,
          gaps: v.gaps,
          overlaps: v.overlaps,
          unresolved: v.unresolved,
          warnings: v.warnings,
          counts: v.counts,
          truncated: v.truncated,
        },
      );
    const current = await activeMatrix(tx);
    const version = (current?.version ?? 0) + 1;
    const row = {
      version,
      body: body as unknown as Record<string, unknown>,
      activatedAt: now,
      activatedBy: p.userId,
    };
    guardTreeUnchanged(tx, stamp);
    // Another activation of the same version number fails the key: this runs again as the next one.
    await tx.insert(matrixVersions).values(row);
    await audit(tx, {
      at: now,
      actorId: p.userId,
      actorKind: 'user',
      action: 'matrix.activate',
      targetType: 'matrix',
      targetId: String(version),
      data: { name: body.name, rules: body.rules.length, previous: current?.version ?? null },
      ip: p.ip ?? null,
    });
    return { ...versionView(row), warnings: v.warnings };
  });
}

/** What the active matrix would decide for a ticket at `unitCode` (nothing is written). */
export async function simulate(deps: AppDeps, p: UserPrincipal, body: SimulateBody): Promise<RouteView> {
  const db = deps.store.read;
  const unit = await unitForCaller(db, p, body.unitCode, 'matrix.read');
  const active = (await activeMatrix(db))!;
  const units = await allUnits(db);
  const tree = buildTree(
    units.map((u) => ({ id: u.id, code: u.code, level: u.level, parentId: u.parentId })),
  );
  const r = route(
    compiledVersion(active.version, active.body),
    tree,
    {
      unitId: unit.id,
      category: body.category,
      severity: body.severity,
      costEstimateVnd: body.costEstimateVnd,
    },
    { matrixVersion: active.version },
  );
  if (!r.ok) throw routingProblem(r);
  return {
    ruleId: r.ruleId,
    matrixVersion: active.version,
    costBand: r.costBand,
    handler: { role: r.handler.role, unitCode: r.handler.unit.code },
    approvers: r.approvers.map((a) => ({ role: a.role, unitCode: a.unit.code })),
    sla: r.sla,
    escalation: r.escalation.map((e) => ({
      afterMinutes: e.afterMinutes,
      notify: { role: e.notify.role, unitCode: e.notify.unit.code },
    })),
    explanation: r.explanation,
    ...(r.legalBasis ? { legalBasis: r.legalBasis } : {}),
  };
}

export interface MatrixVersionSummary {
  version: number;
  name: string;
  rules: number;
  activatedAt: string;
  activatedBy: string | null;
  /** Username of the administrator who activated it (null for the default installed at bootstrap). */
  activatedByName: string | null;
}

/** Past and present versions, newest first, keyset-paginated (for the version history). */
export async function listMatrixVersions(
  db: Db,
  p: UserPrincipal,
  q: { limit: number; cursor?: string },
): Promise<{ items: MatrixVersionSummary[]; nextCursor: string | null }> {
  requireRead(p);
  const after = decodeCursor(q.cursor, 1);
  const rows = await db
    .select({
      version: matrixVersions.version,
      name: sql<string>`json_extract(${matrixVersions.body}, '$.name')`,
      rules: sql<number>`json_array_length(${matrixVersions.body}, '$.rules')`,
      activatedAt: matrixVersions.activatedAt,
      activatedBy: matrixVersions.activatedBy,
      activatedByName: users.username,
    })
    .from(matrixVersions)
    .leftJoin(users, eq(users.id, matrixVersions.activatedBy))
    .where(after ? lt(matrixVersions.version, Number(after[0])) : undefined)
    .orderBy(desc(matrixVersions.version))
    .limit(q.limit + 1);
  const more = rows.length > q.limit;
  const slice = more ? rows.slice(0, q.limit) : rows;
  const last = slice[slice.length - 1];
  return {
    items: slice.map((r) => ({
      version: r.version,
      name: String(r.name ?? ''),
      rules: Number(r.rules ?? 0),
      activatedAt: r.activatedAt.toISOString(),
      activatedBy: r.activatedBy,
      activatedByName: r.activatedByName ?? null,
    })),
    nextCursor: more && last ? encodeCursor([last.version]) : null,
  };
}

/**
 * The legal basis behind routed tickets: for each (matrix version, rule id), the rule's `legalBasis`
 * or else the matrix's (the same fallback `route` applies). Each version is read once.
 */
export async function legalBasisOf(
  db: Db,
  refs: readonly { matrixVersion: number; ruleId: string }[],
): Promise<Map<string, string | undefined>> {
  const out = new Map<string, string | undefined>();
  const versions = [...new Set(refs.map((r) => r.matrixVersion))];
  const bodies = new Map<number, Matrix>();
  if (versions.length > 0)
    for (const r of await db
      .select({ version: matrixVersions.version, body: matrixVersions.body })
      .from(matrixVersions)
      .where(inArray(matrixVersions.version, versions)))
      bodies.set(r.version, r.body as unknown as Matrix);
  for (const ref of refs) {
    const body = bodies.get(ref.matrixVersion);
    const rule = body?.rules.find((x) => x.id === ref.ruleId);
    out.set(
      `${ref.matrixVersion}|${ref.ruleId}`,
      rule?.legalBasis?.trim() || body?.legalBasis?.trim() || undefined,
    );
  }
  return out;
}
