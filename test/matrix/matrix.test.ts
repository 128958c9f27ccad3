/** Table-driven tests of the matrix validator, router and explanation (pure domain, no server). */
import { describe, expect, it } from 'vitest';
import {
  bandOf,
  buildTree,
  compileMatrix,
  defaultMatrix,
  resolveAt,
  route,
  type UnitNode,
  unresolvableRulesFor,
  validateMatrix,
} from '../../server/domain/matrix.js';
import type { Matrix, MatrixRule } from '../../shared/schemas/matrix.js';
import { zMatrix } from '../../shared/schemas/matrix.js';

const HN: UnitNode = { id: 'hn', code: 'HN', level: 'city', parentId: null };
const BA_DINH: UnitNode = { id: 'bd', code: '00004', level: 'commune', parentId: 'hn' };
const NGOC_HA: UnitNode = { id: 'nh', code: '00008', level: 'commune', parentId: 'hn' };
const TWO_LEVEL = [HN, BA_DINH, NGOC_HA];

const TX: UnitNode = { id: 'tx', code: 'HN-TX', level: 'district', parentId: 'hn' };
const KD: UnitNode = { id: 'kd', code: 'HN-TX-KD', level: 'commune', parentId: 'tx' };
const THREE_LEVEL = [HN, TX, KD];

const SLA = { respondMinutes: 60, resolveMinutes: 480, approveMinutes: 240 };

function rule(id: string, when: Partial<MatrixRule['when']>, extra: Partial<MatrixRule> = {}): MatrixRule {
  return {
    id,
    when: { level: '*', category: '*', severity: '*', costBand: '*', ...when },
    handler: { role: 'it_staff', at: 'root' },
    approvers: [],
    sla: SLA,
    escalation: [],
    ...extra,
  };
}

function matrix(rules: MatrixRule[], over: Partial<Matrix> = {}): Matrix {
  return {
    name: 'test',
    levels: ['city', 'commune'],
    categories: ['hardware', 'network'],
    severities: ['major', 'minor'],
    costBandsVnd: [0, 5_000_000, 20_000_000],
    rules,
    ...over,
  };
}

describe('default matrices', () => {
  it.each([
    [['city', 'commune'], TWO_LEVEL],
    [['city', 'district', 'commune'], THREE_LEVEL],
    [['province', 'district', 'commune', 'hamlet'], [{ ...HN, level: 'province' }]],
    [['city'], [HN]],
  ])('the default for %j is valid, well-formed and labelled as examples', (levels, tree) => {
    const m = defaultMatrix(levels);
    expect(zMatrix.parse(m)).toEqual(m);
    const v = validateMatrix(m, tree);
    expect(v).toMatchObject({ valid: true, gaps: [], overlaps: [], unresolved: [], errors: [] });
    expect(v.counts.cells).toBe(levels.length * 6 * 3 * 4);
    expect(m.legalBasis).toBe('');
    expect(m.description).toMatch(/VÍ DỤ|EXAMPLE/);
  });

  it('the 3-level default cannot route a commune placed directly under the city', () => {
    const m = defaultMatrix(['city', 'district', 'commune']);
    const orphan: UnitNode = { id: 'o', code: 'HN-X', level: 'commune', parentId: 'hn' };
    const rules = unresolvableRulesFor(m, [...THREE_LEVEL, orphan], orphan);
    expect(rules.length).toBeGreaterThan(0);
    expect(rules.every((r) => r.startsWith('commune-'))).toBe(true);
    expect(unresolvableRulesFor(m, THREE_LEVEL, KD)).toEqual([]);
  });
});

