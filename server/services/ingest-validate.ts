/**
 * A fast path for validating report batches: the same rules as `zReportBatch` (shared/schemas/agent.ts),
 * written out by hand because zod costs ~10 ms per 100-report batch and ingest is the hot path.
 *
 * It is conservative by construction: it returns the parsed batch itself (no copy) only when it is
 * certain the input is valid and has no key outside the schema, and `null` on anything else — the
 * caller then runs zod, which either accepts (and strips unknown keys) or produces the 422 with paths.
 * A test feeds valid and invalid batches to both and checks they agree.
 */
import { PERIPHERAL_KINDS, SMART_STATES } from '../../shared/enums.js';
import type { Report, ReportBatch } from '../../shared/schemas/agent.js';
import { zIsoDateTime } from '../../shared/schemas/common.js';

const KINDS = new Set<string>(PERIPHERAL_KINDS);
const SMART = new Set<string>(SMART_STATES);
const MAX_BYTES = 2 ** 60;
const TEN_YEARS = 10 * 365 * 86400;
/** zod's own pattern for the timestamp format (an ISO datetime check is exactly this regex). */
const ISO_PATTERN = (zIsoDateTime as unknown as { _zod: { def: { pattern?: RegExp } } })._zod.def.pattern;
const isIsoDateTime = (v: string) => (ISO_PATTERN ? ISO_PATTERN.test(v) : zIsoDateTime.safeParse(v).success);

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown, min: number, max: number): v is string =>
  typeof v === 'string' && v.length >= min && v.length <= max;
const optStr = (v: unknown, max: number) => v === undefined || str(v, 0, max);
const num = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;
const int = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max;
const optNum = (v: unknown, min: number, max: number) => v === undefined || num(v, min, max);
const optInt = (v: unknown, min: number) => v === undefined || int(v, min, Number.MAX_SAFE_INTEGER);
const optBool = (v: unknown) => v === undefined || typeof v === 'boolean';

/** Only these keys: anything else means "let zod strip it" (agents send exactly the schema's keys). */
function onlyKeys(o: Obj, allowed: ReadonlySet<string>): boolean {
  for (const k in o) if (!allowed.has(k)) return false;
  return true;
}

const BATCH_KEYS = new Set(['reports']);
const DISK_KEYS = new Set(['mount', 'fs', 'sizeBytes', 'usedBytes', 'smart']);
const TARGET_KEYS = new Set(['id', 'ok', 'latencyMs', 'error']);
const PERIPHERAL_KEYS = new Set(['kind', 'name', 'vendorId', 'productId', 'serial', 'connected']);
/**
 * `inventory` is deliberately absent: a report that carries one (one a day per PC; ADR 0520) always
 * goes to zod, which checks the inventory's hundred-odd bounds — not worth a second, hand-written copy.
 */
const REPORT_KEYS = new Set([
  'seq',
  'collectedAt',
  'disks',
  'targets',
  'peripherals',
  'system',
  'agent',
  'errors',
]);
const SYSTEM_KEYS = new Set(['cpuLoadPct', 'memUsedPct', 'uptimeSec']);
const AGENT_KEYS = new Set(['version', 'spooled', 'dropped', 'quarantined']);
const ERROR_KEYS = new Set(['collector', 'message', 'timedOut']);

function disk(d: unknown): boolean {
  if (!isObj(d) || !onlyKeys(d, DISK_KEYS)) return false;
  const { mount, fs, sizeBytes, usedBytes, smart } = d;
  if (
    !str(mount, 1, 260) ||
    !optStr(fs, 64) ||
    !int(sizeBytes, 0, MAX_BYTES) ||
    !int(usedBytes, 0, MAX_BYTES)
  )
    return false;
  if (usedBytes > sizeBytes) return false;
  return smart === undefined || (typeof smart === 'string' && SMART.has(smart));
}

function target(t: unknown): boolean {
  if (!isObj(t) || !onlyKeys(t, TARGET_KEYS)) return false;
  const { id, ok, latencyMs, error } = t;
  if (!str(id, 1, 64) || typeof ok !== 'boolean' || !optStr(error, 500)) return false;
  return latencyMs === undefined || latencyMs === null || num(latencyMs, 0, 600_000);
}

function peripheral(p: unknown): boolean {
  if (!isObj(p) || !onlyKeys(p, PERIPHERAL_KEYS)) return false;
  const { kind, name, vendorId, productId, serial, connected } = p;
  if (typeof kind !== 'string' || !KINDS.has(kind) || !str(name, 0, 200) || typeof connected !== 'boolean')
    return false;
  return optStr(vendorId, 16) && optStr(productId, 16) && optStr(serial, 128);
}

function collectorError(e: unknown): boolean {
  return (
    isObj(e) &&
    onlyKeys(e, ERROR_KEYS) &&
    str(e.collector, 0, 64) &&
    str(e.message, 0, 500) &&
    optBool(e.timedOut)
  );
}

function list(v: unknown, max: number, item: (x: unknown) => boolean): boolean {
  if (!Array.isArray(v) || v.length > max) return false;
  for (let i = 0; i < v.length; i++) if (!item(v[i])) return false;
  return true;
}

/**
 * Checks one report in place, without copying: the parsed JSON is returned as the report itself when
 * it is certainly valid and carries no key outside the schema (so zod's output would equal it).
 */
export function fastReport(r: unknown): Report | null {
  if (!isObj(r) || !onlyKeys(r, REPORT_KEYS)) return null;
  const { seq, collectedAt } = r;
  if (!int(seq, 1, Number.MAX_SAFE_INTEGER) || typeof collectedAt !== 'string') return null;
  if (!isIsoDateTime(collectedAt)) return null;
  if (!list(r.disks, 64, disk) || !list(r.targets, 64, target) || !list(r.peripherals, 256, peripheral))
    return null;
  if (r.system !== undefined) {
    const s = r.system;
    if (!isObj(s) || !onlyKeys(s, SYSTEM_KEYS)) return null;
    if (!optNum(s.cpuLoadPct, 0, 100) || !optNum(s.memUsedPct, 0, 100) || !optNum(s.uptimeSec, 0, TEN_YEARS))
      return null;
  }
  if (r.agent !== undefined) {
    const a = r.agent;
    if (!isObj(a) || !onlyKeys(a, AGENT_KEYS) || !str(a.version, 0, 64)) return null;
    if (!int(a.spooled, 0, Number.MAX_SAFE_INTEGER) || !optInt(a.dropped, 0) || !optInt(a.quarantined, 0))
      return null;
  }
  if (r.errors !== undefined && !list(r.errors, 64, collectorError)) return null;
  return r as unknown as Report;
}

/** The batch when certainly valid, else null (then ask zod). */
export function fastReportBatch(v: unknown): ReportBatch | null {
  if (!isObj(v) || !onlyKeys(v, BATCH_KEYS)) return null;
  if (!Array.isArray(v.reports) || v.reports.length < 1 || v.reports.length > 500) return null;
  const reports: Report[] = new Array(v.reports.length);
  for (let i = 0; i < v.reports.length; i++) {
    const r = fastReport(v.reports[i]);
    if (!r) return null;
    reports[i] = r;
  }
  return { reports };
}
