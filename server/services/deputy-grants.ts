/**
 * Grants a user holds today as a deputy of someone else (leave, vacancy). They count for approvals
 * and queues exactly like the principal's own grant, and carry `deputyOf` so decisions can say
 * "approved by X as deputy of Y".
 */
import { and, eq, gt, isNull, lte } from 'drizzle-orm';
import type { Role } from '../../shared/enums.js';
import { deputies, units } from '../db/schema.js';
import type { Db } from '../db/store.js';
import type { Grant } from '../domain/scope.js';

export async function activeDeputyGrants(db: Db, userId: string, now: Date): Promise<Grant[]> {
  const rows = await db
    .select({
      role: deputies.role,
      unitId: deputies.unitId,
      unitCode: units.code,
      unitPath: units.path,
      principalId: deputies.principalId,
      endsAt: deputies.endsAt,
    })
    .from(deputies)
    .innerJoin(units, eq(units.id, deputies.unitId))
    .where(
      and(
        eq(deputies.deputyId, userId),
        isNull(deputies.revokedAt),
        lte(deputies.startsAt, now),
        gt(deputies.endsAt, now),
      ),
    );
  return rows.map((r) => ({
    role: r.role as Role,
    unitId: r.unitId,
    unitCode: r.unitCode,
    unitPath: r.unitPath,
    deputyOf: r.principalId,
    until: r.endsAt,
  }));
}
