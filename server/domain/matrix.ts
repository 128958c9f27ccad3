/**
 * The maintenance matrix (MATRIX.md): validation — complete, unambiguous, resolvable against the
 * actual unit tree, well-formed — and routing of a ticket to its rule, handler, approver chain, SLA
 * and a bilingual explanation. Pure: no database, no clock. A matrix is compiled once into a flat
 * cell → rule table, so routing is one array lookup plus a short walk up the unit tree.
 */
import type {
  Matrix,
  MatrixCell,
  MatrixPlace,
  MatrixRule,
  MatrixValidation,
  UnresolvedPlace,
  UnstaffedWarning,
} from '../../shared/schemas/matrix.js';
import { explain } from './matrix-explain.js';

export { defaultMatrix } from './matrix-defaults.js';

export type MatrixBody = Matrix;

export interface UnitNode {
  id: string;
  code: string;
  level: string;
  parentId: string | null;
}

/** The unit tree indexed for walking upwards. */
export interface UnitTree {
  byId: Map<string, UnitNode>;
  nodes: readonly UnitNode[];
}

export function buildTree(nodes: readonly UnitNode[]): UnitTree {
  return { byId: new Map(nodes.map((n) => [n.id, n])), nodes };
}

const asTree = (t: UnitTree | readonly UnitNode[]): UnitTree => ('byId' in t ? t : buildTree(t));

/**
 * The unit an `at` names for a ticket of `unit`: `self`, `parent`, `root`, or `level:NAME` — the
 * nearest unit at or above `unit` with that level. Undefined when no such unit exists.
 */
export function resolveAt(tree: UnitTree, unit: UnitNode, at: string): UnitNode | undefined {
  if (at === 'self') return unit;
  if (at === 'parent') return unit.parentId ? tree.byId.get(unit.parentId) : undefined;
  let cur: UnitNode | undefined = unit;
  let guard = 0;
  if (at === 'root') {
    while (cur?.parentId && guard++ < 64) cur = tree.byId.get(cur.parentId);
    return cur;
  }
  const level = at.startsWith('level:') ? at.slice(6) : undefined;
  if (level === undefined) return undefined;
  while (cur && guard++ < 64) {
    if (cur.level === level) return cur;
    cur = cur.parentId ? tree.byId.get(cur.parentId) : undefined;
  }
  return undefined;
}

/** Band index of a cost: the last `i` with `bands[i] <= cost`; no estimate is band 0. */
export function bandOf(bands: readonly number[], cost: number | null | undefined): number {
  if (cost === null || cost === undefined) return 0;
  let i = 0;
  while (i + 1 < bands.length && bands[i + 1]! <= cost) i++;
  return i;
}

/** Every place a rule names, with its field path (`handler`, `approvers.0`, `escalation.1.notify`). */
export function placesOf(rule: MatrixRule): { field: string; place: MatrixPlace }[] {
  return [
    { field: 'handler', place: rule.handler },
    ...rule.approvers.map((place, i) => ({ field: `approvers.${i}`, place })),
    ...rule.escalation.map((e, i) => ({ field: `escalation.${i}.notify`, place: e.notify })),
  ];
}

const expand = <T>(v: '*' | T[], all: readonly T[]): T[] => (v === '*' ? [...all] : v);

/** A matrix prepared for routing: one rule index per cell (-1 = gap). */
export interface CompiledMatrix {
  body: MatrixBody;
  levelIdx: Map<string, number>;
  categoryIdx: Map<string, number>;
  severityIdx: Map<string, number>;
  bands: number;
  cellRule: Int32Array;
}

function cellIndex(
  m: Pick<CompiledMatrix, 'categoryIdx' | 'severityIdx' | 'bands'>,
  l: number,
  c: number,
  s: number,
  b: number,
) {
  return ((l * m.categoryIdx.size + c) * m.severityIdx.size + s) * m.bands + b;
}

interface Coverage {
  compiled: CompiledMatrix;
  /** Cells covered by more than one rule → rule indexes. */
  overlaps: Map<number, number[]>;
}

