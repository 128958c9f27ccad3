/**
 * Grouping by cause (DETECTION.md): one "upstream" ticket at the root when a target fails from many
 * units, one "site offline" ticket when every device of a unit is silent. A cause is itself a fault
 * row (device null) whose ticket the children's rows point to through `parentTicketId`.
 * When the cause recovers its children recover with it; a child still bad is detached and becomes
 * a ticket of its own if it stays bad (another `openAfter` readings, or 3 intervals of silence).
 */
import { and, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { PolicyValues } from '../../shared/schemas/policy.js';
import { type FaultRow, faultByFingerprint, faultsByParent, saveFaults } from '../db/repos/faults.js';
import { rootUnit, unitById } from '../db/repos/units.js';
import { faults } from '../db/schema.js';
import type { Db } from '../db/store.js';
import type { AppDeps } from '../deps.js';
import { type EvidenceReading, SILENCE_INTERVALS } from '../domain/detection.js';
import { siteDownFingerprint, upstreamFingerprint } from '../domain/fingerprint.js';
import { isUpstreamOutage } from '../domain/grouping.js';
import { openFault, resolveFault, SYSTEM } from './detection.js';
import { type Actor, systemChange } from './ticket-core.js';

/** Units that reported `targetId` since `sinceMs`, each with whether it fails there (any device). */
export async function targetUnits(
  db: Db,
  targetId: string,
  sinceMs: number,
): Promise<{ unitId: string; failing: boolean }[]> {
  const rows = await db.all<{ unitId: string; failing: number }>(sql`
    SELECT d.unit_id AS unitId, max(json_extract(t.value, '$.ok') = 0) AS failing
    FROM devices d, json_each(d.latest, '$.targets') t
    WHERE d.revoked_at IS NULL AND d.last_seen_at >= ${sinceMs} AND json_extract(t.value, '$.id') = ${targetId}
    GROUP BY d.unit_id`);
  return rows.map((r) => ({ unitId: r.unitId, failing: Number(r.failing) === 1 }));
}

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
async function attachChildren(tx: Db, deps: AppDeps, parentId: string, kids: FaultRow[], actor: Actor) {
  for (const k of kids) {
    k.parentTicketId = parentId;
    if (k.ticketId && k.ticketId !== parentId)
      await systemChange(tx, deps, k.ticketId, 'attach_parent', actor, { parentId });
  }
  await saveFaults(tx, kids);
}

/**
 * The upstream ticket a device's failing target belongs under, opening it when the outage rule now
 * holds (≥ 3 units failing and ≥ half of the units that reported the target in 3 × interval).
 * Returns null when the target is not failing widely: the device gets a ticket of its own.
 */
export async function upstreamParentFor(
  tx: Db,
  deps: AppDeps,
  targetId: string,
  deviceId: string,
  policy: PolicyValues,
): Promise<string | null> {
  const now = deps.clock.now();
  const fp = upstreamFingerprint(targetId);
  const existing = await faultByFingerprint(tx, fp);
  if (existing?.state === 'open' && existing.ticketId) return existing.ticketId;
  const units = await targetUnits(
    tx,
    targetId,
    now.getTime() - SILENCE_INTERVALS * policy.intervalSec * 1000,
  );
  if (!isUpstreamOutage(units)) return null;
  const root = (await rootUnit(tx))!;
  const cause = existing ?? causeRow(fp, root.id, 'upstream', targetId, now);
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
  await saveFaults(tx, [cause]);
  const kids = await tx
    .select()
    .from(faults)
    .where(
      and(
        eq(faults.check, 'target'),
        eq(faults.subject, targetId),
        inArray(faults.state, ['pending', 'open', 'recovering']),
        isNull(faults.parentTicketId),
        ne(faults.deviceId, deviceId),
      ),
    );
  await attachChildren(tx, deps, cause.ticketId!, kids, SYSTEM);
  return cause.ticketId;
}

/**
 * The cause recovered: resolve its ticket; children recover with it, or, still bad, are detached to
 * become tickets of their own if they stay bad.
 */
export async function resolveCause(
  tx: Db,
  deps: AppDeps,
  cause: FaultRow,
  data: Record<string, unknown>,
): Promise<void> {
  const now = deps.clock.now();
  await resolveFault(tx, deps, cause, SYSTEM, data);
  Object.assign(cause, { state: 'ok', badStreak: 0, goodStreak: 1, lastChangeAt: now });
  const kids = cause.ticketId ? await faultsByParent(tx, cause.ticketId) : [];
  const save: FaultRow[] = [cause];
  const drop: string[] = [];
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
    if (k.state === 'ok' && !k.ticketId) drop.push(k.fingerprint);
    else save.push(k);
  }
  await saveFaults(tx, save);
  if (drop.length > 0) await tx.delete(faults).where(inArray(faults.fingerprint, drop));
  if (kids.length > 0)
    await refreshDeviceCounts(tx, [...new Set(kids.map((k) => k.deviceId!).filter(Boolean))]);
}

/** Recomputes `active_faults` of devices whose fault rows changed outside their own ingest. */
export async function refreshDeviceCounts(tx: Db, deviceIds: readonly string[]): Promise<void> {
  if (deviceIds.length === 0) return;
  await tx.run(sql`
    UPDATE devices SET active_faults = (
      SELECT count(*) FROM faults f WHERE f.device_id = devices.id AND f.state <> 'ok'
    ) WHERE id IN (${sql.join(
      deviceIds.map((d) => sql`${d}`),
      sql`, `,
    )})`);
}

/** After a child target fault recovered: does the upstream outage still hold? */
export async function reconsiderUpstream(
  tx: Db,
  deps: AppDeps,
  targetId: string,
  policy: PolicyValues,
): Promise<void> {
  const cause = await faultByFingerprint(tx, upstreamFingerprint(targetId));
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
export async function reconsiderSite(tx: Db, deps: AppDeps, unitId: string): Promise<void> {
  const cause = await faultByFingerprint(tx, siteDownFingerprint(unitId));
  if (cause?.state !== 'open') return;
  await resolveCause(tx, deps, cause, { reason: 'site_reporting_again' });
}

/** Every device of a unit is silent: one "site offline" ticket with the silence faults under it. */
export async function openSiteDown(
  tx: Db,
  deps: AppDeps,
  unitId: string,
  silenceRows: FaultRow[],
  policy: PolicyValues,
): Promise<string> {
  const now = deps.clock.now();
  const fp = siteDownFingerprint(unitId);
  const existing = await faultByFingerprint(tx, fp);
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
  const cause = existing ?? causeRow(fp, unitId, 'site_down', '*', now);
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
  await saveFaults(tx, [cause]);
  await attachChildren(tx, deps, cause.ticketId!, silenceRows, SYSTEM);
  return cause.ticketId!;
}
