/**
 * The account lifecycle after creation: a user changing their own password, an administrator editing a
 * user (display name, password reset, disable/enable, roles), and a user's own sessions.
 *
 * Invariants kept here (docs/adr/0700-account-lifecycle.md):
 * - an administrator edits only users whose every grant is inside its `user.write` scope, and grants
 *   only inside it (the rule of creation);
 * - the root always keeps at least one enabled user holding `admin` there — checked inside the write
 *   and also written into the guarded statement that would break it, so a concurrent edit cannot slip
 *   past (the loser runs again, counts anew and answers 409);
 * - disabling a user or resetting their password ends all their sessions; changing one's own
 *   password ends every session but the current one.
 */
import { and, count, desc, eq, gt, isNull, lt, ne, type SQL, sql } from 'drizzle-orm';
import type { PasswordChange, SessionView, UserUpdate } from '../../shared/schemas/accounts.js';
import type { UserView } from '../../shared/schemas/auth.js';
import { guardUnitLive, rootUnit, type UnitRow, unitByCode } from '../db/repos/units.js';
import { grantsOf, type UserRow, userById, userView } from '../db/repos/users.js';
import { loginThrottle, roleGrants, sessions, users } from '../db/schema.js';
import type { Db } from '../db/store.js';
import type { AppDeps } from '../deps.js';
import { allowed, type Grant, grantsFor, inScope, scopeOf } from '../domain/scope.js';
import { fail } from '../errors.js';
import { hashPassword, newId, verifyPassword } from '../security/crypto.js';
import { audit } from './audit.js';
import { recordFailures, throttleKeys, throttleWait, tooMany } from './auth.js';
import type { RequestMeta, UserPrincipal } from './principal.js';
import { userVisibleIn } from './user-directory.js';

const userNotFound = () => fail.notFound({ vi: 'Không tìm thấy người dùng.', en: 'User not found.' });

const unitRef = (g: Grant) => ({ id: g.unitId, path: g.unitPath });

// ---- who may see and edit whom -------------------------------------------------------------------

export interface TargetUser {
  user: UserRow;
  grants: Grant[];
}

async function loadTarget(db: Db, id: string): Promise<TargetUser | undefined> {
  const user = await userById(db, id);
  if (!user) return undefined;
  return { user, grants: (await grantsOf(db, [user.id])).get(user.id) ?? [] };
}

/**
 * May the caller read this user? Itself always; an administrator when the user holds a role in its
 * `user.read` scope, or no role at all (the same rule as the list, so the two never disagree).
 */
export function mayReadUser(p: UserPrincipal, t: TargetUser): boolean {
  if (t.user.id === p.userId) return true;
  if (grantsFor(p.grants, 'user.read').length === 0) return false;
  return userVisibleIn(scopeOf(p.grants, 'user.read'), t.grants);
}

/** May the caller edit this user: readable, and every grant it holds is inside the caller's `user.write` scope. */
export function mayWriteUser(p: UserPrincipal, t: TargetUser): boolean {
  return (
    grantsFor(p.grants, 'user.write').length > 0 &&
    mayReadUser(p, t) &&
    t.grants.every((g) => allowed(p.grants, 'user.write', unitRef(g)))
  );
}

/**
 * 404 for a user the caller cannot see (as GET does); 403 for one it can see, or whose units it can
 * see, without the right to edit — naming the unit outside its scope when that is the reason.
 */
function assertWritable(p: UserPrincipal, t: TargetUser | undefined): asserts t is TargetUser {
  if (!t) throw userNotFound();
  if (mayWriteUser(p, t)) return;
  const unitScope = scopeOf(p.grants, 'unit.read');
  const nearby = mayReadUser(p, t) || t.grants.some((g) => inScope(unitScope, unitRef(g)));
  if (!nearby) throw userNotFound();
  const outside = t.grants.find((g) => !allowed(p.grants, 'user.write', unitRef(g)));
  if (grantsFor(p.grants, 'user.write').length > 0 && outside)
    throw fail.forbidden({
      vi: `Người dùng này còn giữ vai trò tại ${outside.unitCode}, ngoài phạm vi quản trị của bạn; hãy nhờ quản trị viên cấp trên.`,
      en: `This user also holds a role at ${outside.unitCode}, outside your administrative scope; ask a higher-level administrator.`,
    });
  throw fail.forbidden();
}

