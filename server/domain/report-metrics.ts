/**
 * The numeric metrics of an agent report, named as the hourly rollups name them
 * (services/rollups.ts): `disk:<mount>/freePct`, `target:<id>/latencyMs`, `target:<id>/ok` (1 or 0),
 * `system/cpuLoadPct`, `system/memUsedPct`; and which metric charts the evidence of a fault check.
 * Pure: used to draw history from raw reports newer than the last rollup, and the evidence chart.
 */

interface ReportLike {
  disks?: { mount: string; sizeBytes: number; usedBytes: number }[];
  targets?: { id: string; ok: boolean; latencyMs?: number | null }[];
  system?: { cpuLoadPct?: number; memUsedPct?: number };
}

/** Every metric a report carries, with its value. */
export function reportMetrics(r: ReportLike): Map<string, number> {
  const out = new Map<string, number>();
  for (const d of r.disks ?? [])
    if (d.sizeBytes > 0)
      out.set(`disk:${d.mount}/freePct`, ((d.sizeBytes - d.usedBytes) * 100) / d.sizeBytes);
  for (const t of r.targets ?? []) {
    out.set(`target:${t.id}/ok`, t.ok ? 1 : 0);
    if (typeof t.latencyMs === 'number') out.set(`target:${t.id}/latencyMs`, t.latencyMs);
  }
  if (typeof r.system?.cpuLoadPct === 'number') out.set('system/cpuLoadPct', r.system.cpuLoadPct);
  if (typeof r.system?.memUsedPct === 'number') out.set('system/memUsedPct', r.system.memUsedPct);
  return out;
}

/** The metric that shows a fault check's subject over time; none for checks without a number. */
export function evidenceMetric(check: string, subject: string): string | undefined {
  switch (check) {
    case 'disk_free':
      return `disk:${subject}/freePct`;
    case 'target_latency':
      return `target:${subject}/latencyMs`;
    case 'target':
      return `target:${subject}/ok`;
    default:
      return undefined;
  }
}

export type MetricKind = 'diskFree' | 'latency' | 'reachable' | 'cpu' | 'memory';

/** What a metric name measures, and about what (a mount, a target id). */
export function parseMetric(metric: string): { kind: MetricKind; subject?: string } | undefined {
  let m = /^disk:(.+)\/freePct$/.exec(metric);
  if (m) return { kind: 'diskFree', subject: m[1] };
  m = /^target:(.+)\/latencyMs$/.exec(metric);
  if (m) return { kind: 'latency', subject: m[1] };
  m = /^target:(.+)\/ok$/.exec(metric);
  if (m) return { kind: 'reachable', subject: m[1] };
  if (metric === 'system/cpuLoadPct') return { kind: 'cpu' };
  if (metric === 'system/memUsedPct') return { kind: 'memory' };
  return undefined;
}
