/**
 * Targets collector: can this counter reach the one-stop and specialised systems, and how fast?
 * Measured in-process, all targets at once, each with its own timeout from the config:
 * TCP connect time (name lookup included) for `tcp` targets, time to the first byte of the
 * response headers for `http` targets (a fresh connection each time, so TLS set-up counts).
 * No `ping` is spawned: ICMP is often blocked where TCP to the service works, and vice versa.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AgentConfig, Target } from '../../shared/schemas/agent.js';
import type { CollectContext, Collector, Readings } from './collector.js';
import { httpProbe, type Probe, targetReading } from './targets-parse.js';

/**
 * Probes in flight, so one abort listener per collection can stop them all (an AbortSignal
 * listener per probe costs more CPU than the probe's own bookkeeping).
 */
export type Cancels = Set<() => void>;

export function tcpProbe(host: string, port: number, timeoutMs: number, cancels?: Cancels): Promise<Probe> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const sock = net.connect({ host, port });
    let done = false;
    const finish = (p: Probe) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      cancels?.delete(onAbort);
      sock.destroy();
      resolve(p);
    };
    const onAbort = () => finish({ ok: false, code: 'TIMEOUT' });
    const timer = setTimeout(onAbort, timeoutMs);
    cancels?.add(onAbort);
    sock.once('connect', () => finish({ ok: true, ms: performance.now() - t0 }));
    sock.once('error', (e: NodeJS.ErrnoException) =>
      finish({ ok: false, code: e.code ?? 'ERROR', detail: e.message }),
    );
  });
}

export function httpTtfbProbe(
  url: string,
  timeoutMs: number,
  userAgent: string,
  cancels?: Cancels,
): Promise<Probe> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const u = new URL(url);
    const mod = u.protocol === 'https:' ? https : http;
    let done = false;
    const finish = (p: Probe) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      cancels?.delete(onAbort);
      req.destroy();
      resolve(p);
    };
    const req = mod.request(
      u,
      { method: 'GET', agent: false, headers: { 'user-agent': userAgent, accept: '*/*' } },
      (res) => {
        const ms = performance.now() - t0;
        res.destroy();
        finish(httpProbe(res.statusCode ?? 0, ms));
      },
    );
    const onAbort = () => finish({ ok: false, code: 'TIMEOUT' });
    const timer = setTimeout(onAbort, timeoutMs);
    cancels?.add(onAbort);
    req.once('error', (e: NodeJS.ErrnoException) =>
      finish({ ok: false, code: e.code ?? 'ERROR', detail: e.message }),
    );
    req.end();
  });
}

/** Loopback by name or address: what tests and benchmarks may touch (ONESTOP_AGENT_LOOPBACK_ONLY). */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

export class TargetsCollector implements Collector {
  readonly name = 'targets';
  constructor(
    private readonly userAgent = 'onestop-agent',
    private readonly loopbackOnly = false,
  ) {}

  timeoutMs(config: AgentConfig): number {
    return Math.max(1000, ...config.targets.map((t) => t.timeoutMs)) + 2000;
  }

  async collect(ctx: CollectContext): Promise<Partial<Readings>> {
    const cancels: Cancels = new Set();
    const stopAll = () => {
      for (const c of [...cancels]) c();
    };
    ctx.signal.addEventListener('abort', stopAll, { once: true });
    try {
      const targets = await Promise.all(ctx.config.targets.map((t) => this.probe(t, cancels)));
      return { targets };
    } finally {
      ctx.signal.removeEventListener('abort', stopAll);
    }
  }

  private async probe(t: Target, cancels: Cancels): Promise<Readings['targets'][number]> {
    const host = t.kind === 'tcp' ? t.host! : new URL(t.url!).hostname;
    if (this.loopbackOnly && !isLoopback(host))
      return targetReading(t.id, { ok: false, code: 'BLOCKED', detail: 'not probed: loopback-only mode' });
    const p =
      t.kind === 'tcp'
        ? await tcpProbe(t.host!, t.port!, t.timeoutMs, cancels)
        : await httpTtfbProbe(t.url!, t.timeoutMs, this.userAgent, cancels);
    return targetReading(t.id, p);
  }
}
