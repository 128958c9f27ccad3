/** Reads for browsing the unit tree: children with their child counts, units by id, counts by level. */
import { and, asc, count, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { Scope } from '../../domain/scope.js';
import { roleGrants, units, users } from '../schema.js';
import type { Db } from '../store.js';
import { scopeCondition, type UnitRow } from './units.js';

export type UnitWithChildCount = UnitRow & { childCount: number };

const childCount = sql<number>`(SELECT count(*) FROM units AS c WHERE c.parent_id = ${units.id} AND c.archived_at IS NULL)`;

/** Live children of `parentId` that are in `scope`, by code, keyset-paginated. */
export async function childrenInScope(
  db: Db,
  scope: Scope,
  parentId: string,
  opts: { limit: number; afterCode?: string },
): Promise<UnitWithChildCount[]> {
  const rows = await db
    .select({ u: units, childCount })
    .from(units)
    .where(
      and(
        eq(units.parentId, parentId),
        isNull(units.archivedAt),
        scopeCondition(scope),
        opts.afterCode !== undefined ? gt(units.code, opts.afterCode) : undefined,
      ),
    )
    .orderBy(asc(units.code))
    .limit(opts.limit);
  return rows.map((r) => ({ ...r.u, childCount: Number(r.childCount) }));
}

export async function unitsByIds(db: Db, ids: readonly string[]): Promise<UnitWithChildCount[]> {
  const uniq = [...new Set(ids)].filter(Boolean);
  if (uniq.length === 0) return [];
  const rows = await db
    .select({ u: units, childCount })
    .from(units)
    .where(and(inArray(units.id, uniq), isNull(units.archivedAt)));
  return rows.map((r) => ({ ...r.u, childCount: Number(r.childCount) }));
}

/** Codes and names of units by id (for labels: no counts, no other columns). */
export async function unitNamesByIds(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  const uniq = [...new Set(ids)].filter(Boolean);
  if (uniq.length === 0) return new Map();
  const rows = await db.select({ id: units.id, name: units.name }).from(units).where(inArray(units.id, uniq));
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Every live unit in scope (for search and pickers: units number in the hundreds or low thousands). */
export async function allUnitsInScope(db: Db, scope: Scope): Promise<UnitRow[]> {
  return db
    .select()
    .from(units)
    .where(and(isNull(units.archivedAt), scopeCondition(scope)))
    .orderBy(asc(units.code));
}

export async function countUnitsByLevel(db: Db, scope: Scope): Promise<{ level: string; n: number }[]> {
  const rows = await db
    .select({ level: units.level, n: count() })
    .from(units)
    .where(and(isNull(units.archivedAt), scopeCondition(scope)))
    .groupBy(units.level);
  return rows.map((r) => ({ level: r.level, n: Number(r.n) }));
}

export interface UnitPerson {
  userId: string;
  username: string;
  displayName: string;
  role: string;
  disabled: boolean;
}

/** Who holds a role exactly at this unit (not inherited from above). */
export async function peopleAtUnit(db: Db, unitId: string): Promise<UnitPerson[]> {
  const rows = await db
    .select({
      userId: users.id,
      username: users.username,
      displayName: users.displayName,
      role: roleGrants.role,
      disabledAt: users.disabledAt,
    })
    .from(roleGrants)
    .innerJoin(users, eq(users.id, roleGrants.userId))
    .where(eq(roleGrants.unitId, unitId))
    .orderBy(asc(roleGrants.role), asc(users.username))
    .limit(500);
  return rows.map((r) => ({
    userId: r.userId,
    username: r.username,
    displayName: r.displayName,
    role: r.role,
    disabled: r.disabledAt !== null,
  }));
}
