/**
 * Pure part of the targets collector: turning a probe's outcome into the report's reading, with
 * short, stable error texts (the server shows them to IT staff and groups outages by them).
 */
import type { Readings } from './collector.js';

export type Probe =
  | { ok: true; ms: number; status?: number }
  | { ok: false; ms?: number; code: string; detail?: string };

const TEXT: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'DNS: name not found',
  EAI_AGAIN: 'DNS: temporary failure',
  TIMEOUT: 'timeout',
  CERT_HAS_EXPIRED: 'TLS: certificate expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS: self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS: self-signed certificate in chain',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS: unknown issuer',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS: certificate does not match the host name',
};

export function targetReading(id: string, p: Probe): Readings['targets'][number] {
  if (p.ok) return { id, ok: true, latencyMs: Math.round(p.ms * 10) / 10 };
  const text = TEXT[p.code] ?? p.detail ?? 'failed';
  return { id, ok: false, latencyMs: null, error: `${p.code}: ${text}`.slice(0, 500) };
}

/** An HTTP answer: the system is up unless it answers with a server error (4xx still means "reachable"). */
export function httpProbe(status: number, ms: number): Probe {
  return status >= 500
    ? { ok: false, ms, code: `HTTP_${status}`, detail: `HTTP ${status}` }
    : { ok: true, ms, status };
}
