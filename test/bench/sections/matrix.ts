/**
 * Matrix validation and routing throughput on this machine, over Hanoi's real 126 commune-level units
 * (shared/data) grouped under their former districts for a 3-level tree, with a realistic matrix of
 * 3 levels × 5 categories × 3 severities × 6 cost bands. Medians of several runs; never asserts.
 */
import { readFileSync } from 'node:fs';
import {
  buildTree,
  compileMatrix,
  defaultMatrix,
  route,
  type UnitNode,
  validateMatrix,
} from '../../../server/domain/matrix.js';
import type { Matrix, MatrixRule } from '../../../shared/schemas/matrix.js';

const CSV = new URL('../../../agent/simulate/data/hanoi-units-2025.csv', import.meta.url);

function hanoiTree(): UnitNode[] {
  const text = readFileSync(CSV, 'utf8');
  const lines = text.trim().split('\n').slice(1);
  const nodes: UnitNode[] = [{ id: 'hn', code: 'HN', level: 'city', parentId: null }];
  const districts = new Map<string, string>();
  for (const line of lines) {
    const code = line.slice(0, 5);
    // The old district of the first former unit, e.g. "(Quận Ba Đình, toàn bộ)".
    const district = /\(([^,]+),/.exec(line)?.[1] ?? 'Khác';
    let did = districts.get(district);
    if (!did) {
      did = `d${districts.size}`;
      districts.set(district, did);
      nodes.push({ id: did, code: `HN-D${districts.size}`, level: 'district', parentId: 'hn' });
    }
    nodes.push({ id: `c${code}`, code, level: 'commune', parentId: did });
  }
  return nodes;
}

function realisticMatrix(): Matrix {
  const bands = [0, 2_000_000, 5_000_000, 20_000_000, 50_000_000, 100_000_000];
  const rules: MatrixRule[] = [];
  const chains: Record<string, { at: string }[][]> = {
    city: [[], [], [{ at: 'self' }], [{ at: 'self' }], [{ at: 'self' }], [{ at: 'self' }]],
    district: [
      [],
      [],
      [{ at: 'self' }],
      [{ at: 'self' }],
      [{ at: 'self' }, { at: 'root' }],
      [{ at: 'self' }, { at: 'root' }],
    ],
    commune: [
      [],
      [{ at: 'self' }],
      [{ at: 'self' }],
      [{ at: 'self' }, { at: 'level:district' }],
      [{ at: 'self' }, { at: 'level:district' }],
      [{ at: 'self' }, { at: 'level:district' }, { at: 'root' }],
    ],
  };
  for (const level of ['city', 'district', 'commune'])
    for (const severity of ['critical', 'major', 'minor'])
      for (const [category] of [['hardware'], ['peripheral'], ['network'], ['software'], ['upstream']])
        for (let b = 0; b < bands.length; b++)
          rules.push({
            id: `${level}-${severity}-${category}-b${b}`,
            when: { level: [level], category: [category!], severity: [severity], costBand: [b] },
            handler: { role: 'it_staff', at: level === 'commune' ? 'level:district' : 'self' },
            approvers: chains[level]![b]!.map((p) => ({ role: 'unit_head' as const, at: p.at })),
            sla: { respondMinutes: 60, resolveMinutes: 480, approveMinutes: 240 },
            escalation: [
              { afterMinutes: 0, notify: { role: 'it_staff', at: 'root' } },
              { afterMinutes: 240, notify: { role: 'unit_head', at: 'self' } },
            ],
          });
  return {
    name: 'bench',
    levels: ['city', 'district', 'commune'],
    categories: ['hardware', 'peripheral', 'network', 'software', 'upstream'],
    severities: ['critical', 'major', 'minor'],
    costBandsVnd: bands,
    rules,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Runs `fn` `n` times per round, `rounds` rounds; returns the median rate per second. */
function rate(rounds: number, n: number, fn: (i: number) => void): number {
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn(i);
    rates.push(n / ((performance.now() - t0) / 1000));
  }
  return median(rates);
}

const fmt = (x: number) => Math.round(x).toLocaleString('en-US');

export async function run(): Promise<void> {
  const nodes = hanoiTree();
  const tree = buildTree(nodes);
  const m = realisticMatrix();
  const communes = nodes.filter((n) => n.level === 'commune');
  const staffed = new Set(nodes.filter((n) => n.level !== 'commune').map((n) => `it_staff|${n.id}`));
  const opts = { staffed: (role: string, unitId: string) => staffed.has(`${role}|${unitId}`) };

  const v = validateMatrix(m, tree, opts);
  console.log(
    `tree: ${nodes.length} units (${communes.length} Hanoi communes under ${nodes.length - communes.length - 1} former districts); ` +
      `matrix: ${m.rules.length} rules, ${v.counts.cells} cells; valid=${v.valid}, ${v.warnings.length} unstaffed warnings`,
  );
  rate(2, 20, () => validateMatrix(m, tree, opts)); // warm-up
  const validations = rate(7, 50, () => validateMatrix(m, tree, opts));
  console.log(
    `matrix validations/s (3×5×3×6, full tree, with staffing): ${fmt(validations)}  (≈ ${(1000 / validations).toFixed(2)} ms each)`,
  );

  const twoLevel = defaultMatrix(['city', 'commune']);
  const flat = buildTree([nodes[0]!, ...communes.map((c) => ({ ...c, parentId: 'hn' }))]);
  const v2 = rate(7, 100, () => validateMatrix(twoLevel, flat, opts));
  console.log(`matrix validations/s (2-level default, 126 communes): ${fmt(v2)}`);

  const compiled = compileMatrix(m);
  const cats = m.categories;
  const sevs = m.severities;
  const costs = [0, 1_500_000, 4_000_000, 19_999_999, 20_000_000, 75_000_000, 250_000_000];
  const pick = (i: number) => ({
    unitId: communes[i % communes.length]!.id,
    category: cats[i % cats.length]!,
    severity: sevs[(i >> 3) % sevs.length]!,
    costEstimateVnd: costs[i % costs.length]!,
  });
  let sink = 0;
  rate(2, 2000, (i) => {
    sink += (route(compiled, tree, pick(i)) as { ok: boolean }).ok ? 1 : 0;
  });
  const routes = rate(7, 5000, (i) => {
    sink += (route(compiled, tree, pick(i)) as { ok: boolean }).ok ? 1 : 0;
  });
  console.log(
    `routing decisions/s (rule + handler + approver chain + bilingual explanation): ${fmt(routes)}`,
  );
  const compiles = rate(5, 200, () => {
    sink += compileMatrix(m).cellRule.length;
  });
  console.log(`matrix compilations/s: ${fmt(compiles)}   (sink ${sink % 10})`);
}