function cover(body: MatrixBody): Coverage {
  const idx = (xs: readonly string[]) => new Map(xs.map((x, i) => [x, i] as const));
  const compiled: CompiledMatrix = {
    body,
    levelIdx: idx(body.levels),
    categoryIdx: idx(body.categories),
    severityIdx: idx(body.severities),
    bands: body.costBandsVnd.length,
    cellRule: new Int32Array(
      body.levels.length * body.categories.length * body.severities.length * body.costBandsVnd.length,
    ).fill(-1),
  };
  const overlaps = new Map<number, number[]>();
  const bandIdx = body.costBandsVnd.map((_, i) => i);
  body.rules.forEach((r, ri) => {
    const ls = expand(r.when.level, body.levels)
      .map((x) => compiled.levelIdx.get(x))
      .filter((x) => x !== undefined);
    const cs = expand(r.when.category, body.categories)
      .map((x) => compiled.categoryIdx.get(x))
      .filter((x) => x !== undefined);
    const ss = expand(r.when.severity, body.severities)
      .map((x) => compiled.severityIdx.get(x))
      .filter((x) => x !== undefined);
    const bs = expand(r.when.costBand, bandIdx).filter((b) => b >= 0 && b < compiled.bands);
    for (const l of new Set(ls))
      for (const c of new Set(cs))
        for (const s of new Set(ss))
          for (const b of new Set(bs)) {
            const k = cellIndex(compiled, l, c, s, b);
            const prev = compiled.cellRule[k]!;
            if (prev === -1) compiled.cellRule[k] = ri;
            else {
              const list = overlaps.get(k) ?? [prev];
              list.push(ri);
              overlaps.set(k, list);
            }
          }
  });
  return { compiled, overlaps };
}

/** Compiles a matrix for routing (first rule wins in an overlapping cell; validation forbids those). */
export function compileMatrix(body: MatrixBody): CompiledMatrix {
  return cover(body).compiled;
}

function cellOf(body: MatrixBody, k: number): MatrixCell {
  const nb = body.costBandsVnd.length;
  const ns = body.severities.length;
  const nc = body.categories.length;
  const b = k % nb;
  const s = Math.floor(k / nb) % ns;
  const c = Math.floor(k / (nb * ns)) % nc;
  const l = Math.floor(k / (nb * ns * nc));
  return {
    level: body.levels[l]!,
    category: body.categories[c]!,
    severity: body.severities[s]!,
    costBand: b,
  };
}

function structuralErrors(body: MatrixBody): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  const dupes = (xs: readonly (string | number)[], path: string) => {
    const seen = new Set<string | number>();
    xs.forEach((x, i) => {
      if (seen.has(x)) out.push({ path: `${path}.${i}`, message: `"${x}" is listed twice` });
      seen.add(x);
    });
  };
  dupes(body.levels, 'levels');
  dupes(body.categories, 'categories');
  dupes(body.severities, 'severities');
  if (body.costBandsVnd[0] !== 0)
    out.push({ path: 'costBandsVnd.0', message: 'the first band boundary must be 0' });
  body.costBandsVnd.forEach((b, i) => {
    if (i > 0 && b <= body.costBandsVnd[i - 1]!)
      out.push({ path: `costBandsVnd.${i}`, message: 'band boundaries must be strictly ascending' });
  });
  dupes(
    body.rules.map((r) => r.id),
    'rules',
  );
  const lists = { level: body.levels, category: body.categories, severity: body.severities } as const;
  body.rules.forEach((r, ri) => {
    for (const key of ['level', 'category', 'severity'] as const) {
      const v = r.when[key];
      if (v === '*') continue;
      v.forEach((x, i) => {
        if (!lists[key].includes(x))
          out.push({
            path: `rules.${ri}.when.${key}.${i}`,
            message: `"${x}" is not one of the declared ${key === 'category' ? 'categories' : key === 'severity' ? 'severities' : 'levels'}`,
          });
      });
    }
    if (r.when.costBand !== '*')
      r.when.costBand.forEach((b, i) => {
        if (b >= body.costBandsVnd.length)
          out.push({
            path: `rules.${ri}.when.costBand.${i}`,
            message: `band ${b} does not exist (bands 0..${body.costBandsVnd.length - 1})`,
          });
      });
    for (const { field, place } of placesOf(r))
      if (place.at.startsWith('level:') && !body.levels.includes(place.at.slice(6)))
        out.push({
          path: `rules.${ri}.${field}.at`,
          message: `"${place.at.slice(6)}" is not one of the declared levels`,
        });
  });
  return out;
}

