/**
 * The one interface every collector implements, and the wrapper that runs one: it applies a
 * timeout, times the call and turns any failure into an entry of the report's `errors` list, so a
 * broken or hung check never sinks the report (node_exporter's collector.go pattern).
 */
import type { AgentConfig, Report } from '../../shared/schemas/agent.js';

export type Readings = Pick<Report, 'disks' | 'targets' | 'peripherals' | 'system'>;

export interface CollectContext {
  config: AgentConfig;
  /** Aborted when the collector's time is up: stop work, kill child processes. */
  signal: AbortSignal;
}

export interface Collector {
  readonly name: string;
  /** How long this collector may take with this config (e.g. the slowest target's timeout). */
  timeoutMs(config: AgentConfig): number;
  collect(ctx: CollectContext): Promise<Partial<Readings>>;
}

export interface CollectorError {
  collector: string;
  message: string;
  timedOut?: boolean;
}

export interface CollectorOutcome {
  name: string;
  ms: number;
  readings?: Partial<Readings>;
  error?: CollectorError;
}

export class CollectorTimeout extends Error {}

/** Runs one collector with its timeout; never rejects. */
/**
 * One controller per collector, replaced only once it has been aborted: an AbortController costs
 * tens of microseconds to make, a noticeable share of a collection that takes a few milliseconds.
 */
const controllers = new WeakMap<Collector, AbortController>();

export async function runCollector(c: Collector, config: AgentConfig): Promise<CollectorOutcome> {
  const started = performance.now();
  let ac = controllers.get(c);
  if (!ac || ac.signal.aborted) {
    ac = new AbortController();
    controllers.set(c, ac);
  }
  const limit = c.timeoutMs(config);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      ac!.abort();
      reject(new CollectorTimeout(`no result within ${limit} ms`));
    }, limit);
  });
  try {
    const readings = await Promise.race([c.collect({ config, signal: ac.signal }), timeout]);
    return { name: c.name, ms: performance.now() - started, readings };
  } catch (e) {
    const timedOut = e instanceof CollectorTimeout;
    const message = (e instanceof Error ? e.message : String(e)).slice(0, 500);
    return {
      name: c.name,
      ms: performance.now() - started,
      error: timedOut ? { collector: c.name, message, timedOut } : { collector: c.name, message },
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs all collectors side by side. */
export function runCollectors(cs: readonly Collector[], config: AgentConfig): Promise<CollectorOutcome[]> {
  return Promise.all(cs.map((c) => runCollector(c, config)));
}
