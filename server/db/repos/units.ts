/** Units: lookups by code and id, scoped listing, the whole tree for the matrix. */
import { and, asc, eq, gt, isNull, like, or, sql } from 'drizzle-orm';
import type { UnitView } from '../../../shared/schemas/units.js';
import type { Scope } from '../../domain/scope.js';
import { units } from '../schema.js';
import type { Db } from '../store.js';

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

/** SQL condition "unit with this path column is in scope". */
export function scopeCondition(scope: Scope, pathCol = units.path, idCol = units.id) {
  const parts = [
    ...scope.subtrees.map((p) => like(pathCol, `${p.replace(/[%_]/g, '')}%`)),
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
