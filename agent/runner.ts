/**
 * The agent's life: collect on the interval, spool, deliver in the background, pull the config now
 * and then. Collection never waits for the network: a dead server only makes the spool grow.
 * The same class drives the real agent (`run`, `once`) and every virtual agent of the simulator.
 */
import { getHeapStatistics } from 'node:v8';
import type { AgentConfig, Inventory, Report } from '../shared/schemas/agent.js';
import { type Collector, type CollectorError, runCollectors } from './collectors/collector.js';
import type { AgentStatus } from './data-dir.js';
import { Delivery, type DrainResult } from './delivery.js';
import type { BackoffPolicy } from './net/backoff.js';
import { type AgentTransport, TransportError } from './net/transport.js';
import { buildReport } from './report.js';
import type { Spool, SpoolEvent } from './spool/spool.js';

export interface AgentLog {
  info(event: string, msg: string, fields?: Record<string, unknown>): void;
  warn(event: string, msg: string, fields?: Record<string, unknown>): void;
}

export const stderrLog: AgentLog = {
  info: (event, msg, fields) =>
    process.stderr.write(
      `${JSON.stringify({ t: new Date().toISOString(), level: 'info', event, msg, ...fields })}\n`,
    ),
  warn: (event, msg, fields) =>
    process.stderr.write(
      `${JSON.stringify({ t: new Date().toISOString(), level: 'warn', event, msg, ...fields })}\n`,
    ),
};

export const silentLog: AgentLog = { info() {}, warn() {} };

export interface RunnerOptions {
  spool: Spool;
  transport: AgentTransport;
  config: AgentConfig;
  collectors: readonly Collector[];
  version: string;
  log?: AgentLog;
  /** Overrides the config's interval (tests, benchmarks, the simulator). */
  intervalMs?: number;
  /** How often the config is pulled (default 5 min; at least the interval). */
  configEveryMs?: number;
  backoff?: BackoffPolicy;
  nowMs?: () => number;
  /** Persists the last config received (the real agent writes config.json). */
  saveConfig?: (c: AgentConfig) => Promise<void>;
  /** Persists what `status` shows (the real agent writes status.json). */
  saveStatus?: (s: AgentStatus) => Promise<void>;
  /** Delivery batch limits (the simulator uses smaller ones). */
  maxBatch?: number;
  /** Shortest time between two delivery starts (default 5 s; ONESTOP_AGENT_MIN_DELIVERY_MS). */
  minDeliveryMs?: number;
  /** Log process.memoryUsage() every N collections (diagnostics; ONESTOP_AGENT_MEMLOG_EVERY). */
  memLogEvery?: number;
  /** Where a new inventory appears (inventory.json); it rides along with the next report (ADR 0520). */
  inventory?: InventorySource;
}

export interface InventorySource {
  /** Changes whenever a new inventory is written (cheap: checked at every report). */
  stamp(): string | undefined;
  read(): Inventory | undefined;
}

export type RunEnd = { kind: 'stopped' } | { kind: 'unauthorized'; detail: string };

export class AgentRunner {
  config: AgentConfig;
  readonly delivery: Delivery;
  private readonly log: AgentLog;
  private readonly nowMs: () => number;
  private pendingErrors: CollectorError[] = [];
  private pumping: Promise<void> | undefined;
  private pumpAgain = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private lastLoggedFailure: string | undefined;
  private unauthorized: ((detail: string) => void) | undefined;
  private status: AgentStatus;
  private stopped = false;
  private statusSavedAt = Number.NEGATIVE_INFINITY;
  private collections = 0;
  private lastPumpAt = Number.NEGATIVE_INFINITY;
  private coalesceTimer: NodeJS.Timeout | undefined;
  private liveHeap = 0;

  constructor(
    private readonly o: RunnerOptions,
    initialStatus: AgentStatus = {},
  ) {
    this.config = o.config;
    this.log = o.log ?? silentLog;
    this.nowMs = o.nowMs ?? Date.now;
    this.status = { ...initialStatus };
    this.delivery = new Delivery(o.spool, o.transport, {
      backoff: o.backoff,
      nowMs: this.nowMs,
      maxBatch: o.maxBatch,
    });
  }

  get intervalMs(): number {
    return this.o.intervalMs ?? this.config.intervalSec * 1000;
  }

  /** Collects one report and spools it; returns the report as spooled. */
  async collect(): Promise<Report> {
    const seq = this.o.spool.allocateSeq();
    const collectedAt = new Date(this.nowMs());
    const outcomes = await runCollectors(this.o.collectors, this.config);
    this.absorbSpoolEvents();
    const c = this.o.spool.counters();
    const report = buildReport({
      seq,
      collectedAt,
      outcomes,
      agent: { version: this.o.version, spooled: c.pending, dropped: c.dropped, quarantined: c.quarantined },
      extraErrors: this.pendingErrors.splice(0),
    });
    const inventoryStamp = this.newInventory(report);
    await this.o.spool.append(seq, JSON.stringify(report));
    // Events of the append itself (a refused write, a drop) go into the next report.
    this.absorbSpoolEvents();
    if (inventoryStamp) {
      // Spooled, so it will be sent: remember it (status.json) so a restart does not send it again.
      this.status = { ...this.status, inventorySent: inventoryStamp };
      await this.o.saveStatus?.(this.status).catch(() => {});
    }
    return report;
  }

