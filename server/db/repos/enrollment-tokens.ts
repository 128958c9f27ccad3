/** Enrollment tokens as a list for people: metadata only — the token itself is never stored. */
import { and, desc, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import type { Scope } from '../../domain/scope.js';
import { enrollmentTokens, units, users } from '../schema.js';
import type { Db } from '../store.js';
import { scopeCondition } from './units.js';

export interface EnrollmentTokenRow {
  id: string;
  unitCode: string;
  unitName: string;
  createdAt: Date;
  createdBy: string | null;
  expiresAt: Date;
  maxUses: number;
  uses: number;
  revokedAt: Date | null;
}

/** Newest first; keyset on (createdAt, id). */
export async function tokensInScope(
  db: Db,
  scope: Scope,
  opts: { limit: number; unitId?: string; before?: { at: number; id: string } },
): Promise<EnrollmentTokenRow[]> {
  const b = opts.before;
  const rows = await db
    .select({
      id: enrollmentTokens.id,
      unitCode: units.code,
      unitName: units.name,
      createdAt: enrollmentTokens.createdAt,
      createdBy: users.displayName,
      expiresAt: enrollmentTokens.expiresAt,
      maxUses: enrollmentTokens.maxUses,
      uses: enrollmentTokens.uses,
      revokedAt: enrollmentTokens.revokedAt,
    })
    .from(enrollmentTokens)
    .innerJoin(units, eq(units.id, enrollmentTokens.unitId))
    .leftJoin(users, eq(users.id, enrollmentTokens.createdBy))
    .where(
      and(
        scopeCondition(scope),
        opts.unitId ? eq(enrollmentTokens.unitId, opts.unitId) : undefined,
        b
          ? or(
              lt(enrollmentTokens.createdAt, new Date(b.at)),
              and(eq(enrollmentTokens.createdAt, new Date(b.at)), lt(enrollmentTokens.id, b.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(enrollmentTokens.createdAt), desc(enrollmentTokens.id))
    .limit(opts.limit);
  return rows;
}

export async function countActiveTokens(db: Db, scope: Scope, now: Date): Promise<number> {
  const rows = await db
    .select({ n: sql<number>`count(*)` })
    .from(enrollmentTokens)
    .innerJoin(units, eq(units.id, enrollmentTokens.unitId))
    .where(
      and(
        scopeCondition(scope),
        isNull(enrollmentTokens.revokedAt),
        gt(enrollmentTokens.expiresAt, now),
        lt(enrollmentTokens.uses, enrollmentTokens.maxUses),
      ),
    );
  return Number(rows[0]?.n ?? 0);
}
