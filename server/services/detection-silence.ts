/**
 * Agent silence (no report for 3 × intervalSec) and site-down grouping, run by the scheduler.
 *
 * Grace after an outage of the server itself: if this job has not run for longer than
 * `SCHEDULER_GAP_MS` (the server or its scheduler was down), no device is called silent until 3 intervals plus
 * the agents' longest retry backoff have passed since the server came back — agents that failed to
 * deliver during the outage are backing off and return on their own; the server must not blame them
 * for its own absence (a short outage once opened a "site offline" ticket per unit). The job's last
 * run and the grace start are kept in the `meta` table, so this holds across server processes and on
 * Workers.
 *
 * A silence that ends and comes back is a returning fault: its row (kept `ok` with its ticket after
 * the auto-resolve) opens again through `openFault`, which reopens the ticket within 24 h.
 *
 * One write (ADR 0203): fault rows through the write's fault unit of work, tickets through
 * ticket-core; each device whose silence this run decides is guarded on the last-seen time it read,
 * so a report that lands meanwhile makes the run decide again.
 */
import { and, eq, isNull } from 'drizzle-orm';
import { type FaultRow, FaultWork } from '../db/repos/faults.js';
import { devices, faults, meta } from '../db/schema.js';
import type { Db, WriteTx } from '../db/store.js';
import type { AppDeps } from '../deps.js';
import { type EvidenceReading, isSilent, SILENCE_INTERVALS } from '../domain/detection.js';
import { fingerprint, siteDownFingerprint } from '../domain/fingerprint.js';
import { isSiteDown } from '../domain/grouping.js';
import { openSiteDown, resolveCause } from './detection-groups.js';
import { openFault, SYSTEM } from './fault-tickets.js';
import { devicePolicy } from './policy.js';
import { deviceInWindow, unitInWindow } from './windows.js';

/**
 * A gap between two runs longer than this means the scheduler or the server was down. About one
 * (default, 60 s) agent interval beyond the scheduler's own cadence — 15 s on Node, once a minute on
 * Workers' cron, up to 2 min when runs are slow — since a grace granted at every run would mean no
 * device is ever called silent. A 3-minute outage is well past it.
 */
export const SCHEDULER_GAP_MS = 150_000;

/**
 * The agents' longest retry backoff (agent/net/backoff.ts `DEFAULT_BACKOFF.maxMs`; the server does
 * not import the agent). After an outage every device gets 3 intervals plus this before silence.
 */
export const AGENT_MAX_BACKOFF_MS = 5 * 60_000;

const LAST_RUN = 'silence.last_run_at';
const GRACE_FROM = 'silence.grace_from';

async function getMeta(tx: Db, key: string): Promise<string | undefined> {
  return (await tx.select().from(meta).where(eq(meta.key, key)).limit(1))[0]?.value;
}

async function setMeta(tx: WriteTx, key: string, value: string): Promise<void> {
  await tx.insert(meta).values({ key, value }).onConflictDoUpdate({ target: meta.key, set: { value } });
}

/**
 * The instant silence is measured from at the earliest, updating the job's bookkeeping: after a gap
 * longer than `SCHEDULER_GAP_MS` since the last run (server or scheduler down), the server's return plus the
 * agents' longest backoff; on the very first run (a new installation: no agent has been failing
 * against it), that run.
 */
async function graceFrom(tx: WriteTx, now: Date): Promise<number> {
  const last = await getMeta(tx, LAST_RUN);
  let grace = Number((await getMeta(tx, GRACE_FROM)) ?? 0);
  if (!last || now.getTime() - Date.parse(last) > SCHEDULER_GAP_MS) {
    grace = now.getTime() + (last ? AGENT_MAX_BACKOFF_MS : 0);
    await setMeta(tx, GRACE_FROM, String(grace));
  }
  await setMeta(tx, LAST_RUN, now.toISOString());
  return grace;
}

export interface SilenceResult {
  silent: number;
  ticketsOpened: number;
  sitesDown: number;
  sitesRecovered: number;
}

