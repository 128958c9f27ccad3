/** Creating and listing users; an admin may only grant roles at units inside its own scope. */
import type { UserView } from '../../shared/schemas/auth.js';
import type { UserCreate } from '../../shared/schemas/users.js';
import { guardUnitLive, unitByCode } from '../db/repos/units.js';
import { userByUsername, userView } from '../db/repos/users.js';
import { roleGrants, users } from '../db/schema.js';
import type { AppDeps } from '../deps.js';
import { allowed, type Grant, grantsFor } from '../domain/scope.js';
import { fail } from '../errors.js';
import { hashPassword, newId } from '../security/crypto.js';
import { audit } from './audit.js';
import type { UserPrincipal } from './principal.js';

export async function createUser(deps: AppDeps, p: UserPrincipal, input: UserCreate): Promise<UserView> {
  if (grantsFor(p.grants, 'user.write').length === 0) throw fail.forbidden();
  const passwordHash = await hashPassword(input.password, deps.config.passwordIterations);
  return deps.store.write(async (tx) => {
    const now = deps.clock.now();
    const resolved = [];
    for (const [i, r] of input.roles.entries()) {
      const unit = await unitByCode(tx, r.unitCode);
      if (!unit || unit.archivedAt)
        throw fail.invalid(
          { vi: `Không tìm thấy đơn vị "${r.unitCode}".`, en: `Unit "${r.unitCode}" not found.` },
          [{ path: `roles.${i}.unitCode`, message: `unknown unit ${r.unitCode}` }],
        );
      if (!allowed(p.grants, 'user.write', unit))
        throw fail.forbidden({
          vi: `Bạn không thể cấp vai trò tại đơn vị ${unit.code} (ngoài phạm vi quản trị của bạn).`,
          en: `You cannot grant roles at ${unit.code}: it is outside your administrative scope.`,
        });
      resolved.push({ role: r.role, unit });
    }
    if (await userByUsername(tx, input.username))
      throw fail.conflict({
        vi: `Tên đăng nhập "${input.username}" đã có người dùng.`,
        en: `Username "${input.username}" is taken.`,
      });
    const id = newId(now.getTime());
    const row = {
      id,
      username: input.username,
      displayName: input.displayName ?? input.username,
      passwordHash,
      mustChangePassword: input.mustChangePassword ?? false,
      passwordChangedAt: now,
      createdAt: now,
      updatedAt: now,
    };
    // A username taken meanwhile fails its unique key at commit: this runs again and answers 409 above.
    await tx.insert(users).values(row);
    const seen = new Set<string>();
    const grants: Grant[] = [];
    for (const r of resolved) {
      const k = `${r.role}@${r.unit.id}`;
      if (seen.has(k)) continue;
      seen.add(k);
      grants.push({ role: r.role, unitId: r.unit.id, unitCode: r.unit.code, unitPath: r.unit.path });
      // No grant at a unit archived meanwhile (archiving refuses units that still hold grants).
      guardUnitLive(tx, r.unit.id);
      await tx.insert(roleGrants).values({
        id: newId(now.getTime()),
        userId: id,
        role: r.role,
        unitId: r.unit.id,
        createdAt: now,
        createdBy: p.userId,
      });
    }
    await audit(tx, {
      at: now,
      actorId: p.userId,
      actorKind: 'user',
      action: 'user.create',
      targetType: 'user',
      targetId: id,
      data: {
        username: input.username,
        roles: input.roles,
        ...(input.mustChangePassword ? { mustChangePassword: true } : {}),
      },
      ip: p.ip ?? null,
    });
    // The view is built from what was decided, not read back: reads inside a write see committed
    // data only, never this write's own rows (ADR 0203).
    return userView({ ...row, locale: null, disabledAt: null }, grants);
  });
}