describe('validateMatrix', () => {
  const cases: {
    name: string;
    m: Matrix;
    tree?: UnitNode[];
    gaps?: number;
    overlaps?: number;
    unresolved?: number;
    errors?: string[];
    check?: (v: ReturnType<typeof validateMatrix>) => void;
  }[] = [
    { name: 'one catch-all rule is complete', m: matrix([rule('all', {})]), gaps: 0, overlaps: 0 },
    {
      name: 'a missing band is reported cell by cell',
      m: matrix([rule('low', { costBand: [0, 1] })]),
      gaps: 2 * 2 * 2,
      check: (v) => {
        expect(v.gaps).toContainEqual({
          level: 'commune',
          category: 'network',
          severity: 'minor',
          costBand: 2,
        });
        expect(v.gaps.every((c) => c.costBand === 2)).toBe(true);
      },
    },
    {
      name: 'two rules on the same cell are an overlap naming both',
      m: matrix([
        rule('all', {}),
        rule('net-minor', { level: ['commune'], category: ['network'], severity: ['minor'], costBand: [2] }),
      ]),
      overlaps: 1,
      check: (v) =>
        expect(v.overlaps).toEqual([
          {
            cell: { level: 'commune', category: 'network', severity: 'minor', costBand: 2 },
            ruleIds: ['all', 'net-minor'],
          },
        ]),
    },
    {
      name: 'level:district on a 2-level matrix is a structural error',
      m: matrix([rule('all', {}, { handler: { role: 'it_staff', at: 'level:district' } })]),
      errors: ['rules.0.handler.at'],
    },
    {
      name: 'level:commune named for a city rule can never resolve (static)',
      m: matrix([rule('all', {}, { approvers: [{ role: 'unit_head', at: 'level:commune' }] })]),
      check: (v) =>
        expect(v.unresolved).toContainEqual(
          expect.objectContaining({ ruleId: 'all', level: 'city', field: 'approvers.0' }),
        ),
    },
    {
      name: 'parent at the top level can never resolve',
      m: matrix([rule('all', {}, { handler: { role: 'it_staff', at: 'parent' } })]),
      check: (v) => {
        expect(v.unresolved).toEqual([
          expect.objectContaining({ ruleId: 'all', level: 'city', field: 'handler', at: 'parent' }),
        ]);
        expect(v.valid).toBe(false);
      },
    },
    {
      name: 'level:district on a 3-level matrix is unresolvable for a commune without a district',
      m: matrix([rule('all', {}, { handler: { role: 'it_staff', at: 'level:district' } })], {
        levels: ['city', 'district', 'commune'],
      }),
      tree: [...THREE_LEVEL, { id: 'o', code: 'HN-ORPHAN', level: 'commune', parentId: 'hn' }],
      check: (v) => {
        expect(v.unresolved).toContainEqual(
          expect.objectContaining({
            ruleId: 'all',
            unitCode: 'HN-ORPHAN',
            field: 'handler',
            at: 'level:district',
          }),
        );
        // The city itself has no district at or above it either: statically impossible, reported once.
        expect(v.unresolved).toContainEqual(
          expect.objectContaining({ ruleId: 'all', level: 'city', field: 'handler' }),
        );
        expect(v.unresolved.some((u) => u.unitCode === 'HN-TX-KD')).toBe(false);
      },
    },
    {
      name: 'a unit whose level the matrix lacks is unresolved',
      m: matrix([rule('all', {})]),
      tree: [HN, { id: 'x', code: 'HN-TX', level: 'district', parentId: 'hn' }],
      check: (v) =>
        expect(v.unresolved).toContainEqual(expect.objectContaining({ unitCode: 'HN-TX', ruleId: '*' })),
    },
    {
      name: 'bands must start at 0 and ascend',
      m: matrix([rule('all', {})], { costBandsVnd: [100, 50, 50] }),
      errors: ['costBandsVnd.0', 'costBandsVnd.1', 'costBandsVnd.2'],
    },
    {
      name: 'duplicate ids and undeclared values are structural errors',
      m: matrix([
        rule('a', { category: ['hardware', 'printer'] }),
        rule('a', { category: ['network'], costBand: [7] }),
      ]),
      errors: ['rules.1', 'rules.0.when.category.1', 'rules.1.when.costBand.0'],
    },
  ];
  it.each(cases)('$name', (c) => {
    const v = validateMatrix(c.m, c.tree ?? TWO_LEVEL);
    if (c.gaps !== undefined) expect(v.counts.gaps).toBe(c.gaps);
    if (c.overlaps !== undefined) expect(v.counts.overlaps).toBe(c.overlaps);
    if (c.unresolved !== undefined) expect(v.counts.unresolved).toBe(c.unresolved);
    if (c.errors) expect(v.errors.map((e) => e.path).sort()).toEqual([...c.errors].sort());
    c.check?.(v);
    expect(v.valid).toBe(v.counts.gaps + v.counts.overlaps + v.counts.unresolved + v.errors.length === 0);
  });

  it('warns (not errors) about resolvable places nobody staffs', () => {
    const m = matrix([rule('all', {}, { approvers: [{ role: 'unit_head', at: 'self' }] })]);
    const staffed = new Set(['it_staff|hn', 'unit_head|bd']);
    const v = validateMatrix(m, TWO_LEVEL, { staffed: (r, u) => staffed.has(`${r}|${u}`) });
    expect(v.valid).toBe(true);
    expect(v.warnings.map((w) => [w.role, w.unitCode]).sort()).toEqual([
      ['unit_head', '00008'],
      ['unit_head', 'HN'],
    ]);
    expect(v.warnings[0]!.ruleIds).toEqual(['all']);
  });

  it('lists at most maxListed cells but counts them all', () => {
    const v = validateMatrix(matrix([rule('one', { costBand: [0], category: ['hardware'] })]), TWO_LEVEL, {
      maxListed: 3,
    });
    expect(v.gaps).toHaveLength(3);
    expect(v.counts.gaps).toBe(2 * 2 * 2 * 3 - 2 * 2);
    expect(v.truncated).toBe(true);
  });
});

