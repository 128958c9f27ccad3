/**
 * The hardware inventory of a simulated counter PC, so the demo and the screenshots show the device
 * page's "Cấu hình phần cứng" and its change history as a real fleet would fill them. Two models a
 * ward office typically has (a Dell OptiPlex and an HP ProDesk on Windows 10/11), with serials and
 * sizes drawn from the PC's own seeded PRNG: the same hostname gives the same PC every run.
 */
import type { Inventory } from '../../shared/schemas/agent.js';
import { AGENT_VERSION } from '../version.js';
import { rng, seedOf } from './random.js';

const GiB = 1024 ** 3;

const MODELS = [
  {
    manufacturer: 'Dell Inc.',
    model: 'OptiPlex 3080',
    sku: '09A7',
    board: '0J37DM',
    bios: { vendor: 'Dell Inc.', version: '2.9.0', releaseDate: '2023-06-13' },
    cpu: { manufacturer: 'Intel', brand: 'Core™ i5-10500', cores: 12, physicalCores: 6, speedGHz: 3.1 },
    serial: (r: () => number) =>
      Array.from({ length: 7 }, () => ALNUM[Math.floor(r() * ALNUM.length)]).join(''),
  },
  {
    manufacturer: 'HP',
    model: 'HP ProDesk 400 G7 Microtower PC',
    sku: '1C7D5PA',
    board: '8767',
    bios: { vendor: 'HP', version: 'S13 Ver. 02.13.00', releaseDate: '2023-09-04' },
    cpu: { manufacturer: 'Intel', brand: 'Core™ i3-10100', cores: 8, physicalCores: 4, speedGHz: 3.6 },
    serial: (r: () => number) =>
      `4CE${Array.from({ length: 7 }, () => ALNUM[Math.floor(r() * ALNUM.length)]).join('')}`,
  },
] as const;

const ALNUM = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ';
const hex = (r: () => number, n: number) =>
  Array.from({ length: n }, () => Math.floor(r() * 16).toString(16))
    .join('')
    .toUpperCase();

export interface InventoryFaults {
  /** Slots whose RAM module was taken out (a repair, or theft at a public counter). */
  removedSlots: ReadonlySet<string>;
}

/** The PC's inventory as `onestop-agent inventory` would read it on Windows, taken at `at`. */
export function virtualInventory(
  hostname: string,
  systemDiskBytes: number,
  at: Date,
  faults: InventoryFaults,
): Inventory {
  const r = rng(seedOf(`${hostname}/inventory`));
  const m = MODELS[Math.floor(r() * MODELS.length)]!;
  const serial = m.serial(r);
  const win11 = r() < 0.3;
  const slots = ['DIMM1', 'DIMM2'];
  const modules = slots
    .map((slot) => ({
      slot,
      sizeBytes: 8 * GiB,
      type: 'DDR4',
      speedMHz: 2666,
      formFactor: 'DIMM',
      manufacturer: r() < 0.5 ? 'Samsung' : 'SK Hynix',
      partNumber: r() < 0.5 ? 'M378A1K43EB2-CWE' : 'HMA81GU6DJR8N-VK',
      serial: hex(r, 8),
    }))
    .filter((mod) => !faults.removedSlots.has(mod.slot));
  return {
    collectedAt: at.toISOString(),
    agentVersion: AGENT_VERSION,
    durationMs: 3_000 + Math.floor(r() * 4_000),
    system: {
      manufacturer: m.manufacturer,
      model: m.model,
      serial,
      sku: m.sku,
      chassis: 'Tower',
      virtual: false,
    },
    bios: { ...m.bios, uefi: true },
    baseboard: {
      manufacturer: m.manufacturer,
      model: m.board,
      serial: `/${serial}/CNCMK00${hex(r, 5)}/`,
      memorySlots: 2,
    },
    cpu: { ...m.cpu, processors: 1 },
    memory: {
      // What Windows reports: the modules minus the memory reserved for the integrated graphics.
      totalBytes: modules.reduce((s, mod) => s + mod.sizeBytes, 0) - 180 * 1024 * 1024,
      modules,
    },
    disks: [
      {
        model: systemDiskBytes > 300 * GiB ? 'KIOXIA KBG40ZNS512G NVMe 512GB' : 'SK hynix BC711 NVMe 256GB',
        vendor: systemDiskBytes > 300 * GiB ? 'KIOXIA' : 'SK hynix',
        serial: hex(r, 16),
        sizeBytes: systemDiskBytes,
        type: 'SSD',
        interface: 'NVMe',
        firmware: '11102101',
      },
      {
        model: 'ST1000DM010-2EP102',
        vendor: 'Seagate',
        serial: `Z9A${hex(r, 5)}`,
        sizeBytes: 1000 * 1000 ** 3,
        type: 'HDD',
        interface: 'SATA',
        firmware: 'CC46',
      },
    ],
    os: {
      platform: 'Windows',
      distro: win11 ? 'Microsoft Windows 11 Pro' : 'Microsoft Windows 10 Pro',
      release: win11 ? '10.0.22631' : '10.0.19045',
      build: win11 ? '22631' : '19045',
      kernel: win11 ? '10.0.22631' : '10.0.19045',
      arch: 'x64',
      hostname,
    },
    network: [
      {
        name: 'Ethernet',
        model: 'Realtek PCIe GbE Family Controller',
        mac: Array.from({ length: 6 }, () => hex(r, 2))
          .join(':')
          .toLowerCase(),
        speedMbps: 1000,
        type: 'wired',
        ipv4: `10.${Math.floor(r() * 200) + 20}.${Math.floor(r() * 250)}.${Math.floor(r() * 200) + 20}`,
        up: true,
      },
    ],
    displays: [
      {
        vendor: 'Dell',
        model: 'DELL E2222H',
        serial: `CN0${hex(r, 6)}`,
        year: 2022,
        widthPx: 1920,
        heightPx: 1080,
        connection: 'HDMI',
        main: true,
      },
    ],
  };
}
