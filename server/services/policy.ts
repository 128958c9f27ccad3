/**
 * Check policy per unit: read `{own, effective}`, PUT overrides, and the effective policy and agent
 * config of a unit or device (with its ETag), as ingest and the config route need them.
 *
 * Effective policies are cached per process for a few seconds, because every report batch needs its
 * unit's policy and policies change rarely. A PUT clears this process's cache at once; another
 * server process sees the change within CACHE_MS.
 */
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { AgentConfig } from '../../shared/schemas/agent.js';
import type { PolicyOverrides, PolicyPut, PolicyValues } from '../../shared/schemas/policy.js';
import { type UnitRow, unitById } from '../db/repos/units.js';
import { devices, policies, units } from '../db/schema.js';
import type { Db } from '../db/store.js';
import type { AppDeps } from '../deps.js';
import {
  applyPolicyPut,
  canonicalJson,
  configBody,
  defaultPolicy,
  effectivePolicy,
  policyProblems,
} from '../domain/policy.js';
import { allowed } from '../domain/scope.js';
import { fail } from '../errors.js';
import { sha256Hex } from '../security/crypto.js';
import { audit } from './audit.js';
import type { UserPrincipal } from './principal.js';
import { unitForCaller } from './units.js';

const CACHE_MS = 5_000;

interface Cached {
  policy: PolicyValues;
  at: number;
}

const caches = new WeakMap<AppDeps, Map<string, Cached>>();

function cacheOf(deps: AppDeps): Map<string, Cached> {
  let c = caches.get(deps);
  if (!c) {
    c = new Map();
    caches.set(deps, c);
  }
  return c;
}

/** Forget cached policies of this process (after a PUT). */
export function invalidatePolicies(deps: AppDeps): void {
  cacheOf(deps).clear();
}

function pathIds(path: string): string[] {
  return path.split('/').filter(Boolean);
}

async function chainOf(db: Db, unit: Pick<UnitRow, 'path'>): Promise<PolicyOverrides[]> {
  const ids = pathIds(unit.path);
  const rows = await db.select().from(policies).where(inArray(policies.unitId, ids));
  const byUnit = new Map(rows.map((r) => [r.unitId, r.body as PolicyOverrides]));
  return ids.map((id) => byUnit.get(id) ?? {});
}

/** The effective policy of a unit, computed fresh from `db`. */
export async function effectivePolicyOf(
  db: Db,
  deps: AppDeps,
  unit: Pick<UnitRow, 'path'>,
): Promise<PolicyValues> {
  return effectivePolicy(defaultPolicy(deps.config.agentIntervalSec), await chainOf(db, unit));
}

/** The effective policy of a unit by id, from the per-process cache when fresh. */
export async function cachedUnitPolicy(deps: AppDeps, unitId: string): Promise<PolicyValues> {
  const cache = cacheOf(deps);
  const now = Date.now(); // cache freshness is wall-clock, not business time
  const hit = cache.get(unitId);
  if (hit && now - hit.at < CACHE_MS) return hit.policy;
  const unit = await unitById(deps.store.read, unitId);
  const policy = unit ? await effectivePolicyOf(deps.store.read, deps, unit) : defaultPolicy(60);
  cache.set(unitId, { policy, at: now });
  return policy;
}

/** A device's policy: its unit's, overridden by the device's own keys (if an admin set any). */
export async function devicePolicy(
  deps: AppDeps,
  device: { unitId: string; policyOverride: Record<string, unknown> | null },
): Promise<PolicyValues> {
  const base = await cachedUnitPolicy(deps, device.unitId);
  return device.policyOverride ? effectivePolicy(base, [device.policyOverride as PolicyOverrides]) : base;
}

/** The agent's config with its ETag: the hash of exactly what the agent receives. */
export async function agentConfig(policy: PolicyValues): Promise<AgentConfig> {
  const body = configBody(policy);
  const etag = (await sha256Hex(canonicalJson(body))).slice(0, 32);
  return { etag, ...body };
}

export interface PolicyView {
  unitCode: string;
  own: PolicyOverrides;
  effective: PolicyValues;
}

async function ownRow(db: Db, unitId: string) {
  return (await db.select().from(policies).where(eq(policies.unitId, unitId)).limit(1))[0];
}

async function ownOf(db: Db, unitId: string): Promise<PolicyOverrides> {
  return ((await ownRow(db, unitId))?.body as PolicyOverrides | undefined) ?? {};
}

export async function getPolicy(deps: AppDeps, p: UserPrincipal, code: string): Promise<PolicyView> {
  const db = deps.store.read;
  const unit = await unitForCaller(db, p, code, 'policy.read');
  return {
    unitCode: unit.code,
    own: await ownOf(db, unit.id),
    effective: await effectivePolicyOf(db, deps, unit),
  };
}