describe('route', () => {
  const m = matrix([
    rule('b0', { costBand: [0] }),
    rule('b1', { costBand: [1] }, { approvers: [{ role: 'unit_head', at: 'self' }] }),
    rule(
      'b2',
      { costBand: [2] },
      {
        approvers: [
          { role: 'unit_head', at: 'self' },
          { role: 'unit_head', at: 'root' },
        ],
        legalBasis: 'Quyết định số 01/2026/QĐ-UBND (ví dụ)',
      },
    ),
  ]);
  const compiled = compileMatrix(m);
  const tree = buildTree(TWO_LEVEL);

  it.each([
    [undefined, 'b0', 0],
    [0, 'b0', 0],
    [4_999_999, 'b0', 0],
    [5_000_000, 'b1', 1], // a boundary belongs to the band it starts
    [19_999_999, 'b1', 1],
    [20_000_000, 'b2', 2],
    [999_000_000_000, 'b2', 2], // the last band is open-ended
  ])('an estimate of %s VND routes by rule %s (band %i)', (cost, ruleId, band) => {
    const r = route(compiled, tree, {
      unitId: 'bd',
      category: 'network',
      severity: 'minor',
      costEstimateVnd: cost,
    });
    expect(r).toMatchObject({ ok: true, ruleId, costBand: band });
    expect(bandOf(m.costBandsVnd, cost)).toBe(band);
  });

  it('resolves handler and approver chain to units and explains in both languages with the legal basis', () => {
    const r = route(
      compiled,
      tree,
      { unitId: 'bd', category: 'hardware', severity: 'major', costEstimateVnd: 25_000_000 },
      { matrixVersion: 7 },
    );
    if (!r.ok) throw new Error('expected a route');
    expect(r.handler.unit.code).toBe('HN');
    expect(r.approvers.map((a) => `${a.role}@${a.unit.code}`)).toEqual(['unit_head@00004', 'unit_head@HN']);
    expect(r.explanation.vi).toContain('«b2»');
    expect(r.explanation.vi).toContain('phiên bản 7');
    expect(r.explanation.vi).toContain('25.000.000 ₫');
    expect(r.explanation.vi).toContain('từ 20.000.000 ₫ trở lên');
    expect(r.explanation.vi).toContain('phần cứng (hardware)');
    expect(r.explanation.vi).toContain('Quyết định số 01/2026/QĐ-UBND');
    expect(r.explanation.en).toContain('"b2"');
    expect(r.explanation.en).toContain('25,000,000 VND');
    expect(r.explanation.en).toContain('unit head (unit_head) at 00004');
    expect(r.legalBasis).toBe('Quyết định số 01/2026/QĐ-UBND (ví dụ)');
  });

  it.each([
    [{ unitId: 'nope', category: 'network', severity: 'minor' }, 'unknown_unit'],
    [{ unitId: 'bd', category: 'printer', severity: 'minor' }, 'unknown_category'],
    [{ unitId: 'bd', category: 'network', severity: 'trivial' }, 'unknown_severity'],
  ])('refuses %j with %s', (input, reason) => {
    expect(route(compiled, tree, input)).toMatchObject({ ok: false, reason });
  });

  it('reports a gap as no_rule', () => {
    const gappy = compileMatrix(matrix([rule('b0', { costBand: [0] })]));
    expect(
      route(gappy, tree, {
        unitId: 'bd',
        category: 'network',
        severity: 'minor',
        costEstimateVnd: 6_000_000,
      }),
    ).toMatchObject({
      ok: false,
      reason: 'no_rule',
    });
  });

  it.each([
    ['self', 'HN-TX-KD'],
    ['parent', 'HN-TX'],
    ['root', 'HN'],
    ['level:district', 'HN-TX'],
    ['level:commune', 'HN-TX-KD'],
    ['level:city', 'HN'],
  ])('resolveAt %s from a commune names %s', (at, code) => {
    expect(resolveAt(buildTree(THREE_LEVEL), KD, at)?.code).toBe(code);
  });

  it('level:district from a commune of a 2-level tree names nothing', () => {
    expect(resolveAt(tree, BA_DINH, 'level:district')).toBeUndefined();
    expect(resolveAt(tree, HN, 'parent')).toBeUndefined();
  });
});
