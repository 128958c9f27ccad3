/**
 * Which users an administrator sees: those holding a role at a unit in its `user.read` scope, plus
 * users with no role at all (so a freshly created or stripped account can still be found). Shared by
 * GET /api/v1/users and the UI's user list so the two can never disagree.
 */
import type { UserView } from '../../shared/schemas/auth.js';
import { grantsOf, listUsers, userView } from '../db/repos/users.js';
import type { Db } from '../db/store.js';
import { type Grant, grantsFor, inScope, type Scope, scopeOf } from '../domain/scope.js';
import { fail } from '../http/problem.js';
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
  while (items.length < opts.limit) {
    const rows = await listUsers(db, { limit: 200, afterUsername: cursor });
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
    if (rows.length < 200) break;
  }
  return { items, nextUsername: next };
}

/** How many users the caller can see (for the dashboard). */
export async function countUsersInScope(db: Db, p: UserPrincipal): Promise<number> {
  if (grantsFor(p.grants, 'user.read').length === 0) return 0;
  const scope = scopeOf(p.grants, 'user.read');
  let n = 0;
  let cursor: string | undefined;
  for (;;) {
    const rows = await listUsers(db, { limit: 500, afterUsername: cursor });
    if (rows.length === 0) break;
    const grants = await grantsOf(
      db,
      rows.map((r) => r.id),
    );
    for (const r of rows) if (userVisibleIn(scope, grants.get(r.id) ?? [])) n++;
    cursor = rows[rows.length - 1]!.username;
    if (rows.length < 500) break;
  }
  return n;
}
