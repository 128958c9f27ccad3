/**
 * The fault engine: applies observations to fault rows (hysteresis), and turns fault transitions into
 * ticket operations through ticket-core — open (or reopen within 24 h, or join the ticket another
 * process just opened), auto-resolve with the recovering readings, or mark "recovered" when a human
 * works the ticket. Grouping by cause lives in detection-groups.ts; everything here runs inside the
 * caller's write transaction.
 */
import type { PolicyValues } from '../../shared/schemas/policy.js';
import {
  CLOSED_STATUSES,
  deleteFaults,
  type FaultRow,
  faultsOfDevice,
  openTicketByFingerprint,
  saveFaults,
  ticketStatus,
} from '../db/repos/faults.js';
import type { Db, Tx } from '../db/store.js';
import type { AppDeps } from '../deps.js';
import {
  type EvidenceReading,
  type FaultAction,
  type FaultState,
  type Observation,
  pushEvidence,
  REOPEN_WITHIN_MS,
  retiredSubject,
  type Severity,
  stepFault,
  trailing,
} from '../domain/detection.js';
import { type Check, fingerprint } from '../domain/fingerprint.js';
import { reconsiderSite, reconsiderUpstream, upstreamParentFor } from './detection-groups.js';
import { faultText } from './detection-text.js';
import { type Actor, appendEvent, type NewTicket, openTicket, systemChange } from './ticket-core.js';

/** A device as detection needs it. */
export interface DeviceCtx {
  id: string;
  unitId: string;
  hostname: string;
}

export interface ReportItem {
  seq: number;
  collectedAt: string;
  obs: Observation[];
}

export function agentActor(d: DeviceCtx): Actor {
  return { kind: 'agent', deviceId: d.id, label: d.hostname };
}

export const SYSTEM: Actor = { kind: 'system', label: 'detection' };

export function isUniqueViolation(e: unknown): boolean {
  for (let c: unknown = e, i = 0; c && i < 5; c = (c as { cause?: unknown }).cause, i++) {
    const code = String((c as { code?: unknown }).code ?? '');
    const msg = String((c as { message?: unknown }).message ?? '');
    if (code.startsWith('SQLITE_CONSTRAINT') || /UNIQUE constraint failed/i.test(msg)) return true;
  }
  return false;
}

/**
 * Opens a ticket for a fingerprint, or joins the one already open: when another server process
 * opened it between our read and our insert, the partial unique index refuses ours (inside a
 * savepoint, so nothing of our attempt remains) and we link to theirs.
 */
export async function openOrJoin(
  tx: Db,
  deps: AppDeps,
  t: NewTicket & { fingerprint: string },
): Promise<string> {
  try {
    const r = await (tx as unknown as Tx).transaction(async (sp) => openTicket(sp as unknown as Db, deps, t));
    return r.id;
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    const id = await openTicketByFingerprint(tx, t.fingerprint);
    if (!id) throw e;
    await appendEvent(tx, deps, id, {
      type: 'fault_observed',
      actor: t.actor,
      data: { evidence: t.evidence ?? null, note: 'opened concurrently by another server process' },
    });
    return id;
  }
}

export interface OpenContext {
  actor: Actor;
  hostname: string;
  /** Human name of the subject (a target's name, a peripheral's label). */
  subjectLabel: string;
  evidence: unknown;
  policy: PolicyValues;
}

/**
 * A fault has reached "open": give it a ticket unless its cause already has one. Mutates `row`.
 */
