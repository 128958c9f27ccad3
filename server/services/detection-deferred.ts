/**
 * Faults recorded while a maintenance window covered them open no ticket; when the window ends and
 * they are still bad, they open tickets then. This sweep (the windows job) also puts device statuses
 * in and out of "maintenance" as windows start and end.
 *
 * One write (ADR 0203): fault rows through the write's fault unit of work (each guarded on the state
 * it was read in, so a report that resolved one meanwhile makes the job decide again), tickets
 * through ticket-core, statuses computed by SQL at commit time from the batch's own fault rows.
 */
import { and, eq, isNull, notInArray, sql } from 'drizzle-orm';
import { FaultWork } from '../db/repos/faults.js';
import { devices, faults } from '../db/schema.js';
import type { AppDeps } from '../deps.js';
import { type EvidenceReading, trailing } from '../domain/detection.js';
import { openUnderCause } from './detection-groups.js';
import { agentActor } from './fault-tickets.js';
import { devicePolicy } from './policy.js';
import { deviceInWindow } from './windows.js';

export interface DeferredResult {
  ticketsOpened: number;
  statusChanged: number;
}

export async function openDeferredFaults(deps: AppDeps, now: Date): Promise<DeferredResult> {
  const db = deps.store.read;
  const pending = await db
    .select({ f: faults, hostname: devices.hostname, policyOverride: devices.policyOverride })
    .from(faults)
    .innerJoin(devices, eq(devices.id, faults.deviceId))
    .where(
      and(
        eq(faults.state, 'open'),
        isNull(faults.ticketId),
        isNull(faults.parentTicketId),
        // Causes open their own tickets; silence is the silence job's (it groups whole sites first).
        notInArray(faults.check, ['upstream', 'site_down', 'silence']),
        isNull(devices.revokedAt),
      ),
    );
  const devs = await db
    .select({
      id: devices.id,
      unitId: devices.unitId,
      status: devices.status,
      activeFaults: devices.activeFaults,
    })
    .from(devices)
    .where(isNull(devices.revokedAt));
  const inWindow = new Map<string, boolean>();
  for (const d of devs) inWindow.set(d.id, await deviceInWindow(deps, d, now));

  const due = pending.filter((p) => !inWindow.get(p.f.deviceId!));
  const policies = new Map<string, Awaited<ReturnType<typeof devicePolicy>>>();
  for (const p of due)
    policies.set(
      p.f.deviceId!,
      await devicePolicy(deps, { unitId: p.f.unitId, policyOverride: p.policyOverride }),
    );

  return deps.store.write(
    async (tx) => {
      const res: DeferredResult = { ticketsOpened: 0, statusChanged: 0 };
      const work = FaultWork.of(tx);
      for (const p of due) {
        // As committed now (or as this write decided it): a report may have resolved it since.
        const row = await work.get(p.f.fingerprint);
        if (row?.state !== 'open' || row.ticketId || row.parentTicketId) continue;
        await openUnderCause(tx, deps, row, {
          actor: agentActor({ id: row.deviceId!, unitId: row.unitId, hostname: p.hostname }),
          hostname: p.hostname,
          subjectLabel: row.subject,
          evidence: {
            check: row.check,
            subject: row.subject,
            readings: trailing((row.evidence ?? []) as EvidenceReading[], true),
            deferredByMaintenanceWindow: true,
          },
          policy: policies.get(row.deviceId!)!,
        });
        if (row.ticketId) res.ticketsOpened++;
      }
      work.flush();
      // Status in and out of maintenance.
      const enter = devs.filter((d) => inWindow.get(d.id) && d.status !== 'maintenance').map((d) => d.id);
      const leave = devs.filter((d) => !inWindow.get(d.id) && d.status === 'maintenance').map((d) => d.id);
      if (enter.length > 0) {
        tx.add(
          sql`UPDATE devices SET status = 'maintenance'
              WHERE id IN (SELECT value FROM json_each(${JSON.stringify(enter)}))`,
        );
        res.statusChanged += enter.length;
      }
      if (leave.length > 0) {
        // Computed at commit time, after this batch's fault rows.
        tx.add(
          sql`
          UPDATE devices SET status = CASE
            WHEN EXISTS (SELECT 1 FROM faults f WHERE f.device_id = devices.id AND f."check" = 'silence' AND f.state = 'open') THEN 'silent'
            WHEN EXISTS (SELECT 1 FROM faults f WHERE f.device_id = devices.id AND f.state IN ('open', 'recovering')) THEN 'degraded'
            ELSE 'ok' END
          WHERE id IN (SELECT value FROM json_each(${JSON.stringify(leave)}))`,
        );
        res.statusChanged += leave.length;
      }
      return res;
    },
    { label: 'windows' },
  );
}
