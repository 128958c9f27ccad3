/**
 * Deputies: delegating a role held at a unit to another user for a date range (leave), or naming an
 * acting holder of a vacant post. Active delegations count for approvals and queues exactly like the
 * principal's grant (see deputy-grants.ts); every decision taken with one records whom it stood in for.
 * A vacant post is stored with the principal `vacancy` (no user id can take that value).
 */
import { and, desc, eq, gt, isNull, lt, lte, or, type SQL, sql } from 'drizzle-orm';
import type { Role } from '../../shared/enums.js';
import type { DeputyCreate, DeputyView } from '../../shared/schemas/deputies.js';
import { codesOf, guardUnitLive, scopeCondition, unitByCode } from '../db/repos/units.js';
import { userById } from '../db/repos/users.js';
import { deputies, roleGrants, units, users } from '../db/schema.js';
import type { Db } from '../db/store.js';
import type { AppDeps } from '../deps.js';
import { allowed, scopeOf } from '../domain/scope.js';
import { fail } from '../errors.js';
import { decodeCursor, encodeCursor } from '../http/pagination.js';
import { newId } from '../security/crypto.js';
import { audit } from './audit.js';
import type { UserPrincipal } from './principal.js';

export const VACANCY = 'vacancy';

type DeputyRow = typeof deputies.$inferSelect;

/** Users holding `role` at exactly `unitId` today: their own grants and active deputies. */
export async function holdersAt(db: Db, role: string, unitId: string, now: Date): Promise<string[]> {
  const own = await db
    .select({ id: roleGrants.userId })
    .from(roleGrants)
    .innerJoin(users, eq(users.id, roleGrants.userId))
    .where(and(eq(roleGrants.role, role), eq(roleGrants.unitId, unitId), isNull(users.disabledAt)));
  const dep = await db
    .select({ id: deputies.deputyId })
    .from(deputies)
    .innerJoin(users, eq(users.id, deputies.deputyId))
    .where(
      and(
        eq(deputies.role, role),
        eq(deputies.unitId, unitId),
        isNull(deputies.revokedAt),
        lte(deputies.startsAt, now),
        gt(deputies.endsAt, now),
        isNull(users.disabledAt),
      ),
    );
  return [...new Set([...own, ...dep].map((r) => r.id))];
}

/** Every (role, unit) somebody holds today, for the matrix's "unstaffed" warnings. */
export async function staffedPlaces(db: Db, now: Date): Promise<Set<string>> {
  const own = await db
    .select({ role: roleGrants.role, unitId: roleGrants.unitId })
    .from(roleGrants)
    .innerJoin(users, eq(users.id, roleGrants.userId))
    .where(isNull(users.disabledAt));
  const dep = await db
    .select({ role: deputies.role, unitId: deputies.unitId })
    .from(deputies)
    .where(and(isNull(deputies.revokedAt), lte(deputies.startsAt, now), gt(deputies.endsAt, now)));
  return new Set([...own, ...dep].map((r) => `${r.role}|${r.unitId}`));
}

async function view(db: Db, r: DeputyRow, now: Date): Promise<DeputyView> {
  const codes = await codesOf(db, [r.unitId]);
  const principal = r.principalId === VACANCY ? undefined : await userById(db, r.principalId);
  const deputy = await userById(db, r.deputyId);
  return {
    id: r.id,
    principalId: r.principalId === VACANCY ? null : r.principalId,
    principalName: principal?.displayName ?? null,
    deputyId: r.deputyId,
    deputyName: deputy?.displayName ?? r.deputyId,
    role: r.role as DeputyView['role'],
    unitCode: codes.get(r.unitId) ?? r.unitId,
    startsAt: r.startsAt.toISOString(),
    endsAt: r.endsAt.toISOString(),
    reason: r.reason,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
    revokedAt: r.revokedAt?.toISOString() ?? null,
    active: !r.revokedAt && r.startsAt <= now && r.endsAt > now,
  };
}

function holdsOwn(p: UserPrincipal, role: Role, unitId: string): boolean {
  return p.grants.some((g) => !g.deputyOf && g.role === role && g.unitId === unitId);
}

