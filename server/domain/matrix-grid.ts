/**
 * The maintenance matrix as a grid people can read: every cell of levels × categories × severities ×
 * cost bands with the rules covering it — none (a gap), one, or several (an overlap). Pure; the
 * validator (matrix.ts) decides validity, this only lays the same coverage out cell by cell so the
 * matrix pages can draw it and highlight the cells the validator names.
 */
import type { Matrix, MatrixCell } from '../../shared/schemas/matrix.js';

export interface GridCell {
  cell: MatrixCell;
  /** Ids of the rules covering the cell, in rule order: `[]` is a gap, two or more an overlap. */
  ruleIds: string[];
}

/** Cells in order: level, then category, then severity, then band (the order the validator lists them). */
export function coverageGrid(body: Matrix): GridCell[] {
  const nb = body.costBandsVnd.length;
  const ns = body.severities.length;
  const nc = body.categories.length;
  const cells: string[][] = Array.from({ length: body.levels.length * nc * ns * nb }, () => []);
  const idx = (xs: readonly string[]) => new Map(xs.map((x, i) => [x, i] as const));
  const li = idx(body.levels);
  const ci = idx(body.categories);
  const si = idx(body.severities);
  const pick = (v: '*' | string[], m: Map<string, number>): number[] =>
    v === '*' ? [...m.values()] : [...new Set(v.map((x) => m.get(x)).filter((x) => x !== undefined))];
  for (const r of body.rules) {
    const bands =
      r.when.costBand === '*'
        ? body.costBandsVnd.map((_, i) => i)
        : [...new Set(r.when.costBand.filter((b) => b >= 0 && b < nb))];
    for (const l of pick(r.when.level, li))
      for (const c of pick(r.when.category, ci))
        for (const s of pick(r.when.severity, si))
          for (const b of bands) cells[((l * nc + c) * ns + s) * nb + b]!.push(r.id);
  }
  return cells.map((ruleIds, k) => ({
    cell: {
      level: body.levels[Math.floor(k / (nb * ns * nc))]!,
      category: body.categories[Math.floor(k / (nb * ns)) % nc]!,
      severity: body.severities[Math.floor(k / nb) % ns]!,
      costBand: k % nb,
    },
    ruleIds,
  }));
}

/** A stable key for a cell, to look cells up across lists (validation results, diffs). */
export function cellKey(c: MatrixCell): string {
  return `${c.level}|${c.category}|${c.severity}|${c.costBand}`;
}
