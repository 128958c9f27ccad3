/** Units: lookups by code and id, scoped listing, the whole tree for the matrix. */
import { and, asc, eq, gt, isNull, or, type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import type { UnitView } from '../../../shared/schemas/units.js';
import type { Scope } from '../../domain/scope.js';
import { meta, units } from '../schema.js';
import type { Db, WriteTx } from '../store.js';

export type UnitRow = typeof units.$inferSelect;

export async function unitByCode(db: Db, code: string): Promise<UnitRow | undefined> {
  const rows = await db.select().from(units).where(sql`${units.code} = ${code} COLLATE NOCASE`).limit(1);
  return rows[0];
}

export async function unitById(db: Db, id: string): Promise<UnitRow | undefined> {
  const rows = await db.select().from(units).where(eq(units.id, id)).limit(1);
  return rows[0];
}

export async function rootUnit(db: Db): Promise<UnitRow | undefined> {
  const rows = await db
    .select()
    .from(units)
    .where(and(isNull(units.parentId), isNull(units.archivedAt)))
    .orderBy(asc(units.createdAt))
    .limit(1);
  return rows[0];
}

/** Every live unit: small (hundreds), used by the matrix validator and the tree views. */
export async function allUnits(db: Db): Promise<UnitRow[]> {
  return db.select().from(units).where(isNull(units.archivedAt)).orderBy(asc(units.path));
}

/**
 * "The path column is in the subtree at `prefix`" as a range (`prefix <= path < prefix'`, where
 * prefix' is prefix with its last character moved one up): the same rows as `LIKE 'prefix%'`, usable
 * by an index, and free of D1's 50-byte limit on LIKE patterns (a path two levels deep is longer).
 */
export function underPath(pathCol: SQLWrapper, prefix: string): SQL {
  const end = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
  return sql`(${pathCol} >= ${prefix} AND ${pathCol} < ${end})`;
}

/** "`path` is `ancestorPath` or below it", for an ancestor path given as SQL (a column). */
export function pathIsUnder(path: string, ancestorPathCol: SQLWrapper): SQL {
  return sql`substr(${path}, 1, length(${ancestorPathCol})) = ${ancestorPathCol}`;
}

/** SQL condition "unit with this path column is in scope". */
export function scopeCondition(scope: Scope, pathCol = units.path, idCol = units.id) {
  const parts = [
    ...scope.subtrees.map((p) => underPath(pathCol, p)),
    ...scope.units.map((id) => eq(idCol, id)),
  ];
  if (parts.length === 0) return sql`0`;
  return parts.length === 1 ? parts[0]! : or(...parts)!;
}

export async function listUnitsInScope(
  db: Db,
  scope: Scope,
  opts: { limit: number; afterCode?: string },
): Promise<UnitRow[]> {
  return db
    .select()
    .from(units)
    .where(
      and(
        isNull(units.archivedAt),
        scopeCondition(scope),
        opts.afterCode !== undefined ? gt(units.code, opts.afterCode) : undefined,
      ),
    )
    .orderBy(asc(units.code))
    .limit(opts.limit);
}

export function unitView(u: UnitRow, parentCode: string | null): UnitView {
  return {
    id: u.id,
    code: u.code,
    name: u.name,
    level: u.level,
    parentCode,
    areaM2: u.areaM2 ?? null,
    officers: u.officers ?? null,
    digitizingOfficers: u.digitizingOfficers ?? null,
    createdAt: u.createdAt.toISOString(),
  };
}

/** Codes of the given unit ids, in one query (for rendering parent codes, handler units, …). */
export async function codesOf(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  const uniq = [...new Set(ids.filter(Boolean))];
  if (uniq.length === 0) return new Map();
  const rows = await db
    .select({ id: units.id, code: units.code })
    .from(units)
    .where(
      sql`${units.id} IN (${sql.join(
        uniq.map((i) => sql`${i}`),
        sql`, `,
      )})`,
    );
  return new Map(rows.map((r) => [r.id, r.code]));
}

// ---- guards for writes that depend on the tree (ADR 0203: reads see committed data only) ---------

/**
 * Records a guard that the unit is still live at commit (archived meanwhile → the write re-runs and
 * finds it archived). A no-op update: it changes nothing, but counts the row it matched.
 */
export function guardUnitLive(tx: WriteTx, unitId: string): void {
  tx.guard(
    tx
      .update(units)
      .set({ archivedAt: sql`${units.archivedAt}` })
      .where(and(eq(units.id, unitId), isNull(units.archivedAt))),
    `unit ${unitId} live`,
  );
}

/**
 * Records a guard that the unit is still live AND where it was read (its path unchanged: neither it nor
 * any ancestor moved meanwhile). For a write that derives something from that path, e.g. a new child's.
 */
export function guardUnitAsRead(tx: WriteTx, u: Pick<UnitRow, 'id' | 'path'>): void {
  tx.guard(
    tx
      .update(units)
      .set({ path: sql`${units.path}` })
      .where(and(eq(units.id, u.id), eq(units.path, u.path), isNull(units.archivedAt))),
    `unit ${u.id} as read`,
  );
}

/**
 * The unit tree's change stamp (`meta` key `units.tree`; '' until the first change): replaced by every
 * write that changes the shape of the live tree (create, move, archive), so a write that validated
 * something against the WHOLE tree it read (the matrix; a move's subtree) can guard that the tree at
 * commit is still that one. Writes that depend on one branch only guard that branch (`guardUnitAsRead`)
 * and replace the stamp unconditionally, so sibling creations never wait for each other.
 */
const TREE_STAMP = 'units.tree';

export async function treeStamp(db: Db): Promise<string> {
  const rows = await db.select({ value: meta.value }).from(meta).where(eq(meta.key, TREE_STAMP)).limit(1);
  return rows[0]?.value ?? '';
}

/** `INSERT … ON CONFLICT DO UPDATE … WHERE stamp = read`: changes one row only while the stamp is `read`. */
function stampUpsert(tx: WriteTx, read: string, next: string | undefined) {
  return tx
    .insert(meta)
    .values({ key: TREE_STAMP, value: next ?? '' })
    .onConflictDoUpdate({
      target: meta.key,
      set: { value: next ?? sql`${meta.value}` },
      setWhere: eq(meta.value, read),
    });
}

/** Records a guard that the tree is still the one read (stamp `read`); changes nothing. */
export function guardTreeUnchanged(tx: WriteTx, read: string): void {
  tx.guard(stampUpsert(tx, read, undefined), 'unit tree unchanged');
}

/** Records a change of the tree validated against the whole tree read (stamp `read`): another change first → re-run. */
export function changeTreeFrom(tx: WriteTx, read: string, next: string): void {
  tx.guard(stampUpsert(tx, read, next), 'unit tree change');
}

/** Records a change of the tree that guards what it depends on by itself: the stamp moves on regardless. */
export async function changeTree(tx: WriteTx, next: string): Promise<void> {
  await tx
    .insert(meta)
    .values({ key: TREE_STAMP, value: next })
    .onConflictDoUpdate({ target: meta.key, set: { value: next } });
}
