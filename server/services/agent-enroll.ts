/**
 * Agent identity: enrolment with a unit's enrollment token, agent-token authentication, revocation.
 *
 * An enrollment token is consumed by one guarded update (`uses < max_uses AND not expired AND not
 * revoked`, checked at commit), so concurrent enrolments can never exceed its uses, even across server
 * processes: a write whose guard fails runs again on the new count and answers 401 when it is used up.
 * The agent token is random, shown once and stored as a SHA-256 hash. Re-enrolling the same hardware
 * in the same unit keeps the device (and its history) and replaces the token, so the old one stops working.
 */
import { and, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { EnrollBody, EnrollResponse } from '../../shared/schemas/agent.js';
import { devices, enrollmentTokens } from '../db/schema.js';
import type { AppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { newId, newSecret, sha256Hex } from '../security/crypto.js';
import { ensureDeviceAsset } from './assets.js';
import { audit } from './audit.js';
import { agentConfig, devicePolicy } from './policy.js';

export const badEnrollmentToken = () =>
  new ApiError('unauthenticated', {
    vi: 'Mã đăng ký thiết bị không hợp lệ, đã hết hạn hoặc đã dùng hết lượt. Hãy xin quản trị viên mã mới.',
    en: 'The enrollment token is unknown, expired or used up. Ask an administrator for a new one.',
  });

export const badAgentToken = () =>
  new ApiError('unauthenticated', {
    vi: 'Mã của máy trạm không hợp lệ hoặc đã bị thu hồi. Hãy đăng ký lại máy bằng mã đăng ký mới.',
    en: 'The agent token is unknown or revoked. Enroll this PC again with a new enrollment token.',
  });

export async function enroll(deps: AppDeps, body: EnrollBody, ip?: string): Promise<EnrollResponse> {
  const tokenHash = await sha256Hex(body.enrollmentToken);
  const agentToken = newSecret('oda');
  const agentTokenHash = await sha256Hex(agentToken);
  const { deviceId, unitId, policyOverride } = await deps.store.write(async (tx) => {
    const now = deps.clock.now();
    const tok = (
      await tx
        .select({
          id: enrollmentTokens.id,
          unitId: enrollmentTokens.unitId,
          uses: enrollmentTokens.uses,
          maxUses: enrollmentTokens.maxUses,
          expiresAt: enrollmentTokens.expiresAt,
          revokedAt: enrollmentTokens.revokedAt,
        })
        .from(enrollmentTokens)
        .where(eq(enrollmentTokens.tokenHash, tokenHash))
        .limit(1)
    )[0];
    if (!tok || tok.revokedAt || tok.uses >= tok.maxUses || tok.expiresAt.getTime() <= now.getTime())
      throw badEnrollmentToken();
    // Race-safe consumption: the same conditions hold at commit, or this runs again on fresh data.
    tx.guard(
      tx
        .update(enrollmentTokens)
        .set({ uses: sql`${enrollmentTokens.uses} + 1` })
        .where(
          and(
            eq(enrollmentTokens.id, tok.id),
            lt(enrollmentTokens.uses, enrollmentTokens.maxUses),
            gt(enrollmentTokens.expiresAt, now),
            isNull(enrollmentTokens.revokedAt),
          ),
        ),
      `enrollment token ${tok.id}`,
    );
    const existing = (
      await tx
        .select({ id: devices.id, policyOverride: devices.policyOverride })
        .from(devices)
        .where(and(eq(devices.unitId, tok.unitId), eq(devices.hardwareId, body.hardwareId)))
        .limit(1)
    )[0];
    let id: string;
    if (existing) {
      id = existing.id;
      await tx
        .update(devices)
        .set({
          hostname: body.hostname,
          os: body.os,
          agentVersion: body.agentVersion,
          tokenHash: agentTokenHash,
          revokedAt: null,
          updatedAt: now,
        })
        .where(eq(devices.id, id));
    } else {
      // The same hardware enrolled meanwhile fails the (unit, hardware) key: this re-runs and re-enrolls it.
      id = newId(now.getTime());
      await tx.insert(devices).values({
        id,
        unitId: tok.unitId,
        hostname: body.hostname,
        hardwareId: body.hardwareId,
        os: body.os,
        agentVersion: body.agentVersion,
        tokenHash: agentTokenHash,
        enrolledAt: now,
        createdAt: now,
        updatedAt: now,
      });
    }
    // The PC is in the equipment register from its first enrolment on (never twice: one asset per device).
    await ensureDeviceAsset(tx, deps, { id, unitId: tok.unitId, hostname: body.hostname });
    await audit(tx, {
      at: now,
      actorId: id,
      actorKind: 'agent',
      action: existing ? 'device.reenroll' : 'device.enroll',
      targetType: 'device',
      targetId: id,
      data: { enrollmentTokenId: tok.id, hostname: body.hostname, hardwareId: body.hardwareId },
      ip: ip ?? null,
    });
    return { deviceId: id, unitId: tok.unitId, policyOverride: existing?.policyOverride ?? null };
  });
  forgetAgentTokens(deps);
  const config = await agentConfig(await devicePolicy(deps, { unitId, policyOverride }));
  return { deviceId, agentToken, config };
}

export interface AgentPrincipal {
  deviceId: string;
  unitId: string;
  tokenHash: string;
  policyOverride: Record<string, unknown> | null;
}

/**
 * Positive cache of agent tokens (token → device) so a busy ingest path neither hashes the token nor
 * reads the devices table before every batch. It only decides the early 401; the batch's own write
 * re-checks the token hash against the device row, so a token revoked by another process is refused
 * there even while this cache still holds it. Keyed by the token itself: it lives only in this
 * process's memory, like the request that carried it.
 */
const AUTH_CACHE_MS = 30_000;
const authCaches = new WeakMap<AppDeps, Map<string, { p: AgentPrincipal; at: number }>>();

function authCache(deps: AppDeps) {
  let c = authCaches.get(deps);
  if (!c) {
    c = new Map();
    authCaches.set(deps, c);
  }
  return c;
}

/** After a revocation, re-enrolment or device policy change in this process: forget cached tokens. */
export function forgetAgentTokens(deps: AppDeps): void {
  authCache(deps).clear();
}

export function bearerOf(header: string | undefined): string | undefined {
  if (!header || header.length > 300) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return m?.[1];
}

/** The device an agent token belongs to, or a 401. `fresh` skips the cache (config, revocation checks). */
export async function authenticateAgent(
  deps: AppDeps,
  header: string | undefined,
  opts: { fresh?: boolean } = {},
): Promise<AgentPrincipal> {
  const token = bearerOf(header);
  if (!token?.startsWith('oda_')) throw badAgentToken();
  const cache = authCache(deps);
  const now = Date.now(); // cache freshness is wall-clock time, not business time
  const hit = cache.get(token);
  if (!opts.fresh && hit && now - hit.at < AUTH_CACHE_MS) return hit.p;
  const tokenHash = await sha256Hex(token);
  const row = (
    await deps.store.read
      .select({ id: devices.id, unitId: devices.unitId, policyOverride: devices.policyOverride })
      .from(devices)
      .where(and(eq(devices.tokenHash, tokenHash), isNull(devices.revokedAt)))
      .limit(1)
  )[0];
  if (!row) {
    cache.delete(token);
    throw badAgentToken();
  }
  const p: AgentPrincipal = {
    deviceId: row.id,
    unitId: row.unitId,
    tokenHash,
    policyOverride: row.policyOverride ?? null,
  };
  if (cache.size > 100_000) cache.clear();
  cache.set(token, { p, at: now });
  return p;
}
