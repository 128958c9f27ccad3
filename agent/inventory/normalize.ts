/**
 * The one pass that makes an inventory fit the contract (`zInventory`, shared/schemas/agent.ts)
 * without zod: every known field is cleaned and bounded, unknown keys and unusable values dropped,
 * nulls left out (absent = unknown), lists cut to their limits. It runs in the inventory process on
 * what the parsers produced, and again in `run` on what it reads back from inventory.json, so a
 * damaged or hand-edited file can never make the server refuse a report (ADR 0520).
 */
import type { Inventory } from '../../shared/schemas/agent.js';
import { bool, bytes, hexId, int, ipv4, mac, num, text } from './sanitize.js';

/** Must equal INVENTORY_LIMITS of the contract (a test holds them equal; the agent never loads zod). */
export const LIMITS = {
  memoryModules: 32,
  disks: 16,
  network: 16,
  displays: 8,
  printers: 32,
  usb: 64,
  errors: 32,
} as const;

type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;

/** The object without null/undefined values; undefined when nothing is left. */
function compact<T extends Obj>(o: T): { [K in keyof T]?: NonNullable<T[K]> } | undefined {
  const out: Obj = {};
  let any = false;
  for (const [k, v] of Object.entries(o))
    if (v !== null && v !== undefined) {
      out[k] = v;
      any = true;
    }
  return any ? (out as { [K in keyof T]?: NonNullable<T[K]> }) : undefined;
}

function list<T>(v: unknown, max: number, item: (o: Obj) => T | undefined): T[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: T[] = [];
  for (const x of v) {
    if (out.length >= max) break;
    const o = obj(x);
    const r = o ? item(o) : undefined;
    if (r) out.push(r);
  }
  return out;
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A cleaned inventory, or null when `x` is not one (no object, no valid collectedAt). */
export function normalizeInventory(x: unknown): Inventory | null {
  const o = obj(x);
  if (!o) return null;
  const collectedAt = typeof o.collectedAt === 'string' ? o.collectedAt : '';
  if (!ISO_UTC.test(collectedAt) || !Number.isFinite(Date.parse(collectedAt))) return null;
  const inv: Inventory = {
    collectedAt,
    agentVersion: text(o.agentVersion, 64) ?? 'unknown',
  };
  const ms = int(o.durationMs, 0, 86_400_000);
  if (ms !== null) inv.durationMs = ms;

  const sys = obj(o.system);
  if (sys)
    inv.system = compact({
      manufacturer: text(sys.manufacturer, 128),
      model: text(sys.model, 128),
      version: text(sys.version, 128),
      serial: text(sys.serial, 128),
      sku: text(sys.sku, 128),
      chassis: text(sys.chassis, 64),
      virtual: bool(sys.virtual),
    });
  const bios = obj(o.bios);
  if (bios) {
    const date = text(bios.releaseDate, 32);
    inv.bios = compact({
      vendor: text(bios.vendor, 128),
      version: text(bios.version, 128),
      releaseDate: date && DATE.test(date) ? date : null,
      uefi: bool(bios.uefi),
    });
  }
  const bb = obj(o.baseboard);
  if (bb)
    inv.baseboard = compact({
      manufacturer: text(bb.manufacturer, 128),
      model: text(bb.model, 128),
      version: text(bb.version, 128),
      serial: text(bb.serial, 128),
      memorySlots: int(bb.memorySlots, 1, 1024),
      memoryMaxBytes: bytes(bb.memoryMaxBytes),
    });
  const cpu = obj(o.cpu);
  if (cpu)
    inv.cpu = compact({
      manufacturer: text(cpu.manufacturer, 64),
      brand: text(cpu.brand, 128),
      cores: int(cpu.cores, 1, 100_000),
      physicalCores: int(cpu.physicalCores, 1, 100_000),
      processors: int(cpu.processors, 1, 1024),
      speedGHz: num(cpu.speedGHz, 0.01, 100),
    });
  const mem = obj(o.memory);
  if (mem) {
    const modules = list(mem.modules, LIMITS.memoryModules, (m) =>
      compact({
        slot: text(m.slot, 64),
        sizeBytes: bytes(m.sizeBytes),
        type: text(m.type, 32),
        speedMHz: int(m.speedMHz, 1, 100_000),
        formFactor: text(m.formFactor, 32),
        manufacturer: text(m.manufacturer, 64),
        partNumber: text(m.partNumber, 64),
        serial: text(m.serial, 64),
      }),
    );
    inv.memory = compact({ totalBytes: bytes(mem.totalBytes), modules });
  }
  const disks = list(o.disks, LIMITS.disks, (d) =>
    compact({
      model: text(d.model, 128),
      vendor: text(d.vendor, 64),
      serial: text(d.serial, 128),
      sizeBytes: bytes(d.sizeBytes),
      type: text(d.type, 16),
      interface: text(d.interface, 32),
      firmware: text(d.firmware, 64),
    }),
  );
  if (disks) inv.disks = disks;
  const os = obj(o.os);
  if (os)
    inv.os = compact({
      platform: text(os.platform, 32),
      distro: text(os.distro, 128),
      release: text(os.release, 64),
      build: text(os.build, 64),
      codename: text(os.codename, 64),
      kernel: text(os.kernel, 128),
      arch: text(os.arch, 16),
      hostname: text(os.hostname, 253),
    });
  const network = list(o.network, LIMITS.network, (n) =>
    compact({
      name: text(n.name, 128),
      model: text(n.model, 128),
      mac: mac(n.mac),
      speedMbps: num(n.speedMbps, 0.001, 10_000_000, 3),
      type: text(n.type, 16),
      ipv4: ipv4(n.ipv4),
      up: bool(n.up),
    }),
  );
  if (network) inv.network = network;
  const displays = list(o.displays, LIMITS.displays, (d) =>
    compact({
      vendor: text(d.vendor, 64),
      model: text(d.model, 128),
      serial: text(d.serial, 64),
      year: int(d.year, 1980, 2200),
      widthPx: int(d.widthPx, 1, 100_000),
      heightPx: int(d.heightPx, 1, 100_000),
      connection: text(d.connection, 32),
      main: bool(d.main),
    }),
  );
  if (displays) inv.displays = displays;
  const printers = list(o.printers, LIMITS.printers, (p) =>
    compact({
      name: text(p.name, 200),
      driver: text(p.driver, 200),
      status: text(p.status, 32),
      local: bool(p.local),
      default: bool(p.default),
      shared: bool(p.shared),
    }),
  );
  if (printers) inv.printers = printers;
  const usb = list(o.usb, LIMITS.usb, (u) =>
    compact({
      name: text(u.name, 200),
      vendorId: hexId(u.vendorId),
      productId: hexId(u.productId),
      manufacturer: text(u.manufacturer, 128),
      serial: text(u.serial, 128),
      type: text(u.type, 32),
    }),
  );
  if (usb) inv.usb = usb;
  const errors = list(o.errors, LIMITS.errors, (e) => {
    const part = text(e.part, 32);
    if (!part) return undefined;
    const out: NonNullable<Inventory['errors']>[number] = { part, message: text(e.message, 300) ?? '' };
    if (e.timedOut === true) out.timedOut = true;
    return out;
  });
  if (errors && errors.length > 0) inv.errors = errors;
  // Parts that came out empty are left out entirely.
  for (const k of Object.keys(inv) as (keyof Inventory)[]) if (inv[k] === undefined) delete inv[k];
  return inv;
}
