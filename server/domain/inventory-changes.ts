/**
 * What changed between two inventories of one PC, as an IT centre wants to see it: another serial
 * or model (a board or a whole PC swapped under the same agent), a disk or RAM module added or
 * removed, the RAM total, the CPU, the BIOS version, the operating system. Pure (ADR 0522).
 *
 * Unknown is never a change: a value missing on either side, a part that failed on either side
 * (`errors`), and an empty list (a disk enumeration that came back empty is a failure, not a PC
 * without disks) are not compared. Peripherals are not here — reports track them continuously.
 */
import type { Inventory } from '../../shared/schemas/agent.js';

export type InventoryComponent =
  | 'system'
  | 'baseboard'
  | 'bios'
  | 'cpu'
  | 'memory'
  | 'memoryModule'
  | 'disk'
  | 'os'
  | 'display';

export interface InventoryChange {
  component: InventoryComponent;
  change: 'added' | 'removed' | 'changed';
  /** The field of a `changed` entry. */
  field?: string;
  before?: unknown;
  after?: unknown;
}

/** RAM seen by the OS moves by a few MB with firmware settings (shared graphics memory): not a change. */
const RAM_TOLERANCE = 512 * 1024 * 1024;

/** The systeminformation calls each compared part depends on (names in `Inventory.errors`). */
const SOURCES: Record<string, string[]> = {
  system: ['system', 'chassis', 'bios'],
  baseboard: ['baseboard'],
  bios: ['bios'],
  cpu: ['cpu'],
  memory: ['memLayout'],
  disks: ['diskLayout'],
  os: ['osInfo'],
  displays: ['graphics'],
};

function failed(inv: Inventory, part: string): boolean {
  const src = SOURCES[part] ?? [part];
  return (inv.errors ?? []).some((e) => src.includes(e.part));
}

const known = (v: unknown) => v !== undefined && v !== null && v !== '';

function fields<T extends Record<string, unknown>>(
  out: InventoryChange[],
  component: InventoryComponent,
  a: T | undefined,
  b: T | undefined,
  keys: (keyof T & string)[],
): void {
  if (!a || !b) return;
  for (const k of keys) {
    const x = a[k];
    const y = b[k];
    if (known(x) && known(y) && x !== y)
      out.push({ component, change: 'changed', field: k, before: x, after: y });
  }
}

/** Items added and removed, matched by `key` as a multiset (two identical modules are two). */
function items<T>(
  out: InventoryChange[],
  component: InventoryComponent,
  a: readonly T[] | undefined,
  b: readonly T[] | undefined,
  key: (x: T) => string,
): void {
  if (!a?.length || !b?.length) return;
  const left = new Map<string, T[]>();
  for (const x of a) {
    const k = key(x);
    left.set(k, [...(left.get(k) ?? []), x]);
  }
  const added: T[] = [];
  for (const y of b) {
    const pool = left.get(key(y));
    if (pool?.length) pool.shift();
    else added.push(y);
  }
  for (const pool of left.values())
    for (const x of pool) out.push({ component, change: 'removed', before: x });
  for (const y of added) out.push({ component, change: 'added', after: y });
}

type Module = NonNullable<NonNullable<Inventory['memory']>['modules']>[number];
type Disk = NonNullable<Inventory['disks']>[number];
type Display = NonNullable<Inventory['displays']>[number];

/** A module is its serial; without one, what sits in which slot. */
const moduleKey = (m: Module) =>
  m.serial ? `s:${m.serial}` : `x:${m.slot ?? ''}|${m.sizeBytes ?? ''}|${m.partNumber ?? ''}`;
const diskKey = (d: Disk) => (d.serial ? `s:${d.serial}` : `x:${d.model ?? ''}|${d.sizeBytes ?? ''}`);
const displayKey = (d: Display) =>
  d.serial ? `s:${d.vendor ?? ''}|${d.serial}` : `x:${d.vendor ?? ''}|${d.model ?? ''}`;

/** The changes from `prev` to `next`, in a stable order (identity first, then parts). */
export function inventoryChanges(prev: Inventory, next: Inventory): InventoryChange[] {
  const out: InventoryChange[] = [];
  const both = (part: string) => !failed(prev, part) && !failed(next, part);
  if (both('system')) fields(out, 'system', prev.system, next.system, ['manufacturer', 'model', 'serial']);
  if (both('baseboard'))
    fields(out, 'baseboard', prev.baseboard, next.baseboard, ['manufacturer', 'model', 'serial']);
  if (both('bios')) fields(out, 'bios', prev.bios, next.bios, ['version']);
  if (both('cpu'))
    fields(out, 'cpu', prev.cpu, next.cpu, ['manufacturer', 'brand', 'physicalCores', 'cores']);
  const ra = prev.memory?.totalBytes;
  const rb = next.memory?.totalBytes;
  if (known(ra) && known(rb) && Math.abs(ra! - rb!) >= RAM_TOLERANCE)
    out.push({ component: 'memory', change: 'changed', field: 'totalBytes', before: ra, after: rb });
  if (both('memory')) items(out, 'memoryModule', prev.memory?.modules, next.memory?.modules, moduleKey);
  if (both('disks')) items(out, 'disk', prev.disks, next.disks, diskKey);
  if (both('os')) fields(out, 'os', prev.os, next.os, ['distro', 'release']);
  if (both('displays')) items(out, 'display', prev.displays, next.displays, displayKey);
  return out;
}
