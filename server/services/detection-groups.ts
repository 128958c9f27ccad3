/**
 * Grouping by cause (DETECTION.md): one "upstream" ticket at the root when a target fails from many
 * units, one "site offline" ticket when every device of a unit is silent. A cause is itself a fault
 * row (device null) whose ticket the children's rows point to through `parentTicketId`.
 * When the cause recovers its children recover with it; a child still bad is detached and becomes
 * a ticket of its own if it stays bad (another `openAfter` readings, or 3 intervals of silence).
 *
 * Fault rows go through the write's fault unit of work (`FaultWork`): the children a cause adopts
 * or releases are the same in-memory rows the devices' own detection works on in that write.
 */
import { and, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { Report } from '../../shared/schemas/agent.js';
import type { PolicyValues } from '../../shared/schemas/policy.js';
import { type FaultRow, FaultWork } from '../db/repos/faults.js';
import { rootUnit, unitById } from '../db/repos/units.js';
import { faults } from '../db/schema.js';
import type { WriteTx } from '../db/store.js';
import type { AppDeps } from '../deps.js';
import { type EvidenceReading, SILENCE_INTERVALS } from '../domain/detection.js';
import { siteDownFingerprint, upstreamFingerprint } from '../domain/fingerprint.js';
import { isUpstreamOutage } from '../domain/grouping.js';
import { type OpenContext, openFault, resolveFault, SYSTEM } from './fault-tickets.js';
import { type Actor, systemChange } from './ticket-core.js';

// ---- the readings of this write ------------------------------------------------------------------

interface Reading {
  unitId: string;
  targets: Report['targets'];
  seenAtMs: number;
}

/** Per write: devices whose latest reading this write sets (ingest), and undo frames. */
interface Readings {
  latest: Map<string, Reading>;
  frames: Map<string, Reading | undefined>[];
}

const readingsOf = new WeakMap<WriteTx, Readings>();

/**
 * The device's newest reading, as this write will store it: the outage rule counts it in place of
 * the committed `devices.latest` (which this write cannot read back).
 */
export function noteReading(
  tx: WriteTx,
  deviceId: string,
  unitId: string,
  report: Pick<Report, 'targets'>,
  seenAtMs: number,
): void {
  let r = readingsOf.get(tx);
  if (!r) {
    r = { latest: new Map(), frames: [] };
    readingsOf.set(tx, r);
  }
  for (const f of r.frames) if (!f.has(deviceId)) f.set(deviceId, r.latest.get(deviceId));
  r.latest.set(deviceId, { unitId, targets: report.targets, seenAtMs });
}

export function markReadings(tx: WriteTx): number {
  const r = readingsOf.get(tx);
  if (!r) return 0;
  r.frames.push(new Map());
  return r.frames.length;
}

export function releaseReadings(tx: WriteTx, mark: number): void {
  const r = readingsOf.get(tx);
  if (r) r.frames.length = Math.max(0, mark - 1);
}

export function undoReadings(tx: WriteTx, mark: number): void {
  const r = readingsOf.get(tx);
  if (!r) return;
  if (mark === 0) {
    readingsOf.delete(tx); // everything was noted after the mark
    return;
  }
  while (r.frames.length >= mark) {
    for (const [id, prev] of r.frames.pop()!) {
      if (prev) r.latest.set(id, prev);
      else r.latest.delete(id);
    }
  }
}

/** Units that reported `targetId` since `sinceMs`, each with whether it fails there (any device). */
export async function targetUnits(
  tx: WriteTx,
  targetId: string,
  sinceMs: number,
): Promise<{ unitId: string; failing: boolean }[]> {
  const mine = readingsOf.get(tx)?.latest ?? new Map<string, Reading>();
  const rows = await tx.all<{ unitId: string; failing: number }>(sql`
    SELECT d.unit_id AS unitId, max(json_extract(t.value, '$.ok') = 0) AS failing
    FROM devices d, json_each(d.latest, '$.targets') t
    WHERE d.revoked_at IS NULL AND d.last_seen_at >= ${sinceMs} AND json_extract(t.value, '$.id') = ${targetId}
      AND d.id NOT IN (SELECT value FROM json_each(${JSON.stringify([...mine.keys()])}))
    GROUP BY d.unit_id`);
  const units = new Map(rows.map((r) => [r.unitId, Number(r.failing) === 1]));
  for (const r of mine.values()) {
    if (r.seenAtMs < sinceMs) continue;
    const t = r.targets.find((x) => x.id === targetId);
    if (t) units.set(r.unitId, (units.get(r.unitId) ?? false) || !t.ok);
  }
  return [...units].map(([unitId, failing]) => ({ unitId, failing }));
}

// ---- causes ------------------------------------------------------------------------------------

function causeRow(
  fp: string,
  unitId: string,
  check: 'upstream' | 'site_down',
  subject: string,
  now: Date,
): FaultRow {
  return {
    fingerprint: fp,
    deviceId: null,
    unitId,
    check,
    subject,
    severity: 'critical',
    category: check === 'upstream' ? 'upstream' : 'network',
    badStreak: 1,
    goodStreak: 0,
    state: 'open',
    lastSeq: null,
    firstBadAt: now,
    lastChangeAt: now,
    ticketId: null,
    parentTicketId: null,
    evidence: [],
    resolvedAt: null,
  };
}

/** Hangs `kids` under the cause ticket; tickets they already had are attached as children. */
async function attachChildren(tx: WriteTx, deps: AppDeps, parentId: string, kids: FaultRow[], actor: Actor) {
  const work = FaultWork.of(tx);
  for (const k of kids) {
    k.parentTicketId = parentId;
    if (k.ticketId && k.ticketId !== parentId)
      await systemChange(tx, deps, k.ticketId, 'attach_parent', actor, { parentId });
    work.save(k);
  }
}

/**
 * The upstream ticket a device's failing target belongs under, opening it when the outage rule now
 * holds (≥ 3 units failing and ≥ half of the units that reported the target in 3 × interval).
 * Returns null when the target is not failing widely: the device gets a ticket of its own.
 */
export async function upstreamParentFor(
  tx: WriteTx,
  deps: AppDeps,
  targetId: string,
  deviceId: string,
  policy: PolicyValues,
): Promise<string | null> {
  const now = deps.clock.now();
  const work = FaultWork.of(tx);
  const fp = upstreamFingerprint(targetId);
  const existing = await work.get(fp);
  if (existing?.state === 'open' && existing.ticketId) return existing.ticketId;
  const units = await targetUnits(
    tx,
    targetId,
    now.getTime() - SILENCE_INTERVALS * policy.intervalSec * 1000,
  );
  if (!isUpstreamOutage(units)) return null;
  const root = (await rootUnit(tx))!;
  const cause = work.save(existing ?? causeRow(fp, root.id, 'upstream', targetId, now));
  Object.assign(cause, {
    state: 'open',
    badStreak: 1,
    goodStreak: 0,
    lastChangeAt: now,
    parentTicketId: null,
  });
  const failing = units.filter((u) => u.failing).length;
  const reading: EvidenceReading = {
    seq: null,
    at: now.toISOString(),
    bad: true,
    value: `${failing}/${units.length} units failing`,
  };
  cause.evidence = [reading];
  const name = policy.targets.find((t) => t.id === targetId)?.name ?? targetId;
  await openFault(tx, deps, cause, {
    actor: SYSTEM,
    hostname: '',
    subjectLabel: name,
    evidence: { check: 'upstream', subject: targetId, failingUnits: failing, reportingUnits: units.length },
    policy,
  });
  // No ticket (routing failed): the cause stays open and the next report tries again.
  if (!cause.ticketId) return null;
  const kids = await work.where(
    and(
      eq(faults.check, 'target'),
      eq(faults.subject, targetId),
      inArray(faults.state, ['pending', 'open', 'recovering']),
      isNull(faults.parentTicketId),
      ne(faults.deviceId, deviceId),
    )!,
    (r) =>
      r.check === 'target' &&
      r.subject === targetId &&
      ['pending', 'open', 'recovering'].includes(r.state) &&
      r.parentTicketId === null &&
      r.deviceId !== null &&
      r.deviceId !== deviceId,
  );
  await attachChildren(tx, deps, cause.ticketId, kids, SYSTEM);
  return cause.ticketId;
}

/**
 * A device's fault has reached "open": hang it under its cause when one holds (an upstream outage
 * for a failing target), else give it a ticket of its own. Mutates `row`.
 */
export async function openUnderCause(
  tx: WriteTx,
  deps: AppDeps,
  row: FaultRow,
  ctx: OpenContext,
): Promise<void> {
  if (row.parentTicketId) return;
  if (row.check === 'target' && row.deviceId) {
    const parent = await upstreamParentFor(tx, deps, row.subject, row.deviceId, ctx.policy);
    if (parent) {
      row.parentTicketId = parent;
      return;
    }
  }
  await openFault(tx, deps, row, ctx);
}

/**
 * The cause recovered: resolve its ticket; children recover with it, or, still bad, are detached to
 * become tickets of their own if they stay bad.
 */
export async function resolveCause(
  tx: WriteTx,
  deps: AppDeps,
  cause: FaultRow,
  data: Record<string, unknown>,
): Promise<void> {
  const now = deps.clock.now();
  const work = FaultWork.of(tx);
  work.save(cause);
  await resolveFault(tx, deps, cause, SYSTEM, data);
  Object.assign(cause, { state: 'ok', badStreak: 0, goodStreak: 1, lastChangeAt: now });
  const kids = cause.ticketId ? await work.byParent(cause.ticketId) : [];
  for (const k of kids) {
    k.parentTicketId = null;
    const stillBad = k.state === 'open' || k.state === 'pending';
    if (!stillBad) {
      k.state = 'ok';
      if (k.ticketId)
        await resolveFault(tx, deps, k, SYSTEM, { reason: 'cause_recovered', parentId: cause.ticketId });
    } else if (k.ticketId) {
      await systemChange(tx, deps, k.ticketId, 'detach_parent', SYSTEM, {
        parentId: cause.ticketId,
        reason: 'still_bad_after_cause_recovered',
      });
      k.state = 'open';
    } else {
      k.state = 'pending';
      k.badStreak = 0;
      k.lastChangeAt = now;
    }
    if (k.state === 'ok' && !k.ticketId) work.drop(k.fingerprint);
  }
  // The children's devices' `active_faults` are recounted when the write's faults are flushed.
}

/** After a child target fault recovered: does the upstream outage still hold? */
export async function reconsiderUpstream(
  tx: WriteTx,
  deps: AppDeps,
  targetId: string,
  policy: PolicyValues,
): Promise<void> {
  const cause = await FaultWork.of(tx).get(upstreamFingerprint(targetId));
  if (cause?.state !== 'open') return;
  const now = deps.clock.now();
  const units = await targetUnits(
    tx,
    targetId,
    now.getTime() - SILENCE_INTERVALS * policy.intervalSec * 1000,
  );
  if (isUpstreamOutage(units)) return;
  await resolveCause(tx, deps, cause, {
    reason: 'recovered',
    failingUnits: units.filter((u) => u.failing).length,
    reportingUnits: units.length,
  });
}

/** A device of the unit reported again: the site is up, whatever its other devices do. */
export async function reconsiderSite(tx: WriteTx, deps: AppDeps, unitId: string): Promise<void> {
  const cause = await FaultWork.of(tx).get(siteDownFingerprint(unitId));
  if (cause?.state !== 'open') return;
  await resolveCause(tx, deps, cause, { reason: 'site_reporting_again' });
}

/**
 * Every device of a unit is silent: one "site offline" ticket with the silence faults under it.
 * Returns the ticket, or null when none could be opened (the devices then wait, ungrouped).
 */
export async function openSiteDown(
  tx: WriteTx,
  deps: AppDeps,
  unitId: string,
  silenceRows: FaultRow[],
  policy: PolicyValues,
): Promise<string | null> {
  const now = deps.clock.now();
  const work = FaultWork.of(tx);
  const fp = siteDownFingerprint(unitId);
  const existing = await work.get(fp);
  if (existing?.state === 'open' && existing.ticketId) {
    await attachChildren(
      tx,
      deps,
      existing.ticketId,
      silenceRows.filter((r) => r.parentTicketId !== existing.ticketId),
      SYSTEM,
    );
    return existing.ticketId;
  }
  const unit = await unitById(tx, unitId);
  const cause = work.save(existing ?? causeRow(fp, unitId, 'site_down', '*', now));
  Object.assign(cause, { state: 'open', badStreak: 1, goodStreak: 0, lastChangeAt: now });
  cause.evidence = [
    { seq: null, at: now.toISOString(), bad: true, value: `${silenceRows.length} devices silent` },
  ];
  await openFault(tx, deps, cause, {
    actor: SYSTEM,
    hostname: unit ? `${unit.name} (${unit.code})` : unitId,
    subjectLabel: '*',
    evidence: {
      check: 'site_down',
      devices: silenceRows.map((r) => ({ deviceId: r.deviceId, silentSince: r.firstBadAt?.toISOString() })),
    },
    policy,
  });
  if (!cause.ticketId) return null;
  await attachChildren(tx, deps, cause.ticketId, silenceRows, SYSTEM);
  return cause.ticketId;
}