export async function putPolicy(
  deps: AppDeps,
  p: UserPrincipal,
  code: string,
  put: PolicyPut,
): Promise<PolicyView> {
  const view = await deps.store.write(async (tx) => {
    const unit = await unitForCaller(tx, p, code, 'policy.write');
    const now = deps.clock.now();
    const stored = await ownRow(tx, unit.id);
    const before = (stored?.body as PolicyOverrides | undefined) ?? {};
    const own = applyPolicyPut(before, put);
    // The stored chain still holds `before` for this unit: put the new own keys in its place.
    const chain = await chainOf(tx, unit);
    chain[chain.length - 1] = own;
    const merged = effectivePolicy(defaultPolicy(deps.config.agentIntervalSec), chain);
    if (merged.disk.critFreePct > merged.disk.warnFreePct)
      throw fail.invalid(
        {
          vi: 'Ngưỡng đĩa sau khi kế thừa không hợp lệ: critFreePct phải nhỏ hơn hoặc bằng warnFreePct.',
          en: 'The inherited disk thresholds would be inconsistent: critFreePct must not exceed warnFreePct.',
        },
        [{ path: 'disk', message: 'critFreePct must not exceed warnFreePct' }],
      );
    const problems = policyProblems(merged);
    if (problems.length > 0)
      throw fail.invalid(
        {
          vi: 'Chính sách kiểm tra không hợp lệ; xem "errors".',
          en: 'The check policy is invalid; see "errors".',
        },
        problems,
      );
    // A PUT changes only the keys it names, merged into `before`: guarded on the stored keys being
    // still `before` at commit, so a concurrent PUT is never overwritten with a stale merge (lost →
    // this runs again and merges into what the other one stored).
    const asRead = stored ? and(eq(policies.unitId, unit.id), eq(policies.body, stored.body)) : undefined;
    const body = own as Record<string, unknown>;
    const guardName = `policy of ${unit.id}`;
    if (Object.keys(own).length === 0) {
      if (asRead) tx.guard(tx.delete(policies).where(asRead), guardName);
    } else if (asRead)
      tx.guard(
        tx.update(policies).set({ body, updatedAt: now, updatedBy: p.userId }).where(asRead),
        guardName,
      );
    else
      tx.guard(
        tx
          .insert(policies)
          .values({ unitId: unit.id, body, updatedAt: now, updatedBy: p.userId })
          .onConflictDoNothing(),
        guardName,
      );
    await audit(tx, {
      at: now,
      actorId: p.userId,
      actorKind: 'user',
      action: 'policy.update',
      targetType: 'unit',
      targetId: unit.id,
      data: { before, after: own },
      ip: p.ip ?? null,
    });
    return { unitCode: unit.code, own, effective: merged };
  });
  invalidatePolicies(deps);
  return view;
}

// ---- per device ------------------------------------------------------------------------------------

export interface DevicePolicyView {
  deviceId: string;
  own: PolicyOverrides;
  effective: PolicyValues;
}

async function deviceForPolicy(
  db: Db,
  p: UserPrincipal,
  id: string,
  permission: 'policy.read' | 'policy.write',
) {
  const row = (
    await db
      .select({
        id: devices.id,
        unitId: devices.unitId,
        policyOverride: devices.policyOverride,
        path: units.path,
      })
      .from(devices)
      .innerJoin(units, eq(units.id, devices.unitId))
      .where(eq(devices.id, id))
      .limit(1)
  )[0];
  const unit = row ? { id: row.unitId, path: row.path } : undefined;
  if (!row || !unit || !allowed(p.grants, 'device.read', unit))
    throw fail.notFound({ vi: `Không tìm thấy máy ${id}.`, en: `Device ${id} not found.` });
  if (!allowed(p.grants, permission, unit)) throw fail.forbidden();
  return row;
}

/** A device's own overrides and its effective policy (its unit's, then its own keys). */
export async function getDevicePolicy(
  deps: AppDeps,
  p: UserPrincipal,
  id: string,
): Promise<DevicePolicyView> {
  const db = deps.store.read;
  const d = await deviceForPolicy(db, p, id, 'policy.read');
  const own = (d.policyOverride ?? {}) as PolicyOverrides;
  return { deviceId: d.id, own, effective: effectivePolicy(await effectivePolicyOf(db, deps, d), [own]) };
}

export async function putDevicePolicy(
  deps: AppDeps,
  p: UserPrincipal,
  id: string,
  put: PolicyPut,
): Promise<DevicePolicyView> {
  const view = await deps.store.write(async (tx) => {
    const d = await deviceForPolicy(tx, p, id, 'policy.write');
    const now = deps.clock.now();
    const before = (d.policyOverride ?? {}) as PolicyOverrides;
    const own = applyPolicyPut(before, put);
    const effective = effectivePolicy(await effectivePolicyOf(tx, deps, d), [own]);
    const problems = policyProblems(effective);
    if (problems.length > 0)
      throw fail.invalid(
        {
          vi: 'Chính sách kiểm tra không hợp lệ; xem "errors".',
          en: 'The check policy is invalid; see "errors".',
        },
        problems,
      );
    // Guarded on the device's keys being still `before` at commit (see putPolicy).
    tx.guard(
      tx
        .update(devices)
        .set({
          policyOverride: Object.keys(own).length > 0 ? (own as Record<string, unknown>) : null,
          updatedAt: now,
        })
        .where(
          and(
            eq(devices.id, d.id),
            d.policyOverride === null
              ? isNull(devices.policyOverride)
              : eq(devices.policyOverride, d.policyOverride),
          ),
        ),
      `policy of device ${d.id}`,
    );
    await audit(tx, {
      at: now,
      actorId: p.userId,
      actorKind: 'user',
      action: 'device_policy.update',
      targetType: 'device',
      targetId: d.id,
      data: { before, after: own },
      ip: p.ip ?? null,
    });
    return { deviceId: d.id, own, effective };
  });
  return view;
}
