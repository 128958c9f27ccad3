/**
 * Tuning knobs read from the environment. None is needed in production (the server's config sets
 * the interval); tests, benchmarks and the simulator use them to run minutes in seconds.
 */
import type { BackoffPolicy } from './net/backoff.js';

export interface AgentSettings {
  intervalMs?: number;
  configEveryMs?: number;
  backoff?: BackoffPolicy;
  spoolMaxBytes?: number;
  slowEveryMs?: number;
  maxBatch?: number;
  memLogEvery?: number;
  minDeliveryMs?: number;
  /** Probe only loopback targets (tests and benchmarks must never reach the outside world). */
  loopbackOnly?: boolean;
  /** How often `run` takes the inventory (default 24 h; ADR 0520). */
  inventoryEveryMs?: number;
  /** Hard deadline of the inventory child process (default 10 min). */
  inventoryTimeoutMs?: number;
  /** Deadline of each systeminformation call in the inventory (default 20 s, 60 s on Windows). */
  inventoryPartTimeoutMs?: number;
  /** `ONESTOP_AGENT_INVENTORY=off`: `run` takes no inventory (`inventory` still works by hand). */
  inventoryOff?: boolean;
}

const posInt = (v: string | undefined) => {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : Number.NaN;
};

const nonNegInt = (v: string | undefined) => {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 ? n : Number.NaN;
};

/** Parses the ONESTOP_AGENT_* knobs; returns the name of the first invalid one. */
export function settingsFromEnv(
  env: Record<string, string | undefined>,
): AgentSettings | { invalid: string } {
  const s: AgentSettings = {
    intervalMs: posInt(env.ONESTOP_AGENT_INTERVAL_MS),
    configEveryMs: posInt(env.ONESTOP_AGENT_CONFIG_EVERY_MS),
    spoolMaxBytes: posInt(env.ONESTOP_AGENT_SPOOL_MAX_BYTES),
    slowEveryMs: posInt(env.ONESTOP_AGENT_SLOW_EVERY_MS),
    maxBatch: posInt(env.ONESTOP_AGENT_MAX_BATCH),
    memLogEvery: posInt(env.ONESTOP_AGENT_MEMLOG_EVERY),
    minDeliveryMs: nonNegInt(env.ONESTOP_AGENT_MIN_DELIVERY_MS),
    inventoryEveryMs: posInt(env.ONESTOP_AGENT_INVENTORY_EVERY_MS),
    inventoryTimeoutMs: posInt(env.ONESTOP_AGENT_INVENTORY_TIMEOUT_MS),
    inventoryPartTimeoutMs: posInt(env.ONESTOP_AGENT_INVENTORY_PART_TIMEOUT_MS),
  };
  for (const [k, v] of Object.entries(s))
    if (Number.isNaN(v))
      return { invalid: `ONESTOP_AGENT_${k.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}` };
  if (env.ONESTOP_AGENT_LOOPBACK_ONLY === '1') s.loopbackOnly = true;
  if (env.ONESTOP_AGENT_INVENTORY === 'off') s.inventoryOff = true;
  const b = env.ONESTOP_AGENT_BACKOFF_MS;
  if (b) {
    const [base, max] = b.split(',').map((x) => posInt(x.trim()));
    if (!base || !max || Number.isNaN(base) || Number.isNaN(max) || base > max)
      return { invalid: 'ONESTOP_AGENT_BACKOFF_MS' };
    s.backoff = { baseMs: base, maxMs: max };
  }
  return s;
}