export async function runSilenceCheck(deps: AppDeps, now: Date): Promise<SilenceResult> {
  // Policies and windows are read (and cached) before the write, which must stay short.
  const devs = await deps.store.read
    .select({
      id: devices.id,
      unitId: devices.unitId,
      hostname: devices.hostname,
      lastSeenAt: devices.lastSeenAt,
      enrolledAt: devices.enrolledAt,
      status: devices.status,
      policyOverride: devices.policyOverride,
    })
    .from(devices)
    .where(isNull(devices.revokedAt));
  const info = new Map<string, { intervalSec: number; inWindow: boolean }>();
  for (const d of devs) {
    const policy = await devicePolicy(deps, d);
    info.set(d.id, { intervalSec: policy.intervalSec, inWindow: await deviceInWindow(deps, d, now) });
  }
  const unitWindows = new Map<string, boolean>();
  for (const u of new Set(devs.map((d) => d.unitId))) unitWindows.set(u, await unitInWindow(deps, u, now));

  return deps.store.write(
    async (tx) => {
      const res: SilenceResult = { silent: 0, ticketsOpened: 0, sitesDown: 0, sitesRecovered: 0 };
      const work = FaultWork.of(tx);
      const grace = await graceFrom(tx, now);
      const rows = new Map(
        (await work.where(eq(faults.check, 'silence'), (r) => r.check === 'silence')).map((r) => [
          r.deviceId!,
          r,
        ]),
      );
      // Last-seen and status as committed now: a report may have landed since the read above.
      const fresh = new Map(
        (
          await tx
            .select({ id: devices.id, lastSeenAt: devices.lastSeenAt, status: devices.status })
            .from(devices)
            .where(isNull(devices.revokedAt))
        ).map((r) => [r.id, r]),
      );
      const byUnit = new Map<string, { d: (typeof devs)[number]; silent: boolean }[]>();
      for (const d of devs) {
        const f = fresh.get(d.id);
        if (!f) continue;
        const seen = (f.lastSeenAt ?? d.enrolledAt ?? now).getTime();
        const since = Math.max(seen, d.enrolledAt.getTime(), grace);
        const silent = isSilent(since, info.get(d.id)!.intervalSec, now.getTime());
        const list = byUnit.get(d.unitId) ?? [];
        list.push({ d, silent });
        byUnit.set(d.unitId, list);
      }

      /** Devices whose silence this run decided something about. */
      const decided = new Set<string>();
      /** Devices this run found newly silent (no row, or a row back to `ok`): their silence (re)opens. */
      const began = new Set<string>();
      for (const [unitId, list] of byUnit) {
        const silentRows: FaultRow[] = [];
        for (const { d, silent } of list) {
          if (!silent) continue;
          res.silent++;
          let row = rows.get(d.id);
          if (!row || row.state === 'ok') {
            const lastSeen = fresh.get(d.id)?.lastSeenAt ?? null;
            const reading: EvidenceReading = {
              seq: null,
              at: now.toISOString(),
              bad: true,
              value: lastSeen ? `last report ${lastSeen.toISOString()}` : 'never reported',
            };
            const next = {
              severity: 'major',
              category: 'network',
              state: 'open',
              badStreak: 1,
              goodStreak: 0,
              firstBadAt: lastSeen ?? d.enrolledAt,
              lastChangeAt: now,
              evidence: [reading],
            };
            if (row) Object.assign(row, next);
            else
              row = work.save({
                fingerprint: fingerprint(d.id, 'silence', '-'),
                deviceId: d.id,
                unitId: d.unitId,
                check: 'silence',
                subject: '-',
                ticketId: null,
                parentTicketId: null,
                resolvedAt: null,
                lastSeq: null,
                ...next,
              });
            rows.set(d.id, row);
            decided.add(d.id);
            began.add(d.id);
          }
          silentRows.push(row);
        }

        const siteFp = siteDownFingerprint(unitId);
        const siteDown = isSiteDown(list) && !unitWindows.get(unitId);
        if (siteDown) {
          const wasOpen = (await work.get(siteFp))?.state === 'open';
          const policy = await devicePolicy(deps, list[0]!.d);
          const ticket = await openSiteDown(tx, deps, unitId, silentRows, policy);
          if (ticket && !wasOpen) res.sitesDown++;
          for (const r of silentRows) decided.add(r.deviceId!);
          continue; // no ticket (routing failed): the cause stays open and the next run tries again
        }
        // Not a whole site (any more): a site-down cause still open recovers; its children are the
        // rows above (the same in-memory rows), detached or recovered by resolveCause.
        const site = await work.get(siteFp);
        if (site?.state === 'open' && !isSiteDown(list)) {
          await resolveCause(tx, deps, site, { reason: 'site_reporting_again' });
          res.sitesRecovered++;
          for (const r of silentRows) decided.add(r.deviceId!);
        }
        for (const row of silentRows) {
          if (row.parentTicketId) continue; // under a site ticket
          // A ticket of this silence is already there; a ticket from an earlier silence (kept on the
          // row after it auto-resolved) is the returning fault's: openFault reopens it within 24 h,
          // or opens a new one after that.
          if (row.ticketId && !began.has(row.deviceId!)) continue;
          if (info.get(row.deviceId!)!.inWindow) continue;
          const interval = info.get(row.deviceId!)!.intervalSec;
          // A child detached from a recovered site waits 3 more intervals before its own ticket.
          if (row.state === 'pending') {
            if (now.getTime() - row.lastChangeAt.getTime() <= SILENCE_INTERVALS * interval * 1000) continue;
            row.state = 'open';
          }
          if (row.state !== 'open') continue;
          const d = list.find((x) => x.d.id === row.deviceId)!.d;
          await openFault(tx, deps, row, {
            actor: SYSTEM,
            hostname: d.hostname,
            subjectLabel: '-',
            evidence: { check: 'silence', readings: row.evidence },
            policy: await devicePolicy(deps, d),
          });
          if (row.ticketId) res.ticketsOpened++;
          decided.add(row.deviceId!);
        }
      }
      // Status: silent devices show "silent" (or "maintenance" inside a window). Every device this
      // run decided about, or whose status it sets, is guarded on the last-seen time read above.
      for (const [, list] of byUnit)
        for (const { d, silent } of list) {
          if (!silent) continue;
          const f = fresh.get(d.id)!;
          const status = info.get(d.id)!.inWindow ? 'maintenance' : 'silent';
          if (f.status === status && !decided.has(d.id)) continue;
          tx.guard(
            tx
              .update(devices)
              .set({ status })
              .where(
                and(
                  eq(devices.id, d.id),
                  f.lastSeenAt ? eq(devices.lastSeenAt, f.lastSeenAt) : isNull(devices.lastSeenAt),
                ),
              ),
            `device ${d.id} still silent`,
          );
        }
      // The fault rows, then the devices' active_faults recounted from them at commit time.
      work.flush();
      return res;
    },
    { label: 'silence' },
  );
}
