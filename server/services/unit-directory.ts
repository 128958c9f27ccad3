/**
 * Browsing the unit tree within the caller's scope: where the caller's tree starts, a unit's
 * children and visible ancestors, search by name or code, and counts. Read-only; every answer is
 * filtered by the same `scopeOf(grants, 'unit.read')` as GET /api/v1/units.
 */
import {
  allUnitsInScope,
  childrenInScope,
  countUnitsByLevel,
  peopleAtUnit,
  type UnitPerson,
  type UnitWithChildCount,
  unitsByIds,
} from '../db/repos/unit-tree.js';
import type { UnitRow } from '../db/repos/units.js';
import type { Db } from '../db/store.js';
import { matchesQuery } from '../domain/fold.js';
import { inScope, scopeOf } from '../domain/scope.js';
import type { UserPrincipal } from './principal.js';

const idsOfPath = (path: string) => path.split('/').filter(Boolean);

/** The tops of the caller's visible tree (usually one: the unit its widest grant is held at). */
export async function scopeRoots(db: Db, p: UserPrincipal): Promise<UnitWithChildCount[]> {
  const scope = scopeOf(p.grants, 'unit.read');
  const ids = [...scope.subtrees.map((s) => idsOfPath(s).at(-1)!), ...scope.units];
  const rows = await unitsByIds(db, ids);
  return rows.sort((a, b) => a.path.localeCompare(b.path) || a.code.localeCompare(b.code));
}

export async function childrenOf(
  db: Db,
  p: UserPrincipal,
  parent: UnitRow,
  opts: { limit: number; afterCode?: string },
): Promise<{ items: UnitWithChildCount[]; nextCode: string | null }> {
  const rows = await childrenInScope(db, scopeOf(p.grants, 'unit.read'), parent.id, {
    limit: opts.limit + 1,
    afterCode: opts.afterCode,
  });
  const more = rows.length > opts.limit;
  const items = more ? rows.slice(0, opts.limit) : rows;
  return { items, nextCode: more ? items[items.length - 1]!.code : null };
}

/** The unit's ancestors the caller may see, top first (for breadcrumbs). */
export async function visibleAncestors(db: Db, p: UserPrincipal, unit: UnitRow): Promise<UnitRow[]> {
  const scope = scopeOf(p.grants, 'unit.read');
  const ids = idsOfPath(unit.path).slice(0, -1);
  const rows = await unitsByIds(db, ids);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id)).filter((u): u is UnitWithChildCount => !!u && inScope(scope, u));
}

/** Units in scope whose name or code contains every word of `q` (diacritics and case ignored). */
export async function searchUnits(
  db: Db,
  p: UserPrincipal,
  q: string,
  opts: { limit: number; offset: number },
): Promise<{ items: UnitRow[]; more: boolean }> {
  const all = await allUnitsInScope(db, scopeOf(p.grants, 'unit.read'));
  const hits = all.filter((u) => matchesQuery(`${u.code} ${u.name}`, q));
  return {
    items: hits.slice(opts.offset, opts.offset + opts.limit),
    more: hits.length > opts.offset + opts.limit,
  };
}

/** Units in scope for a picker (datalist), capped: a picker of thousands helps nobody. */
export async function pickableUnits(db: Db, p: UserPrincipal, max = 300): Promise<UnitRow[]> {
  return (await allUnitsInScope(db, scopeOf(p.grants, 'unit.read'))).slice(0, max);
}

export async function unitCountsByLevel(db: Db, p: UserPrincipal) {
  return countUnitsByLevel(db, scopeOf(p.grants, 'unit.read'));
}

export async function unitPeople(db: Db, unit: UnitRow): Promise<UnitPerson[]> {
  return peopleAtUnit(db, unit.id);
}
