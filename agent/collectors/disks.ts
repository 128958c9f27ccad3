/**
 * Disks collector: usage of every local volume each report via statfs (one syscall per volume, no
 * child process), and SMART health on a slow cadence (hourly) where the platform exposes it:
 * udisks2 over D-Bus on Linux, Win32_DiskDrive on Windows. On Windows the volume list itself comes
 * from CIM on the slow cadence too (PowerShell costs about a second of CPU per call there).
 */
import { readFileSync, statfsSync } from 'node:fs';
import type { CollectContext, Collector, Readings } from './collector.js';
import {
  parseProcMounts,
  parseUdisksSmart,
  parseWindowsVolumes,
  type StatfsLike,
  usageFromStatfs,
  type Volume,
  WINDOWS_VOLUMES_SCRIPT,
} from './disks-parse.js';
import { ExecError, execText, powershell } from './exec.js';

export interface DisksOptions {
  platform?: NodeJS.Platform;
  /** How often SMART (and on Windows the volume list) is refreshed. Default 1 h / 10 min. */
  smartEveryMs?: number;
  windowsVolumesEveryMs?: number;
  nowMs?: () => number;
  /** Test seams: where mounts come from and how a path is stat'ed. */
  readMounts?: () => Promise<string>;
  statfs?: (path: string) => Promise<StatfsLike>;
}

export class DisksCollector implements Collector {
  readonly name = 'disks';
  private readonly platform: NodeJS.Platform;
  private readonly nowMs: () => number;
  private readonly statfs: (path: string) => Promise<StatfsLike>;
  private readonly readMounts: () => Promise<string>;
  private smart = new Map<string, Volume['smart']>();
  private smartAt = Number.NEGATIVE_INFINITY;
  private smartEveryMs: number;
  private smartRefresh: Promise<void> | undefined;
  private linuxVolumes: Volume[] | undefined;
  private linuxVolumesAt = 0;
  private winVolumes: Volume[] | undefined;
  private winAt = Number.NEGATIVE_INFINITY;
  private readonly winEveryMs: number;
  private winRefresh: Promise<void> | undefined;

  constructor(opts: DisksOptions = {}) {
    this.platform = opts.platform ?? process.platform;
    this.nowMs = opts.nowMs ?? Date.now;
    // Synchronous: statfs of a local filesystem answers from the kernel's in-memory counters, and
    // only local filesystems are listed (network ones, which can hang, never are).
    this.statfs = opts.statfs ?? (async (p) => statfsSync(p));
    // A procfs read never blocks on a disk: sync is cheaper than a round trip through the thread pool.
    this.readMounts = opts.readMounts ?? (async () => readFileSync('/proc/self/mounts', 'utf8'));
    this.smartEveryMs = opts.smartEveryMs ?? 3_600_000;
    this.winEveryMs = opts.windowsVolumesEveryMs ?? 600_000;
  }

  timeoutMs(): number {
    // Generous for Windows' first PowerShell call; statfs alone takes microseconds.
    return 20_000;
  }

  async collect(ctx: CollectContext): Promise<Partial<Readings>> {
    const volumes = await this.volumes(ctx.signal);
    const disks: Readings['disks'] = [];
    const failures: string[] = [];
    await Promise.all(
      volumes.map(async (v) => {
        try {
          const st = await this.statfs(this.platform === 'win32' ? `${v.mount}\\` : v.mount);
          const smart = v.smart ?? (v.device ? this.smart.get(v.device) : undefined);
          disks.push({
            mount: v.mount,
            ...(v.fs ? { fs: v.fs } : {}),
            ...usageFromStatfs(st),
            ...(smart ? { smart } : {}),
          });
        } catch (e) {
          failures.push(`${v.mount}: ${(e as Error).message}`);
        }
      }),
    );
    if (disks.length === 0 && failures.length > 0) throw new Error(failures.join('; '));
    disks.sort((a, b) => a.mount.localeCompare(b.mount));
    return { disks };
  }

  private async volumes(signal: AbortSignal): Promise<Volume[]> {
    if (this.platform === 'win32') return this.windowsVolumes(signal);
    if (this.platform === 'linux') {
      // Mounts change rarely; a USB stick mounted now is watched within half a minute.
      if (!this.linuxVolumes || this.nowMs() - this.linuxVolumesAt >= 30_000) {
        this.linuxVolumes = parseProcMounts(await this.readMounts());
        this.linuxVolumesAt = this.nowMs();
      }
      this.maybeRefreshLinuxSmart();
      return this.linuxVolumes;
    }
    return [{ mount: '/' }];
  }

  /** udisks2 in the background; a machine without it (or without D-Bus) is asked again a day later. */
  private maybeRefreshLinuxSmart(): void {
    if (this.smartRefresh || this.nowMs() - this.smartAt < this.smartEveryMs) return;
    this.smartAt = this.nowMs();
    this.smartRefresh = execText(
      'busctl',
      [
        '--system',
        '--json=short',
        'call',
        'org.freedesktop.UDisks2',
        '/org/freedesktop/UDisks2',
        'org.freedesktop.DBus.ObjectManager',
        'GetManagedObjects',
      ],
      { timeoutMs: 10_000 },
    )
      .then((text) => {
        this.smart = parseUdisksSmart(text);
      })
      .catch((e) => {
        if (e instanceof ExecError) this.smartAt = this.nowMs() + 23 * this.smartEveryMs;
        this.smart = new Map();
      })
      .finally(() => {
        this.smartRefresh = undefined;
      });
  }

  private async windowsVolumes(signal: AbortSignal): Promise<Volume[]> {
    const stale = this.nowMs() - this.winAt >= this.winEveryMs;
    if (stale && !this.winRefresh) {
      this.winAt = this.nowMs();
      this.winRefresh = powershell(WINDOWS_VOLUMES_SCRIPT, { timeoutMs: 60_000 })
        .then((text) => {
          const vols = parseWindowsVolumes(text);
          if (vols.length > 0) this.winVolumes = vols;
        })
        .catch(() => {
          // Keep the last good list; without one, the system drive below is still watched.
        })
        .finally(() => {
          this.winRefresh = undefined;
        });
    }
    // Only the very first report waits for the list (bounded by this collector's timeout).
    if (!this.winVolumes && this.winRefresh) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.winRefresh,
        new Promise((r) => {
          timer = setTimeout(r, 12_000);
          signal.addEventListener('abort', r, { once: true });
        }),
      ]);
      clearTimeout(timer);
    }
    return this.winVolumes ?? [{ mount: (process.env.SystemDrive ?? 'C:').toUpperCase() }];
  }
}