export async function createDeputy(
  deps: AppDeps,
  p: UserPrincipal,
  input: DeputyCreate,
): Promise<DeputyView> {
  return deps.store.write(async (tx) => {
    const now = deps.clock.now();
    const unit = await unitByCode(tx, input.unitCode);
    if (!unit || unit.archivedAt || !allowed(p.grants, 'unit.read', unit))
      throw fail.invalid(
        { vi: `Không tìm thấy đơn vị "${input.unitCode}".`, en: `Unit "${input.unitCode}" not found.` },
        [{ path: 'unitCode', message: 'unknown unit' }],
      );
    const isAdmin = allowed(p.grants, 'user.write', unit);
    const principalId = input.principalId ?? (isAdmin ? VACANCY : p.userId);
    // The principal may delegate their own role; an administrator in scope may delegate anyone's.
    if (!isAdmin && !(principalId === p.userId && holdsOwn(p, input.role, unit.id)))
      throw fail.forbidden({
        vi: 'Chỉ quản trị viên, hoặc chính người giữ vai trò tại đơn vị này, mới được ủy quyền.',
        en: 'Only an administrator, or the holder of this role at this unit, may delegate it.',
      });
    const heldGrant = and(
      eq(roleGrants.userId, principalId),
      eq(roleGrants.role, input.role),
      eq(roleGrants.unitId, unit.id),
    );
    if (principalId !== VACANCY) {
      const held = await tx.select({ id: roleGrants.id }).from(roleGrants).where(heldGrant).limit(1);
      if (held.length === 0)
        throw fail.invalid(
          {
            vi: `Người được thay không giữ vai trò ${input.role} tại ${unit.code}.`,
            en: `The principal does not hold ${input.role} at ${unit.code}.`,
          },
          [{ path: 'principalId', message: `does not hold ${input.role} at ${unit.code}` }],
        );
    }
    const deputy = await userById(tx, input.deputyId);
    if (!deputy || deputy.disabledAt)
      throw fail.invalid({ vi: 'Không tìm thấy người được ủy quyền.', en: 'Deputy user not found.' }, [
        { path: 'deputyId', message: 'unknown or disabled user' },
      ]);
    if (deputy.id === principalId)
      throw fail.invalid(
        { vi: 'Không thể tự ủy quyền cho chính mình.', en: 'A user cannot be their own deputy.' },
        [{ path: 'deputyId', message: 'same as the principal' }],
      );
    const row: DeputyRow = {
      id: newId(now.getTime()),
      principalId,
      deputyId: deputy.id,
      role: input.role,
      unitId: unit.id,
      startsAt: new Date(input.startsAt),
      endsAt: new Date(input.endsAt),
      reason: input.reason ?? null,
      createdBy: p.userId,
      createdAt: now,
      revokedAt: null,
    };
    // The answer is read (the unit's code, the people's names) before the writes are recorded.
    const answer = await view(tx, row, now);
    // What was checked holds at commit, or this runs again and answers on the new state: the unit is
    // live, the principal still holds the role there, the deputy is still enabled (no-op guards).
    guardUnitLive(tx, unit.id);
    if (principalId !== VACANCY)
      tx.guard(
        tx
          .update(roleGrants)
          .set({ id: sql`${roleGrants.id}` })
          .where(heldGrant),
        'principal holds the role',
      );
    tx.guard(
      tx
        .update(users)
        .set({ disabledAt: sql`${users.disabledAt}` })
        .where(and(eq(users.id, deputy.id), isNull(users.disabledAt))),
      'deputy enabled',
    );
    await tx.insert(deputies).values(row);
    await audit(tx, {
      at: now,
      actorId: p.userId,
      actorKind: 'user',
      action: 'deputy.create',
      targetType: 'deputy',
      targetId: row.id,
      data: { ...input, principalId },
      ip: p.ip ?? null,
    });
    return answer;
  });
}

/** Delegations the caller may see: those in its admin scope, and those where it is principal or deputy. */
export async function listDeputies(
  deps: AppDeps,
  p: UserPrincipal,
  q: { unit?: string; active?: string; limit: number; cursor?: string },
) {
  const db = deps.store.read;
  const now = deps.clock.now();
  const after = decodeCursor(q.cursor, 2);
  const conds: (SQL | undefined)[] = [
    or(
      scopeCondition(scopeOf(p.grants, 'user.write')),
      eq(deputies.principalId, p.userId),
      eq(deputies.deputyId, p.userId),
    ),
  ];
  if (q.unit) {
    const u = await unitByCode(db, q.unit);
    conds.push(eq(deputies.unitId, u?.id ?? ''));
  }
  if (q.active === '1' || q.active === 'true')
    conds.push(isNull(deputies.revokedAt), lte(deputies.startsAt, now), gt(deputies.endsAt, now));
  if (after)
    conds.push(
      or(
        lt(deputies.createdAt, new Date(Number(after[0]))),
        and(eq(deputies.createdAt, new Date(Number(after[0]))), lt(deputies.id, String(after[1]))),
      ),
    );
  const rows = await db
    .select({ d: deputies })
    .from(deputies)
    .innerJoin(units, eq(units.id, deputies.unitId))
    .where(and(...conds))
    .orderBy(desc(deputies.createdAt), desc(deputies.id))
    .limit(q.limit + 1);
  const more = rows.length > q.limit;
  const slice = (more ? rows.slice(0, q.limit) : rows).map((r) => r.d);
  const items = [];
  for (const r of slice) items.push(await view(db, r, now));
  const last = slice[slice.length - 1];
  return { items, nextCursor: more && last ? encodeCursor([last.createdAt.getTime(), last.id]) : null };
}

export async function revokeDeputy(deps: AppDeps, p: UserPrincipal, id: string): Promise<DeputyView> {
  return deps.store.write(async (tx) => {
    const now = deps.clock.now();
    const row = (await tx.select().from(deputies).where(eq(deputies.id, id)).limit(1))[0];
    const unit = row
      ? (await tx.select().from(units).where(eq(units.id, row.unitId)).limit(1))[0]
      : undefined;
    const isAdmin = !!unit && allowed(p.grants, 'user.write', unit);
    if (!row || !unit || (!isAdmin && row.principalId !== p.userId && row.deputyId !== p.userId))
      throw fail.notFound({ vi: 'Không tìm thấy ủy quyền.', en: 'Delegation not found.' });
    if (!isAdmin && row.principalId !== p.userId) throw fail.forbidden();
    if (row.revokedAt) return view(tx, row, now);
    // Revoked meanwhile → this runs again and answers the revoked delegation (one audit row, not two).
    tx.guard(
      tx
        .update(deputies)
        .set({ revokedAt: now })
        .where(and(eq(deputies.id, id), isNull(deputies.revokedAt))),
      `deputy ${id}`,
    );
    await audit(tx, {
      at: now,
      actorId: p.userId,
      actorKind: 'user',
      action: 'deputy.revoke',
      targetType: 'deputy',
      targetId: id,
      ip: p.ip ?? null,
    });
    return view(tx, { ...row, revokedAt: now }, now);
  });
}
