/**
 * The fault engine: applies observations to fault rows (hysteresis), and turns fault transitions into
 * ticket operations — open (or reopen within 24 h, or join the ticket another process opened),
 * auto-resolve with the recovering readings, or mark "recovered" when a human works the ticket
 * (fault-tickets.ts). Grouping by cause lives in detection-groups.ts.
 *
 * Everything runs inside the caller's `store.write` (ADR 0203): fault rows through the write's fault
 * unit of work (`FaultWork`, flushed by the caller once its decisions are made), tickets through
 * ticket-core's. `markDetection`/`undoDetection` let ingest drop one device's work and keep the rest.
 */
import type { PolicyValues } from '../../shared/schemas/policy.js';
import { type FaultRow, FaultWork } from '../db/repos/faults.js';
import type { WriteTx } from '../db/store.js';
import type { AppDeps } from '../deps.js';
import {
  type EvidenceReading,
  type FaultAction,
  type FaultState,
  type Observation,
  pushEvidence,
  retiredSubject,
  type Severity,
  stepFault,
  trailing,
} from '../domain/detection.js';
import { type Check, fingerprint } from '../domain/fingerprint.js';
import {
  markReadings,
  openUnderCause,
  reconsiderSite,
  reconsiderUpstream,
  releaseReadings,
  undoReadings,
} from './detection-groups.js';
import { agentActor, type DeviceCtx, resolveFault } from './fault-tickets.js';
import { appendEvent } from './ticket-core.js';

export { agentActor, type DeviceCtx, openOrJoin, SYSTEM } from './fault-tickets.js';

export interface ReportItem {
  seq: number;
  collectedAt: string;
  obs: Observation[];
}

/** Where one device's detection work began in a write: statements, fault rows, readings. */
export interface DetectionMark {
  stmts: number;
  faults: number;
  readings: number;
}

export function markDetection(tx: WriteTx): DetectionMark {
  return { stmts: tx.mark(), faults: FaultWork.markOf(tx), readings: markReadings(tx) };
}

/** Keeps the work done since the mark. */
export function releaseDetection(tx: WriteTx, m: DetectionMark): void {
  FaultWork.releaseOf(tx, m.faults);
  releaseReadings(tx, m.readings);
}

/** Drops the work done since the mark: its recorded statements and its in-memory fault rows and readings. */
export function undoDetection(tx: WriteTx, m: DetectionMark): void {
  tx.undo(m.stmts);
  FaultWork.undoOf(tx, m.faults);
  undoReadings(tx, m.readings);
}

function newRow(
  dev: DeviceCtx,
  o: Pick<Observation, 'check' | 'subject' | 'severity' | 'category'>,
  now: Date,
): FaultRow {
  return {
    fingerprint: fingerprint(dev.id, o.check, o.subject),
    deviceId: dev.id,
    unitId: dev.unitId,
    check: o.check,
    subject: o.subject,
    severity: o.severity,
    category: o.category,
    badStreak: 0,
    goodStreak: 0,
    state: 'ok',
    lastSeq: null,
    firstBadAt: null,
    lastChangeAt: now,
    ticketId: null,
    parentTicketId: null,
    evidence: [],
    resolvedAt: null,
  };
}

function subjectLabel(check: string, subject: string, policy: PolicyValues): string {
  if (check === 'target' || check === 'target_latency')
    return policy.targets.find((t) => t.id === subject)?.name ?? subject;
  return subject;
}

export interface DetectResult {
  status: 'ok' | 'degraded' | 'silent' | 'maintenance';
  activeFaults: number;
}

/**
 * Applies a device's new reports (in seq order) to its faults and acts on the transitions.
 * `inWindow`: a maintenance window covers the device now — faults are recorded but open nothing.
 */