/** A user as the caller may see it (GET /users/:id and the UI's user page), or 404. */
export async function userForCaller(db: Db, p: UserPrincipal, id: string): Promise<TargetUser> {
  const t = await loadTarget(db, id);
  if (!t || !mayReadUser(p, t)) throw userNotFound();
  return t;
}

// ---- the root's last administrator ---------------------------------------------------------------

/** SQL: some OTHER enabled user holds `admin` at the root. Put into the statement that would end the last one. */
function otherRootAdminExists(rootId: string, userId: string): SQL {
  return sql`EXISTS (SELECT 1 FROM ${roleGrants} AS rg JOIN ${users} AS ou ON ou.id = rg.user_id
    WHERE rg.role = 'admin' AND rg.unit_id = ${rootId} AND rg.user_id <> ${userId} AND ou.disabled_at IS NULL)`;
}

async function otherRootAdmins(tx: Db, rootId: string, userId: string): Promise<number> {
  const rows = await tx
    .select({ n: count() })
    .from(roleGrants)
    .innerJoin(users, eq(users.id, roleGrants.userId))
    .where(
      and(
        eq(roleGrants.role, 'admin'),
        eq(roleGrants.unitId, rootId),
        ne(roleGrants.userId, userId),
        isNull(users.disabledAt),
      ),
    );
  return Number(rows[0]?.n ?? 0);
}

function lastAdmin(root: UnitRow, self: boolean) {
  return fail.conflict({
    vi: self
      ? `Bạn là quản trị viên cuối cùng còn hoạt động của đơn vị gốc ${root.code}: nếu tiếp tục, hệ thống sẽ không còn ai quản trị. Hãy giao vai trò quản trị tại ${root.code} cho một người khác trước.`
      : `Đây là quản trị viên cuối cùng còn hoạt động của đơn vị gốc ${root.code}: nếu tiếp tục, hệ thống sẽ không còn ai quản trị. Hãy giao vai trò quản trị tại ${root.code} cho một người khác trước.`,
    en: self
      ? `You are the last enabled administrator of the root unit ${root.code}: nobody could administer the system afterwards. Grant admin at ${root.code} to someone else first.`
      : `This is the last enabled administrator of the root unit ${root.code}: nobody could administer the system afterwards. Grant admin at ${root.code} to someone else first.`,
  });
}

const lostRace = () =>
  fail.conflict({
    vi: 'Người dùng vừa được thay đổi ở nơi khác. Hãy tải lại và thử lại.',
    en: 'The user was changed elsewhere just now. Reload and try again.',
  });

// ---- an administrator's edit ----------------------------------------------------------------------

interface ResolvedGrant {
  role: Grant['role'];
  unit: UnitRow;
}

