/**
 * From systeminformation's answers to our inventory shape — pure functions, no I/O, tested on
 * recorded Linux output and on Windows shapes built from systeminformation's own source (its
 * PowerShell/CIM mappings; test/agent/fixtures/README.md). The result still goes through
 * `normalizeInventory`, which bounds and cleans every value; here we only decide what means what.
 */
import type { Systeminformation as Si } from 'systeminformation';
import type { Inventory } from '../../shared/schemas/agent.js';
import { normalizeInventory } from './normalize.js';
import { hexId, text } from './sanitize.js';

/** What the inventory process got from systeminformation; a part it could not get is absent. */
export interface SiSnapshot {
  system?: Partial<Si.SystemData>;
  bios?: Partial<Si.BiosData>;
  baseboard?: Partial<Si.BaseboardData>;
  chassis?: Partial<Si.ChassisData>;
  cpu?: Partial<Si.CpuData>;
  /** Memory the OS sees (`os.totalmem()`; systeminformation's `mem().total` is the same number). */
  memTotal?: number;
  memLayout?: Partial<Si.MemLayoutData>[];
  diskLayout?: Partial<Si.DiskLayoutData>[];
  osInfo?: Partial<Si.OsData>;
  networkInterfaces?: Partial<Si.NetworkInterfacesData>[];
  graphics?: { displays?: Partial<Si.GraphicsDisplayData>[] };
  printer?: Partial<Si.PrinterData>[];
  usb?: Partial<Si.UsbData>[];
}

export interface InventoryMeta {
  collectedAt: string;
  agentVersion: string;
  durationMs?: number;
  errors?: { part: string; message: string; timedOut?: boolean }[];
}

/** systeminformation's own defaults for "nothing found" (Linux without dmidecode, containers). */
const SI_DEFAULTS = new Set(['computer', '-']);
const real = (v: unknown) => (typeof v === 'string' && SI_DEFAULTS.has(v.trim().toLowerCase()) ? null : v);
const first = (...vs: unknown[]) => vs.map((v) => text(real(v), 200)).find((v) => v !== null) ?? null;

export function parseSystem(s: SiSnapshot): Inventory['system'] {
  const sys = s.system;
  if (!sys && !s.chassis) return undefined;
  return {
    manufacturer: first(sys?.manufacturer),
    model: first(sys?.model),
    version: first(sys?.version),
    // OEMs put the service tag in the product's IdentifyingNumber and in the BIOS; white boxes in neither.
    serial: first(sys?.serial, s.bios?.serial, s.chassis?.serial),
    sku: first(sys?.sku),
    chassis: first(s.chassis?.type),
    virtual: typeof sys?.virtual === 'boolean' ? sys.virtual : null,
  };
}

export function parseBios(s: SiSnapshot): Inventory['bios'] {
  if (!s.bios && typeof s.osInfo?.uefi !== 'boolean') return undefined;
  return {
    vendor: first(s.bios?.vendor),
    version: first(s.bios?.version),
    releaseDate: first(s.bios?.releaseDate),
    uefi: typeof s.osInfo?.uefi === 'boolean' ? s.osInfo.uefi : null,
  };
}

export function parseBaseboard(s: SiSnapshot): Inventory['baseboard'] {
  const b = s.baseboard;
  if (!b) return undefined;
  return {
    manufacturer: first(b.manufacturer),
    model: first(b.model),
    version: first(b.version),
    serial: first(b.serial),
    memorySlots: b.memSlots ?? null,
    memoryMaxBytes: b.memMax ?? null,
  };
}

export function parseCpu(s: SiSnapshot): Inventory['cpu'] {
  const c = s.cpu;
  if (!c) return undefined;
  const unknown = (v: unknown) => (v === 'unknown' ? null : v);
  return {
    manufacturer: first(unknown(c.manufacturer)),
    brand: first(unknown(c.brand)),
    cores: c.cores ?? null,
    physicalCores: c.physicalCores ?? null,
    processors: c.processors ?? null,
    // `speed` is the base clock from the model name; 0 when unknown.
    speedGHz: c.speed || c.speedMax || null,
  };
}

/**
 * Without dmidecode rights (Linux as a service user) systeminformation invents one "module" the size
 * of all memory with every other field empty: that says nothing about the modules, so none are listed.
 */
function isInventedModule(layout: Partial<Si.MemLayoutData>[], total: number | undefined): boolean {
  if (layout.length !== 1) return false;
  const m = layout[0]!;
  return (
    !m.bank &&
    !m.type &&
    !m.partNum &&
    !m.serialNum &&
    !m.manufacturer &&
    (total === undefined || m.size === total)
  );
}

