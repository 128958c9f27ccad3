/**
 * Pure parsers for the disks collector: which volumes to watch (Linux /proc/self/mounts, Windows
 * CIM JSON), how full they are (statfs), and their SMART state (udisks2 on Linux, Win32_DiskDrive
 * on Windows). Tested on recorded fixtures in test/agent/fixtures/.
 */

export interface Volume {
  /** What the report calls the volume: `/`, `/home`, `C:`. */
  mount: string;
  fs?: string;
  /** Kernel device (Linux) or physical disk index (Windows): joins a volume to its SMART state. */
  device?: string;
  smart?: 'ok' | 'failing' | 'unknown';
}

/** Filesystems that live on local disks; network and pseudo filesystems are never stat'ed (an NFS stat can hang). */
const LOCAL_FS = new Set([
  'ext2',
  'ext3',
  'ext4',
  'xfs',
  'btrfs',
  'jfs',
  'reiserfs',
  'f2fs',
  'bcachefs',
  'zfs',
  'vfat',
  'exfat',
  'ntfs',
  'ntfs3',
  'fuseblk',
]);
// /etc: containers bind-mount single files there (/etc/hosts), which are not volumes.
const SKIP_UNDER = ['/proc', '/sys', '/dev', '/run', '/snap', '/etc', '/var/lib/docker', '/var/snap'];

/** `\040` and friends: /proc/mounts escapes space, tab, newline and backslash in octal. */
function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
}

/**
 * Volumes worth watching from /proc/self/mounts: local filesystems, one entry per device (bind
 * mounts of the same device are skipped), plus `/` whatever its type (a container's overlay).
 */
export function parseProcMounts(text: string): Volume[] {
  const seen = new Set<string>();
  const out: Volume[] = [];
  for (const line of text.split('\n')) {
    const [dev, rawMount, fs] = line.split(' ');
    if (!dev || !rawMount || !fs) continue;
    const mount = unescapeMount(rawMount);
    const isRoot = mount === '/';
    if (!isRoot && !LOCAL_FS.has(fs)) continue;
    if (!isRoot && SKIP_UNDER.some((p) => mount === p || mount.startsWith(`${p}/`))) continue;
    if (seen.has(dev) && !isRoot) continue;
    seen.add(dev);
    if (isRoot) {
      // A later mount over `/` (rare, e.g. after pivot_root) replaces the earlier one.
      const i = out.findIndex((v) => v.mount === '/');
      if (i >= 0) out.splice(i, 1);
    }
    out.push({ mount, fs, device: dev });
  }
  return out;
}

export interface StatfsLike {
  bsize: number;
  blocks: number;
  bavail: number;
}

/**
 * Size and use from statfs. "Used" counts the blocks reserved for root as used: the server's
 * free% then says what the counter's programs can still write (ext4 keeps 5% back, so a disk
 * that refuses writes would otherwise still look 5% free).
 */
export function usageFromStatfs(s: StatfsLike): { sizeBytes: number; usedBytes: number } {
  const sizeBytes = s.blocks * s.bsize;
  const usedBytes = Math.max(0, Math.min(sizeBytes, (s.blocks - s.bavail) * s.bsize));
  return { sizeBytes, usedBytes };
}

// ---- Windows ---------------------------------------------------------------------------------

/**
 * The PowerShell that lists fixed volumes with the physical disk under each and that disk's
 * status. Win32_DiskDrive.Status is "Pred Fail" when the drive's SMART predicts failure, and is
 * readable without administrator rights (unlike MSStorageDriver_FailurePredictStatus).
 */
export const WINDOWS_VOLUMES_SCRIPT = [
  "$ErrorActionPreference='SilentlyContinue'",
  '$out=@()',
  'foreach($d in Get-CimInstance Win32_DiskDrive){',
  ' foreach($p in Get-CimAssociatedInstance -InputObject $d -ResultClassName Win32_DiskPartition){',
  '  foreach($l in Get-CimAssociatedInstance -InputObject $p -ResultClassName Win32_LogicalDisk){',
  '   $out+=[pscustomobject]@{DeviceID=$l.DeviceID;FileSystem=$l.FileSystem;DriveType=$l.DriveType;DiskIndex=$d.Index;Model=$d.Model;Status=$d.Status}}}}',
  "foreach($l in Get-CimInstance Win32_LogicalDisk -Filter 'DriveType=3'){",
  ' if(-not($out.DeviceID -contains $l.DeviceID)){',
  '  $out+=[pscustomobject]@{DeviceID=$l.DeviceID;FileSystem=$l.FileSystem;DriveType=$l.DriveType;DiskIndex=$null;Model=$null;Status=$null}}}',
  'ConvertTo-Json -InputObject @($out) -Compress',
].join('\n');

