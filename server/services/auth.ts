/**
 * Sign-in, sign-out and session resolution.
 *
 * The same 401 answers an unknown user and a wrong password, and both take the same time (a dummy
 * PBKDF2 run for unknown users). Failures are counted per username and per client address in the
 * database (shared by all server processes); over the limit the answer is 429 with retry-after —
 * even for the right password, or the limit would be an oracle.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { LoginBody, LoginResponse } from '../../shared/schemas/auth.js';
import { grantsOf, sessionWithUser, userByUsername, userView } from '../db/repos/users.js';
import { loginThrottle, sessions, users } from '../db/schema.js';
import type { Db } from '../db/store.js';
import type { AppDeps } from '../deps.js';
import { IP_THROTTLE, retryAfterSec, type ThrottlePolicy, USER_THROTTLE } from '../domain/throttle.js';
import { ApiError } from '../errors.js';
import {
  hashPassword,
  newId,
  newSecret,
  passwordIterations,
  sha256Hex,
  verifyPassword,
} from '../security/crypto.js';
import { audit } from './audit.js';
import { activeDeputyGrants } from './deputy-grants.js';
import type { RequestMeta, UserPrincipal } from './principal.js';

let dummyHash: Promise<string> | undefined;

/** The throttle counters a sign-in attempt (or a check of the current password) is charged to. */
export interface ThrottleKeys {
  userKey: string;
  ipKey?: string;
}

export function throttleKeys(username: string, ip: string | undefined): ThrottleKeys {
  return { userKey: `user:${username.toLowerCase()}`, ipKey: ip ? `ip:${ip}` : undefined };
}

async function throttleRow(db: Db, key: string) {
  const rows = await db.select().from(loginThrottle).where(eq(loginThrottle.key, key)).limit(1);
  return rows[0];
}

/** Seconds until these keys may try again (0: now). */
export async function throttleWait(db: Db, keys: ThrottleKeys, now: Date): Promise<number> {
  return Math.max(
    retryAfterSec(await throttleRow(db, keys.userKey), now),
    keys.ipKey ? retryAfterSec(await throttleRow(db, keys.ipKey), now) : 0,
  );
}

/**
 * One failure, as ONE upsert evaluated at commit on the row as it is then (`failures = failures + 1`),
 * never a count computed from a read: concurrent failures are all counted, on every engine. The same
 * state machine as `afterFailure` (domain/throttle.ts): a window over, or no row yet, starts afresh at 1;
 * reaching the limit blocks until now + blockMs.
 */
async function recordFailure(tx: Db, key: string, now: Date, policy: ThrottlePolicy): Promise<void> {
  const at = now.getTime();
  const blockUntil = at + policy.blockMs;
  const fresh = sql`(${at} - ${loginThrottle.windowStart} >= ${policy.windowMs})`;
  const failures = sql`(CASE WHEN ${fresh} THEN 1 ELSE ${loginThrottle.failures} + 1 END)`;
  await tx
    .insert(loginThrottle)
    .values({
      key,
      failures: 1,
      windowStart: now,
      blockedUntil: 1 >= policy.maxFailures ? new Date(blockUntil) : null,
    })
    .onConflictDoUpdate({
      target: loginThrottle.key,
      // SQLite evaluates every expression of the SET on the row as it was before this update.
      set: {
        failures,
        windowStart: sql`(CASE WHEN ${fresh} THEN ${at} ELSE ${loginThrottle.windowStart} END)`,
        blockedUntil: sql`(CASE WHEN ${failures} >= ${policy.maxFailures} THEN ${blockUntil} ELSE NULL END)`,
      },
    });
}

/** Counts one failed password check against the user and the client address. */
export async function recordFailures(tx: Db, keys: ThrottleKeys, now: Date): Promise<void> {
  await recordFailure(tx, keys.userKey, now, USER_THROTTLE);
  if (keys.ipKey) await recordFailure(tx, keys.ipKey, now, IP_THROTTLE);
}

export function tooMany(sec: number, what: 'login' | 'password' = 'login'): ApiError {
  const min = Math.ceil(sec / 60);
  return new ApiError(
    'rate_limited',
    what === 'login'
      ? {
          vi: `Đăng nhập sai quá nhiều lần. Hãy thử lại sau ${min} phút hoặc liên hệ quản trị viên.`,
          en: `Too many failed sign-ins. Try again in ${min} minutes or contact an administrator.`,
        }
      : {
          vi: `Nhập sai mật khẩu quá nhiều lần. Hãy thử lại sau ${min} phút hoặc liên hệ quản trị viên.`,
          en: `Too many wrong passwords. Try again in ${min} minutes or contact an administrator.`,
        },
    { retryAfterSec: sec },
  );
}

