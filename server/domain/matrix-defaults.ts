/**
 * The default maintenance matrices installed in a new database (MATRIX.md "Default matrix"): one for
 * the 2-level structure (city, commune — Vietnam since 2025-07-01), one for the 3-level structure
 * (city, district, commune), and a conservative one for any other ORG_LEVELS. Each is complete,
 * unambiguous and resolvable for any tree its levels allow. The VND thresholds and minutes are
 * EXAMPLES for each organisation to set, not quotations of any regulation; `legalBasis` is left empty
 * to be filled in with the decision that actually sets them.
 */
import type { Matrix, MatrixPlace, MatrixRule } from '../../shared/schemas/matrix.js';

/** `equipment`: a counter short of what the equipment standard requires (procurement, not repair). */
const CATEGORIES = ['hardware', 'peripheral', 'network', 'software', 'upstream', 'equipment'];
const SEVERITIES = ['critical', 'major', 'minor'] as const;
/** Example band boundaries: under 5 M, 5–20 M, 20–100 M, 100 M and more. */
const EXAMPLE_BANDS_VND = [0, 5_000_000, 20_000_000, 100_000_000];

/** Example targets in working minutes (a working day is 8:00–17:00 in the default calendar). */
const SLA: Record<(typeof SEVERITIES)[number], MatrixRule['sla']> = {
  critical: { respondMinutes: 60, resolveMinutes: 480, approveMinutes: 240 },
  major: { respondMinutes: 240, resolveMinutes: 1440, approveMinutes: 480 },
  minor: { respondMinutes: 480, resolveMinutes: 2880, approveMinutes: 960 },
};

const P = (role: MatrixPlace['role'], at: string): MatrixPlace => ({ role, at });

interface LevelSpec {
  level: string;
  handlerAt: string;
  /** Approver chains by band group; the groups together cover every band exactly once. */
  chains: { bands: number[]; approvers: MatrixPlace[] }[];
  /** Who is told after a breach: the handler's queue at once, then higher up. */
  escalation: Record<(typeof SEVERITIES)[number], { afterMinutes: number; notify: MatrixPlace }[]>;
}

function escalationVia(queue: string, higher: MatrixPlace[]): LevelSpec['escalation'] {
  const ladder = (delays: number[]) =>
    [P('it_staff', queue), ...higher].slice(0, delays.length).map((notify, i) => ({
      afterMinutes: delays[i]!,
      notify,
    }));
  return { critical: ladder([0, 120, 480]), major: ladder([0, 480, 1440]), minor: ladder([0, 960]) };
}

function bandTag(bands: number[]): string {
  return bands.length === 1 ? `b${bands[0]}` : `b${bands[0]}-${bands[bands.length - 1]}`;
}

function rulesFor(spec: LevelSpec): MatrixRule[] {
  const out: MatrixRule[] = [];
  for (const sev of SEVERITIES)
    for (const chain of spec.chains)
      out.push({
        id: `${spec.level}-${sev}-${bandTag(chain.bands)}`,
        when: { level: [spec.level], category: '*', severity: [sev], costBand: chain.bands },
        handler: P('it_staff', spec.handlerAt),
        approvers: chain.approvers,
        sla: SLA[sev],
        escalation: spec.escalation[sev],
        legalBasis: '',
      });
  return out;
}

const head = (at: string) => P('unit_head', at);

/** 2-level (city, commune): the city's IT staff handle every commune; heads approve by band. */
function twoLevel(top: string, bottom: string): LevelSpec[] {
  return [
    {
      level: top,
      handlerAt: 'self',
      chains: [
        { bands: [0], approvers: [] },
        { bands: [1, 2, 3], approvers: [head('self')] },
      ],
      escalation: escalationVia('self', [head('self'), P('admin', 'root')]),
    },
    {
      level: bottom,
      handlerAt: 'root',
      chains: [
        { bands: [0], approvers: [] },
        { bands: [1], approvers: [head('self')] },
        { bands: [2, 3], approvers: [head('self'), head('root')] },
      ],
      escalation: escalationVia('root', [head('self'), P('admin', 'root')]),
    },
  ];
}

/** 3-level (city, district, commune): district IT staff handle communes; the chain climbs with the band. */
function threeLevel(top: string, middle: string, bottom: string): LevelSpec[] {
  const mid = `level:${middle}`;
  return [
    {
      level: top,
      handlerAt: 'self',
      chains: [
        { bands: [0], approvers: [] },
        { bands: [1, 2, 3], approvers: [head('self')] },
      ],
      escalation: escalationVia('self', [head('self'), P('admin', 'root')]),
    },
    {
      level: middle,
      handlerAt: 'self',
      chains: [
        { bands: [0], approvers: [] },
        { bands: [1], approvers: [head('self')] },
        { bands: [2, 3], approvers: [head('self'), head('root')] },
      ],
      escalation: escalationVia('self', [P('it_staff', 'root'), head('self')]),
    },
    {
      level: bottom,
      handlerAt: mid,
      chains: [
        { bands: [0], approvers: [] },
        { bands: [1], approvers: [head('self')] },
        { bands: [2], approvers: [head('self'), head(mid)] },
        { bands: [3], approvers: [head('self'), head(mid), head('root')] },
      ],
      escalation: escalationVia(mid, [P('it_staff', 'root'), head('self')]),
    },
  ];
}

/** Any other structure: the root's IT staff handle everything; heads approve at the unit, then the root. */
function generic(levels: readonly string[]): LevelSpec[] {
  return levels.map((level, i) => ({
    level,
    handlerAt: i === 0 ? 'self' : 'root',
    chains:
      i === 0
        ? [
            { bands: [0], approvers: [] },
            { bands: [1, 2, 3], approvers: [head('self')] },
          ]
        : [
            { bands: [0], approvers: [] },
            { bands: [1], approvers: [head('self')] },
            { bands: [2, 3], approvers: [head('self'), head('root')] },
          ],
    escalation: escalationVia(i === 0 ? 'self' : 'root', [head('self'), P('admin', 'root')]),
  }));
}

/** The default matrix for an organisation's levels (top first). */
export function defaultMatrix(levels: readonly string[]): Matrix {
  const [a, b, c] = levels;
  const specs =
    levels.length === 2 && a && b
      ? twoLevel(a, b)
      : levels.length === 3 && a && b && c
        ? threeLevel(a, b, c)
        : generic(levels);
  const structure =
    levels.length === 2
      ? '2 cấp (thành phố, xã) / 2-level (city, commune) — since 2025-07-01'
      : levels.length === 3
        ? '3 cấp (thành phố, quận/huyện, xã) / 3-level (city, district, commune)'
        : `${levels.length} levels`;
  return {
    name: `Ma trận bảo trì mặc định — ${structure}`,
    description:
      'VÍ DỤ: các ngưỡng chi phí (VND) và thời hạn là ví dụ để mỗi đơn vị tự đặt, không trích dẫn văn bản nào; ' +
      'hãy điền "legalBasis" bằng quyết định phân cấp thực tế. / EXAMPLE thresholds and targets for each ' +
      'organisation to set, not quotations of any regulation; fill in "legalBasis" with the decision that sets them.',
    levels: [...levels],
    categories: [...CATEGORIES],
    severities: [...SEVERITIES],
    costBandsVnd: [...EXAMPLE_BANDS_VND],
    rules: specs.flatMap(rulesFor),
    legalBasis: '',
  };
}
