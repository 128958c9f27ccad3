/**
 * From one report to observations, and from observations to fault transitions (DETECTION.md).
 *
 * `evaluateReport` applies the check table to one report under an effective policy: each observation
 * is one (check, subject) judged good or bad, with the severity and category the table gives. A check
 * without a reading (a target the agent did not probe, a disk without SMART data) yields nothing, so
 * a missing reading never moves a streak.
 *
 * `stepFault` is the hysteresis: `openAfter` consecutive bad observations open a fault, `recoverAfter`
 * consecutive good ones resolve it; a flap inside either window changes nothing outside the row.
 * Pure: no clock, no database.
 */
import type { Report } from '../../shared/schemas/agent.js';
import type { PolicyValues } from '../../shared/schemas/policy.js';
import type { Check } from './fingerprint.js';

export type Severity = 'critical' | 'major' | 'minor';
export type Category = 'hardware' | 'network' | 'peripheral' | 'upstream';

const RANK: Record<Severity, number> = { minor: 1, major: 2, critical: 3 };

export function worse(a: Severity, b: Severity): Severity {
  return RANK[a] >= RANK[b] ? a : b;
}

export interface Observation {
  check: Check;
  subject: string;
  bad: boolean;
  /** Severity when bad (for a good observation: the check's usual severity). */
  severity: Severity;
  category: Category;
  /** The reading that decided it, kept as evidence (a percentage, a latency, a state). */
  value: number | string | boolean | null;
}

/** Percentage of free space, or null for a disk reporting size 0 (nothing to judge). */
export function freePct(sizeBytes: number, usedBytes: number): number | null {
  if (sizeBytes <= 0) return null;
  return Math.round(((sizeBytes - usedBytes) / sizeBytes) * 10_000) / 100;
}

interface PeripheralLike {
  name: string;
  vendorId?: string | undefined;
  productId?: string | undefined;
  connected: boolean;
}

/** Does a plugged-in peripheral satisfy an expected entry's `match`? (case-insensitive) */
export function peripheralMatches(
  m: { nameIncludes?: string | undefined; vendorId?: string | undefined; productId?: string | undefined },
  p: PeripheralLike,
): boolean {
  if (!p.connected) return false;
  if (m.nameIncludes && !p.name.toLowerCase().includes(m.nameIncludes.toLowerCase())) return false;
  if (m.vendorId && (p.vendorId ?? '').toLowerCase() !== m.vendorId.toLowerCase()) return false;
  if (m.productId && (p.productId ?? '').toLowerCase() !== m.productId.toLowerCase()) return false;
  return true;
}

/** The check table of DETECTION.md, except agent silence (judged by the scheduler). */
export function evaluateReport(report: Report, policy: PolicyValues): Observation[] {
  const out: Observation[] = [];
  const { warnFreePct, critFreePct } = policy.disk;
  for (const d of report.disks) {
    const pct = freePct(d.sizeBytes, d.usedBytes);
    if (pct !== null) {
      const crit = pct < critFreePct;
      out.push({
        check: 'disk_free',
        subject: d.mount,
        bad: crit || pct < warnFreePct,
        severity: crit ? 'major' : 'minor',
        category: 'hardware',
        value: pct,
      });
    }
    if (d.smart === 'failing' || d.smart === 'ok') {
      out.push({
        check: 'disk_health',
        subject: d.mount,
        bad: d.smart === 'failing',
        severity: 'critical',
        category: 'hardware',
        value: d.smart,
      });
    }
  }
  const configured = new Map(policy.targets.map((t) => [t.id, t]));
  for (const r of report.targets) {
    const t = configured.get(r.id);
    if (!t) continue; // an agent on a stale config probing a target nobody asks for any more
    out.push({
      check: 'target',
      subject: r.id,
      bad: !r.ok,
      severity: 'major',
      category: 'network',
      value: r.ok ? true : (r.error ?? false),
    });
    if (r.ok && typeof r.latencyMs === 'number') {
      out.push({
        check: 'target_latency',
        subject: r.id,
        bad: r.latencyMs > t.critMs,
        severity: 'minor',
        category: 'network',
        value: r.latencyMs,
      });
    }
  }
  for (const e of policy.peripherals.expected) {
    const found = report.peripherals.find((p) => peripheralMatches(e.match, p));
    out.push({
      check: 'peripheral',
      subject: e.label,
      bad: !found,
      severity: 'major',
      category: 'peripheral',
      value: found ? found.name : null,
    });
  }
  return out;
}