interface WinVolumeRow {
  DeviceID?: unknown;
  FileSystem?: unknown;
  DriveType?: unknown;
  DiskIndex?: unknown;
  Status?: unknown;
}

/** PowerShell's ConvertTo-Json gives an object for one item and an array for several: accept both. */
export function jsonList(text: string): unknown[] {
  const t = text.trim();
  if (!t) return [];
  const v = JSON.parse(t) as unknown;
  if (Array.isArray(v)) return v;
  return v === null ? [] : [v];
}

export function winSmart(status: unknown): Volume['smart'] {
  if (typeof status !== 'string' || !status) return 'unknown';
  if (status === 'OK') return 'ok';
  if (status === 'Pred Fail') return 'failing';
  return 'unknown';
}

/** Fixed volumes (DriveType 3) from WINDOWS_VOLUMES_SCRIPT's output; worst SMART state per letter. */
export function parseWindowsVolumes(text: string): Volume[] {
  const byLetter = new Map<string, Volume>();
  const rank = { failing: 2, unknown: 1, ok: 0 } as const;
  for (const raw of jsonList(text) as WinVolumeRow[]) {
    if (typeof raw?.DeviceID !== 'string' || !/^[A-Za-z]:$/.test(raw.DeviceID)) continue;
    if (raw.DriveType !== 3) continue;
    const mount = raw.DeviceID.toUpperCase();
    const smart = raw.DiskIndex === null || raw.DiskIndex === undefined ? undefined : winSmart(raw.Status);
    const v: Volume = { mount, fs: typeof raw.FileSystem === 'string' ? raw.FileSystem : undefined };
    if (typeof raw.DiskIndex === 'number') v.device = String(raw.DiskIndex);
    if (smart) v.smart = smart;
    const prev = byLetter.get(mount);
    // A volume spanning two disks takes the worse disk's state.
    if (!prev || (v.smart && (!prev.smart || rank[v.smart] > rank[prev.smart]))) byLetter.set(mount, v);
  }
  return [...byLetter.values()].sort((a, b) => a.mount.localeCompare(b.mount));
}

// ---- Linux SMART via udisks2 -----------------------------------------------------------------

/**
 * udisks2 publishes each ATA drive's SMART verdict (`SmartFailing`) on the system bus, readable
 * by unprivileged users. One `busctl --json=short call … GetManagedObjects` gives every block
 * device, its drive and that drive's verdict; this joins them to kernel device names.
 * NVMe drives (udisks ≥ 2.10: `NVMe.Controller.SmartCriticalWarning`) count as failing when any
 * critical-warning bit is set.
 */
export function parseUdisksSmart(text: string): Map<string, Volume['smart']> {
  const root = JSON.parse(text) as { data?: unknown[] };
  const objects = (root.data?.[0] ?? {}) as Record<
    string,
    Record<string, Record<string, { data?: unknown }>>
  >;
  const driveState = new Map<string, Volume['smart']>();
  for (const [path, ifaces] of Object.entries(objects)) {
    const ata = ifaces['org.freedesktop.UDisks2.Drive.Ata'];
    const nvme = ifaces['org.freedesktop.UDisks2.NVMe.Controller'];
    if (ata) {
      const enabled = ata.SmartEnabled?.data;
      const failing = ata.SmartFailing?.data;
      driveState.set(
        path,
        enabled === false ? 'unknown' : failing === true ? 'failing' : failing === false ? 'ok' : 'unknown',
      );
    } else if (nvme) {
      const warn = nvme.SmartCriticalWarning?.data;
      driveState.set(path, Array.isArray(warn) ? (warn.length > 0 ? 'failing' : 'ok') : 'unknown');
    }
  }
  const out = new Map<string, Volume['smart']>();
  for (const ifaces of Object.values(objects)) {
    const block = ifaces['org.freedesktop.UDisks2.Block'];
    if (!block) continue;
    const drive = block.Drive?.data;
    if (typeof drive !== 'string' || drive === '/') continue;
    const state = driveState.get(drive);
    if (!state) continue;
    // /proc/mounts may name the device either way (/dev/sda2 or /dev/mapper/…, /dev/disk/by-…).
    for (const key of ['Device', 'PreferredDevice']) {
      const dev = bytesToString(block[key]?.data);
      if (dev) out.set(dev, state);
    }
  }
  return out;
}

/** D-Bus `ay` paths arrive as byte arrays ending in NUL. */
function bytesToString(v: unknown): string {
  if (!Array.isArray(v)) return typeof v === 'string' ? v : '';
  const bytes = v.filter((b): b is number => typeof b === 'number' && b > 0);
  return Buffer.from(bytes).toString('utf8');
}
