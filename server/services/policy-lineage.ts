/**
 * Where each value of a unit's effective check policy comes from: the unit itself, the nearest
 * ancestor that set it, or the built-in default — so the policy page can say "inherited from
 * Thành phố Hà Nội". The same chain and inheritance rule as services/policy.ts (`effectivePolicy`).
 */
import { inArray } from 'drizzle-orm';
import type { PolicyOverrides, PolicyValues } from '../../shared/schemas/policy.js';
import { policies, units } from '../db/schema.js';
import type { AppDeps } from '../deps.js';
import { POLICY_KEYS } from '../domain/policy.js';
import { getPolicy } from './policy.js';
import type { UserPrincipal } from './principal.js';

export type PolicyKey = (typeof POLICY_KEYS)[number];

export interface PolicyLineage {
  unitCode: string;
  own: PolicyOverrides;
  effective: PolicyValues;
  /** Per key: the unit whose override is in force (`null`: the built-in default). */
  sources: Record<PolicyKey, { code: string; name: string; self: boolean } | null>;
}

export async function policyLineage(deps: AppDeps, p: UserPrincipal, code: string): Promise<PolicyLineage> {
  const view = await getPolicy(deps, p, code);
  const db = deps.store.read;
  const self = (
    await db
      .select()
      .from(units)
      .where(inArray(units.code, [view.unitCode]))
      .limit(1)
  )[0]!;
  const ids = self.path.split('/').filter(Boolean);
  const [rows, chainUnits] = await Promise.all([
    db.select().from(policies).where(inArray(policies.unitId, ids)),
    db.select({ id: units.id, code: units.code, name: units.name }).from(units).where(inArray(units.id, ids)),
  ]);
  const own = new Map(rows.map((r) => [r.unitId, r.body as PolicyOverrides]));
  const unitOf = new Map(chainUnits.map((u) => [u.id, u]));
  const sources = {} as PolicyLineage['sources'];
  for (const k of POLICY_KEYS) {
    // The deepest unit on the path that sets the key wins (effectivePolicy applies root first).
    const id = [...ids].reverse().find((i) => {
      const v = own.get(i)?.[k];
      return v !== undefined && v !== null;
    });
    const u = id ? unitOf.get(id) : undefined;
    sources[k] = u ? { code: u.code, name: u.name, self: u.id === self.id } : null;
  }
  return { unitCode: view.unitCode, own: view.own, effective: view.effective, sources };
}
