/**
 * What changed between two versions of the maintenance matrix, for the version history: the matrix's
 * own fields, rules added, removed and changed (field by field), and the cells whose routing changed
 * (another rule, or the same rule with other content). Pure.
 */
import type { Matrix, MatrixCell } from '../../shared/schemas/matrix.js';
import { cellKey, coverageGrid } from './matrix-grid.js';

export interface ValueChange {
  /** Dotted path, e.g. `costBandsVnd` or `sla.resolveMinutes`. */
  path: string;
  from?: unknown;
  to?: unknown;
}

export interface CellChange {
  cell: MatrixCell;
  /** Rule covering the cell before / after (absent = gap). */
  from?: string;
  to?: string;
  /** Same rule id on both sides, but the rule itself changed. */
  ruleEdited: boolean;
}

export interface MatrixDiff {
  fields: ValueChange[];
  added: string[];
  removed: string[];
  changed: { id: string; changes: ValueChange[] }[];
  cells: CellChange[];
  /** All changed cells, when `cells` was cut to `maxCells`. */
  cellCount: number;
}

const isPlain = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Differences between two JSON values: objects key by key, anything else (arrays included) as a whole. */
export function jsonChanges(a: unknown, b: unknown, path = ''): ValueChange[] {
  if (isPlain(a) && isPlain(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => jsonChanges(a[k], b[k], path ? `${path}.${k}` : k));
  }
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  return [{ path, ...(a !== undefined ? { from: a } : {}), ...(b !== undefined ? { to: b } : {}) }];
}

export function diffMatrices(a: Matrix, b: Matrix, opts: { maxCells?: number } = {}): MatrixDiff {
  const max = opts.maxCells ?? 500;
  const { rules: ra, ...fa } = a;
  const { rules: rb, ...fb } = b;
  const byIdA = new Map(ra.map((r) => [r.id, r]));
  const byIdB = new Map(rb.map((r) => [r.id, r]));
  const changed: MatrixDiff['changed'] = [];
  for (const r of rb) {
    const old = byIdA.get(r.id);
    if (!old) continue;
    const changes = jsonChanges(old, r);
    if (changes.length > 0) changed.push({ id: r.id, changes });
  }
  const edited = new Set(changed.map((c) => c.id));
  const before = new Map(coverageGrid(a).map((g) => [cellKey(g.cell), g]));
  const cells: CellChange[] = [];
  let cellCount = 0;
  for (const g of coverageGrid(b)) {
    const old = before.get(cellKey(g.cell));
    before.delete(cellKey(g.cell));
    const from = old?.ruleIds[0];
    const to = g.ruleIds[0];
    const ruleEdited = !!to && from === to && edited.has(to);
    if (from === to && !ruleEdited) continue;
    cellCount++;
    if (cells.length < max)
      cells.push({ cell: g.cell, ...(from ? { from } : {}), ...(to ? { to } : {}), ruleEdited });
  }
  // Cells that exist only in the older version (a level, category, severity or band was removed).
  for (const old of before.values()) {
    const from = old.ruleIds[0];
    if (!from) continue;
    cellCount++;
    if (cells.length < max) cells.push({ cell: old.cell, from, ruleEdited: false });
  }
  return {
    fields: jsonChanges(fa, fb),
    added: rb.filter((r) => !byIdA.has(r.id)).map((r) => r.id),
    removed: ra.filter((r) => !byIdB.has(r.id)).map((r) => r.id),
    changed,
    cells,
    cellCount,
  };
}
