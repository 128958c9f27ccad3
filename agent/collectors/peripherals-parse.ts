/**
 * Pure part of the peripherals collector: USB devices from Linux sysfs attributes or Windows
 * Win32_PnPEntity JSON, printers from `lpstat -p` or Win32_Printer JSON, and the matching of what
 * is seen against the counter's expected list (name contains / vendor:product).
 */
import type { PeripheralKind } from '../../shared/enums.js';
import type { ExpectedPeripheral } from '../../shared/schemas/agent.js';
import type { Readings } from './collector.js';

export interface SeenDevice {
  source: 'usb' | 'printer';
  name: string;
  vendorId?: string;
  productId?: string;
  serial?: string;
  /** USB interface classes (hex, lower case) or the Windows PnP class; used to guess a kind. */
  classes?: string[];
  connected: boolean;
}

// ---- Linux -------------------------------------------------------------------------------------

export interface SysfsUsbEntry {
  /** sysfs name: `1-2`, `3-1.4` (interfaces `1-2:1.0` and root hubs `usb1` are not devices to report). */
  name: string;
  attrs: Partial<
    Record<'idVendor' | 'idProduct' | 'manufacturer' | 'product' | 'serial' | 'bDeviceClass', string>
  >;
  interfaceClasses: string[];
}

export const SYSFS_USB_DEVICE = /^\d+-\d+(\.\d+)*$/;

/** USB devices from sysfs attributes, hubs left out. */
export function parseSysfsUsb(entries: SysfsUsbEntry[]): SeenDevice[] {
  const out: SeenDevice[] = [];
  for (const e of entries) {
    if (!SYSFS_USB_DEVICE.test(e.name)) continue;
    const a = e.attrs;
    const vendorId = a.idVendor?.trim().toLowerCase();
    const productId = a.idProduct?.trim().toLowerCase();
    if (!vendorId || !productId) continue;
    const devClass = a.bDeviceClass?.trim().toLowerCase();
    const classes =
      devClass && devClass !== '00' && devClass !== 'ef'
        ? [devClass]
        : e.interfaceClasses.map((c) => c.trim().toLowerCase());
    if (classes.includes('09')) continue; // hub
    const name =
      [a.manufacturer?.trim(), a.product?.trim()].filter(Boolean).join(' ') || `USB ${vendorId}:${productId}`;
    const d: SeenDevice = { source: 'usb', name, vendorId, productId, classes, connected: true };
    const serial = a.serial?.trim();
    if (serial) d.serial = serial;
    out.push(d);
  }
  return out;
}

/**
 * `LC_ALL=C lpstat -p`: one block per queue. A queue CUPS has disabled (its backend failed: the
 * printer is unplugged, off or unreachable) counts as not connected.
 */
export function parseLpstat(text: string): SeenDevice[] {
  const out: SeenDevice[] = [];
  for (const line of text.split('\n')) {
    const m = /^printer (\S+) (.*)$/.exec(line);
    if (!m) continue;
    const disabled = /\bdisabled\b/.test(m[2]!);
    out.push({ source: 'printer', name: m[1]!, connected: !disabled });
  }
  return out;
}

// ---- Windows -----------------------------------------------------------------------------------

/** One PowerShell call for both USB devices and printers, on the slow cadence. */
export const WINDOWS_PERIPHERALS_SCRIPT = [
  "$ErrorActionPreference='SilentlyContinue'",
  '$u=Get-CimInstance Win32_PnPEntity -Filter "PNPDeviceID LIKE \'USB%\'" | Select-Object Name,PNPDeviceID,PNPClass,Manufacturer,Status',
  '$p=Get-CimInstance Win32_Printer | Select-Object Name,DriverName,PortName,WorkOffline,PrinterStatus,Network',
  'ConvertTo-Json -InputObject @{usb=@($u);printers=@($p)} -Depth 3 -Compress',
].join('\n');

const PNP_ID = /^USB\\VID_([0-9A-F]{4})&PID_([0-9A-F]{4})(?:&[^\\]*)?\\(.+)$/i;
/** Hubs, host controllers and the composite parent add nothing a counter cares about. */
const WIN_SKIP = /\b(root hub|usb hub|generic usb hub|host controller|usb composite device)\b/i;
/** Printers Windows installs by itself; they are not devices on the counter's desk. */
const WIN_VIRTUAL_PRINTER = /^(microsoft (print to pdf|xps document writer)|onenote|fax|send to onenote)/i;
const WIN_VIRTUAL_PORTS = new Set(['PORTPROMPT:', 'nul:', 'SHRFAX:', 'XPSPort:']);

interface WinPnpRow {
  Name?: unknown;
  PNPDeviceID?: unknown;
  PNPClass?: unknown;
  Status?: unknown;
}
interface WinPrinterRow {
  Name?: unknown;
  PortName?: unknown;
  WorkOffline?: unknown;
  PrinterStatus?: unknown;
}

