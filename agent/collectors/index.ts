/** The real collectors, in report order. The simulator swaps in fake ones (agent/simulate/). */
import type { Collector } from './collector.js';
import { DisksCollector } from './disks.js';
import { PeripheralsCollector } from './peripherals.js';
import { SystemCollector } from './system.js';
import { TargetsCollector } from './targets.js';

export function defaultCollectors(opts: {
  userAgent: string;
  slowEveryMs?: number;
  loopbackOnly?: boolean;
}): Collector[] {
  return [
    new DisksCollector(),
    new TargetsCollector(opts.userAgent, opts.loopbackOnly),
    new PeripheralsCollector({ slowEveryMs: opts.slowEveryMs }),
    new SystemCollector(),
  ];
}