export interface ValidateOptions {
  /** Does anyone hold `role` at `unitId` (own grant or active deputy)? Omit to skip staffing warnings. */
  staffed?: (role: string, unitId: string) => boolean;
  /** Most cells listed per kind (gaps, overlaps, unresolved); totals are always exact. */
  maxListed?: number;
}

/**
 * Validates a matrix against the unit tree: every cell covered exactly once, every `at` resolvable for
 * every existing unit the rule can apply to, values drawn from the declared lists. Returns every gap and
 * overlap as explicit cells (up to `maxListed` each), and unstaffed places as warnings.
 */
export function validateMatrix(
  body: MatrixBody,
  units: UnitTree | readonly UnitNode[],
  opts: ValidateOptions = {},
): MatrixValidation {
  const max = opts.maxListed ?? 2000;
  const tree = asTree(units);
  const errors = structuralErrors(body);
  const { compiled, overlaps: ov } = cover(body);

  const gaps: MatrixCell[] = [];
  let gapCount = 0;
  compiled.cellRule.forEach((r, k) => {
    if (r !== -1) return;
    gapCount++;
    if (gaps.length < max) gaps.push(cellOf(body, k));
  });
  const overlaps: { cell: MatrixCell; ruleIds: string[] }[] = [];
  for (const [k, ris] of ov) {
    if (overlaps.length >= max) break;
    overlaps.push({ cell: cellOf(body, k), ruleIds: ris.map((i) => body.rules[i]!.id) });
  }

  const unresolved: UnresolvedPlace[] = [];
  let unresolvedCount = 0;
  const addUnresolved = (u: UnresolvedPlace) => {
    unresolvedCount++;
    if (unresolved.length < max) unresolved.push(u);
  };

  // Places that can never resolve at a level, whatever the tree: reported once, not per unit.
  const staticBad = new Set<string>();
  body.rules.forEach((r) => {
    for (const level of expand(r.when.level, body.levels)) {
      const li = compiled.levelIdx.get(level);
      if (li === undefined) continue;
      for (const { field, place } of placesOf(r)) {
        let reason: string | undefined;
        if (place.at === 'parent' && li === 0) reason = `a unit at the top level "${level}" has no parent`;
        if (place.at.startsWith('level:')) {
          const ti = compiled.levelIdx.get(place.at.slice(6));
          if (ti !== undefined && ti > li)
            reason = `level "${place.at.slice(6)}" is below "${level}", so never at or above a ${level} unit`;
        }
        if (reason) {
          staticBad.add(`${r.id}|${level}|${field}`);
          addUnresolved({ ruleId: r.id, level, field, at: place.at, message: reason });
        }
      }
    }
  });

  // Per level, the distinct places its rules name: a unit resolves each (role, at) once, however many
  // rules share it, so validation stays fast enough to run on every save.
  interface LevelPlace {
    role: string;
    at: string;
    refs: { ruleId: string; field: string }[];
  }
  const placesAtLevel = new Map<string, LevelPlace[]>();
  for (const level of body.levels) {
    const byKey = new Map<string, LevelPlace>();
    for (const r of body.rules) {
      if (r.when.level !== '*' && !r.when.level.includes(level)) continue;
      for (const { field, place } of placesOf(r)) {
        if (staticBad.has(`${r.id}|${level}|${field}`)) continue;
        const k = `${place.role}|${place.at}`;
        let lp = byKey.get(k);
        if (!lp) {
          lp = { role: place.role, at: place.at, refs: [] };
          byKey.set(k, lp);
        }
        lp.refs.push({ ruleId: r.id, field });
      }
    }
    placesAtLevel.set(level, [...byKey.values()]);
  }
  const unstaffed = new Map<string, { role: string; unit: UnitNode; places: Set<LevelPlace> }>();
  // Many warnings share the same places (e.g. unit_head@self of every commune): list their rules once
  // per distinct combination of places.
  const placeIndex = new Map<LevelPlace, number>();
  for (const lps of placesAtLevel.values()) for (const lp of lps) placeIndex.set(lp, placeIndex.size);
  const idsOfCombination = new Map<string, string[]>();
  const ruleIdsOf = (lps: LevelPlace[]): string[] => {
    const key = lps
      .map((lp) => placeIndex.get(lp)!)
      .sort((a, b) => a - b)
      .join(',');
    let ids = idsOfCombination.get(key);
    if (!ids) {
      ids = [...new Set(lps.flatMap((lp) => lp.refs.map((r) => r.ruleId)))].sort();
      idsOfCombination.set(key, ids);
    }
    return ids;
  };
  for (const u of tree.nodes) {
    const li = compiled.levelIdx.get(u.level);
    if (li === undefined) {
      addUnresolved({
        unitCode: u.code,
        level: u.level,
        ruleId: '*',
        message: `unit ${u.code} has level "${u.level}", which the matrix does not declare`,
      });
      continue;
    }
    const parent = u.parentId ? tree.byId.get(u.parentId) : undefined;
    const pi = parent ? compiled.levelIdx.get(parent.level) : undefined;
    if (parent && pi !== undefined && pi >= li)
      addUnresolved({
        unitCode: u.code,
        level: u.level,
        ruleId: '*',
        message: `unit ${u.code} (${u.level}) would not be below its parent ${parent.code} (${parent.level}) in this matrix's level order`,
      });
    for (const lp of placesAtLevel.get(u.level) ?? []) {
      const target = resolveAt(tree, u, lp.at);
      if (!target) {
        for (const ref of lp.refs)
          addUnresolved({
            ruleId: ref.ruleId,
            unitCode: u.code,
            level: u.level,
            field: ref.field,
            at: lp.at,
            message: `"${lp.at}" names no unit for ${u.code}`,
          });
      } else if (opts.staffed && !opts.staffed(lp.role, target.id)) {
        const k = `${lp.role}|${target.id}`;
        let w = unstaffed.get(k);
        if (!w) {
          w = { role: lp.role, unit: target, places: new Set() };
          unstaffed.set(k, w);
        }
        w.places.add(lp);
      }
    }
  }

  const warnings: UnstaffedWarning[] = [...unstaffed.values()].map((w) => ({
    role: w.role,
    unitCode: w.unit.code,
    ruleIds: ruleIdsOf([...w.places]),
    message: `nobody holds ${w.role} at ${w.unit.code}: tickets routed there wait in an unstaffed queue`,
  }));

  const cells = compiled.cellRule.length;
  return {
    valid: errors.length === 0 && gapCount === 0 && ov.size === 0 && unresolvedCount === 0,
    gaps,
    overlaps,
    unresolved,
    errors,
    warnings,
    counts: { cells, gaps: gapCount, overlaps: ov.size, unresolved: unresolvedCount },
    truncated: gaps.length < gapCount || overlaps.length < ov.size || unresolved.length < unresolvedCount,
  };
}

