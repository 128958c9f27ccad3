/** Enrollment tokens for a unit: random, shown once, stored as a SHA-256 hash, expiring, limited in uses. */
import type { EnrollmentTokenCreate, EnrollmentTokenView } from '../../shared/schemas/enrollment.js';
import { guardUnitLive } from '../db/repos/units.js';
import { enrollmentTokens } from '../db/schema.js';
import type { AppDeps } from '../deps.js';
import { newId, newSecret, sha256Hex } from '../security/crypto.js';
import { audit } from './audit.js';
import type { UserPrincipal } from './principal.js';
import { unitForCaller } from './units.js';

export async function createEnrollmentToken(
  deps: AppDeps,
  p: UserPrincipal,
  unitCode: string,
  input: EnrollmentTokenCreate,
): Promise<EnrollmentTokenView> {
  const token = newSecret('oet');
  const tokenHash = await sha256Hex(token);
  return deps.store.write(async (tx) => {
    const unit = await unitForCaller(tx, p, unitCode, 'enrollment.create');
    const now = deps.clock.now();
    const id = newId(now.getTime());
    const expiresAt = new Date(now.getTime() + input.expiresInHours * 3_600_000);
    // Archiving revokes a unit's tokens: none may be created for a unit archived meanwhile.
    guardUnitLive(tx, unit.id);
    await tx.insert(enrollmentTokens).values({
      id,
      tokenHash,
      unitId: unit.id,
      createdBy: p.userId,
      createdAt: now,
      expiresAt,
      maxUses: input.maxUses,
    });
    await audit(tx, {
      at: now,
      actorId: p.userId,
      actorKind: 'user',
      action: 'enrollment_token.create',
      targetType: 'unit',
      targetId: unit.id,
      data: { tokenId: id, expiresAt: expiresAt.toISOString(), maxUses: input.maxUses },
      ip: p.ip ?? null,
    });
    return { id, token, unitCode: unit.code, expiresAt: expiresAt.toISOString(), maxUses: input.maxUses };
  });
}
