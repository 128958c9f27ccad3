/** Pure part of the system collector: CPU busy share between two samples of per-CPU times. */

export interface CpuTimes {
  user: number;
  nice: number;
  sys: number;
  idle: number;
  irq: number;
}

/** Sums `os.cpus()` times over all CPUs (same shape on Linux and Windows). */
export function totalTimes(cpus: { times: CpuTimes }[]): CpuTimes {
  const t: CpuTimes = { user: 0, nice: 0, sys: 0, idle: 0, irq: 0 };
  for (const c of cpus) {
    t.user += c.times.user;
    t.nice += c.times.nice;
    t.sys += c.times.sys;
    t.idle += c.times.idle;
    t.irq += c.times.irq;
  }
  return t;
}

/** Busy percentage between two samples; undefined when no time passed (or the counters wrapped). */
export function cpuBusyPct(prev: CpuTimes, cur: CpuTimes): number | undefined {
  const busy = cur.user + cur.nice + cur.sys + cur.irq - (prev.user + prev.nice + prev.sys + prev.irq);
  const idle = cur.idle - prev.idle;
  const total = busy + idle;
  if (total <= 0 || busy < 0 || idle < 0) return undefined;
  return Math.round((busy / total) * 1000) / 10;
}

export function memUsedPct(total: number, available: number): number | undefined {
  if (!(total > 0) || available < 0 || available > total) return undefined;
  return Math.round(((total - available) / total) * 1000) / 10;
}
