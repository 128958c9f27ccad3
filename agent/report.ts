/**
 * Assembles one report from the collectors' outcomes, clamped to the contract's limits so the
 * server never has a reason to refuse it: a report the server rejects would sit in the spool.
 */
import type { Report } from '../shared/schemas/agent.js';
import type { CollectorError, CollectorOutcome, Readings } from './collectors/collector.js';

export interface AgentCounters {
  version: string;
  spooled: number;
  dropped: number;
  quarantined: number;
}

const clampPct = (v: number | undefined) =>
  v === undefined || !Number.isFinite(v) ? undefined : Math.min(100, Math.max(0, v));
const cut = (s: string, n: number) => (s.length > n ? s.slice(0, n) : s);
const MAX_BYTES = 2 ** 60;

function disks(list: Readings['disks']): Readings['disks'] {
  return list.slice(0, 64).map((d) => {
    const sizeBytes = Math.min(MAX_BYTES, Math.max(0, Math.round(d.sizeBytes)));
    const out: Readings['disks'][number] = {
      mount: cut(d.mount || '?', 260),
      sizeBytes,
      usedBytes: Math.min(sizeBytes, Math.max(0, Math.round(d.usedBytes))),
    };
    if (d.fs) out.fs = cut(d.fs, 64);
    if (d.smart) out.smart = d.smart;
    return out;
  });
}

function targets(list: Readings['targets']): Readings['targets'] {
  return list.slice(0, 64).map((r) => {
    const out: Readings['targets'][number] = { id: cut(r.id, 64), ok: r.ok };
    if (r.latencyMs === null) out.latencyMs = null;
    else if (r.latencyMs !== undefined && Number.isFinite(r.latencyMs))
      out.latencyMs = Math.min(600_000, Math.max(0, r.latencyMs));
    if (r.error) out.error = cut(r.error, 500);
    return out;
  });
}

function peripherals(list: Readings['peripherals']): Readings['peripherals'] {
  return list.slice(0, 256).map((p) => {
    const out: Readings['peripherals'][number] = {
      kind: p.kind,
      name: cut(p.name, 200),
      connected: p.connected,
    };
    if (p.vendorId) out.vendorId = cut(p.vendorId, 16);
    if (p.productId) out.productId = cut(p.productId, 16);
    if (p.serial) out.serial = cut(p.serial, 128);
    return out;
  });
}

/** Builds the report; `extraErrors` carries the agent's own troubles (spool damage, dropped records). */
export function buildReport(input: {
  seq: number;
  collectedAt: Date;
  outcomes: CollectorOutcome[];
  agent: AgentCounters;
  extraErrors?: CollectorError[];
}): Report {
  const r: Report = {
    seq: input.seq,
    collectedAt: input.collectedAt.toISOString(),
    disks: [],
    targets: [],
    peripherals: [],
  };
  const errors: CollectorError[] = [];
  for (const o of input.outcomes) {
    if (o.error) errors.push(o.error);
    const x = o.readings;
    if (!x) continue;
    if (x.disks) r.disks = disks(x.disks);
    if (x.targets) r.targets = targets(x.targets);
    if (x.peripherals) r.peripherals = peripherals(x.peripherals);
    if (x.system) {
      const s: NonNullable<Report['system']> = {};
      const cpu = clampPct(x.system.cpuLoadPct);
      const mem = clampPct(x.system.memUsedPct);
      if (cpu !== undefined) s.cpuLoadPct = cpu;
      if (mem !== undefined) s.memUsedPct = mem;
      if (x.system.uptimeSec !== undefined && Number.isFinite(x.system.uptimeSec))
        s.uptimeSec = Math.min(10 * 365 * 86400, Math.max(0, Math.round(x.system.uptimeSec)));
      r.system = s;
    }
  }
  const a = input.agent;
  r.agent = {
    version: cut(a.version, 64),
    spooled: a.spooled,
    dropped: a.dropped,
    quarantined: a.quarantined,
  };
  errors.push(...(input.extraErrors ?? []));
  if (errors.length > 0)
    r.errors = errors.slice(0, 64).map((e) => {
      const out: CollectorError = { collector: cut(e.collector, 64), message: cut(e.message, 500) };
      if (e.timedOut) out.timedOut = true;
      return out;
    });
  return r;
}
