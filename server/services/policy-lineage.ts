/**
 * Where each value of an effective check policy comes from — the unit or device the page is about,
 * the nearest unit above it that set it, or the built-in default — so the policy pages can say
 * "inherited from Thành phố Hà Nội". A device's lineage is its unit's chain plus one step: the
 * device's own keys. The same chain and inheritance rule as services/policy.ts (`effectivePolicy`);
 * access is checked by the services it reads through (`getPolicy`, `getDevicePolicy`).
 */
import { eq, inArray } from 'drizzle-orm';
import type { PolicyOverrides, PolicyValues } from '../../shared/schemas/policy.js';
import { type UnitRow, unitByCode } from '../db/repos/units.js';
import { devices, policies, units } from '../db/schema.js';
import type { Db } from '../db/store.js';
import type { AppDeps } from '../deps.js';
import { POLICY_KEYS } from '../domain/policy.js';
import { getDevicePolicy, getPolicy } from './policy.js';
import type { UserPrincipal } from './principal.js';

export type PolicyKey = (typeof POLICY_KEYS)[number];

/** Where one value in force comes from. */
export type PolicySource =
  /** Set on the unit or device the lineage is about. */
  | { kind: 'self' }
  /** Inherited from this unit's override. */
  | { kind: 'unit'; code: string; name: string }
  /** Nobody set it: the built-in default. */
  | { kind: 'default' };

export interface PolicyLineage {
  own: PolicyOverrides;
  effective: PolicyValues;
  sources: Record<PolicyKey, PolicySource>;
}

export interface UnitPolicyLineage extends PolicyLineage {
  unitCode: string;
}

export interface DevicePolicyLineage extends PolicyLineage {
  deviceId: string;
  hostname: string;
  unit: { code: string; name: string };
}

const isSet = (own: PolicyOverrides | undefined, k: PolicyKey) => own?.[k] !== undefined && own?.[k] !== null;

/**
 * Sources along a unit's path (root first). The deepest unit that sets a key wins, as in
 * `effectivePolicy`; `selfId` is the unit the page is about (none for a device's page).
 */
async function chainSources(
  db: Db,
  unit: Pick<UnitRow, 'path'>,
  selfId: string | null,
): Promise<Record<PolicyKey, PolicySource>> {
  const ids = unit.path.split('/').filter(Boolean);
  const [rows, chainUnits] = await Promise.all([
    db.select().from(policies).where(inArray(policies.unitId, ids)),
    db.select({ id: units.id, code: units.code, name: units.name }).from(units).where(inArray(units.id, ids)),
  ]);
  const own = new Map(rows.map((r) => [r.unitId, r.body as PolicyOverrides]));
  const unitOf = new Map(chainUnits.map((u) => [u.id, u]));
  const sources = {} as Record<PolicyKey, PolicySource>;
  for (const k of POLICY_KEYS) {
    const id = [...ids].reverse().find((i) => isSet(own.get(i), k));
    const u = id ? unitOf.get(id) : undefined;
    sources[k] = !u
      ? { kind: 'default' }
      : u.id === selfId
        ? { kind: 'self' }
        : { kind: 'unit', code: u.code, name: u.name };
  }
  return sources;
}

export async function policyLineage(
  deps: AppDeps,
  p: UserPrincipal,
  code: string,
): Promise<UnitPolicyLineage> {
  const view = await getPolicy(deps, p, code);
  const unit = (await unitByCode(deps.store.read, view.unitCode))!;
  return { ...view, sources: await chainSources(deps.store.read, unit, unit.id) };
}

/** A device's policy with its sources: its own keys first, then its unit's chain. */
export async function devicePolicyLineage(
  deps: AppDeps,
  p: UserPrincipal,
  id: string,
): Promise<DevicePolicyLineage> {
  const view = await getDevicePolicy(deps, p, id);
  const db = deps.store.read;
  const row = (
    await db
      .select({ hostname: devices.hostname, code: units.code, name: units.name, path: units.path })
      .from(devices)
      .innerJoin(units, eq(units.id, devices.unitId))
      .where(eq(devices.id, view.deviceId))
      .limit(1)
  )[0]!;
  const inherited = await chainSources(db, row, null);
  const sources = {} as Record<PolicyKey, PolicySource>;
  for (const k of POLICY_KEYS) sources[k] = isSet(view.own, k) ? { kind: 'self' } : inherited[k];
  return { ...view, sources, hostname: row.hostname, unit: { code: row.code, name: row.name } };
}
