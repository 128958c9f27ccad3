/**
 * Checks a config received from the server before the agent uses it. Hand-written rather than zod:
 * zod adds ~12 MB of RSS to a process whose whole budget is ~48 MB. The rules mirror `zAgentConfig`
 * in shared/schemas/agent.ts (a test holds the two together); unknown keys are ignored, so a newer
 * server can add fields without breaking older agents.
 */

import { PERIPHERAL_KINDS } from '../shared/enums.js';
import type { AgentConfig, ExpectedPeripheral, Target } from '../shared/schemas/agent.js';

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
const isNum = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;
const isStr = (v: unknown, min: number, max: number): v is string =>
  typeof v === 'string' && v.length >= min && v.length <= max;
const HEX4 = /^[0-9a-fA-F]{4}$/;
const TARGET_ID = /^[a-z0-9][a-z0-9_-]*$/;

function checkTarget(t: unknown, i: number): Target | string {
  const at = `targets[${i}]`;
  if (!isObj(t)) return `${at} is not an object`;
  if (!isStr(t.id, 1, 64) || !TARGET_ID.test(t.id)) return `${at}.id is invalid`;
  if (!isStr(t.name, 1, 200)) return `${at}.name is invalid`;
  if (t.kind !== 'tcp' && t.kind !== 'http') return `${at}.kind must be tcp or http`;
  if (!isInt(t.warnMs, 1, 60_000) || !isInt(t.critMs, 1, 60_000) || t.warnMs > t.critMs)
    return `${at}: warnMs/critMs are invalid`;
  if (!isInt(t.timeoutMs, 100, 60_000)) return `${at}.timeoutMs is invalid`;
  const out: Target = {
    id: t.id,
    name: t.name,
    kind: t.kind,
    warnMs: t.warnMs,
    critMs: t.critMs,
    timeoutMs: t.timeoutMs,
  };
  if (t.kind === 'tcp') {
    if (!isStr(t.host, 1, 253) || !isInt(t.port, 1, 65535)) return `${at}: a tcp target needs host and port`;
    out.host = t.host;
    out.port = t.port;
  } else {
    if (!isStr(t.url, 1, 2000)) return `${at}: an http target needs url`;
    let u: URL;
    try {
      u = new URL(t.url);
    } catch {
      return `${at}.url is not a URL`;
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return `${at}.url must be http(s)`;
    out.url = t.url;
  }
  return out;
}

function checkExpected(e: unknown, i: number): ExpectedPeripheral | string {
  const at = `peripherals.expected[${i}]`;
  if (!isObj(e)) return `${at} is not an object`;
  if (typeof e.kind !== 'string' || !(PERIPHERAL_KINDS as readonly string[]).includes(e.kind))
    return `${at}.kind is invalid`;
  if (!isStr(e.label, 1, 200)) return `${at}.label is invalid`;
  const m = e.match;
  if (!isObj(m)) return `${at}.match is missing`;
  const match: ExpectedPeripheral['match'] = {};
  if (m.nameIncludes !== undefined) {
    if (!isStr(m.nameIncludes, 1, 200)) return `${at}.match.nameIncludes is invalid`;
    match.nameIncludes = m.nameIncludes;
  }
  for (const k of ['vendorId', 'productId'] as const) {
    if (m[k] === undefined) continue;
    const v = m[k];
    if (typeof v !== 'string' || !HEX4.test(v)) return `${at}.match.${k} must be 4 hex digits`;
    match[k] = v;
  }
  if (!match.nameIncludes && !match.vendorId) return `${at}.match needs nameIncludes or vendorId`;
  return { kind: e.kind as ExpectedPeripheral['kind'], label: e.label, match };
}

/** Validates and normalises a config; the error names the first offending field. */
export function checkAgentConfig(v: unknown): Checked<AgentConfig> {
  if (!isObj(v)) return { ok: false, error: 'config is not an object' };
  if (typeof v.etag !== 'string') return { ok: false, error: 'etag is missing' };
  if (!isInt(v.intervalSec, 1, 3600)) return { ok: false, error: 'intervalSec must be 1–3600' };
  const d = v.disk;
  if (
    !isObj(d) ||
    !isNum(d.warnFreePct, 0, 100) ||
    !isNum(d.critFreePct, 0, 100) ||
    d.critFreePct > d.warnFreePct
  )
    return { ok: false, error: 'disk thresholds are invalid' };
  if (!Array.isArray(v.targets) || v.targets.length > 64)
    return { ok: false, error: 'targets must be a list (≤ 64)' };
  const targets: Target[] = [];
  for (const [i, t] of v.targets.entries()) {
    const r = checkTarget(t, i);
    if (typeof r === 'string') return { ok: false, error: r };
    targets.push(r);
  }
  const p = v.peripherals;
  if (!isObj(p) || !Array.isArray(p.expected) || p.expected.length > 64)
    return { ok: false, error: 'peripherals.expected must be a list (≤ 64)' };
  const expected: ExpectedPeripheral[] = [];
  for (const [i, e] of p.expected.entries()) {
    const r = checkExpected(e, i);
    if (typeof r === 'string') return { ok: false, error: r };
    expected.push(r);
  }
  return {
    ok: true,
    value: {
      etag: v.etag,
      intervalSec: v.intervalSec,
      disk: { warnFreePct: d.warnFreePct, critFreePct: d.critFreePct },
      targets,
      peripherals: { expected },
    },
  };
}