export async function detectReports(
  tx: WriteTx,
  deps: AppDeps,
  dev: DeviceCtx,
  items: readonly ReportItem[],
  policy: PolicyValues,
  inWindow: boolean,
): Promise<DetectResult> {
  const now = deps.clock.now();
  const actor = agentActor(dev);
  const work = FaultWork.of(tx);
  const rows = new Map((await work.ofDevice(dev.id)).map((r) => [r.fingerprint, r]));
  const dirty = new Set<string>();
  const keep = Math.max(policy.openAfter, policy.recoverAfter) + 2;
  const thresholds = { openAfter: policy.openAfter, recoverAfter: policy.recoverAfter };
  const actions: { row: FaultRow; action: FaultAction; item: ReportItem | null }[] = [];
  let siteRecheck = false;

  // A report ends silence at once: the agent is evidently alive.
  const silenceFp = fingerprint(dev.id, 'silence', '-');
  const silence = rows.get(silenceFp);
  if (silence && silence.state !== 'ok' && items.length > 0) {
    silence.evidence = pushEvidence(
      (silence.evidence ?? []) as EvidenceReading[],
      { seq: items[0]!.seq, at: now.toISOString(), bad: false, value: 'reporting' },
      keep,
    );
    if (silence.state === 'open') actions.push({ row: silence, action: 'resolve', item: items[0]! });
    else silence.state = 'ok';
    if (silence.parentTicketId) siteRecheck = true;
    dirty.add(silenceFp);
  }

  const apply = (
    row: FaultRow,
    bad: boolean,
    severity: Severity,
    item: ReportItem,
    value: Observation['value'],
  ) => {
    const { next, action } = stepFault(
      {
        state: row.state as FaultState,
        badStreak: row.badStreak,
        goodStreak: row.goodStreak,
        severity: (row.severity ?? severity) as Severity,
      },
      bad,
      severity,
      thresholds,
    );
    if (next.state !== row.state) row.lastChangeAt = now;
    if (bad && row.state === 'ok') row.firstBadAt = new Date(item.collectedAt);
    row.state = next.state;
    row.badStreak = next.badStreak;
    row.goodStreak = next.goodStreak;
    row.severity = next.severity;
    row.lastSeq = item.seq;
    row.evidence = pushEvidence(
      (row.evidence ?? []) as EvidenceReading[],
      { seq: item.seq, at: item.collectedAt, bad, value, ...(bad ? { severity } : {}) },
      keep,
    );
    dirty.add(row.fingerprint);
    if (action !== 'none') actions.push({ row, action, item });
  };

  for (const item of items) {
    for (const o of item.obs) {
      const fp = fingerprint(dev.id, o.check, o.subject);
      let row = rows.get(fp);
      if (!row || (row.state === 'ok' && !o.bad)) {
        if (!o.bad) continue; // healthy and already known healthy: nothing to write
        row = newRow(dev, o, now);
        rows.set(fp, row);
      }
      apply(row, o.bad, o.severity, item, o.value);
    }
  }
  // Subjects the policy stopped checking recover now.
  const last = items[items.length - 1];
  if (last) {
    for (const row of rows.values()) {
      if (row.state !== 'ok' && retiredSubject(row.check as Check, row.subject, policy)) {
        row.goodStreak = policy.recoverAfter - 1;
        apply(row, false, (row.severity ?? 'minor') as Severity, last, 'no longer checked');
      }
    }
  }

  const upstreamRecheck = new Set<string>();
  for (const { row, action } of actions) {
    if (action === 'open') {
      if (inWindow) continue; // recorded; the windows job opens it if still bad when the window ends
      await openUnderCause(tx, deps, row, {
        actor,
        hostname: dev.hostname,
        subjectLabel: subjectLabel(row.check, row.subject, policy),
        evidence: {
          check: row.check,
          subject: row.subject,
          readings: trailing((row.evidence ?? []) as EvidenceReading[], true),
        },
        policy,
      });
    } else if (action === 'resolve') {
      await resolveFault(tx, deps, row, actor, {
        reason: 'recovered',
        readings: trailing((row.evidence ?? []) as EvidenceReading[], false),
      });
      if (row.parentTicketId) {
        if (row.check === 'target') upstreamRecheck.add(row.subject);
        row.parentTicketId = null;
      }
      row.state = 'ok';
    } else if (action === 'worse' && row.ticketId) {
      await appendEvent(tx, deps, row.ticketId, {
        type: 'severity_observed',
        actor,
        data: { severity: row.severity, readings: trailing((row.evidence ?? []) as EvidenceReading[], true) },
      });
    }
  }

  const drop = new Set<string>();
  for (const fp of dirty) {
    const r = rows.get(fp)!;
    // A healthy row no ticket links to is forgotten; one linked to a ticket stays (a return within
    // 24 h reopens it; a ticket marked recovered gets the fault back). Retention clears them later.
    if (r.state === 'ok' && !r.parentTicketId && !r.ticketId) {
      drop.add(fp);
      work.drop(fp);
    } else work.save(r);
  }

  for (const subject of upstreamRecheck) await reconsiderUpstream(tx, deps, subject, policy);
  if (siteRecheck) await reconsiderSite(tx, deps, dev.unitId);

  let active = 0;
  let degraded = false;
  for (const r of rows.values()) {
    if (drop.has(r.fingerprint)) continue;
    if (r.state !== 'ok') active++;
    if (r.state === 'open' || r.state === 'recovering') degraded = true;
  }
  return { status: inWindow ? 'maintenance' : degraded ? 'degraded' : 'ok', activeFaults: active };
}
