/**
 * Compliance of counter units with the equipment standard — a pure function of the standard, the
 * units' declared figures and their in-use equipment counts (at one moment). Only `in_use` equipment
 * counts; a figure the requirement needs but the unit has not declared (area, officers) is reported as
 * missing data, never guessed.
 */
import type { Requirement } from '../../shared/schemas/assets.js';

export interface UnitFigures {
  id: string;
  code: string;
  name: string;
  areaM2: number | null;
  officers: number | null;
  digitizingOfficers: number | null;
}

/** In-use equipment of one unit by kind. */
export type KindCounts = ReadonlyMap<string, number>;

export interface CheckResult {
  met: boolean;
  have: number | null;
  need: number | null;
  reason?: 'shortfall' | 'missing_data';
}

export function checkRequirement(r: Requirement, u: UnitFigures, inUse: KindCounts | undefined): CheckResult {
  if (r.form === 'unit_attribute') {
    const have = u[r.attribute];
    if (have === null || have === undefined)
      return { met: false, have: null, need: r.min, reason: 'missing_data' };
    return have >= r.min
      ? { met: true, have, need: r.min }
      : { met: false, have, need: r.min, reason: 'shortfall' };
  }
  const have = inUse?.get(r.kind) ?? 0;
  if (r.form === 'count')
    return have >= r.min
      ? { met: true, have, need: r.min }
      : { met: false, have, need: r.min, reason: 'shortfall' };
  const base = u[r.per];
  if (base === null || base === undefined) return { met: false, have, need: null, reason: 'missing_data' };
  // Rounded up: 1 scanner per 2 officers with 3 officers needs 2 scanners.
  const need = Math.ceil(base * r.ratio - 1e-9);
  return have >= need ? { met: true, have, need } : { met: false, have, need, reason: 'shortfall' };
}

export interface RequirementFigures {
  requirement: Requirement;
  met: number;
  failing: { unit: UnitFigures; result: CheckResult }[];
}

/** Figures over many units: per requirement, how many meet it and which do not (in unit order). */
export function evaluate(
  requirements: readonly Requirement[],
  units: readonly UnitFigures[],
  inUse: ReadonlyMap<string, KindCounts>,
): { perRequirement: RequirementFigures[]; fullyCompliant: number } {
  const perRequirement = requirements.map((requirement) => ({
    requirement,
    met: 0,
    failing: [] as RequirementFigures['failing'],
  }));
  let fullyCompliant = 0;
  for (const u of units) {
    const counts = inUse.get(u.id);
    let all = true;
    for (const f of perRequirement) {
      const result = checkRequirement(f.requirement, u, counts);
      if (result.met) f.met++;
      else {
        all = false;
        f.failing.push({ unit: u, result });
      }
    }
    if (all) fullyCompliant++;
  }
  return { perRequirement, fullyCompliant };
}
