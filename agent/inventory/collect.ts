/**
 * Taking the inventory with systeminformation. This module (and systeminformation with it) is
 * bundled into its own file, dist/onestop-agent-inventory.mjs, and loaded only by the short-lived
 * `onestop-agent inventory` process — the long-running `run` never loads it (ADR 0520).
 *
 * The parts are read one after the other (gentle on a counter PC that is also serving citizens),
 * each with its own deadline; a part that fails or hangs becomes an entry of `errors` and the others
 * are still collected. On Windows every systeminformation call is PowerShell/CIM: one persistent
 * PowerShell serves them all (about a second of CPU instead of one per call), and is abandoned for
 * one PowerShell per call after the first part that hangs.
 */
import os from 'node:os';
import si from 'systeminformation';
import type { Inventory } from '../../shared/schemas/agent.js';
import { type InventoryMeta, inventoryFromSi, type SiSnapshot } from './parse.js';

export interface CollectOptions {
  agentVersion: string;
  /** Deadline of each part (default 20 s on Linux, 60 s on Windows where PowerShell is slow to start). */
  partTimeoutMs?: number;
  /** Collected parts (default: all); tests use it to time out or fail a part on purpose. */
  calls?: Partial<Record<PartName, () => Promise<unknown>>>;
}

export type PartName =
  | 'system'
  | 'bios'
  | 'baseboard'
  | 'chassis'
  | 'cpu'
  | 'memLayout'
  | 'diskLayout'
  | 'osInfo'
  | 'networkInterfaces'
  | 'graphics'
  | 'printer'
  | 'usb';

/** In order: identity first, so a run cut short still says which PC this is. */
const PARTS: Record<PartName, () => Promise<unknown>> = {
  system: () => si.system(),
  bios: () => si.bios(),
  baseboard: () => si.baseboard(),
  chassis: () => si.chassis(),
  cpu: () => si.cpu(),
  memLayout: () => si.memLayout(),
  diskLayout: () => si.diskLayout(),
  osInfo: () => si.osInfo(),
  networkInterfaces: () => si.networkInterfaces(),
  graphics: () => si.graphics(),
  printer: () => si.printer(),
  usb: () => si.usb(),
};

class PartTimeout extends Error {}

function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new PartTimeout(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export async function collectInventory(opts: CollectOptions): Promise<Inventory> {
  const windows = process.platform === 'win32';
  const limit = opts.partTimeoutMs ?? (windows ? 60_000 : 20_000);
  const started = performance.now();
  const collectedAt = new Date().toISOString();
  const errors: NonNullable<InventoryMeta['errors']> = [];
  const got: Partial<Record<PartName, unknown>> = {};
  let persistent = windows;
  if (persistent) si.powerShellStart();
  try {
    for (const name of Object.keys(PARTS) as PartName[]) {
      const call = opts.calls?.[name] ?? PARTS[name];
      try {
        got[name] = await within(call(), limit);
      } catch (e) {
        const timedOut = e instanceof PartTimeout;
        errors.push({
          part: name,
          message: (e instanceof Error ? e.message : String(e)).slice(0, 300),
          ...(timedOut ? { timedOut } : {}),
        });
        if (timedOut && persistent) {
          // The shared PowerShell is stuck on that command: the next parts get their own.
          si.powerShellRelease();
          persistent = false;
        }
      }
    }
  } finally {
    if (persistent) si.powerShellRelease();
  }
  // systeminformation answers null or odd shapes on platforms it does not know: keep only what fits.
  const arr = <T>(v: unknown) => (Array.isArray(v) ? (v as T[]) : undefined);
  const one = <T>(v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as T) : undefined;
  const snapshot: SiSnapshot = {
    system: one(got.system),
    bios: one(got.bios),
    baseboard: one(got.baseboard),
    chassis: one(got.chassis),
    cpu: one(got.cpu),
    memTotal: os.totalmem(),
    memLayout: arr(got.memLayout),
    diskLayout: arr(got.diskLayout),
    osInfo: one(got.osInfo),
    networkInterfaces: arr(got.networkInterfaces),
    graphics: one(got.graphics),
    printer: arr(got.printer),
    usb: arr(got.usb),
  };
  return inventoryFromSi(snapshot, {
    collectedAt,
    agentVersion: opts.agentVersion,
    durationMs: Math.round(performance.now() - started),
    errors,
  });
}
