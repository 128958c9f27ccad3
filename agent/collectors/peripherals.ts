/**
 * Peripherals collector. Devices change rarely, so enumeration is cheap or infrequent:
 * - Linux: USB from /sys/bus/usb/devices every report (a directory listing and one stat per
 *   device; attributes are read only for devices not seen before), printers from `lpstat -p`
 *   every `slowEveryMs` (5 min).
 * - Windows: one PowerShell/CIM call for USB devices and printers every `slowEveryMs`, and every
 *   `missingEveryMs` (1 min) while an expected device is missing, so a re-plugged scanner is seen
 *   within a minute. Between calls the last inventory is reported again.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CollectContext, Collector, Readings } from './collector.js';
import { ExecError, execText, powershell } from './exec.js';
import {
  anyMissing,
  parseLpstat,
  parseSysfsUsb,
  parseWindowsPeripherals,
  peripheralsReport,
  type SeenDevice,
  SYSFS_USB_DEVICE,
  type SysfsUsbEntry,
  WINDOWS_PERIPHERALS_SCRIPT,
} from './peripherals-parse.js';

export interface PeripheralsOptions {
  platform?: NodeJS.Platform;
  slowEveryMs?: number;
  missingEveryMs?: number;
  nowMs?: () => number;
  sysfsUsbDir?: string;
}

const ATTRS = ['idVendor', 'idProduct', 'manufacturer', 'product', 'serial', 'bDeviceClass'] as const;

export class PeripheralsCollector implements Collector {
  readonly name = 'peripherals';
  private readonly platform: NodeJS.Platform;
  private readonly slowEveryMs: number;
  private readonly missingEveryMs: number;
  private readonly nowMs: () => number;
  private readonly usbDir: string;
  private usbCache = new Map<string, { ino: number; entry: SysfsUsbEntry }>();
  private printers: SeenDevice[] = [];
  private printersAt = Number.NEGATIVE_INFINITY;
  private lpstatMissing = false;
  private noUsbUntil = Number.NEGATIVE_INFINITY;
  private winSeen: SeenDevice[] | undefined;
  private winAt = Number.NEGATIVE_INFINITY;
  private winError: string | undefined;

  constructor(opts: PeripheralsOptions = {}) {
    this.platform = opts.platform ?? process.platform;
    this.slowEveryMs = opts.slowEveryMs ?? 300_000;
    this.missingEveryMs = opts.missingEveryMs ?? 60_000;
    this.nowMs = opts.nowMs ?? Date.now;
    this.usbDir = opts.sysfsUsbDir ?? '/sys/bus/usb/devices';
  }

  timeoutMs(): number {
    return 30_000;
  }

  async collect(ctx: CollectContext): Promise<Partial<Readings>> {
    const expected = ctx.config.peripherals.expected;
    const seen = this.platform === 'win32' ? await this.windows(ctx, expected) : await this.linux(ctx);
    return { peripherals: peripheralsReport(seen, expected) };
  }

  private async linux(ctx: CollectContext): Promise<SeenDevice[]> {
    const usb = parseSysfsUsb(await this.readSysfsUsb());
    const due = this.nowMs() - this.printersAt >= this.slowEveryMs;
    if (due && !this.lpstatMissing) {
      this.printersAt = this.nowMs();
      try {
        this.printers = parseLpstat(
          await execText('lpstat', ['-p'], { timeoutMs: 10_000, signal: ctx.signal }),
        );
      } catch (e) {
        // No CUPS on this PC: stop asking. lpstat also exits 1 when there are no queues at all.
        if (e instanceof ExecError && e.code === 'not-found') this.lpstatMissing = true;
        this.printers = [];
      }
    }
    return [...usb, ...this.printers];
  }

  /**
   * Lists sysfs USB devices; reads the attribute files only for a device not seen before (new
   * inode). sysfs lives in memory, so plain synchronous reads are the cheapest way in.
   */
  private async readSysfsUsb(): Promise<SysfsUsbEntry[]> {
    if (this.nowMs() < this.noUsbUntil) return [];
    let names: string[];
    try {
      names = readdirSync(this.usbDir);
    } catch {
      // No USB bus (a VM or a container): look again on the slow cadence, not every report.
      this.noUsbUntil = this.nowMs() + this.slowEveryMs;
      return [];
    }
    const next = new Map<string, { ino: number; entry: SysfsUsbEntry }>();
    const read = (p: string) => {
      try {
        return readFileSync(p, 'utf8');
      } catch {
        return undefined;
      }
    };
    for (const name of names) {
      if (!SYSFS_USB_DEVICE.test(name)) continue;
      const dir = join(this.usbDir, name);
      try {
        const { ino } = statSync(dir);
        const cached = this.usbCache.get(name);
        if (cached && cached.ino === ino) {
          next.set(name, cached);
          continue;
        }
        const attrs: SysfsUsbEntry['attrs'] = {};
        for (const a of ATTRS) attrs[a] = read(join(dir, a));
        const interfaceClasses: string[] = [];
        for (const f of readdirSync(dir)) {
          if (!f.startsWith(`${name}:`)) continue;
          const c = read(join(dir, f, 'bInterfaceClass'));
          if (c) interfaceClasses.push(c.trim());
        }
        next.set(name, { ino, entry: { name, attrs, interfaceClasses } });
      } catch {
        // Unplugged while we looked: it simply is not there.
      }
    }
    this.usbCache = next;
    return [...next.values()].map((v) => v.entry).sort((a, b) => a.name.localeCompare(b.name));
  }

  private async windows(ctx: CollectContext, expected: CollectContext['config']['peripherals']['expected']) {
    const since = this.nowMs() - this.winAt;
    const missing = this.winSeen ? anyMissing(this.winSeen, expected) : true;
    if (since >= this.slowEveryMs || (missing && since >= this.missingEveryMs)) {
      this.winAt = this.nowMs();
      try {
        this.winSeen = parseWindowsPeripherals(
          await powershell(WINDOWS_PERIPHERALS_SCRIPT, { timeoutMs: 25_000, signal: ctx.signal }),
        );
        this.winError = undefined;
      } catch (e) {
        this.winError = (e as Error).message;
      }
    }
    if (!this.winSeen)
      throw new Error(`peripheral inventory unavailable: ${this.winError ?? 'not yet read'}`);
    return this.winSeen;
  }
}
