/** Users, their role grants (with the unit's code and path) and sessions. */
import { and, asc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { Role } from '../../../shared/enums.js';
import type { UserView } from '../../../shared/schemas/auth.js';
import type { Grant } from '../../domain/scope.js';
import { roleGrants, sessions, units, users } from '../schema.js';
import type { Db } from '../store.js';

export type UserRow = typeof users.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;

export async function userByUsername(db: Db, username: string): Promise<UserRow | undefined> {
  const rows = await db
    .select()
    .from(users)
    .where(sql`${users.username} = ${username} COLLATE NOCASE`)
    .limit(1);
  return rows[0];
}

export async function userById(db: Db, id: string): Promise<UserRow | undefined> {
  const rows = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return rows[0];
}

export async function grantsOf(db: Db, userIds: readonly string[]): Promise<Map<string, Grant[]>> {
  const out = new Map<string, Grant[]>();
  if (userIds.length === 0) return out;
  const rows = await db
    .select({
      userId: roleGrants.userId,
      role: roleGrants.role,
      unitId: roleGrants.unitId,
      unitCode: units.code,
      unitPath: units.path,
    })
    .from(roleGrants)
    .innerJoin(units, eq(units.id, roleGrants.unitId))
    .where(and(inArray(roleGrants.userId, [...userIds]), isNull(units.archivedAt)));
  for (const r of rows) {
    const list = out.get(r.userId) ?? [];
    list.push({ role: r.role as Role, unitId: r.unitId, unitCode: r.unitCode, unitPath: r.unitPath });
    out.set(r.userId, list);
  }
  return out;
}

export function userView(u: UserRow, grants: readonly Grant[]): UserView {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    roles: grants.filter((g) => !g.deputyOf).map((g) => ({ role: g.role, unitCode: g.unitCode })),
    createdAt: u.createdAt.toISOString(),
    disabledAt: u.disabledAt ? u.disabledAt.toISOString() : null,
    // Only when set: a view never names password fields it does not need (docs/api/accounts.md).
    ...(u.mustChangePassword ? { mustChangePassword: true as const } : {}),
  };
}

export async function listUsers(db: Db, opts: { limit: number; afterUsername?: string }): Promise<UserRow[]> {
  return db
    .select()
    .from(users)
    .where(opts.afterUsername !== undefined ? gt(users.username, opts.afterUsername) : undefined)
    .orderBy(asc(users.username))
    .limit(opts.limit);
}

/** Users holding `role` exactly at `unitId` (the people who staff that queue). */
export async function holdersOf(db: Db, role: Role, unitId: string): Promise<UserRow[]> {
  return db
    .select({ u: users })
    .from(roleGrants)
    .innerJoin(users, eq(users.id, roleGrants.userId))
    .where(and(eq(roleGrants.role, role), eq(roleGrants.unitId, unitId), isNull(users.disabledAt)))
    .then((rows) => rows.map((r) => r.u));
}

export async function sessionByTokenHash(db: Db, tokenHash: string): Promise<SessionRow | undefined> {
  const rows = await db.select().from(sessions).where(eq(sessions.tokenHash, tokenHash)).limit(1);
  return rows[0];
}

/** The session and its user in one query: this runs on every authenticated request. */
export async function sessionWithUser(
  db: Db,
  tokenHash: string,
): Promise<{ session: SessionRow; user: UserRow } | undefined> {
  const rows = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.tokenHash, tokenHash))
    .limit(1);
  return rows[0];
}