export async function login(deps: AppDeps, body: LoginBody, meta: RequestMeta): Promise<LoginResponse> {
  const now = deps.clock.now();
  const keys = throttleKeys(body.username, meta.ip);
  const db = deps.store.read;

  const wait = await throttleWait(db, keys, now);
  if (wait > 0) throw tooMany(wait);

  const user = await userByUsername(db, body.username);
  let ok = false;
  if (user && !user.disabledAt) {
    ok = await verifyPassword(body.password, user.passwordHash);
  } else {
    dummyHash ??= hashPassword('timing-equaliser', deps.config.passwordIterations);
    await verifyPassword(body.password, await dummyHash);
  }

  if (!ok || !user) {
    await deps.store.write(async (tx) => {
      await recordFailures(tx, keys, now);
      await audit(tx, {
        at: now,
        actorId: user?.id ?? null,
        actorKind: 'user',
        action: 'auth.login_failed',
        targetType: 'user',
        targetId: user?.id ?? null,
        data: { username: body.username.slice(0, 64) },
        ip: meta.ip ?? null,
      });
    });
    throw new ApiError('unauthenticated', {
      vi: 'Tên đăng nhập hoặc mật khẩu không đúng.',
      en: 'Wrong username or password.',
    });
  }

  const token = newSecret('oss');
  const expiresAt = new Date(now.getTime() + deps.config.sessionTtlHours * 3_600_000);
  // Re-hash with the current iteration count when the stored one is older and weaker.
  const rehash =
    passwordIterations(user.passwordHash) < deps.config.passwordIterations
      ? await hashPassword(body.password, deps.config.passwordIterations)
      : undefined;
  await deps.store.write(async (tx) => {
    await tx.insert(sessions).values({
      id: newId(now.getTime()),
      tokenHash: await sha256Hex(token),
      userId: user.id,
      createdAt: now,
      expiresAt,
      lastUsedAt: now,
      ip: meta.ip ?? null,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
    });
    await tx.delete(loginThrottle).where(eq(loginThrottle.key, keys.userKey));
    if (rehash)
      await tx.update(users).set({ passwordHash: rehash, updatedAt: now }).where(eq(users.id, user.id));
    await audit(tx, {
      at: now,
      actorId: user.id,
      actorKind: 'user',
      action: 'auth.login',
      targetType: 'user',
      targetId: user.id,
      ip: meta.ip ?? null,
    });
  });
  const grants = (await grantsOf(db, [user.id])).get(user.id) ?? [];
  return {
    token,
    expiresAt: expiresAt.toISOString(),
    user: userView(user, grants),
    ...(user.mustChangePassword ? { mustChangePassword: true as const } : {}),
  };
}

export async function logout(deps: AppDeps, principal: UserPrincipal): Promise<void> {
  const now = deps.clock.now();
  await deps.store.write(async (tx) => {
    await tx
      .update(sessions)
      .set({ revokedAt: now })
      .where(and(eq(sessions.id, principal.sessionId), isNull(sessions.revokedAt)));
  });
}

const TOUCH_EVERY_MS = 5 * 60_000;

/** Resolves a session token to a principal, or undefined when it is unknown, expired or revoked. */
export async function authenticate(
  deps: AppDeps,
  token: string,
  via: UserPrincipal['via'],
): Promise<UserPrincipal | undefined> {
  if (!token.startsWith('oss_') || token.length > 100) return undefined;
  const now = deps.clock.now();
  const found = await sessionWithUser(deps.store.read, await sha256Hex(token));
  if (!found) return undefined;
  const { session: s, user } = found;
  if (s.revokedAt || s.expiresAt.getTime() <= now.getTime() || user.disabledAt) return undefined;
  const [own, deputy] = await Promise.all([
    grantsOf(deps.store.read, [user.id]),
    activeDeputyGrants(deps.store.read, user.id, now),
  ]);
  const grants = [...(own.get(user.id) ?? []), ...deputy];
  if (now.getTime() - s.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
    // Best effort: a lost "last used" stamp must never fail the request.
    void deps.store
      .write((tx) => tx.update(sessions).set({ lastUsedAt: now }).where(eq(sessions.id, s.id)))
      .catch(() => {});
  }
  return {
    kind: 'user',
    userId: user.id,
    username: user.username,
    displayName: user.displayName,
    grants,
    sessionId: s.id,
    via,
    mustChangePassword: user.mustChangePassword,
  };
}
