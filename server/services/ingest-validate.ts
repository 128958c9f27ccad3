/**
 * A fast path for validating report batches: the same rules as `zReportBatch` (shared/schemas/agent.ts),
 * written out by hand because zod costs ~10 ms per 100-report batch and ingest is the hot path.
 *
 * It is conservative by construction: it returns the parsed batch only when it is certain the input is
 * valid, and `null` on anything else — the caller then runs zod, which either accepts (the fast path
 * was merely unsure) or produces the 422 with paths. Like zod, it strips unknown keys. A test feeds
 * valid and invalid batches to both and checks they agree.
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

/** Sets `k` only when defined, so stripped output matches zod's (absent optionals stay absent). */
function put(o: Obj, k: string, v: unknown): void {
  if (v !== undefined) o[k] = v;
}

function disk(d: unknown): Obj | null {
  if (!isObj(d)) return null;
  const { mount, fs, sizeBytes, usedBytes, smart } = d;
  if (
    !str(mount, 1, 260) ||
    !optStr(fs, 64) ||
    !int(sizeBytes, 0, MAX_BYTES) ||
    !int(usedBytes, 0, MAX_BYTES)
  )
    return null;
  if (usedBytes > sizeBytes) return null;
  if (smart !== undefined && !(typeof smart === 'string' && SMART.has(smart))) return null;
  const o: Obj = { mount };
  put(o, 'fs', fs);
  o.sizeBytes = sizeBytes;
  o.usedBytes = usedBytes;
  put(o, 'smart', smart);
  return o;
}

function target(t: unknown): Obj | null {
  if (!isObj(t)) return null;
  const { id, ok, latencyMs, error } = t;
  if (!str(id, 1, 64) || typeof ok !== 'boolean' || !optStr(error, 500)) return null;
  if (latencyMs !== undefined && latencyMs !== null && !num(latencyMs, 0, 600_000)) return null;
  const o: Obj = { id, ok };
  put(o, 'latencyMs', latencyMs);
  put(o, 'error', error);
  return o;
}

function peripheral(p: unknown): Obj | null {
  if (!isObj(p)) return null;
  const { kind, name, vendorId, productId, serial, connected } = p;
  if (typeof kind !== 'string' || !KINDS.has(kind) || !str(name, 0, 200) || typeof connected !== 'boolean')
    return null;
  if (!optStr(vendorId, 16) || !optStr(productId, 16) || !optStr(serial, 128)) return null;
  const o: Obj = { kind, name };
  put(o, 'vendorId', vendorId);
  put(o, 'productId', productId);
  put(o, 'serial', serial);
  o.connected = connected;
  return o;
}

function list(v: unknown, max: number, item: (x: unknown) => Obj | null): Obj[] | null {
  if (!Array.isArray(v) || v.length > max) return null;
  const out: Obj[] = new Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const o = item(v[i]);
    if (!o) return null;
    out[i] = o;
  }
  return out;
}

export function fastReport(r: unknown): Report | null {
  if (!isObj(r)) return null;
  const { seq, collectedAt } = r;
  if (!int(seq, 1, Number.MAX_SAFE_INTEGER) || typeof collectedAt !== 'string') return null;
  if (!isIsoDateTime(collectedAt)) return null;
  const disks = list(r.disks, 64, disk);
  const targets = list(r.targets, 64, target);
  const peripherals = list(r.peripherals, 256, peripheral);
  if (!disks || !targets || !peripherals) return null;
  const o: Obj = { seq, collectedAt, disks, targets, peripherals };
  if (r.system !== undefined) {
    const s = r.system;
    if (!isObj(s)) return null;
    if (!optNum(s.cpuLoadPct, 0, 100) || !optNum(s.memUsedPct, 0, 100) || !optNum(s.uptimeSec, 0, TEN_YEARS))
      return null;
    const so: Obj = {};
    put(so, 'cpuLoadPct', s.cpuLoadPct);
    put(so, 'memUsedPct', s.memUsedPct);
    put(so, 'uptimeSec', s.uptimeSec);
    o.system = so;
  }
  if (r.agent !== undefined) {
    const a = r.agent;
    if (!isObj(a) || !str(a.version, 0, 64) || !int(a.spooled, 0, Number.MAX_SAFE_INTEGER)) return null;
    if (!optInt(a.dropped, 0) || !optInt(a.quarantined, 0)) return null;
    const ao: Obj = { version: a.version, spooled: a.spooled };
    put(ao, 'dropped', a.dropped);
    put(ao, 'quarantined', a.quarantined);
    o.agent = ao;
  }
  if (r.errors !== undefined) {
    const errors = list(r.errors, 64, (e) => {
      if (!isObj(e) || !str(e.collector, 0, 64) || !str(e.message, 0, 500) || !optBool(e.timedOut))
        return null;
      const eo: Obj = { collector: e.collector, message: e.message };
      put(eo, 'timedOut', e.timedOut);
      return eo;
    });
    if (!errors) return null;
    o.errors = errors;
  }
  return o as unknown as Report;
}

/** The batch when certainly valid, else null (then ask zod). */
export function fastReportBatch(v: unknown): ReportBatch | null {
  if (!isObj(v) || !Array.isArray(v.reports) || v.reports.length < 1 || v.reports.length > 500) return null;
  const reports: Report[] = new Array(v.reports.length);
  for (let i = 0; i < v.reports.length; i++) {
    const r = fastReport(v.reports[i]);
    if (!r) return null;
    reports[i] = r;
  }
  return { reports };
}