export function parseMemory(s: SiSnapshot): Inventory['memory'] {
  if (s.memTotal === undefined && !s.memLayout) return undefined;
  const layout = s.memLayout;
  const modules =
    layout && !isInventedModule(layout, s.memTotal)
      ? layout
          .filter((m) => (m.size ?? 0) > 0) // empty slots (dmidecode lists them) are not modules
          .map((m) => ({
            // Windows builds it as "<BankLabel>/<n>"; Dell leaves BankLabel empty ("/0" → "#0").
            slot: first(typeof m.bank === 'string' ? m.bank.replace(/^\//, '#') : m.bank),
            sizeBytes: m.size ?? null,
            type: first(m.type),
            speedMHz: m.clockSpeed ?? null,
            formFactor: first(m.formFactor),
            manufacturer: first(m.manufacturer),
            partNumber: first(m.partNum),
            serial: first(m.serialNum),
          }))
      : undefined;
  return { totalBytes: s.memTotal ?? null, modules };
}

/** systeminformation says `HD` for spinning disks and `NVMe` for NVMe SSDs (on Linux). */
function diskType(t: string | undefined): string | null {
  switch ((t ?? '').trim().toUpperCase()) {
    case '':
      return null;
    case 'HD':
    case 'HDD':
      return 'HDD';
    case 'SSD':
    case 'NVME':
      return 'SSD';
    default:
      return t!.trim();
  }
}

function diskInterface(d: Partial<Si.DiskLayoutData>): string | null {
  const i = (d.interfaceType ?? '').trim();
  // Linux reports NVMe drives as interface "PCIe" and type "NVMe"; NVMe is what a buyer asks for.
  if ((d.type ?? '').toUpperCase() === 'NVME' || i.toUpperCase() === 'NVME') return 'NVMe';
  if (!i) return null;
  const upper = i.toUpperCase();
  return ['SATA', 'SAS', 'SCSI', 'IDE', 'ATA', 'USB', 'RAID', 'MMC', 'SD'].includes(upper) ? upper : i;
}

/** Internal disks only: a USB stick present on inventory day is not part of the PC. */
export function parseDisks(s: SiSnapshot): Inventory['disks'] {
  if (!s.diskLayout) return undefined;
  return s.diskLayout
    .filter((d) => diskInterface(d) !== 'USB')
    .map((d) => ({
      model: first(d.name),
      vendor: first(d.vendor),
      serial: first(d.serialNum),
      sizeBytes: d.size ?? null,
      type: diskType(d.type),
      interface: diskInterface(d),
      firmware: first(d.firmwareRevision),
    }));
}

export function parseOs(s: SiSnapshot): Inventory['os'] {
  const o = s.osInfo;
  if (!o) return undefined;
  return {
    platform: first(o.platform),
    distro: first(o.distro),
    release: first(o.release),
    build: first(o.build),
    codename: first(o.codename),
    kernel: first(o.kernel),
    arch: first(o.arch),
    hostname: first(o.hostname),
  };
}

/**
 * Physical adapters only (no loopback, no virtual switches, VPNs or container bridges), with the
 * IPv4 address IT staff use for remote support; IPv6, masks, gateways and DNS are not sent.
 */
export function parseNetwork(s: SiSnapshot): Inventory['network'] {
  if (!s.networkInterfaces) return undefined;
  return s.networkInterfaces
    .filter((n) => !n.internal && !n.virtual)
    .map((n) => ({
      name: first(n.iface),
      // On Windows ifaceName is the adapter's description; on Linux it repeats the name.
      model: n.ifaceName && n.ifaceName !== n.iface ? first(n.ifaceName) : null,
      mac: n.mac ?? null,
      speedMbps: typeof n.speed === 'number' && n.speed > 0 ? n.speed : null,
      type: first(n.type),
      ipv4: n.ip4 || null,
      up: n.operstate === 'up' ? true : n.operstate === 'down' ? false : null,
    }));
}

/** EDID manufacturer codes of the monitors counters actually have. */
const MONITOR_VENDORS: Record<string, string> = {
  ACR: 'Acer',
  AOC: 'AOC',
  AUS: 'ASUS',
  BNQ: 'BenQ',
  DEL: 'Dell',
  ENC: 'EIZO',
  GSM: 'LG',
  HPN: 'HP',
  HWP: 'HP',
  IVM: 'iiyama',
  LEN: 'Lenovo',
  LGD: 'LG Display',
  NEC: 'NEC',
  PHL: 'Philips',
  SAM: 'Samsung',
  SNY: 'Sony',
  VSC: 'ViewSonic',
  HKC: 'HKC',
  MSI: 'MSI',
  GGL: 'Google',
  SHP: 'Sharp',
  AUO: 'AU Optronics',
  BOE: 'BOE',
  CMN: 'Innolux',
};

export function parseDisplays(s: SiSnapshot): Inventory['displays'] {
  const list = s.graphics?.displays;
  if (!Array.isArray(list)) return undefined;
  return list.map((d) => {
    const code = (d.vendor ?? '').trim();
    return {
      vendor: MONITOR_VENDORS[code.toUpperCase()] ?? first(code),
      model: first(d.model),
      serial: first(d.serial),
      year: (d as { productionYear?: number | null }).productionYear ?? null,
      widthPx: d.currentResX || d.resolutionX || null,
      heightPx: d.currentResY || d.resolutionY || null,
      connection: first(d.connection),
      main: typeof d.main === 'boolean' ? d.main : null,
    };
  });
}

/** Printers that print to a file or an app, not to paper. */
const VIRTUAL_PRINTER =
  /^(microsoft (print to pdf|xps document writer)|onenote|send to onenote|fax|adobe pdf|foxit .*pdf|cutepdf|pdf24|pdfcreator|bullzip|doro pdf)/i;

export function parsePrinters(s: SiSnapshot): Inventory['printers'] {
  if (!s.printer) return undefined;
  return s.printer
    .filter((p) => !VIRTUAL_PRINTER.test((p.name ?? '').trim()))
    .map((p) => ({
      name: first(p.name),
      driver: first(p.model),
      status: first(p.status),
      local: typeof p.local === 'boolean' ? p.local : null,
      default: typeof p.default === 'boolean' ? p.default : null,
      shared: typeof p.shared === 'boolean' ? p.shared : null,
    }));
}

/**
 * USB ids: Linux gives `id` "04f9:0042"; Windows the PnP id "USB\VID_04F9&PID_0042\<serial or
 * instance>", whose last part is the device's serial when it has no "&" (else Windows made it up).
 */
function usbIds(u: Partial<Si.UsbData>): {
  vendorId: string | null;
  productId: string | null;
  serial: string | null;
} {
  const pnp = typeof u.deviceId === 'string' ? u.deviceId : '';
  const m = /VID_([0-9a-f]{4})&PID_([0-9a-f]{4})(?:[^\\]*)\\?([^\\]*)$/i.exec(pnp);
  if (m) {
    const instance = m[3] ?? '';
    return {
      vendorId: hexId(m[1]),
      productId: hexId(m[2]),
      serial: u.serialNumber || (instance && !instance.includes('&') ? instance : null),
    };
  }
  const id = typeof u.id === 'string' ? u.id : '';
  const [v, p] = id.split(':');
  return { vendorId: hexId(v), productId: hexId(p), serial: u.serialNumber ?? null };
}

export function parseUsb(s: SiSnapshot): Inventory['usb'] {
  if (!s.usb) return undefined;
  return s.usb
    .filter((u) => {
      const type = (u.type ?? '').toLowerCase();
      // Hubs and host controllers are the machine's plumbing, not devices someone plugged in.
      return type !== 'hub' && type !== 'controller' && !/root hub/i.test(u.name ?? '');
    })
    .map((u) => {
      const ids = usbIds(u);
      return {
        name: first(u.name),
        vendorId: ids.vendorId,
        productId: ids.productId,
        manufacturer: first(u.manufacturer, u.vendor),
        serial: first(ids.serial),
        type: first(u.type),
      };
    })
    .filter((u) => u.name !== null || u.vendorId !== null);
}

/** The whole inventory from a snapshot, cleaned and bounded for the contract. */
export function inventoryFromSi(s: SiSnapshot, meta: InventoryMeta): Inventory {
  const loose = {
    collectedAt: meta.collectedAt,
    agentVersion: meta.agentVersion,
    durationMs: meta.durationMs,
    system: parseSystem(s),
    bios: parseBios(s),
    baseboard: parseBaseboard(s),
    cpu: parseCpu(s),
    memory: parseMemory(s),
    disks: parseDisks(s),
    os: parseOs(s),
    network: parseNetwork(s),
    displays: parseDisplays(s),
    printers: parsePrinters(s),
    usb: parseUsb(s),
    errors: meta.errors,
  };
  const inv = normalizeInventory(loose);
  if (!inv) throw new Error(`invalid collectedAt ${meta.collectedAt}`);
  return inv;
}
