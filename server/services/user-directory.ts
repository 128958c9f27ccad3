/**
 * Which users an administrator sees: those holding a role at a unit in its `user.read` scope, plus
 * users with no role at all (so a freshly created or stripped account can still be found). Shared by
 * GET /api/v1/users and the UI's user list so the two can never disagree.
 */

import { type SQL, sql } from 'drizzle-orm';
import type { UserView } from '../../shared/schemas/auth.js';
import { scopeCondition } from '../db/repos/units.js';
import { grantsOf, listUsers, userView } from '../db/repos/users.js';
import { roleGrants, units, users } from '../db/schema.js';
import type { Db } from '../db/store.js';
import { type Grant, grantsFor, inScope, type Scope, scopeOf } from '../domain/scope.js';
import { fail } from '../errors.js';
import type { UserPrincipal } from './principal.js';

export function userVisibleIn(scope: Scope, grants: readonly Grant[]): boolean {
  return grants.length === 0 || grants.some((g) => inScope(scope, { id: g.unitId, path: g.unitPath }));
}

/** A page of visible users by username; `nextUsername` continues after the last one. */
export async function listUsersInScope(
  db: Db,
  p: UserPrincipal,
  opts: { limit: number; afterUsername?: string },
): Promise<{ items: UserView[]; nextUsername: string | null }> {
  if (grantsFor(p.grants, 'user.read').length === 0) throw fail.forbidden();
  const scope = scopeOf(p.grants, 'user.read');
  // Users are few (hundreds); scope filtering by their grants is done here rather than in SQL.
  const items: UserView[] = [];
  let cursor = opts.afterUsername;
  let next: string | null = null;
  // Read about a page at a time: an administrator of the root sees everyone, so more is waste.
  const batch = Math.min(200, opts.limit + 1);
  while (items.length < opts.limit) {
    const rows = await listUsers(db, { limit: batch, afterUsername: cursor });
    if (rows.length === 0) break;
    const grants = await grantsOf(
      db,
      rows.map((r) => r.id),
    );
    for (const r of rows) {
      cursor = r.username;
      const gs = grants.get(r.id) ?? [];
      if (userVisibleIn(scope, gs)) items.push(userView(r, gs));
      if (items.length === opts.limit) {
        next = r.username;
        break;
      }
    }
    if (rows.length < batch) break;
  }
  return { items, nextUsername: next };
}

/** How many users the caller can see (for the dashboard): the same rule as the list, in one query. */
export async function countUsersInScope(db: Db, p: UserPrincipal): Promise<number> {
  if (grantsFor(p.grants, 'user.read').length === 0) return 0;
  const scope = scopeOf(p.grants, 'user.read');
  const liveGrant = (
    extra?: SQL,
  ) => sql`EXISTS (SELECT 1 FROM ${roleGrants} JOIN ${units} ON ${units.id} = ${roleGrants.unitId}
    WHERE ${roleGrants.userId} = ${users.id} AND ${units.archivedAt} IS NULL${extra ? sql` AND ${extra}` : sql``})`;
  const rows = await db
    .select({ n: sql<number>`count(*)` })
    .from(users)
    .where(sql`NOT ${liveGrant()} OR ${liveGrant(scopeCondition(scope))}`);
  return Number(rows[0]?.n ?? 0);
}
