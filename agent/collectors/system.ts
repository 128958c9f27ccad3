/**
 * System collector: CPU busy share since the previous report (/proc/stat on Linux, os.cpus() times
 * elsewhere; no child process), memory in use (total minus what the OS reports available) and uptime.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import os from 'node:os';
import type { Collector, Readings } from './collector.js';
import {
  type CpuTimes,
  cpuBusyPct,
  memUsedPct,
  parseMeminfo,
  parseProcStat,
  totalTimes,
} from './system-parse.js';

const head = Buffer.alloc(256);

/** The first line of /proc/stat is all we need; the rest (one number per interrupt) is kilobytes. */
function readHead(path: string): string {
  const fd = openSync(path, 'r');
  try {
    return head.toString('latin1', 0, readSync(fd, head, 0, head.length, 0));
  } finally {
    closeSync(fd);
  }
}

/** Memory in use; Linux reads three lines of /proc/meminfo instead of all of it (as os.freemem does). */
function memory(): number | undefined {
  if (process.platform === 'linux') {
    try {
      const m = parseMeminfo(readHead('/proc/meminfo'));
      if (m) return memUsedPct(m.totalKb, m.availableKb);
    } catch {
      // fall through
    }
  }
  return memUsedPct(os.totalmem(), os.freemem());
}

/** Linux: /proc/stat (cheap); elsewhere os.cpus() (on Windows a single system call). */
function sampleCpu(): CpuTimes {
  if (process.platform === 'linux') {
    try {
      const t = parseProcStat(readHead('/proc/stat'));
      if (t) return t;
    } catch {
      // fall through
    }
  }
  return totalTimes(os.cpus());
}

const MIN_WINDOW_MS = 500;

export class SystemCollector implements Collector {
  readonly name = 'system';
  private prev: CpuTimes = sampleCpu();
  private prevAt = performance.now();
  private first = true;
  private readonly bootUptimeSec = os.uptime();
  private readonly bootReadAt = performance.now();

  timeoutMs(): number {
    return 2000;
  }

  async collect(): Promise<Partial<Readings>> {
    // The first report of a process would otherwise measure the agent's own start-up.
    const since = performance.now() - this.prevAt;
    if (this.first && since < MIN_WINDOW_MS) await new Promise((r) => setTimeout(r, MIN_WINDOW_MS - since));
    this.first = false;
    const cur = sampleCpu();
    this.prevAt = performance.now();
    const cpu = cpuBusyPct(this.prev, cur);
    this.prev = cur;
    const mem = memory();
    // Uptime advances with the monotonic clock: read the OS once, not every report.
    const system: NonNullable<Readings['system']> = {
      uptimeSec: Math.round(this.bootUptimeSec + (performance.now() - this.bootReadAt) / 1000),
    };
    if (cpu !== undefined) system.cpuLoadPct = cpu;
    if (mem !== undefined) system.memUsedPct = mem;
    return { system };
  }
}