  /** Attaches an inventory not sent yet; returns its stamp, or undefined when there is none. */
  private newInventory(report: Report): string | undefined {
    const src = this.o.inventory;
    const stamp = src?.stamp();
    if (!src || !stamp || stamp === this.status.inventorySent) return undefined;
    const inv = src.read();
    if (inv) report.inventory = inv;
    // An unreadable file is marked as seen too: it is not retried at every report.
    return stamp;
  }

  /** Sends what is due now (used by `once`; `run` uses the background pump). */
  async deliver(): Promise<DrainResult> {
    const r = await this.delivery.drain();
    await this.afterDrain(r);
    return r;
  }

  /** Pulls the config if the server has a new one; false when the token was refused. */
  async refreshConfig(): Promise<boolean> {
    try {
      const r = await this.o.transport.pullConfig(this.config.etag);
      if (r.changed) {
        const old = this.config;
        this.config = r.config;
        await this.o.saveConfig?.(r.config).catch(() => {});
        if (old.etag !== r.config.etag)
          this.log.info('config.changed', 'new configuration received', {
            etag: r.config.etag,
            intervalSec: r.config.intervalSec,
            targets: r.config.targets.length,
            expected: r.config.peripherals.expected.length,
          });
      }
      return true;
    } catch (e) {
      if (e instanceof TransportError && e.kind === 'unauthorized') {
        await this.markUnauthorized(e.message);
        return false;
      }
      this.log.warn('config.failed', 'could not refresh the configuration; keeping the current one', {
        error: (e as Error).message,
      });
      return true;
    }
  }