export function parseWindowsPeripherals(text: string): SeenDevice[] {
  const root = JSON.parse(text.trim() || '{}') as { usb?: unknown; printers?: unknown };
  const list = (v: unknown) => (Array.isArray(v) ? v : v ? [v] : []);
  const byKey = new Map<string, SeenDevice>();
  for (const r of list(root.usb) as WinPnpRow[]) {
    if (typeof r?.PNPDeviceID !== 'string' || typeof r.Name !== 'string') continue;
    const m = PNP_ID.exec(r.PNPDeviceID);
    if (!m || WIN_SKIP.test(r.Name)) continue;
    const vendorId = m[1]!.toLowerCase();
    const productId = m[2]!.toLowerCase();
    const instance = m[3]!;
    // Windows uses the device's serial number as the instance id when the device has one;
    // otherwise a port path containing "&".
    const serial = instance.includes('&') ? undefined : instance;
    const pnpClass = typeof r.PNPClass === 'string' ? r.PNPClass : undefined;
    // "Error" means present but not working (no driver, failed to start): unusable at the counter.
    const connected = r.Status !== 'Error';
    const d: SeenDevice = { source: 'usb', name: r.Name, vendorId, productId, connected };
    if (serial) d.serial = serial;
    if (pnpClass) d.classes = [pnpClass];
    // A composite device appears once per function (MI_00, MI_01…): keep one, preferring a known class.
    const key = `${vendorId}:${productId}:${serial ?? instance}`;
    const prev = byKey.get(key);
    if (!prev || (prev.classes?.[0] === 'USB' && pnpClass !== 'USB')) byKey.set(key, d);
  }
  const out = [...byKey.values()];
  for (const p of list(root.printers) as WinPrinterRow[]) {
    if (typeof p?.Name !== 'string' || WIN_VIRTUAL_PRINTER.test(p.Name)) continue;
    if (typeof p.PortName === 'string' && WIN_VIRTUAL_PORTS.has(p.PortName)) continue;
    // PrinterStatus 7 = Offline; WorkOffline is set when the spooler cannot reach the printer.
    const connected = p.WorkOffline !== true && p.PrinterStatus !== 7;
    out.push({ source: 'printer', name: p.Name, connected });
  }
  return out;
}

// ---- kinds and matching ------------------------------------------------------------------------

const USB_CLASS_KIND: Record<string, PeripheralKind> = {
  '07': 'printer',
  '0b': 'card_reader',
  '0e': 'camera',
  '06': 'scanner',
};
const PNP_CLASS_KIND: Record<string, PeripheralKind> = {
  Image: 'scanner',
  Camera: 'camera',
  SmartCardReader: 'card_reader',
  Printer: 'printer',
  Monitor: 'display',
};

/** A best guess of the kind of a device nobody told us about (inventory only; expected entries set it). */
export function guessKind(d: SeenDevice): PeripheralKind {
  if (d.source === 'printer') return 'printer';
  const n = d.name.toLowerCase();
  if (/camera|webcam/.test(n)) return 'camera';
  if (/scan/.test(n)) return 'scanner';
  for (const c of d.classes ?? []) {
    const k = USB_CLASS_KIND[c] ?? PNP_CLASS_KIND[c];
    if (k) return k;
  }
  if (/print/.test(n)) return 'printer';
  if (/smart ?card|card reader/.test(n)) return 'card_reader';
  return 'other';
}

/** Case- and accent-insensitive ("Máy quét" matches "MAY QUET"; "đ" matches "d"). */
export function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase();
}

export function matches(d: SeenDevice, e: ExpectedPeripheral): boolean {
  const m = e.match;
  if (m.nameIncludes && !fold(d.name).includes(fold(m.nameIncludes))) return false;
  if (m.vendorId && d.vendorId?.toLowerCase() !== m.vendorId.toLowerCase()) return false;
  if (m.productId && d.productId?.toLowerCase() !== m.productId.toLowerCase()) return false;
  return true;
}

/**
 * The report's peripherals: every device seen (kind taken from the expected entry it matches, else
 * guessed), plus one `connected: false` entry named by its label for each expected device that
 * nothing seen matches — so the server and the people reading the report see what is missing.
 */
export function peripheralsReport(
  seen: SeenDevice[],
  expected: ExpectedPeripheral[],
): Readings['peripherals'] {
  const out: Readings['peripherals'] = [];
  const matched = new Set<number>();
  for (const d of seen) {
    const i = expected.findIndex((e) => matches(d, e));
    for (const [k, e] of expected.entries()) if (matches(d, e)) matched.add(k);
    const r: Readings['peripherals'][number] = {
      kind: i >= 0 ? expected[i]!.kind : guessKind(d),
      name: d.name.slice(0, 200),
      connected: d.connected,
    };
    if (d.vendorId) r.vendorId = d.vendorId;
    if (d.productId) r.productId = d.productId;
    if (d.serial) r.serial = d.serial.slice(0, 128);
    out.push(r);
  }
  for (const [k, e] of expected.entries()) {
    if (matched.has(k)) continue;
    const r: Readings['peripherals'][number] = { kind: e.kind, name: e.label, connected: false };
    if (e.match.vendorId) r.vendorId = e.match.vendorId.toLowerCase();
    if (e.match.productId) r.productId = e.match.productId.toLowerCase();
    out.push(r);
  }
  return out.slice(0, 256);
}

/** True when some expected device has no connected match (the collector then looks again sooner). */
export function anyMissing(seen: SeenDevice[], expected: ExpectedPeripheral[]): boolean {
  return expected.some((e) => !seen.some((d) => d.connected && matches(d, e)));
}