/**
 * The rules of `matrix` that could not route tickets of `unit` in `tree` (empty = fine). Called when a
 * unit is created or moved, so the matrix keeps answering for every unit that exists.
 */
export function unresolvableRulesFor(
  matrix: MatrixBody,
  tree: UnitTree | readonly UnitNode[],
  unit: UnitNode,
): string[] {
  const t = asTree(tree);
  const out = new Set<string>();
  for (const r of matrix.rules) {
    if (r.when.level !== '*' && !r.when.level.includes(unit.level)) continue;
    for (const { place } of placesOf(r)) if (!resolveAt(t, unit, place.at)) out.add(r.id);
  }
  return [...out];
}

export interface RoutedPlace {
  role: string;
  at: string;
  unit: UnitNode;
}

export interface Route {
  ok: true;
  ruleId: string;
  rule: MatrixRule;
  costBand: number;
  handler: RoutedPlace;
  approvers: RoutedPlace[];
  escalation: { afterMinutes: number; notify: RoutedPlace }[];
  sla: MatrixRule['sla'];
  explanation: { vi: string; en: string };
  legalBasis?: string;
}

export interface RouteFailure {
  ok: false;
  reason:
    | 'unknown_unit'
    | 'unknown_level'
    | 'unknown_category'
    | 'unknown_severity'
    | 'no_rule'
    | 'unresolvable';
  ruleId?: string;
  message: { vi: string; en: string };
}