/**
 * Subjects the policy no longer asks about (a target or expected peripheral removed): their faults
 * recover, because nobody will ever report them good again.
 */
export function retiredSubject(check: Check, subject: string, policy: PolicyValues): boolean {
  if (check === 'target' || check === 'target_latency') return !policy.targets.some((t) => t.id === subject);
  if (check === 'peripheral') return !policy.peripherals.expected.some((e) => e.label === subject);
  return false;
}

// ---- hysteresis ------------------------------------------------------------------------------------

/** ok: healthy · pending: bad, not yet for long enough · open: a fault · recovering: good, not yet for long enough. */
export type FaultState = 'ok' | 'pending' | 'open' | 'recovering';

export interface Streak {
  state: FaultState;
  badStreak: number;
  goodStreak: number;
  severity: Severity;
}

/** What the caller must do after a step: open a ticket, resolve it, note a worse severity, or nothing. */
export type FaultAction = 'none' | 'open' | 'resolve' | 'worse';

export interface Thresholds {
  openAfter: number;
  recoverAfter: number;
}

export function stepFault(
  s: Streak,
  bad: boolean,
  severity: Severity,
  t: Thresholds,
): { next: Streak; action: FaultAction } {
  if (bad) {
    const badStreak = s.badStreak + 1;
    switch (s.state) {
      case 'ok':
      case 'pending': {
        // Severity of a pending fault is the worst seen in its streak.
        const sev = s.state === 'ok' ? severity : worse(s.severity, severity);
        if (badStreak >= t.openAfter)
          return { next: { state: 'open', badStreak, goodStreak: 0, severity: sev }, action: 'open' };
        return { next: { state: 'pending', badStreak, goodStreak: 0, severity: sev }, action: 'none' };
      }
      case 'open':
      case 'recovering': {
        const sev = worse(s.severity, severity);
        return {
          next: { state: 'open', badStreak, goodStreak: 0, severity: sev },
          action: sev !== s.severity ? 'worse' : 'none',
        };
      }
    }
  }
  const goodStreak = s.goodStreak + 1;
  switch (s.state) {
    case 'ok':
      return { next: { ...s, badStreak: 0, goodStreak }, action: 'none' };
    case 'pending':
      // A flap before openAfter: forget it.
      return { next: { state: 'ok', badStreak: 0, goodStreak, severity: s.severity }, action: 'none' };
    case 'open':
    case 'recovering':
      if (goodStreak >= t.recoverAfter)
        return { next: { state: 'ok', badStreak: 0, goodStreak, severity: s.severity }, action: 'resolve' };
      return { next: { ...s, state: 'recovering', goodStreak }, action: 'none' };
  }
}

/** One reading kept as evidence on the fault (and copied onto the ticket's timeline). */
export interface EvidenceReading {
  seq: number | null;
  at: string;
  bad: boolean;
  value: Observation['value'];
  severity?: Severity;
}

/** Appends a reading and keeps the last `max` (enough to show the streak that opened or resolved it). */
export function pushEvidence(
  list: readonly EvidenceReading[],
  r: EvidenceReading,
  max: number,
): EvidenceReading[] {
  const out = [...list, r];
  return out.length > max ? out.slice(out.length - max) : out;
}

/** The trailing readings with the given verdict (the streak that decided a transition). */
export function trailing(list: readonly EvidenceReading[], bad: boolean): EvidenceReading[] {
  const out: EvidenceReading[] = [];
  for (let i = list.length - 1; i >= 0 && list[i]!.bad === bad; i--) out.unshift(list[i]!);
  return out;
}

/** A returned fault reopens its auto-resolved ticket within this long (DETECTION.md). */
export const REOPEN_WITHIN_MS = 24 * 3_600_000;

/** Silence: no report for this many intervals. */
export const SILENCE_INTERVALS = 3;

/**
 * Is a device silent at `now`? `since` is the later of its last report (or enrolment) and the end of
 * a scheduler outage, so a server that was itself down does not declare every agent silent.
 */
export function isSilent(sinceMs: number, intervalSec: number, nowMs: number): boolean {
  return nowMs - sinceMs > SILENCE_INTERVALS * intervalSec * 1000;
}
