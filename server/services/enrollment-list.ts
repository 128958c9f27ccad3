/**
 * Listing enrollment tokens for the people who may create them (`enrollment.create` scope): when,
 * by whom, for which unit, how many uses are left and whether it still works. Never the token.
 */
import { countActiveTokens, type EnrollmentTokenRow, tokensInScope } from '../db/repos/enrollment-tokens.js';
import type { UnitRow } from '../db/repos/units.js';
import type { Db } from '../db/store.js';
import { grantsFor, scopeOf } from '../domain/scope.js';
import type { UserPrincipal } from './principal.js';

export type TokenState = 'active' | 'expired' | 'usedUp' | 'revoked';

export function tokenState(
  t: Pick<EnrollmentTokenRow, 'revokedAt' | 'expiresAt' | 'uses' | 'maxUses'>,
  now: Date,
): TokenState {
  if (t.revokedAt) return 'revoked';
  if (t.expiresAt.getTime() <= now.getTime()) return 'expired';
  if (t.uses >= t.maxUses) return 'usedUp';
  return 'active';
}

export async function listEnrollmentTokens(
  db: Db,
  p: UserPrincipal,
  opts: { limit: number; unit?: UnitRow; before?: { at: number; id: string } },
): Promise<{ items: EnrollmentTokenRow[]; next: { at: number; id: string } | null }> {
  if (grantsFor(p.grants, 'enrollment.create').length === 0) return { items: [], next: null };
  const rows = await tokensInScope(db, scopeOf(p.grants, 'enrollment.create'), {
    limit: opts.limit + 1,
    unitId: opts.unit?.id,
    before: opts.before,
  });
  const more = rows.length > opts.limit;
  const items = more ? rows.slice(0, opts.limit) : rows;
  const last = items[items.length - 1];
  return { items, next: more && last ? { at: last.createdAt.getTime(), id: last.id } : null };
}

export async function activeTokenCount(db: Db, p: UserPrincipal, now: Date): Promise<number> {
  if (grantsFor(p.grants, 'enrollment.create').length === 0) return 0;
  return countActiveTokens(db, scopeOf(p.grants, 'enrollment.create'), now);
}