export interface RouteInput {
  unitId: string;
  category: string;
  severity: string;
  costEstimateVnd?: number | null;
}

/** Routes one ticket: the rule covering its cell, the places resolved against the tree, the explanation. */
export function route(
  m: CompiledMatrix,
  tree: UnitTree,
  input: RouteInput,
  opts: { matrixVersion?: number } = {},
): Route | RouteFailure {
  const unit = tree.byId.get(input.unitId);
  if (!unit)
    return {
      ok: false,
      reason: 'unknown_unit',
      message: { vi: 'Không tìm thấy đơn vị.', en: 'Unit not found.' },
    };
  const l = m.levelIdx.get(unit.level);
  if (l === undefined)
    return {
      ok: false,
      reason: 'unknown_level',
      message: {
        vi: `Cấp "${unit.level}" của đơn vị ${unit.code} không có trong ma trận.`,
        en: `Level "${unit.level}" of unit ${unit.code} is not in the matrix.`,
      },
    };
  const c = m.categoryIdx.get(input.category);
  if (c === undefined)
    return {
      ok: false,
      reason: 'unknown_category',
      message: {
        vi: `Loại sự cố "${input.category}" không có trong ma trận (${m.body.categories.join(', ')}).`,
        en: `Category "${input.category}" is not in the matrix (${m.body.categories.join(', ')}).`,
      },
    };
  const s = m.severityIdx.get(input.severity);
  if (s === undefined)
    return {
      ok: false,
      reason: 'unknown_severity',
      message: {
        vi: `Mức độ "${input.severity}" không có trong ma trận (${m.body.severities.join(', ')}).`,
        en: `Severity "${input.severity}" is not in the matrix (${m.body.severities.join(', ')}).`,
      },
    };
  const band = bandOf(m.body.costBandsVnd, input.costEstimateVnd);
  const ri = m.cellRule[cellIndex(m, l, c, s, band)]!;
  const rule = m.body.rules[ri];
  if (!rule)
    return {
      ok: false,
      reason: 'no_rule',
      message: {
        vi: 'Ma trận không có quy tắc cho trường hợp này.',
        en: 'The matrix has no rule for this case.',
      },
    };
  const place = (p: MatrixPlace): RoutedPlace | undefined => {
    const u = resolveAt(tree, unit, p.at);
    return u ? { role: p.role, at: p.at, unit: u } : undefined;
  };
  const handler = place(rule.handler);
  const approvers = rule.approvers.map(place);
  const escalation = rule.escalation.map((e) => ({ afterMinutes: e.afterMinutes, notify: place(e.notify) }));
  if (!handler || approvers.some((a) => !a) || escalation.some((e) => !e.notify))
    return {
      ok: false,
      reason: 'unresolvable',
      ruleId: rule.id,
      message: {
        vi: `Quy tắc «${rule.id}» không xác định được đơn vị cho ${unit.code}.`,
        en: `Rule "${rule.id}" names no unit for ${unit.code}.`,
      },
    };
  const legalBasis = rule.legalBasis?.trim() || m.body.legalBasis?.trim() || undefined;
  return {
    ok: true,
    ruleId: rule.id,
    rule,
    costBand: band,
    handler,
    approvers: approvers as RoutedPlace[],
    escalation: escalation as { afterMinutes: number; notify: RoutedPlace }[],
    sla: rule.sla,
    legalBasis,
    explanation: explain({
      ruleId: rule.id,
      matrixVersion: opts.matrixVersion,
      level: unit.level,
      category: input.category,
      severity: input.severity,
      costBand: band,
      costBands: m.body.costBandsVnd,
      costEstimateVnd: input.costEstimateVnd,
      unitCode: unit.code,
      handler: { role: handler.role, unitCode: handler.unit.code, at: handler.at },
      approvers: (approvers as RoutedPlace[]).map((a) => ({ role: a.role, unitCode: a.unit.code, at: a.at })),
      sla: rule.sla,
      legalBasis,
    }),
  };
}