  /** Runs until `signal` aborts (→ stopped) or the server refuses the token (→ unauthorized). */
  async run(signal: AbortSignal): Promise<RunEnd> {
    const ended = new Promise<RunEnd>((resolve) => {
      this.unauthorized = (detail) => {
        resolve({ kind: 'unauthorized', detail });
        wakers.get(signal)?.();
      };
      signal.addEventListener(
        'abort',
        () => {
          resolve({ kind: 'stopped' });
          wakers.get(signal)?.();
        },
        { once: true },
      );
    });
    const loop = this.loop(signal);
    const end = await ended;
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.coalesceTimer);
    // Let the collection in flight reach the spool and a delivery in flight finish (bounded).
    await Promise.race([Promise.allSettled([loop, this.pumping]), sleep(10_000)]);
    if (end.kind === 'stopped') {
      // A last, bounded attempt so a clean stop leaves nothing behind when the server is up.
      await Promise.race([this.delivery.drain().then((r) => this.afterDrain(r)), sleep(5_000)]).catch(
        () => {},
      );
    }
    return end;
  }

  private async loop(signal: AbortSignal): Promise<void> {
    const configEvery = () => Math.max(this.intervalMs, this.o.configEveryMs ?? 300_000);
    let nextConfigAt = this.nowMs() + configEvery();
    let next = this.nowMs();
    if (!(await this.refreshConfig())) return;
    this.kick(); // a backlog from before a restart goes out at once
    while (!signal.aborted && !this.stopped) {
      await sleepUntil(next, this.nowMs, signal);
      if (signal.aborted || this.stopped) return;
      if (this.nowMs() >= nextConfigAt) {
        nextConfigAt = this.nowMs() + configEvery();
        if (!(await this.refreshConfig())) return;
      }
      try {
        await this.collect();
        this.collections++;
        this.maybeCollectGarbage();
        if (this.o.memLogEvery && this.collections % this.o.memLogEvery === 0) {
          const m = process.memoryUsage();
          this.log.info('agent.memory', 'memory use', { collections: this.collections, ...m });
        }
      } catch (e) {
        this.log.warn('collect.failed', 'a report could not be produced', { error: (e as Error).message });
      }
      this.kick();
      // Fixed rate; after an overrun (a slow collection, a suspended PC) skip to the next slot.
      next += this.intervalMs;
      if (next <= this.nowMs()) next = this.nowMs() + this.intervalMs;
    }
  }

  /**
   * The service runs with V8's memory reducer off (it ran a full GC after every report, ADR 0500)
   * and with `--expose-gc`: garbage then accumulates in the old generation, so collect it ourselves
   * once the heap has grown 1 MB past what was live after the last collection — every few hundred
   * reports, a millisecond or two each time. Without --expose-gc (a manual run) V8 decides alone.
   */
  private maybeCollectGarbage(): void {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (!gc) return;
    const used = getHeapStatistics().used_heap_size;
    if (this.liveHeap === 0) this.liveHeap = used;
    if (used < this.liveHeap + 1024 * 1024) return;
    gc();
    this.liveHeap = getHeapStatistics().used_heap_size;
  }

  /** Starts a background delivery unless one is running (then it runs once more afterwards). */
  private kick(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    // Coalesce: at short intervals several reports go in one request (at most one delivery start
    // per `minDeliveryMs`); at the usual one-minute interval every report goes out at once.
    const wait = this.lastPumpAt + (this.o.minDeliveryMs ?? 5000) - this.nowMs();
    if (wait > 0) {
      this.coalesceTimer ??= setTimeout(() => {
        this.coalesceTimer = undefined;
        this.kick();
      }, wait);
      return;
    }
    this.lastPumpAt = this.nowMs();
    this.pumpAgain = false;
    this.pumping = (async () => {
      let r: DrainResult;
      try {
        r = await this.delivery.drain();
      } catch (e) {
        // A spool read error: try again on the next kick.
        this.log.warn('deliver.error', 'delivery failed locally', { error: (e as Error).message });
        return;
      }
      await this.afterDrain(r);
      if (r.kind === 'failed' || r.kind === 'waiting') {
        clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(() => this.kick(), r.retryInMs + 5);
      }
    })().finally(() => {
      this.pumping = undefined;
      // Reports collected while this delivery ran go out with the next one.
      if (this.pumpAgain) this.kick();
    });
  }

  private async afterDrain(r: DrainResult): Promise<void> {
    for (const x of this.delivery.rejected.splice(0)) {
      this.pendingErrors.push({
        collector: 'delivery',
        message: `server refused report ${x.seq}; moved to quarantine: ${x.why}`,
      });
      this.log.warn('deliver.rejected', 'the server refused one report; it was moved to quarantine', {
        seq: x.seq,
        error: x.why,
      });
    }
    const now = new Date(this.nowMs()).toISOString();
    if (r.kind === 'unauthorized') {
      await this.markUnauthorized(r.error.message);
      return;
    }
    if (r.kind === 'failed') {
      const key = `${r.error.kind}:${r.error.status ?? ''}`;
      if (key !== this.lastLoggedFailure)
        this.log.warn('deliver.failed', 'the server did not take the reports; they stay spooled', {
          error: r.error.message,
          retryInMs: r.retryInMs,
          spooled: this.o.spool.counters().pending,
        });
      this.lastLoggedFailure = key;
      this.status = { ...this.status, lastAttemptAt: now, lastError: r.error.message };
      await this.o.saveStatus?.(this.status).catch(() => {});
      return;
    }
    if (r.delivered > 0) {
      const recovered = this.lastLoggedFailure !== undefined || this.status.lastError !== undefined;
      if (this.lastLoggedFailure)
        this.log.info('deliver.recovered', 'the server is taking reports again', { delivered: r.delivered });
      this.lastLoggedFailure = undefined;
      this.status = { ...this.status, lastAttemptAt: now, lastSuccessAt: now, lastError: undefined };
      // Informative only: written on a change of state, else at most every 30 s.
      if (recovered || this.nowMs() - this.statusSavedAt >= 30_000) {
        this.statusSavedAt = this.nowMs();
        await this.o.saveStatus?.(this.status).catch(() => {});
      }
    }
  }

  private async markUnauthorized(detail: string): Promise<void> {
    const now = new Date(this.nowMs()).toISOString();
    this.status = { ...this.status, authRejectedAt: now, authRejectedDetail: detail, lastError: detail };
    await this.o.saveStatus?.(this.status).catch(() => {});
    this.unauthorized?.(detail);
  }

  private absorbSpoolEvents(): void {
    for (const e of this.o.spool.drainEvents()) {
      const msg = spoolEventText(e);
      if (e.type === 'torn') {
        this.log.info('spool.torn', msg, { ...e });
        continue;
      }
      this.log.warn(`spool.${e.type}`, msg, { ...e });
      this.pendingErrors.push({ collector: 'spool', message: msg });
    }
  }
}

export function spoolEventText(e: SpoolEvent): string {
  switch (e.type) {
    case 'quarantined':
      return e.segment === 'rejected'
        ? `report ${e.offset} moved to ${e.file}`
        : `damaged spool data quarantined: ${e.bytes < 0 ? 'whole file' : `${e.bytes} bytes at offset ${e.offset}`} of ${e.segment} → ${e.file}`;
    case 'torn':
      return `cut ${e.bytes} bytes of an unfinished write at the end of ${e.segment}`;
    case 'dropped':
      return e.reason === 'full'
        ? `spool full: dropped the ${e.count} oldest unsent report(s)`
        : `disk refused writes too long: dropped ${e.count} oldest unsent report(s) held in memory`;
    case 'state-reset':
      return `damaged spool state quarantined to ${e.file}; unsent reports will be sent again`;
    case 'write-failed':
      return `the disk refused a spool write (${e.message}); reports are held in memory`;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function sleepUntil(at: number, nowMs: () => number, signal: AbortSignal): Promise<void> {
  const ms = at - nowMs();
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  // The loop's own wake-up: run() resolves `wake` on abort, so no listener per sleep is needed.
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    wakers.set(signal, () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** The pending sleep of each running loop, woken when its signal aborts. */
const wakers = new WeakMap<AbortSignal, () => void>();
