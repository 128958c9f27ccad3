/**
 * Login throttling as a pure state machine over one counter row: a fixed window of failures per key,
 * then a block. Kept in the database so every server process shares it.
 */

export interface ThrottleState {
  failures: number;
  windowStart: Date;
  blockedUntil: Date | null;
}

export interface ThrottlePolicy {
  maxFailures: number;
  windowMs: number;
  blockMs: number;
}

export const USER_THROTTLE: ThrottlePolicy = { maxFailures: 5, windowMs: 15 * 60_000, blockMs: 15 * 60_000 };
export const IP_THROTTLE: ThrottlePolicy = { maxFailures: 30, windowMs: 15 * 60_000, blockMs: 15 * 60_000 };

/** Seconds until the key may try again, or 0 when it may try now. */
export function retryAfterSec(state: ThrottleState | undefined, now: Date): number {
  if (!state?.blockedUntil) return 0;
  const ms = state.blockedUntil.getTime() - now.getTime();
  return ms > 0 ? Math.ceil(ms / 1000) : 0;
}

/** The state after one more failure at `now`. */
export function afterFailure(state: ThrottleState | undefined, now: Date, p: ThrottlePolicy): ThrottleState {
  const fresh = !state || now.getTime() - state.windowStart.getTime() >= p.windowMs;
  const failures = fresh ? 1 : state.failures + 1;
  const windowStart = fresh ? now : state.windowStart;
  const blockedUntil = failures >= p.maxFailures ? new Date(now.getTime() + p.blockMs) : null;
  return { failures, windowStart, blockedUntil };
}