async function resolveRoles(tx: Db, p: UserPrincipal, roles: NonNullable<UserUpdate['roles']>) {
  const out: ResolvedGrant[] = [];
  const seen = new Set<string>();
  for (const [i, r] of roles.entries()) {
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
    const k = `${r.role}@${unit.id}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push({ role: r.role, unit });
  }
  return out;
}

/**
 * PATCH /api/v1/users/:id. Only what is sent changes; a request that changes nothing writes nothing
 * and answers the user as it is.
 */
export async function updateUser(
  deps: AppDeps,
  p: UserPrincipal,
  id: string,
  input: UserUpdate,
): Promise<UserView> {
  // Checked before the slow hash as well, so a caller without the right never costs a PBKDF2 run.
  assertWritable(p, await loadTarget(deps.store.read, id));
  if (input.password !== undefined && id === p.userId)
    throw fail.invalid(
      {
        vi: 'Để đổi mật khẩu của chính mình, hãy dùng chức năng "Đổi mật khẩu" (cần nhập mật khẩu hiện tại).',
        en: 'To change your own password use POST /api/v1/auth/password (it asks for the current one).',
      },
      [{ path: 'password', message: 'use POST /api/v1/auth/password for your own password' }],
    );
  const passwordHash =
    input.password !== undefined
      ? await hashPassword(input.password, deps.config.passwordIterations)
      : undefined;

  // The user as the first attempt read it: when a later attempt (after a lost guard) finds it changed,
  // another edit won the race and this one answers 409 rather than applying itself to the new state.
  let firstSeen: number | undefined;
  return deps.store.write(async (tx) => {
    const now = deps.clock.now();
    const t = await loadTarget(tx, id);
    assertWritable(p, t);
    const { user, grants } = t;
    firstSeen ??= user.updatedAt.getTime();
    const self = user.id === p.userId;

    const wanted = input.roles ? await resolveRoles(tx, p, input.roles) : undefined;
    const key = (role: string, unitId: string) => `${role}@${unitId}`;
    const wantedKeys = new Set(wanted?.map((w) => key(w.role, w.unit.id)));
    const haveKeys = new Set(grants.map((g) => key(g.role, g.unitId)));
    const added = wanted ? wanted.filter((w) => !haveKeys.has(key(w.role, w.unit.id))) : [];
    const removed = wanted ? grants.filter((g) => !wantedKeys.has(key(g.role, g.unitId))) : [];

    const patch: Partial<typeof users.$inferInsert> = {};
    const changes: Record<string, unknown> = {};
    if (input.displayName !== undefined && input.displayName !== user.displayName) {
      patch.displayName = input.displayName;
      changes.displayName = { from: user.displayName, to: input.displayName };
    }
    if (passwordHash) {
      patch.passwordHash = passwordHash;
      patch.passwordChangedAt = now;
      changes.passwordReset = true;
    }
    const must = input.mustChangePassword ?? (passwordHash ? true : undefined);
    if (must !== undefined && (must !== user.mustChangePassword || passwordHash)) {
      patch.mustChangePassword = must;
      changes.mustChangePassword = must;
    }
    const disabling = input.disabled === true && !user.disabledAt;
    const enabling = input.disabled === false && !!user.disabledAt;
    if (disabling) patch.disabledAt = now;
    if (enabling) patch.disabledAt = null;
    if (disabling || enabling) changes.disabled = disabling;
    if (added.length > 0 || removed.length > 0)
      changes.roles = {
        added: added.map((a) => ({ role: a.role, unitCode: a.unit.code })),
        removed: removed.map((r) => ({ role: r.role, unitCode: r.unitCode })),
      };

    const nextGrants: Grant[] = wanted
      ? [
          ...grants.filter((g) => wantedKeys.has(key(g.role, g.unitId))),
          ...added.map((a) => ({
            role: a.role,
            unitId: a.unit.id,
            unitCode: a.unit.code,
            unitPath: a.unit.path,
          })),
        ]
      : grants;
    if (Object.keys(changes).length === 0) return userView(user, grants);

    // The root must keep an enabled administrator.
    const root = await rootUnit(tx);
    const rootAdmin = (gs: readonly Grant[]) =>
      !!root && gs.some((g) => g.role === 'admin' && g.unitId === root.id);
    const enabledAfter = enabling || (!user.disabledAt && !disabling);
    const endsRootAdmin = !user.disabledAt && rootAdmin(grants) && !(enabledAfter && rootAdmin(nextGrants));
    if (endsRootAdmin && root && (await otherRootAdmins(tx, root.id, user.id)) === 0)
      throw lastAdmin(root, self);
    if (user.updatedAt.getTime() !== firstSeen) throw lostRace();
    const guard = endsRootAdmin && root ? otherRootAdminExists(root.id, user.id) : undefined;

    // One guarded update: the row is as it was read (else another edit won the race), and — when this
    // edit ends a root administrator — another one still exists at commit time. Lost → this runs again
    // and answers 409 above (the last administrator, or the race).
    tx.guard(
      tx
        .update(users)
        .set({ ...patch, updatedAt: now })
        .where(and(eq(users.id, user.id), eq(users.updatedAt, user.updatedAt), guard)),
      `user ${user.id}`,
    );
    for (const r of removed)
      await tx
        .delete(roleGrants)
        .where(
          and(eq(roleGrants.userId, user.id), eq(roleGrants.role, r.role), eq(roleGrants.unitId, r.unitId)),
        );
    for (const a of added) {
      // No grant at a unit archived meanwhile (archiving refuses units that still hold grants).
      guardUnitLive(tx, a.unit.id);
      await tx.insert(roleGrants).values({
        id: newId(now.getTime()),
        userId: user.id,
        role: a.role,
        unitId: a.unit.id,
        createdAt: now,
        createdBy: p.userId,
      });
    }
    // A disabled account, or one whose password an administrator replaced, keeps no open session.
    if (disabling || passwordHash)
      await tx
        .update(sessions)
        .set({ revokedAt: now })
        .where(and(eq(sessions.userId, user.id), isNull(sessions.revokedAt)));
    await audit(tx, {
      at: now,
      actorId: p.userId,
      actorKind: 'user',
      action: 'user.update',
      targetType: 'user',
      targetId: user.id,
      data: changes,
      ip: p.ip ?? null,
    });
    // Built from what was decided, not read back (reads inside a write see committed data only).
    return userView({ ...user, ...patch, updatedAt: now } as UserRow, nextGrants);
  });
}

// ---- one's own password ----------------------------------------------------------------------------

const samePassword = (a: string, b: string) => a.normalize('NFC') === b.normalize('NFC');

/**
 * POST /api/v1/auth/password. The current password is checked under the sign-in throttle (a wrong
 * one counts as a failed sign-in of this user and address; over the limit 429 even when right).
 * On success every other session of the user ends; the one making the change stays.
 */
export async function changeOwnPassword(
  deps: AppDeps,
  p: UserPrincipal,
  input: PasswordChange,
  meta: RequestMeta,
): Promise<void> {
  const now = deps.clock.now();
  const user = await userById(deps.store.read, p.userId);
  if (!user || user.disabledAt) throw fail.unauthenticated();
  const keys = throttleKeys(user.username, meta.ip);
  const wait = await throttleWait(deps.store.read, keys, now);
  if (wait > 0) throw tooMany(wait, 'password');

  if (!(await verifyPassword(input.currentPassword, user.passwordHash))) {
    // Like a failed sign-in, this writes the throttle counters and an audit row (ADR 0002).
    await deps.store.write(async (tx) => {
      await recordFailures(tx, keys, now);
      await audit(tx, {
        at: now,
        actorId: user.id,
        actorKind: 'user',
        action: 'auth.password_change_failed',
        targetType: 'user',
        targetId: user.id,
        ip: meta.ip ?? null,
      });
    });
    throw fail.invalid(
      {
        vi: 'Mật khẩu hiện tại không đúng. Hãy nhập lại (chú ý phím Caps Lock và bộ gõ tiếng Việt).',
        en: 'The current password is wrong. Type it again (mind Caps Lock and the keyboard layout).',
      },
      [{ path: 'currentPassword', message: 'wrong password' }],
    );
  }
  if (samePassword(input.newPassword, input.currentPassword))
    throw fail.invalid(
      {
        vi: 'Mật khẩu mới phải khác mật khẩu hiện tại.',
        en: 'The new password must differ from the current one.',
      },
      [{ path: 'newPassword', message: 'must differ from the current password' }],
    );
  if (input.newPassword.normalize('NFC').toLowerCase() === user.username.toLowerCase())
    throw fail.invalid(
      { vi: 'Mật khẩu không được trùng tên đăng nhập.', en: 'The password must not be the username.' },
      [{ path: 'newPassword', message: 'must not be the username' }],
    );

  const passwordHash = await hashPassword(input.newPassword, deps.config.passwordIterations);
  await deps.store.write(async (tx) => {
    // The password checked above must still be the stored one (and the account enabled) at commit:
    // changed meanwhile → 409 now, or on the run after a lost guard.
    const cur = await userById(tx, user.id);
    if (!cur || cur.disabledAt || cur.passwordHash !== user.passwordHash)
      throw fail.conflict({
        vi: 'Mật khẩu vừa được thay đổi ở nơi khác. Hãy đăng nhập lại bằng mật khẩu mới nhất.',
        en: 'The password was changed elsewhere just now. Sign in again with the newest one.',
      });
    tx.guard(
      tx
        .update(users)
        .set({ passwordHash, mustChangePassword: false, passwordChangedAt: now, updatedAt: now })
        .where(
          and(eq(users.id, user.id), eq(users.passwordHash, user.passwordHash), isNull(users.disabledAt)),
        ),
      `password of ${user.id}`,
    );
    await tx
      .update(sessions)
      .set({ revokedAt: now })
      .where(and(eq(sessions.userId, user.id), ne(sessions.id, p.sessionId), isNull(sessions.revokedAt)));
    await tx.delete(loginThrottle).where(eq(loginThrottle.key, keys.userKey));
    await audit(tx, {
      at: now,
      actorId: user.id,
      actorKind: 'user',
      action: 'auth.password_change',
      targetType: 'user',
      targetId: user.id,
      ip: meta.ip ?? null,
    });
  });
}

// ---- sessions ---------------------------------------------------------------------------------------

const live = (now: Date) => and(isNull(sessions.revokedAt), gt(sessions.expiresAt, now));

/** The caller's live sessions, newest first (keyset on the time-ordered id). */
export async function listOwnSessions(
  db: Db,
  p: UserPrincipal,
  now: Date,
  opts: { limit: number; beforeId?: string },
): Promise<{ items: SessionView[]; nextBeforeId: string | null }> {
  const rows = await db
    .select()
    .from(sessions)
    .where(
      and(
        eq(sessions.userId, p.userId),
        live(now),
        opts.beforeId !== undefined ? lt(sessions.id, opts.beforeId) : undefined,
      ),
    )
    .orderBy(desc(sessions.id))
    .limit(opts.limit + 1);
  const more = rows.length > opts.limit;
  const slice = more ? rows.slice(0, opts.limit) : rows;
  return {
    items: slice.map((s) => ({
      id: s.id,
      createdAt: s.createdAt.toISOString(),
      lastUsedAt: s.lastUsedAt.toISOString(),
      expiresAt: s.expiresAt.toISOString(),
      ip: s.ip,
      userAgent: s.userAgent,
      current: s.id === p.sessionId,
    })),
    nextBeforeId: more ? slice[slice.length - 1]!.id : null,
  };
}

/** How many live sessions a user has (the administrator's user page). */
export async function liveSessionCount(db: Db, userId: string, now: Date): Promise<number> {
  const rows = await db
    .select({ n: count() })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), live(now)));
  return Number(rows[0]?.n ?? 0);
}

/** Ends one of the caller's own live sessions (the current one too: that is signing out). 404 otherwise. */
export async function revokeOwnSession(deps: AppDeps, p: UserPrincipal, sessionId: string): Promise<void> {
  await deps.store.write(async (tx) => {
    const now = deps.clock.now();
    const mine = and(eq(sessions.id, sessionId), eq(sessions.userId, p.userId), live(now));
    const found = await tx.select({ id: sessions.id }).from(sessions).where(mine).limit(1);
    // Ended meanwhile → the guard is lost, this runs again and answers 404 (one audit row, not two).
    if (found.length > 0)
      tx.guard(tx.update(sessions).set({ revokedAt: now }).where(mine), `session ${sessionId}`);
    else
      throw fail.notFound({
        vi: 'Không tìm thấy phiên đăng nhập này (có thể đã kết thúc).',
        en: 'Session not found (it may have ended already).',
      });
    await audit(tx, {
      at: now,
      actorId: p.userId,
      actorKind: 'user',
      action: 'auth.session_revoke',
      targetType: 'session',
      targetId: sessionId,
      ip: p.ip ?? null,
    });
  });
}

/** Ends every live session of the caller except the current one; answers how many ended. */
export async function revokeOtherSessions(deps: AppDeps, p: UserPrincipal): Promise<number> {
  return deps.store.write(async (tx) => {
    const now = deps.clock.now();
    const ended = await tx
      .select({ id: sessions.id })
      .from(sessions)
      .where(and(eq(sessions.userId, p.userId), ne(sessions.id, p.sessionId), live(now)));
    // Each one guarded, so the count this answers (and audits) is exactly what this write ended: one
    // ended meanwhile by another request → this runs again on what is still live.
    for (const s of ended)
      tx.guard(
        tx
          .update(sessions)
          .set({ revokedAt: now })
          .where(and(eq(sessions.id, s.id), live(now))),
        `session ${s.id}`,
      );
    if (ended.length > 0)
      await audit(tx, {
        at: now,
        actorId: p.userId,
        actorKind: 'user',
        action: 'auth.session_revoke_others',
        targetType: 'user',
        targetId: p.userId,
        data: { count: ended.length },
        ip: p.ip ?? null,
      });
    return ended.length;
  });
}
