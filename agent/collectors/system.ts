/**
 * System collector: CPU busy share since the previous report (from os.cpus() times, the same
 * source on Linux and Windows, no child process), memory in use (total minus what the OS reports
 * available) and uptime.
 */
import os from 'node:os';
import type { Collector, Readings } from './collector.js';
import { type CpuTimes, cpuBusyPct, memUsedPct, totalTimes } from './system-parse.js';

const MIN_WINDOW_MS = 500;

export class SystemCollector implements Collector {
  readonly name = 'system';
  private prev: CpuTimes = totalTimes(os.cpus());
  private prevAt = performance.now();
  private first = true;

  timeoutMs(): number {
    return 2000;
  }

  async collect(): Promise<Partial<Readings>> {
    // The first report of a process would otherwise measure the agent's own start-up.
    const since = performance.now() - this.prevAt;
    if (this.first && since < MIN_WINDOW_MS) await new Promise((r) => setTimeout(r, MIN_WINDOW_MS - since));
    this.first = false;
    const cur = totalTimes(os.cpus());
    this.prevAt = performance.now();
    const cpu = cpuBusyPct(this.prev, cur);
    this.prev = cur;
    const mem = memUsedPct(os.totalmem(), os.freemem());
    const system: NonNullable<Readings['system']> = { uptimeSec: Math.round(os.uptime()) };
    if (cpu !== undefined) system.cpuLoadPct = cpu;
    if (mem !== undefined) system.memUsedPct = mem;
    return { system };
  }
}
