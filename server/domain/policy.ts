/**
 * Check policy: the built-in root default, inheritance down the unit tree key by key, applying a PUT
 * (`null` = inherit again, absent = unchanged) and the agent config derived from an effective policy.
 * Pure: no database, no clock. The ETag is a hash of `canonicalJson(configBody)`, computed by the caller.
 */
import type { AgentConfig, Target } from '../../shared/schemas/agent.js';
import type { PolicyOverrides, PolicyPut, PolicyValues } from '../../shared/schemas/policy.js';

export const POLICY_KEYS = [
  'intervalSec',
  'disk',
  'targets',
  'peripherals',
  'openAfter',
  'recoverAfter',
] as const satisfies readonly (keyof PolicyValues)[];

/**
 * The systems every counter in Hanoi must reach. Hostnames are data (editable with PUT on the root's
 * policy); only names we are sure of are filled in:
 * - dichvucong.gov.vn — Cổng Dịch vụ công quốc gia (national public-service portal);
 * - dichvucong.hanoi.gov.vn — Hanoi's public-service portal and one-stop information system.
 * The address of the city's one-stop back-office ("một cửa điện tử") differs between deployments and is
 * marked "cần xác nhận" (to be confirmed) in its name until the city IT centre sets it.
 */
export const DEFAULT_TARGETS: Target[] = [
  {
    id: 'dvc-quoc-gia',
    name: 'Cổng Dịch vụ công quốc gia',
    kind: 'http',
    url: 'https://dichvucong.gov.vn/',
    warnMs: 1500,
    critMs: 5000,
    timeoutMs: 10_000,
  },
  {
    id: 'dvc-ha-noi',
    name: 'Cổng Dịch vụ công thành phố Hà Nội',
    kind: 'http',
    url: 'https://dichvucong.hanoi.gov.vn/',
    warnMs: 1500,
    critMs: 5000,
    timeoutMs: 10_000,
  },
  {
    id: 'motcua-ha-noi',
    name: 'Hệ thống một cửa điện tử Hà Nội (địa chỉ cần xác nhận / address to be confirmed)',
    kind: 'tcp',
    host: 'motcua.hanoi.gov.vn',
    port: 443,
    warnMs: 1500,
    critMs: 5000,
    timeoutMs: 10_000,
  },
];

/** The root default; `intervalSec` comes from AGENT_INTERVAL_SEC. */
export function defaultPolicy(intervalSec: number): PolicyValues {
  return {
    intervalSec,
    disk: { warnFreePct: 10, critFreePct: 5 },
    targets: DEFAULT_TARGETS,
    peripherals: { expected: [] },
    openAfter: 3,
    recoverAfter: 3,
  };
}

/** The root default overridden, key by key, by each level's own overrides in order (root first). */
export function effectivePolicy(base: PolicyValues, chain: readonly PolicyOverrides[]): PolicyValues {
  const out: PolicyValues = { ...base };
  for (const own of chain) {
    for (const k of POLICY_KEYS) {
      const v = own[k];
      if (v !== undefined && v !== null) (out as Record<string, unknown>)[k] = v;
    }
  }
  return out;
}

/** Applies a PUT to a unit's own overrides: `null` removes a key, an absent key stays as it was. */
export function applyPolicyPut(own: PolicyOverrides, put: PolicyPut): PolicyOverrides {
  const out: Record<string, unknown> = { ...own };
  for (const k of POLICY_KEYS) {
    if (!(k in put)) continue;
    const v = put[k];
    if (v === null || v === undefined) delete out[k];
    else out[k] = v;
  }
  return out as PolicyOverrides;
}

/** Cross-field checks a single key's schema cannot make (e.g. a merged policy's disk thresholds). */
export function policyProblems(p: PolicyValues): { path: string; message: string }[] {
  const errs: { path: string; message: string }[] = [];
  const ids = new Set<string>();
  p.targets.forEach((t, i) => {
    if (ids.has(t.id)) errs.push({ path: `targets.${i}.id`, message: `duplicate target id ${t.id}` });
    ids.add(t.id);
  });
  const labels = new Set<string>();
  p.peripherals.expected.forEach((e, i) => {
    if (labels.has(e.label))
      errs.push({ path: `peripherals.expected.${i}.label`, message: `duplicate label ${e.label}` });
    labels.add(e.label);
  });
  return errs;
}

export type AgentConfigBody = Omit<AgentConfig, 'etag'>;

/** What the agent receives (the detection thresholds stay on the server). */
export function configBody(p: PolicyValues): AgentConfigBody {
  return {
    intervalSec: p.intervalSec,
    disk: p.disk,
    targets: p.targets,
    peripherals: p.peripherals,
  };
}

/** JSON with sorted object keys, so equal values always hash equally. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}

/** Does an `If-None-Match` header name this tag (quoted, unquoted, weak, or `*`)? */
export function etagMatches(header: string | undefined, tag: string): boolean {
  if (!header) return false;
  return header
    .split(',')
    .map((s) => s.trim().replace(/^W\//, '').replace(/^"|"$/g, ''))
    .some((s) => s === '*' || s === tag);
}
