import { describe, expect, it } from 'vitest';
import { evidenceMetric, parseMetric, reportMetrics } from '../../server/domain/report-metrics.js';

describe('report metrics', () => {
  it('names every number of a report as the rollups do', () => {
    const m = reportMetrics({
      disks: [
        { mount: 'C:', sizeBytes: 200, usedBytes: 190 },
        { mount: 'D:', sizeBytes: 0, usedBytes: 0 },
      ],
      targets: [
        { id: 'dvc-ha-noi', ok: true, latencyMs: 120 },
        { id: 'motcua-ha-noi', ok: false, latencyMs: null },
      ],
      system: { cpuLoadPct: 12.5 },
    });
    expect(Object.fromEntries(m)).toEqual({
      'disk:C:/freePct': 5,
      'target:dvc-ha-noi/ok': 1,
      'target:dvc-ha-noi/latencyMs': 120,
      'target:motcua-ha-noi/ok': 0,
      'system/cpuLoadPct': 12.5,
    });
  });

  it.each([
    ['disk_free', 'C:', 'disk:C:/freePct'],
    ['target_latency', 'dvc-ha-noi', 'target:dvc-ha-noi/latencyMs'],
    ['target', 'motcua-ha-noi', 'target:motcua-ha-noi/ok'],
    ['peripheral', 'scanner', undefined],
    ['silence', '*', undefined],
  ])('evidence of %s %s is charted by %s', (check, subject, metric) => {
    expect(evidenceMetric(check, subject)).toBe(metric);
  });

  it('reads metric names back', () => {
    expect(parseMetric('disk:/var/lib/freePct')).toEqual({ kind: 'diskFree', subject: '/var/lib' });
    expect(parseMetric('target:a/ok')).toEqual({ kind: 'reachable', subject: 'a' });
    expect(parseMetric('system/memUsedPct')).toEqual({ kind: 'memory' });
    expect(parseMetric('nonsense')).toBeUndefined();
  });
});
