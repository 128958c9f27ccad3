/** What counts as a hardware change between two inventories — and what does not (unknown, failed, empty). */
import { describe, expect, it } from 'vitest';
import { inventoryChanges } from '../../server/domain/inventory-changes.js';
import type { Inventory } from '../../shared/schemas/agent.js';

const GiB = 1024 ** 3;
const base: Inventory = {
  collectedAt: '2026-05-04T01:00:00.000Z',
  agentVersion: '0.2.0',
  system: { manufacturer: 'Dell Inc.', model: 'OptiPlex 3080', serial: '5XK7QH3' },
  baseboard: { manufacturer: 'Dell Inc.', model: '0J37DM', serial: '/5XK7QH3/CN1/' },
  bios: { vendor: 'Dell Inc.', version: '2.9.0', releaseDate: '2023-06-13' },
  cpu: { manufacturer: 'Intel', brand: 'Core™ i5-10500', cores: 12, physicalCores: 6 },
  memory: {
    totalBytes: 16 * GiB - 300 * 1024 ** 2,
    modules: [
      { slot: '#0', sizeBytes: 8 * GiB, serial: 'A1' },
      { slot: '#1', sizeBytes: 8 * GiB, serial: 'B2' },
    ],
  },
  disks: [
    { model: 'KIOXIA 256GB', serial: 'SSD-1', sizeBytes: 256e9, type: 'SSD' },
    { model: 'ST1000DM010', serial: 'HDD-1', sizeBytes: 1000e9, type: 'HDD' },
  ],
  os: { distro: 'Microsoft Windows 10 Pro', release: '10.0.19045', build: '19045' },
  displays: [{ vendor: 'Dell', model: 'P2219H', serial: 'CN0A' }],
};

const next = (f: (x: Inventory) => void): Inventory => {
  const x = structuredClone(base);
  x.collectedAt = '2026-05-05T01:00:00.000Z';
  f(x);
  return x;
};

describe('inventoryChanges', () => {
  it('nothing changed → nothing recorded (a new collection time, OS build and usb do not count)', () => {
    expect(
      inventoryChanges(
        base,
        next((x) => {
          x.os!.build = '19046';
          x.usb = [{ name: 'USB stick' }];
        }),
      ),
    ).toEqual([]);
  });

  it('another serial number, board and BIOS version', () => {
    expect(
      inventoryChanges(
        base,
        next((x) => {
          x.system!.serial = '9ZZ9ZZ9';
          x.baseboard!.serial = '/9ZZ9ZZ9/CN2/';
          x.bios!.version = '2.10.1';
        }),
      ),
    ).toEqual([
      { component: 'system', change: 'changed', field: 'serial', before: '5XK7QH3', after: '9ZZ9ZZ9' },
      {
        component: 'baseboard',
        change: 'changed',
        field: 'serial',
        before: '/5XK7QH3/CN1/',
        after: '/9ZZ9ZZ9/CN2/',
      },
      { component: 'bios', change: 'changed', field: 'version', before: '2.9.0', after: '2.10.1' },
    ]);
  });

  it('a RAM module taken out: the module and the total', () => {
    const changes = inventoryChanges(
      base,
      next((x) => {
        x.memory = {
          totalBytes: 8 * GiB - 300 * 1024 ** 2,
          modules: [{ slot: '#0', sizeBytes: 8 * GiB, serial: 'A1' }],
        };
      }),
    );
    expect(changes).toEqual([
      {
        component: 'memory',
        change: 'changed',
        field: 'totalBytes',
        before: 16 * GiB - 300 * 1024 ** 2,
        after: 8 * GiB - 300 * 1024 ** 2,
      },
      {
        component: 'memoryModule',
        change: 'removed',
        before: { slot: '#1', sizeBytes: 8 * GiB, serial: 'B2' },
      },
    ]);
  });

  it('a disk swapped for another: one removed, one added; a module moved to another slot is no change', () => {
    const changes = inventoryChanges(
      base,
      next((x) => {
        x.disks![1] = { model: 'WD10EZEX', serial: 'WD-2', sizeBytes: 1000e9, type: 'HDD' };
        x.memory!.modules = [
          { slot: '#1', sizeBytes: 8 * GiB, serial: 'A1' },
          { slot: '#0', sizeBytes: 8 * GiB, serial: 'B2' },
        ];
      }),
    );
    expect(changes).toEqual([
      { component: 'disk', change: 'removed', before: base.disks![1] },
      {
        component: 'disk',
        change: 'added',
        after: { model: 'WD10EZEX', serial: 'WD-2', sizeBytes: 1000e9, type: 'HDD' },
      },
    ]);
  });

  it('identical items without serials count as many as there are', () => {
    const two = {
      ...base,
      memory: {
        modules: [
          { slot: 'A', sizeBytes: 4 * GiB },
          { slot: 'A', sizeBytes: 4 * GiB },
        ],
      },
    };
    const one = next((x) => {
      x.memory = { modules: [{ slot: 'A', sizeBytes: 4 * GiB }] };
    });
    expect(inventoryChanges(two, one)).toEqual([
      { component: 'memoryModule', change: 'removed', before: { slot: 'A', sizeBytes: 4 * GiB } },
    ]);
  });

  it('unknown is never a change: missing values, empty lists, parts that failed on either side', () => {
    const blind = next((x) => {
      x.system = { model: 'OptiPlex 3080' }; // serial unreadable this time (Linux without root)
      x.disks = []; // the enumeration came back empty
      delete x.memory!.modules; // modules unreadable
      x.displays = [{ vendor: 'Samsung', model: 'S24F350' }];
      x.errors = [{ part: 'graphics', message: 'no answer within 60000 ms', timedOut: true }];
    });
    expect(inventoryChanges(base, blind)).toEqual([]);
    // …and coming back from blindness is not a change either.
    expect(
      inventoryChanges(
        blind,
        next(() => {}),
      ),
    ).toEqual([]);
  });

  it('a few MB of RAM (shared graphics memory) is not a change; a reinstalled OS is', () => {
    expect(
      inventoryChanges(
        base,
        next((x) => {
          x.memory!.totalBytes = base.memory!.totalBytes! - 128 * 1024 ** 2;
          x.os = { distro: 'Microsoft Windows 11 Pro', release: '10.0.22631', build: '22631' };
        }),
      ),
    ).toEqual([
      {
        component: 'os',
        change: 'changed',
        field: 'distro',
        before: 'Microsoft Windows 10 Pro',
        after: 'Microsoft Windows 11 Pro',
      },
      { component: 'os', change: 'changed', field: 'release', before: '10.0.19045', after: '10.0.22631' },
    ]);
  });
});