export async function openFault(tx: Db, deps: AppDeps, row: FaultRow, ctx: OpenContext): Promise<void> {
  const now = deps.clock.now();
  if (row.parentTicketId) return; // a child of a cause that is still open
  if (row.check === 'target' && row.deviceId) {
    const parent = await upstreamParentFor(tx, deps, row.subject, row.deviceId, ctx.policy);
    if (parent) {
      row.parentTicketId = parent;
      return;
    }
  }
  if (row.ticketId) {
    const t = await ticketStatus(tx, row.ticketId);
    if (t && !(CLOSED_STATUSES as readonly string[]).includes(t.status)) {
      // Still open (e.g. marked recovered while a technician works it): the fault is back.
      await appendEvent(tx, deps, t.id, {
        type: 'fault_returned',
        actor: ctx.actor,
        data: { evidence: ctx.evidence },
      });
      return;
    }
    if (t && row.resolvedAt && now.getTime() - row.resolvedAt.getTime() < REOPEN_WITHIN_MS) {
      if (
        await systemChange(tx, deps, t.id, 'reopen', ctx.actor, {
          evidence: ctx.evidence,
          reason: 'fault_returned',
        })
      ) {
        row.resolvedAt = null;
        return;
      }
    }
  }
  const text = faultText(row.check as Check, ctx.subjectLabel, ctx.hostname);
  row.ticketId = null; // an old ticket (resolved long ago) is not this problem's any more
  try {
    row.ticketId = await openOrJoin(tx, deps, {
      unitId: row.unitId,
      deviceId: row.deviceId,
      category: row.category ?? 'hardware',
      severity: row.severity ?? 'major',
      source: 'agent',
      title: text.title,
      description: text.description,
      fingerprint: row.fingerprint,
      evidence: ctx.evidence,
      actor: ctx.actor,
    });
  } catch (e) {
    // Routing failed (e.g. the matrix cannot place it). The readings are stored and the fault stays
    // open without a ticket; the windows job retries such faults, so ingest never blocks on routing.
    deps.logger.error('detection: could not open a ticket; will retry', {
      fingerprint: row.fingerprint,
      error: e instanceof Error ? e.message : String(e),
    });
    return;
  }
  row.resolvedAt = null;
}

/**
 * A fault has recovered: auto-resolve its ticket with the readings that showed it, or only mark it
 * recovered when a human has started working it. Mutates `row`.
 */
export async function resolveFault(
  tx: Db,
  deps: AppDeps,
  row: FaultRow,
  actor: Actor,
  data: Record<string, unknown>,
): Promise<void> {
  const now = deps.clock.now();
  if (!row.ticketId) return;
  const t = await ticketStatus(tx, row.ticketId);
  if (!t || (CLOSED_STATUSES as readonly string[]).includes(t.status)) return;
  // ticket-core knows which statuses a machine may resolve (open, acknowledged); a ticket a person is
  // working on (in progress, awaiting approval, waiting for parts, …) is only marked recovered.
  if (await systemChange(tx, deps, t.id, 'auto_resolve', actor, data)) row.resolvedAt = now;
  else await systemChange(tx, deps, t.id, 'mark_recovered', actor, data);
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
  tx: Db,
  deps: AppDeps,
  dev: DeviceCtx,
  items: readonly ReportItem[],
  policy: PolicyValues,
  inWindow: boolean,
): Promise<DetectResult> {
  const now = deps.clock.now();
  const actor = agentActor(dev);
  const rows = new Map((await faultsOfDevice(tx, dev.id)).map((r) => [r.fingerprint, r]));
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
      await openFault(tx, deps, row, {
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

  const save: FaultRow[] = [];
  const drop: string[] = [];
  for (const fp of dirty) {
    const r = rows.get(fp)!;
    // A healthy row no ticket links to is forgotten; one linked to a ticket stays (a return within
    // 24 h reopens it; a ticket marked recovered gets the fault back). Retention clears them later.
    if (r.state === 'ok' && !r.parentTicketId && !r.ticketId) drop.push(fp);
    else save.push(r);
  }
  await saveFaults(tx, save);
  await deleteFaults(tx, drop);

  for (const subject of upstreamRecheck) await reconsiderUpstream(tx, deps, subject, policy);
  if (siteRecheck) await reconsiderSite(tx, deps, dev.unitId);

  let active = 0;
  let degraded = false;
  for (const r of rows.values()) {
    if (drop.includes(r.fingerprint)) continue;
    if (r.state !== 'ok') active++;
    if (r.state === 'open' || r.state === 'recovering') degraded = true;
  }
  return { status: inWindow ? 'maintenance' : degraded ? 'degraded' : 'ok', activeFaults: active };
}
