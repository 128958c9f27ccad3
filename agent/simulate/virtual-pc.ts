/**
 * A simulated counter PC: the state fake collectors read (disks, reachability, plugged devices,
 * load) and the faults a scenario injects into it. Collectors implement the real `Collector`
 * interface, so a virtual agent runs exactly the agent's runner, spool and transport code.
 */
import type { AgentConfig, Inventory } from '../../shared/schemas/agent.js';
import type { CollectContext, Collector, Readings } from '../collectors/collector.js';
import { peripheralsReport, type SeenDevice } from '../collectors/peripherals-parse.js';
import { rng, seedOf } from './random.js';
import { virtualInventory } from './virtual-inventory.js';

export { rng, seedOf } from './random.js';

/** Small deterministic PRNG (mulberry32): the same seed gives the same fleet every run. */
const GiB = 1024 ** 3;

export interface VirtualDisk {
  mount: string;
  fs: string;
  sizeBytes: number;
  usedBytes: number;
  smart: 'ok' | 'failing';
}

export class VirtualPc {
  readonly random: () => number;
  disks: VirtualDisk[];
  /** Bytes added to the first disk per report while it is filling (0 = steady). */
  fillPerReport = 0;
  fillUntilPct = 0;
  /** Target ids that fail from this PC ('*' = every target: the PC's own network is down). */
  readonly targetsDown = new Set<string>();
  /** Labels of expected peripherals that are unplugged (matched case-insensitively by substring). */
  readonly unplugged = new Set<string>();
  /** Extra latency added to every target (a slow link), ms. */
  extraLatencyMs = 0;
  cpuBase: number;
  memBase: number;
  readonly bootedAt = Date.now() - 3600_000 * 3;
  /** RAM slots emptied by `removeRamModule` (the inventory's change history shows them). */
  readonly removedRamSlots = new Set<string>();
  /** The inventory `onestop-agent inventory` last wrote, and a stamp that changes with it. */
  private inv?: { stamp: string; value: Inventory };

  constructor(readonly hostname: string) {
    this.random = rng(seedOf(hostname));
    const size = (this.random() < 0.5 ? 256 : 512) * GiB;
    this.disks = [
      {
        mount: 'C:',
        fs: 'NTFS',
        sizeBytes: size,
        usedBytes: Math.round(size * (0.35 + this.random() * 0.3)),
        smart: 'ok',
      },
      {
        mount: 'D:',
        fs: 'NTFS',
        sizeBytes: 1024 * GiB,
        usedBytes: Math.round(1024 * GiB * (0.2 + this.random() * 0.4)),
        smart: 'ok',
      },
    ];
    this.cpuBase = 5 + this.random() * 20;
    this.memBase = 40 + this.random() * 25;
  }

  // ---- faults ----------------------------------------------------------------------------------

  /** A RAM module is taken out; the next inventory (taken now) shows it missing. */
  removeRamModule(slot = 'DIMM2'): void {
    this.removedRamSlots.add(slot);
    this.takeInventory();
  }

  /** Takes the inventory now (as the agent does at start and daily); it rides with the next report. */
  takeInventory(at = new Date()): void {
    const value = virtualInventory(this.hostname, this.disks[0]!.sizeBytes, at, {
      removedSlots: this.removedRamSlots,
    });
    this.inv = { stamp: value.collectedAt, value };
  }

  /** The runner's inventory source (`AgentRunnerOptions.inventory`). */
  inventorySource(): { stamp(): string | undefined; read(): Inventory | undefined } {
    return { stamp: () => this.inv?.stamp, read: () => this.inv?.value };
  }

  /** The first disk fills by `stepPct` of its size per report until `untilPct` used. */
  fillDisk(stepPct: number, untilPct = 98): void {
    this.fillPerReport = Math.round(this.disks[0]!.sizeBytes * (stepPct / 100));
    this.fillUntilPct = untilPct;
  }

  /** Someone cleaned up: back to half full. */
  cleanDisk(): void {
    this.fillPerReport = 0;
    const d = this.disks[0]!;
    d.usedBytes = Math.round(d.sizeBytes * 0.5);
  }

  usedPct(): number {
    const d = this.disks[0]!;
    return (d.usedBytes / d.sizeBytes) * 100;
  }

  tick(): void {
    if (this.fillPerReport <= 0) return;
    const d = this.disks[0]!;
    d.usedBytes = Math.min(
      Math.round(d.sizeBytes * (this.fillUntilPct / 100)),
      d.usedBytes + this.fillPerReport,
    );
  }

  // ---- collectors ------------------------------------------------------------------------------

  collectors(): Collector[] {
    const pc = this;
    const fast = () => 2000;
    return [
      {
        name: 'disks',
        timeoutMs: fast,
        async collect() {
          pc.tick();
          return { disks: pc.disks.map((d) => ({ ...d })) };
        },
      },
      {
        name: 'targets',
        timeoutMs: fast,
        async collect(ctx: CollectContext) {
          return { targets: pc.targetReadings(ctx.config) };
        },
      },
      {
        name: 'peripherals',
        timeoutMs: fast,
        async collect(ctx: CollectContext) {
          return { peripherals: pc.peripheralReadings(ctx.config) };
        },
      },
      {
        name: 'system',
        timeoutMs: fast,
        async collect() {
          return {
            system: {
              cpuLoadPct: Math.round((pc.cpuBase + pc.random() * 15) * 10) / 10,
              memUsedPct: Math.round((pc.memBase + pc.random() * 5) * 10) / 10,
              uptimeSec: Math.round((Date.now() - pc.bootedAt) / 1000),
            },
          };
        },
      },
    ];
  }

  targetReadings(config: AgentConfig): Readings['targets'] {
    return config.targets.map((t) => {
      if (this.targetsDown.has('*') || this.targetsDown.has(t.id))
        return { id: t.id, ok: false, latencyMs: null, error: 'TIMEOUT: timeout' };
      const base = Math.min(t.warnMs * 0.6, 20 + this.random() * 60);
      return { id: t.id, ok: true, latencyMs: Math.round((base + this.extraLatencyMs) * 10) / 10 };
    });
  }

  peripheralReadings(config: AgentConfig): Readings['peripherals'] {
    const seen: SeenDevice[] = [];
    for (const e of config.peripherals.expected) {
      const gone = [...this.unplugged].some(
        (u) => e.label.toLowerCase().includes(u.toLowerCase()) || e.kind === u,
      );
      if (gone) continue;
      const d: SeenDevice = {
        source: e.kind === 'printer' ? 'printer' : 'usb',
        name: e.match.nameIncludes ? `${e.match.nameIncludes} (${e.label})` : e.label,
        connected: true,
      };
      if (e.match.vendorId) d.vendorId = e.match.vendorId.toLowerCase();
      if (e.match.productId) d.productId = e.match.productId.toLowerCase();
      seen.push(d);
    }
    // What every counter PC also has plugged in.
    seen.push({
      source: 'usb',
      name: 'Dell KB216 Wired Keyboard',
      vendorId: '413c',
      productId: '2113',
      classes: ['03'],
      connected: true,
    });
    return peripheralsReport(seen, config.peripherals.expected);
  }
}
