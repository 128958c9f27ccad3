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

/**
 * The aggregate `cpu` line of Linux /proc/stat (USER_HZ ticks): one small read instead of
 * os.cpus(), which also reads /proc/cpuinfo and cpufreq files for every core.
 * iowait counts as idle; softirq and steal count as busy (as irq).
 */
export function parseProcStat(text: string): CpuTimes | undefined {
  const line = text.split('\n', 1)[0] ?? '';
  const f = line.trim().split(/\s+/);
  if (f[0] !== 'cpu' || f.length < 5) return undefined;
  const n = f.slice(1).map((x) => Number(x) || 0);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = n;
  return { user, nice, sys: system, idle: idle + iowait, irq: irq + softirq + steal };
}

/** MemTotal and MemAvailable (kB) from the head of Linux /proc/meminfo. */
export function parseMeminfo(text: string): { totalKb: number; availableKb: number } | undefined {
  const total = /^MemTotal:\s+(\d+) kB/m.exec(text)?.[1];
  const avail = /^MemAvailable:\s+(\d+) kB/m.exec(text)?.[1];
  if (!total || !avail) return undefined;
  return { totalKb: Number(total), availableKb: Number(avail) };
}
