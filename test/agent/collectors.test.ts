/** Collectors: pure parsers on Linux and Windows fixtures, the failure wrapper, and the in-process probes. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Collector, runCollector, runCollectors } from '../../agent/collectors/collector.js';
import { DisksCollector } from '../../agent/collectors/disks.js';
import {
  jsonList,
  parseProcMounts,
  parseUdisksSmart,
  parseWindowsVolumes,
  usageFromStatfs,
} from '../../agent/collectors/disks-parse.js';
import { PeripheralsCollector } from '../../agent/collectors/peripherals.js';
import {
  anyMissing,
  fold,
  guessKind,
  parseLpstat,
  parseSysfsUsb,
  parseWindowsPeripherals,
  peripheralsReport,
  type SysfsUsbEntry,
} from '../../agent/collectors/peripherals-parse.js';
import { SystemCollector } from '../../agent/collectors/system.js';
import {
  cpuBusyPct,
  memUsedPct,
  parseMeminfo,
  parseProcStat,
  totalTimes,
} from '../../agent/collectors/system-parse.js';
import { TargetsCollector } from '../../agent/collectors/targets.js';
import type { AgentConfig } from '../../shared/schemas/agent.js';

const fx = (p: string) => readFileSync(new URL(`./fixtures/${p}`, import.meta.url), 'utf8');

const config = (over: Partial<AgentConfig> = {}): AgentConfig => ({
  etag: 'e1',
  intervalSec: 60,
  disk: { warnFreePct: 10, critFreePct: 5 },
  targets: [],
  peripherals: { expected: [] },
  ...over,
});

describe('disks: parsers', () => {
  it('keeps local volumes from /proc/self/mounts, once per device, unescaping names', () => {
    const v = parseProcMounts(fx('linux/proc-mounts.txt'));
    expect(v.map((x) => [x.mount, x.fs, x.device])).toEqual([
      ['/', 'ext4', '/dev/nvme0n1p2'],
      ['/boot/efi', 'vfat', '/dev/nvme0n1p1'],
      ['/home', 'ext4', '/dev/sda1'],
      ['/media/motcua/USB KINGSTON', 'vfat', '/dev/sdb1'],
    ]);
  });

  it('watches / in a container even on overlay, and skips bind-mounted files', () => {
    expect(parseProcMounts(fx('linux/container-mounts.txt')).map((x) => x.mount)).toEqual([
      '/',
      '/var/lib/onestop-agent',
    ]);
  });

  it('counts root-reserved blocks as used, so a disk that refuses writes looks full', () => {
    // 100 blocks, 10 free of which 5 reserved for root.
    expect(usageFromStatfs({ bsize: 4096, blocks: 100, bavail: 5 })).toEqual({
      sizeBytes: 409_600,
      usedBytes: 95 * 4096,
    });
  });

  it('reads SMART verdicts from udisks2 (ATA failing, NVMe ok, no drive for loops)', () => {
    const m = parseUdisksSmart(fx('linux/busctl-udisks.json'));
    expect(Object.fromEntries(m)).toEqual({
      '/dev/nvme0n1p2': 'ok',
      '/dev/nvme0n1p1': 'ok',
      '/dev/sda1': 'failing',
    });
  });

  it('reads Windows fixed volumes with SMART from Win32_DiskDrive, skipping removable ones', () => {
    expect(parseWindowsVolumes(fx('windows/volumes.json'))).toEqual([
      { mount: 'C:', fs: 'NTFS', device: '0', smart: 'ok' },
      { mount: 'D:', fs: 'NTFS', device: '1', smart: 'failing' },
      { mount: 'E:', fs: 'ReFS' },
    ]);
    // ConvertTo-Json writes a lone object for a single row.
    expect(parseWindowsVolumes(fx('windows/volumes-one.json'))).toEqual([
      { mount: 'C:', fs: 'NTFS', device: '0', smart: 'unknown' },
    ]);
    expect(jsonList('')).toEqual([]);
  });
});

describe('disks: collector', () => {
  it('stats every watched volume and joins SMART by device', async () => {
    const c = new DisksCollector({
      platform: 'linux',
      readMounts: async () => fx('linux/proc-mounts.txt'),
      statfs: async (p) => ({ bsize: 4096, blocks: p === '/' ? 1000 : 500, bavail: p === '/' ? 30 : 400 }),
    });
    const r = await c.collect({ config: config(), signal: new AbortController().signal });
    expect(r.disks?.map((d) => [d.mount, d.sizeBytes, d.usedBytes])).toEqual([
      ['/', 4_096_000, 970 * 4096],
      ['/boot/efi', 2_048_000, 100 * 4096],
      ['/home', 2_048_000, 100 * 4096],
      ['/media/motcua/USB KINGSTON', 2_048_000, 100 * 4096],
    ]);
  });

  it('reports real usage of this machine through fs.statfs', async () => {
    const r = await new DisksCollector({ platform: 'linux' }).collect({
      config: config(),
      signal: new AbortController().signal,
    });
    const root = r.disks?.find((d) => d.mount === '/');
    expect(root?.sizeBytes).toBeGreaterThan(0);
    expect(root!.usedBytes).toBeLessThanOrEqual(root!.sizeBytes);
  });

  it('fails as a whole only when no volume can be read', async () => {
    const c = new DisksCollector({
      platform: 'linux',
      readMounts: async () => fx('linux/proc-mounts.txt'),
      statfs: async (p) => {
        if (p !== '/home') throw new Error('EIO');
        return { bsize: 4096, blocks: 10, bavail: 5 };
      },
    });
    const r = await c.collect({ config: config(), signal: new AbortController().signal });
    expect(r.disks?.map((d) => d.mount)).toEqual(['/home']);
    const none = new DisksCollector({
      platform: 'linux',
      readMounts: async () => fx('linux/proc-mounts.txt'),
      statfs: async () => {
        throw new Error('EIO');
      },
    });
    const o = await runCollector(none, config());
    expect(o.error?.message).toContain('EIO');
  });
});

describe('peripherals: parsers', () => {
  const entries = JSON.parse(fx('linux/sysfs-usb.json')) as SysfsUsbEntry[];

  it('lists Linux USB devices without hubs, root hubs or interfaces', () => {
    const d = parseSysfsUsb(entries);
    expect(d.map((x) => [x.name, x.vendorId, x.productId, guessKind(x)])).toEqual([
      ['Canon CanoScan', '04a9', '1912', 'scanner'],
      ['HP HP LaserJet Pro M404', '03f0', '2b17', 'printer'],
      ['Webcam C270', '046d', '0825', 'camera'],
      ['OMNIKEY AG Smart Card Reader USB', '076b', '3021', 'card_reader'],
      ['Dell Computer Corp. Dell KB216 Wired Keyboard', '413c', '2113', 'other'],
      ['Kingston DataTraveler 3.0', '0951', '1666', 'other'],
    ]);
    expect(d[1]?.serial).toBe('PHBBK12345');
  });

  it('reads lpstat: a queue CUPS disabled is a printer not connected', () => {
    expect(parseLpstat(fx('linux/lpstat-p.txt'))).toEqual([
      { source: 'printer', name: 'HP_LaserJet_Pro_M404', connected: true },
      { source: 'printer', name: 'Canon_LBP2900', connected: false },
      { source: 'printer', name: 'PDF', connected: true },
    ]);
  });

  it('reads Windows PnP and printers: composite functions once, virtual printers out, Error = unusable', () => {
    const d = parseWindowsPeripherals(fx('windows/peripherals.json'));
    expect(d.map((x) => [x.source, x.name, x.vendorId ?? null, x.connected, guessKind(x)])).toEqual([
      ['usb', 'CanoScan LiDE 400', '04a9', true, 'scanner'],
      ['usb', 'USB Printing Support', '03f0', true, 'printer'],
      ['usb', 'Logitech HD Webcam C270', '046d', true, 'camera'],
      ['usb', 'USB Audio Device', '046d', true, 'other'],
      ['usb', 'Microsoft Usbccid Smartcard Reader (WUDF)', '076b', true, 'card_reader'],
      ['usb', 'EPSON DS-530', '04b8', false, 'scanner'],
      ['usb', 'Prolific USB-to-Serial Comm Port (COM3)', '067b', true, 'other'],
      ['usb', 'USB Input Device', '413c', true, 'other'],
      ['printer', 'Máy in Một cửa - HP LaserJet Pro M404', null, true, 'printer'],
      ['printer', 'Canon LBP2900', null, false, 'printer'],
    ]);
    expect(parseWindowsPeripherals(fx('windows/peripherals-empty.json'))).toEqual([]);
  });

  it('matches expected devices by name (case and accents ignored) or vendor:product, and names the missing', () => {
    const seen = parseWindowsPeripherals(fx('windows/peripherals.json'));
    const expected = [
      { kind: 'scanner' as const, label: 'Máy quét Canon', match: { vendorId: '04A9', productId: '1912' } },
      { kind: 'printer' as const, label: 'Máy in một cửa', match: { nameIncludes: 'MAY IN MOT CUA' } },
      { kind: 'card_reader' as const, label: 'Đầu đọc thẻ CCCD', match: { vendorId: '076b' } },
      {
        kind: 'queue_machine' as const,
        label: 'Máy lấy số thứ tự',
        match: { vendorId: '0483', productId: '5750' },
      },
      { kind: 'scanner' as const, label: 'Máy quét Epson', match: { nameIncludes: 'DS-530' } },
    ];
    const rep = peripheralsReport(seen, expected);
    expect(rep.find((p) => p.vendorId === '04a9')).toMatchObject({ kind: 'scanner', connected: true });
    expect(rep.find((p) => p.name.startsWith('Máy in Một cửa'))).toMatchObject({
      kind: 'printer',
      connected: true,
    });
    expect(rep.find((p) => p.vendorId === '076b')).toMatchObject({ kind: 'card_reader', connected: true });
    expect(rep.filter((p) => !p.connected).map((p) => p.name)).toEqual([
      'EPSON DS-530',
      'Canon LBP2900',
      'Máy lấy số thứ tự',
    ]);
    expect(rep.find((p) => p.name === 'Máy lấy số thứ tự')).toMatchObject({
      kind: 'queue_machine',
      vendorId: '0483',
      productId: '5750',
    });
    expect(anyMissing(seen, expected)).toBe(true);
    expect(anyMissing(seen, expected.slice(0, 3))).toBe(false);
    expect(fold('Đầu đọc THẺ')).toBe('dau doc the');
  });

  it('reads a sysfs tree from disk and notices an unplugged device', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sysfs-'));
    try {
      for (const e of entries) {
        const dir = join(root, e.name);
        mkdirSync(dir, { recursive: true });
        for (const [k, v] of Object.entries(e.attrs)) writeFileSync(join(dir, k), v!);
        e.interfaceClasses.forEach((c, i) => {
          mkdirSync(join(dir, `${e.name}:1.${i}`), { recursive: true });
          writeFileSync(join(dir, `${e.name}:1.${i}`, 'bInterfaceClass'), `${c}\n`);
        });
      }
      const c = new PeripheralsCollector({ platform: 'linux', sysfsUsbDir: root });
      const expected = [{ kind: 'scanner' as const, label: 'Máy quét', match: { nameIncludes: 'canoscan' } }];
      const first = await c.collect({
        config: config({ peripherals: { expected } }),
        signal: new AbortController().signal,
      });
      expect(first.peripherals?.find((p) => p.kind === 'scanner')).toMatchObject({
        connected: true,
        vendorId: '04a9',
      });
      // Unplug the scanner.
      rmSync(join(root, '1-1.2'), { recursive: true });
      const second = await c.collect({
        config: config({ peripherals: { expected } }),
        signal: new AbortController().signal,
      });
      expect(second.peripherals?.find((p) => p.kind === 'scanner')).toEqual({
        kind: 'scanner',
        name: 'Máy quét',
        connected: false,
      });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('system', () => {
  it('computes CPU busy share on Linux and Windows samples', () => {
    for (const [file, pct] of [
      ['windows/cpus.json', 29.2],
      ['linux/cpus.json', undefined],
    ] as const) {
      const { t0, t1 } = JSON.parse(fx(file));
      const got = cpuBusyPct(totalTimes(t0), totalTimes(t1));
      if (pct !== undefined) expect(got).toBe(pct);
      else expect(got).toBeGreaterThan(0);
    }
    expect(cpuBusyPct(totalTimes([]), totalTimes([]))).toBeUndefined();
    expect(memUsedPct(8e9, 2e9)).toBe(75);
    expect(memUsedPct(0, 0)).toBeUndefined();
  });

  it('reads the aggregate line of Linux /proc/stat (iowait idle; irq, softirq, steal busy)', () => {
    const t = parseProcStat(fx('linux/proc-stat.txt'));
    const [, user, nice, system, idle, iowait, irq, softirq, steal] = fx('linux/proc-stat.txt')
      .split('\n')[0]!
      .trim()
      .split(/\s+/)
      .map(Number);
    expect(t).toEqual({ user, nice, sys: system, idle: idle! + iowait!, irq: irq! + softirq! + steal! });
    expect(parseProcStat('intr 1 2 3')).toBeUndefined();
    const m = parseMeminfo(fx('linux/proc-meminfo-head.txt'));
    expect(m?.totalKb).toBeGreaterThan(m!.availableKb);
    expect(parseMeminfo('MemTotal: 100 kB\nMemFree: 10 kB\n')).toBeUndefined();
    const a = parseProcStat('cpu  100 0 50 800 50 0 0 0 0 0')!;
    const b = parseProcStat('cpu  200 0 100 1500 100 0 0 0 0 0')!;
    expect(cpuBusyPct(a, b)).toBe(16.7);
  });

  it('collects from this machine', async () => {
    const r = await new SystemCollector().collect();
    expect(r.system?.uptimeSec).toBeGreaterThan(0);
    expect(r.system?.memUsedPct).toBeGreaterThan(0);
  });
});

describe('collector wrapper', () => {
  const slow: Collector = {
    name: 'slow',
    timeoutMs: () => 50,
    collect: (ctx) =>
      new Promise((resolve) => {
        const t = setTimeout(() => resolve({ disks: [] }), 5000);
        ctx.signal.addEventListener('abort', () => clearTimeout(t));
      }),
  };
  const broken: Collector = {
    name: 'broken',
    timeoutMs: () => 1000,
    collect: async () => {
      throw new Error('WMI is not available');
    },
  };
  const fine: Collector = {
    name: 'fine',
    timeoutMs: () => 1000,
    collect: async () => ({ system: { uptimeSec: 5 } }),
  };

  it('turns a hung or failing collector into an error entry and keeps the others', async () => {
    const out = await runCollectors([slow, broken, fine], config());
    expect(out.map((o) => [o.name, o.error ?? null])).toEqual([
      ['slow', { collector: 'slow', message: 'no result within 50 ms', timedOut: true }],
      ['broken', { collector: 'broken', message: 'WMI is not available' }],
      ['fine', null],
    ]);
    expect(out[2]?.readings).toEqual({ system: { uptimeSec: 5 } });
    expect(out[0]!.ms).toBeLessThan(1000);
  });
});

describe('targets (loopback only)', () => {
  const servers: { close: () => void }[] = [];
  afterAll(() => {
    for (const s of servers) s.close();
  });

  async function listen(server: net.Server): Promise<number> {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    servers.push(server);
    return (server.address() as net.AddressInfo).port;
  }

  it('measures TCP connect and HTTP time to first byte, and says why a target fails', async () => {
    const tcpPort = await listen(net.createServer((s) => s.end()));
    const httpOk = await listen(createServer((_q, res) => setTimeout(() => res.end('ok'), 120)));
    const http503 = await listen(
      createServer((_q, res) => {
        res.statusCode = 503;
        res.end();
      }),
    );
    const silent = await listen(net.createServer(() => {})); // accepts, never answers HTTP
    const closed = await listen(net.createServer());
    servers.pop()!.close();
    await new Promise((r) => setTimeout(r, 20));
    const t = (id: string, extra: object) => ({
      id,
      name: id,
      warnMs: 100,
      critMs: 500,
      timeoutMs: 1000,
      ...extra,
    });
    const cfg = config({
      targets: [
        t('tcp-ok', { kind: 'tcp', host: '127.0.0.1', port: tcpPort }),
        t('tcp-closed', { kind: 'tcp', host: '127.0.0.1', port: closed }),
        t('http-ok', { kind: 'http', url: `http://127.0.0.1:${httpOk}/health` }),
        t('http-503', { kind: 'http', url: `http://127.0.0.1:${http503}/` }),
        t('http-silent', { kind: 'http', url: `http://127.0.0.1:${silent}/`, timeoutMs: 300 }),
      ] as AgentConfig['targets'],
    });
    const o = await runCollector(new TargetsCollector(), cfg);
    const byId = Object.fromEntries((o.readings?.targets ?? []).map((r) => [r.id, r]));
    expect(byId['tcp-ok']).toMatchObject({ ok: true });
    expect(byId['tcp-ok']!.latencyMs).toBeLessThan(500);
    expect(byId['tcp-closed']).toEqual({
      id: 'tcp-closed',
      ok: false,
      latencyMs: null,
      error: 'ECONNREFUSED: connection refused',
    });
    expect(byId['http-ok']).toMatchObject({ ok: true });
    expect(byId['http-ok']!.latencyMs).toBeGreaterThanOrEqual(100);
    expect(byId['http-503']).toMatchObject({ ok: false, error: 'HTTP_503: HTTP 503' });
    expect(byId['http-silent']).toMatchObject({ ok: false, error: 'TIMEOUT: timeout' });
  });

  it('in loopback-only mode (tests, benchmarks) never touches another address', async () => {
    const cfg = config({
      targets: [
        {
          id: 'far',
          name: 'far',
          kind: 'tcp',
          host: '10.255.255.1',
          port: 443,
          warnMs: 1,
          critMs: 2,
          timeoutMs: 5000,
        },
        {
          id: 'web',
          name: 'web',
          kind: 'http',
          url: 'https://dichvucong.gov.vn/',
          warnMs: 1,
          critMs: 2,
          timeoutMs: 5000,
        },
      ] as AgentConfig['targets'],
    });
    const t0 = performance.now();
    const o = await runCollector(new TargetsCollector('test', true), cfg);
    expect(performance.now() - t0).toBeLessThan(100);
    expect(o.readings?.targets).toEqual([
      { id: 'far', ok: false, latencyMs: null, error: 'BLOCKED: not probed: loopback-only mode' },
      { id: 'web', ok: false, latencyMs: null, error: 'BLOCKED: not probed: loopback-only mode' },
    ]);
  });
});
