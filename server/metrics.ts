/**
 * A minimal Prometheus registry: counters and histograms live in this process; gauges that describe
 * the shared database (open tickets, agents seen) are collected by query at scrape time.
 * Each server process exports its own counters, as Prometheus expects of replicas.
 */

type Labels = Record<string, string>;

function labelKey(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return '';
  return `{${keys.map((k) => `${k}="${escapeLabel(labels[k]!)}"`).join(',')}}`;
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

export class Counter {
  private values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  inc(labels: Labels = {}, by = 1): void {
    const k = labelKey(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels)) ?? 0;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    if (this.values.size === 0) lines.push(`${this.name} 0`);
    for (const [k, v] of this.values) lines.push(`${this.name}${k} ${v}`);
    return lines.join('\n');
  }
}

export class Histogram {
  private counts: number[];
  private sum = 0;
  private n = 0;
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: number[],
  ) {
    this.counts = buckets.map(() => 0);
  }
  observe(v: number): void {
    this.sum += v;
    this.n++;
    for (let i = 0; i < this.buckets.length; i++) if (v <= this.buckets[i]!) this.counts[i]!++;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [i, b] of this.buckets.entries())
      lines.push(`${this.name}_bucket{le="${b}"} ${this.counts[i]}`);
    lines.push(
      `${this.name}_bucket{le="+Inf"} ${this.n}`,
      `${this.name}_sum ${this.sum}`,
      `${this.name}_count ${this.n}`,
    );
    return lines.join('\n');
  }
}

export interface GaugeSample {
  labels: Labels;
  value: number;
}

export type GaugeCollector = () => Promise<{ name: string; help: string; samples: GaugeSample[] }>;

export class Metrics {
  readonly reportsIngested = new Counter(
    'onestop_reports_ingested_total',
    'Reports stored (duplicates excluded).',
  );
  readonly reportsDuplicate = new Counter(
    'onestop_reports_duplicate_total',
    'Reports received again and ignored.',
  );
  readonly batchesRejected = new Counter(
    'onestop_report_batches_rejected_total',
    'Report batches refused, by reason (auth, too_large, malformed, invalid, error).',
  );
  readonly ingestSeconds = new Histogram(
    'onestop_ingest_duration_seconds',
    'Time to validate and durably store one report batch.',
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  );
  readonly ingestGroupSize = new Histogram(
    'onestop_ingest_group_requests',
    'Report requests written together in one group write (group commit at work).',
    [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
  );
  readonly httpRequests = new Counter(
    'onestop_http_requests_total',
    'HTTP requests by route group and status class.',
  );
  private collectors: GaugeCollector[] = [];

  addCollector(c: GaugeCollector): void {
    this.collectors.push(c);
  }

  async render(): Promise<string> {
    const parts = [
      this.reportsIngested.render(),
      this.reportsDuplicate.render(),
      this.batchesRejected.render(),
      this.ingestSeconds.render(),
      this.ingestGroupSize.render(),
      this.httpRequests.render(),
    ];
    for (const collect of this.collectors) {
      const g = await collect();
      const lines = [`# HELP ${g.name} ${g.help}`, `# TYPE ${g.name} gauge`];
      if (g.samples.length === 0) lines.push(`${g.name} 0`);
      for (const s of g.samples) lines.push(`${g.name}${labelKey(s.labels)} ${s.value}`);
      parts.push(lines.join('\n'));
    }
    return `${parts.join('\n')}\n`;
  }
}
