/**
 * Retry delays: exponential with "equal jitter" — half the delay is fixed, half random — so a
 * thousand agents coming back after an outage spread out, and no agent ever retries in a tight loop.
 */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 5_000, maxMs: 300_000 };

/** Delay before attempt number `failures + 1` after `failures` consecutive failures (≥ 1). */
export function backoffDelay(
  failures: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(30, Math.max(0, failures - 1)));
  return Math.round(exp / 2 + random() * (exp / 2));
}

/** `retry-after` as seconds or an HTTP date, bounded to an hour; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  const hour = 3_600_000;
  if (/^\d+$/.test(value.trim())) return Math.min(hour, Number(value.trim()) * 1000);
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.min(hour, Math.max(0, at - nowMs));
}
