/**
 * The inventory's pure half: systeminformation's answers (recorded on this Linux machine, composed
 * from its Windows code paths) → our inventory shape; cleaning (placeholders, control characters,
 * bounds); the normaliser that makes anything valid for the contract; and the collector's handling
 * of a part that hangs or fails.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collectInventory } from '../../agent/inventory/collect.js';
import { LIMITS, normalizeInventory } from '../../agent/inventory/normalize.js';
import { inventoryFromSi, type SiSnapshot } from '../../agent/inventory/parse.js';
import { hexId, ipv4, mac, text } from '../../agent/inventory/sanitize.js';
import { INVENTORY_LIMITS, type Inventory, zInventory, zReport } from '../../shared/schemas/agent.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as SiSnapshot;
const META = { collectedAt: '2026-05-04T01:00:00.000Z', agentVersion: '0.2.0', durationMs: 4200 };

describe('inventory from systeminformation, Windows (composed from its CIM mappings)', () => {
  it('a Dell OptiPlex: identity, firmware, board, CPU, RAM modules, internal disks, adapters, monitors, printers, USB', () => {
    const inv = inventoryFromSi(fixture('windows/si-optiplex.json'), META);
    expect(inv).toEqual({
      ...META,
      system: {
        manufacturer: 'Dell Inc.',
        model: 'OptiPlex 3080',
        serial: '5XK7QH3',
        sku: '09A7',
        chassis: 'Desktop',
        virtual: false,
      },
      bios: { vendor: 'Dell Inc.', version: '2.9.0', releaseDate: '2023-06-13', uefi: true },
      baseboard: {
        manufacturer: 'Dell Inc.',
        model: '0J37DM',
        version: 'A00',
        serial: '/5XK7QH3/CNFCW0012345AB/',
        memorySlots: 2,
        memoryMaxBytes: 68719476736,
      },
      cpu: {
        manufacturer: 'Intel',
        brand: 'Core™ i5-10500',
        cores: 12,
        physicalCores: 6,
        processors: 1,
        speedGHz: 3.1,
      },
      memory: {
        totalBytes: 17034579968,
        modules: [
          {
            slot: '#0',
            sizeBytes: 8589934592,
            type: 'DDR4',
            speedMHz: 2666,
            formFactor: 'DIMM',
            manufacturer: 'Hynix Semiconductor Inc.',
            partNumber: 'HMA81GU6DJR8N-VK',
            serial: '23A5F1C2',
          },
          {
            slot: '#1',
            sizeBytes: 8589934592,
            type: 'DDR4',
            speedMHz: 2666,
            formFactor: 'DIMM',
            manufacturer: 'Samsung',
            partNumber: 'M378A1K43DB2-CVF',
            serial: '4127AB9E',
          },
        ],
      },
      // The USB stick plugged in on inventory day is not one of the PC's disks.
      disks: [
        {
          model: 'KBG40ZNS256G NVMe KIOXIA 256GB',
          serial: '8CE3_8E10_0050_A4C1.',
          sizeBytes: 256052966400,
          type: 'SSD',
          interface: 'NVMe',
          firmware: '10410104',
        },
        {
          model: 'ST1000DM010-2EP102',
          vendor: 'Seagate',
          serial: 'ZN1AB2CD',
          sizeBytes: 1000202273280,
          type: 'HDD',
          interface: 'SATA',
          firmware: 'CC43',
        },
      ],
      os: {
        platform: 'Windows',
        distro: 'Microsoft Windows 10 Pro',
        release: '10.0.19045',
        build: '19045',
        codename: '22H2',
        kernel: '10.0.19045',
        arch: 'x64',
        hostname: 'MOTCUA-PC01',
      },
      // No loopback, no Hyper-V switch; the Wi-Fi adapter that is down has no address and no speed.
      network: [
        {
          name: 'Ethernet',
          model: 'Intel(R) Ethernet Connection (11) I219-V',
          mac: 'a4:bb:6d:12:34:56',
          speedMbps: 1000,
          type: 'wired',
          ipv4: '10.20.30.41',
          up: true,
        },
        {
          name: 'Wi-Fi',
          model: 'Intel(R) Wi-Fi 6 AX201 160MHz',
          mac: '3c:9c:0f:aa:bb:cc',
          type: 'wireless',
          up: false,
        },
      ],
      // EDID codes named; Samsung's "0" serial is no serial.
      displays: [
        {
          vendor: 'Dell',
          model: 'DELL P2219H',
          serial: 'CN0ABCDE123',
          year: 2021,
          widthPx: 1920,
          heightPx: 1080,
          connection: 'HDMI',
          main: true,
        },
        {
          vendor: 'Samsung',
          model: 'S24F350',
          year: 2019,
          widthPx: 1920,
          heightPx: 1080,
          connection: 'HD15',
          main: false,
        },
      ],
      // Virtual printers (PDF, OneNote) left out; a network queue with a Vietnamese name kept intact.
      printers: [
        {
          name: 'Canon LBP2900',
          driver: 'Canon LBP2900',
          status: 'Idle',
          local: true,
          default: true,
          shared: false,
        },
        {
          name: '\\\\PRINTSRV\\Máy in tầng 1',
          driver: 'HP LaserJet Pro M402-M403 PCL 6',
          local: false,
          default: false,
          shared: true,
        },
      ],
      // Hubs and host controllers left out; ids from the PnP id; a serial only when Windows did not invent it.
      usb: [
        {
          name: 'USB Mass Storage Device',
          vendorId: '0951',
          productId: '1666',
          manufacturer: 'Compatible USB storage device',
          serial: 'E0D55EA574DBE441A9150A1B',
          type: 'Storage',
        },
        {
          name: 'Enhanced (101- or 102-key)',
          vendorId: '413c',
          productId: '2113',
          manufacturer: '(Standard keyboards)',
          type: 'Keyboard',
        },
        {
          name: 'USB Input Device',
          vendorId: '413c',
          productId: '301a',
          manufacturer: 'Microsoft',
          type: 'Mouse',
        },
      ],
    });
    expect(zInventory.parse(inv)).toEqual(inv);
  });

  it('a white box: SMBIOS placeholders become unknown, hostile text is cleaned and bounded', () => {
    const inv = inventoryFromSi(fixture('windows/si-whitebox.json'), META);
    // Nothing of "To Be Filled By O.E.M." survives; the chassis type does.
    expect(inv.system).toEqual({ chassis: 'Desktop', virtual: false });
    expect(inv.bios).toEqual({
      vendor: 'American Megatrends Inc.',
      version: 'P2.30',
      releaseDate: '2019-04-18',
      uefi: false,
    });
    // Markup is data: kept as text here, escaped where it is shown (test/ui/device-inventory.test.ts).
    expect(inv.baseboard?.model).toBe('H310CM-HDV <script>alert(1)</script>');
    // A module serial of zeros is no serial; NULs padding a disk model are gone.
    expect(inv.memory?.modules?.[0]).toEqual({
      slot: 'BANK 0/0',
      sizeBytes: 8589934592,
      type: 'DDR4',
      speedMHz: 2400,
      formFactor: 'DIMM',
      manufacturer: 'Kingston',
      partNumber: 'KVR24N17S8/8',
    });
    expect(inv.disks?.[0]?.model).toBe('KINGSTON SA400S37240G');
    // A right-to-left override cannot disguise a name.
    expect(inv.usb?.[0]?.name).toBe('USB Mass Storage Device gnp.exe');
    expect(inv.usb?.[0]).toMatchObject({ vendorId: '090c', productId: '1000', serial: 'AA00000000000489' });
    expect(inv.displays).toEqual([]);
    expect(zInventory.parse(inv)).toEqual(inv);
  });
});

describe('inventory from systeminformation, Linux (recorded on this machine)', () => {
  it('a container without dmidecode rights: what can be known, and no invented RAM module', () => {
    const inv = inventoryFromSi(fixture('linux/si-container.json'), META);
    expect(inv).toEqual({
      ...META,
      system: { model: 'Docker Container', virtual: true },
      bios: { uefi: false },
      cpu: { manufacturer: 'AMD', brand: 'EPYC', cores: 2, physicalCores: 2, processors: 1 },
      // systeminformation makes up one module the size of all memory when dmidecode is not allowed.
      memory: { totalBytes: 25276063744 },
      disks: [],
      os: {
        platform: 'linux',
        distro: 'Debian GNU/Linux',
        release: '12',
        codename: 'bookworm',
        kernel: '6.18.44-fc-v782',
        arch: 'x64',
        hostname: 'vm',
      },
      network: [{ name: 'eth0', mac: '02:fc:00:00:00:01', type: 'wired', ipv4: '192.0.2.2', up: true }],
      displays: [],
      printers: [],
      usb: [],
    });
    expect(zInventory.parse(inv)).toEqual(inv);
  });
});

describe('cleaning', () => {
  it.each([
    ['To Be Filled By O.E.M.', null],
    ['  to be filled by o.e.m. ', null],
    ['Default string', null],
    ['System Serial Number', null],
    ['System Product Name', null],
    ['Not Specified', null],
    ['N/A', null],
    ['0123456789', null],
    ['00000000', null],
    ['FFFFFFFF', null],
    ['', null],
    ['   ', null],
    [42, '42'],
    [{}, null],
    ['Dell Inc.', 'Dell Inc.'],
    ['  HP   EliteDesk\t800 G4  ', 'HP EliteDesk 800 G4'],
    ['line\nbreak\u0000nul\u001b[31mred', 'line break nul [31mred'],
    ['abc\u202Eexe.txt', 'abc exe.txt'],
    ['"quoted"', 'quoted'],
    ['Máy in tầng 1', 'Máy in tầng 1'],
  ])('text(%j) → %j', (input, out) => {
    expect(text(input, 200)).toBe(out);
  });

  it('bounds length without splitting a surrogate pair', () => {
    expect(text('xy'.repeat(500), 10)).toBe('xy'.repeat(5));
    const s = `${'a'.repeat(9)}😀`;
    expect(text(s, 10)).toBe('a'.repeat(9));
  });

  it('ids, MACs and addresses', () => {
    expect(hexId('0x04F9')).toBe('04f9');
    expect(hexId('4F9')).toBeNull();
    expect(mac('A4-BB-6D-12-34-56')).toBe('a4:bb:6d:12:34:56');
    expect(mac('00:00:00:00:00:00')).toBeNull();
    expect(ipv4('10.0.0.300')).toBeNull();
    expect(ipv4('fe80::1')).toBeNull();
    expect(ipv4('192.168.1.20')).toBe('192.168.1.20');
  });
});

describe('normalizeInventory: anything becomes valid for the contract, or nothing', () => {
  it('keeps the limits of the contract (the agent never loads zod)', () => {
    expect(LIMITS).toEqual(INVENTORY_LIMITS);
  });

  it.each([null, 'x', [], {}, { collectedAt: 'yesterday' }, { collectedAt: '2026-13-45T99:00:00Z' }])(
    'refuses %j',
    (x) => {
      expect(normalizeInventory(x)).toBeNull();
    },
  );

  it('a hostile, oversized inventory comes out valid and small enough to ride in a report', () => {
    const long = `<img src=x onerror=alert(1)>${'Ā'.repeat(5000)}`;
    const item = (i: number) => ({
      name: `${long}${i}`,
      model: long,
      mac: '11:22:33:44:55:66',
      vendorId: '04f9',
      productId: 'zzzz',
      serial: long,
      manufacturer: long,
      driver: long,
      vendor: long,
      type: long,
      interface: long,
      firmware: long,
      sizeBytes: 2 ** 70,
      speedMbps: -5,
      year: 1850,
      widthPx: 1.5e9,
      slot: long,
      partNumber: long,
      formFactor: long,
      ipv4: '999.1.1.1',
      up: 'yes',
    });
    const many = Array.from({ length: 1000 }, (_, i) => item(i));
    const hostile = {
      collectedAt: '2026-05-04T01:00:00.000Z',
      agentVersion: long,
      durationMs: -1,
      extra: { nested: long },
      system: { manufacturer: long, model: long, serial: long, virtual: 'no' },
      bios: { vendor: long, version: long, releaseDate: '13/06/2023', uefi: 1 },
      baseboard: { manufacturer: long, memorySlots: 1e9, memoryMaxBytes: 'lots' },
      cpu: { brand: long, cores: 0, speedGHz: Number.NaN },
      memory: { totalBytes: -1, modules: many },
      disks: many,
      os: { distro: long, hostname: long },
      network: many,
      displays: many,
      printers: many,
      usb: many,
      errors: Array.from({ length: 100 }, (_, i) => ({ part: `p${i}`, message: long, timedOut: 'maybe' })),
    };
    const inv = normalizeInventory(hostile)!;
    expect(inv).not.toBeNull();
    expect(zInventory.safeParse(inv).error?.issues ?? []).toEqual([]);
    expect(inv.disks).toHaveLength(INVENTORY_LIMITS.disks);
    expect(inv.usb).toHaveLength(INVENTORY_LIMITS.usb);
    expect(inv.memory?.modules).toHaveLength(INVENTORY_LIMITS.memoryModules);
    expect(inv.bios).toEqual({ vendor: expect.any(String), version: expect.any(String) });
    expect('extra' in inv).toBe(false);
    // Worst case fits easily in a report batch (the agent sends ≤ ~900 KiB per request).
    const bytes = Buffer.byteLength(JSON.stringify(inv));
    expect(bytes).toBeLessThan(200 * 1024);
    const report = {
      seq: 1,
      collectedAt: inv.collectedAt,
      disks: [],
      targets: [],
      peripherals: [],
      inventory: inv,
    };
    expect(zReport.safeParse(report).success).toBe(true);
  });
});

describe('collectInventory: one broken part never sinks the inventory', () => {
  it('a part that hangs times out, a part that throws is reported, the others are collected', async () => {
    const t0 = performance.now();
    const inv: Inventory = await collectInventory({
      agentVersion: '0.2.0',
      partTimeoutMs: 200,
      calls: {
        usb: () => new Promise(() => {}),
        printer: () => Promise.reject(new Error('spooler not running')),
        graphics: () => Promise.resolve(null),
      },
    });
    expect(performance.now() - t0).toBeLessThan(15_000);
    expect(inv.errors).toEqual([
      { part: 'printer', message: 'spooler not running' },
      { part: 'usb', message: 'no answer within 200 ms', timedOut: true },
    ]);
    expect(inv.usb).toBeUndefined();
    expect(inv.printers).toBeUndefined();
    expect(inv.displays).toBeUndefined();
    expect(inv.os?.hostname).toBeTruthy();
    expect(inv.memory?.totalBytes).toBeGreaterThan(0);
    expect(zInventory.parse(inv)).toEqual(inv);
  });
});
