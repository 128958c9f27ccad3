/**
 * Report ingest: a validated batch → durably stored reports, the device's latest reading, the
 * peripheral inventory and detection — in ONE write through the group-commit writer, so the 200 that
 * follows means "committed" and many agents' batches share a commit.
 *
 * Per-report work is kept cheap: checks are evaluated before the write (pure), reports go in with one
 * multi-row `INSERT … ON CONFLICT DO NOTHING RETURNING seq` (idempotency by primary key), the device
 * row is updated once per batch, and a device with no fault rows whose reports are all healthy skips
 * the fault engine entirely. Reports older than the newest already evaluated (a late spool, a
 * replay) are stored for history but never moved a hysteresis streak backwards in time.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Report, ReportsResponse } from '../../shared/schemas/agent.js';
import { devices, peripheralsSeen } from '../db/schema.js';
import type { Db } from '../db/store.js';
import type { AppDeps } from '../deps.js';
import { evaluateReport, type Observation } from '../domain/detection.js';
import { fail } from '../http/problem.js';
import { sha256Hex } from '../security/crypto.js';
import { type AgentPrincipal, badAgentToken } from './agent-enroll.js';
import { detectReports, type ReportItem } from './detection.js';
import { devicePolicy } from './policy.js';
import { deviceInWindow } from './windows.js';

/** collectedAt may lead the server's clock by at most this much (agent clocks drift; a day is absurd). */
export const MAX_CLOCK_LEAD_MS = 24 * 3_600_000;

interface Prepared {
  seq: number;
  collectedAtMs: number;
  body: string;
  report: Report;
}

/** Rejects what the schema cannot judge without a clock; returns the batch in seq order, deduplicated. */
export function prepareBatch(
  reports: readonly Report[],
  nowMs: number,
): { items: Prepared[]; dupInBatch: number } {
  const errors: { path: string; message: string }[] = [];
  const bySeq = new Map<number, Prepared>();
  let dupInBatch = 0;
  reports.forEach((r, i) => {
    const at = Date.parse(r.collectedAt);
    if (at > nowMs + MAX_CLOCK_LEAD_MS)
      errors.push({
        path: `reports.${i}.collectedAt`,
        message: 'more than 24 hours ahead of the server clock; fix the PC clock',
      });
    if (bySeq.has(r.seq)) {
      dupInBatch++;
      return;
    }
    bySeq.set(r.seq, { seq: r.seq, collectedAtMs: at, body: JSON.stringify(r), report: r });
  });
  if (errors.length > 0)
    throw fail.invalid(
      {
        vi: 'Thời điểm thu thập của báo cáo vượt quá đồng hồ máy chủ hơn 24 giờ; hãy chỉnh giờ máy trạm.',
        en: 'A report is dated more than 24 hours ahead of the server clock; fix the PC clock.',
      },
      errors,
    );
  const items = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  return { items, dupInBatch };
}

function peripheralKey(p: Report['peripherals'][number]): string {
  return `${p.kind}|${p.vendorId ?? ''}:${p.productId ?? ''}|${p.serial || p.name}`;
}

async function writeInventory(tx: Db, deviceId: string, report: Report, now: Date): Promise<void> {
  const seen = new Map<string, Report['peripherals'][number]>();
  for (const p of report.peripherals) {
    const k = peripheralKey(p);
    // The same physical device listed twice (e.g. a printer seen by USB and by the spooler): connected wins.
    if (!seen.has(k) || p.connected) seen.set(k, p);
  }
  await tx.update(peripheralsSeen).set({ connected: false }).where(eq(peripheralsSeen.deviceId, deviceId));
  const rows = [...seen].map(([key, p]) => ({
    deviceId,
    key,
    kind: p.kind,
    name: p.name,
    vendorId: p.vendorId ?? null,
    productId: p.productId ?? null,
    serial: p.serial ?? null,
    connected: p.connected,
    firstSeenAt: now,
    lastSeenAt: now,
  }));
  for (let i = 0; i < rows.length; i += 50)
    await tx
      .insert(peripheralsSeen)
      .values(rows.slice(i, i + 50))
      .onConflictDoUpdate({
        target: [peripheralsSeen.deviceId, peripheralsSeen.key],
        set: {
          name: sql`excluded.name`,
          connected: sql`excluded.connected`,
          lastSeenAt: sql`excluded.last_seen_at`,
        },
      });
}

function peripheralsFingerprint(r: Report): string {
  return r.peripherals
    .map((p) => `${peripheralKey(p)}=${p.connected ? 1 : 0}`)
    .sort()
    .join(';');
}

export async function ingestReports(
  deps: AppDeps,
  agent: AgentPrincipal,
  reports: readonly Report[],
): Promise<ReportsResponse> {
  const now = deps.clock.now();
  const { items, dupInBatch } = prepareBatch(reports, now.getTime());
  const policy = await devicePolicy(deps, agent);
  const inWindow = await deviceInWindow(deps, { id: agent.deviceId, unitId: agent.unitId }, now);
  const observations = new Map<number, Observation[]>();
  let anyBad = false;
  for (const it of items) {
    const obs = evaluateReport(it.report, policy);
    observations.set(it.seq, obs);
    if (!anyBad) anyBad = obs.some((o) => o.bad);
  }
  const newest = items[items.length - 1]!;
  const periphHash = await sha256Hex(peripheralsFingerprint(newest.report));
  const nowMs = now.getTime();

  const result = await deps.store.write(
    async (tx) => {
      const dev = (
        await tx
          .select({
            id: devices.id,
            unitId: devices.unitId,
            hostname: devices.hostname,
            lastSeq: devices.lastSeq,
            status: devices.status,
            activeFaults: devices.activeFaults,
            peripheralsHash: devices.peripheralsHash,
          })
          .from(devices)
          .where(
            and(
              eq(devices.id, agent.deviceId),
              eq(devices.tokenHash, agent.tokenHash),
              sql`${devices.revokedAt} IS NULL`,
            ),
          )
          .limit(1)
      )[0];
      if (!dev) throw badAgentToken(); // revoked or re-enrolled meanwhile (perhaps by another process)

      const values = sql.join(
        items.map((r) => sql`(${agent.deviceId}, ${r.seq}, ${r.collectedAtMs}, ${nowMs}, ${r.body})`),
        sql`, `,
      );
      const inserted = await tx.all<{ seq: number }>(
        sql`INSERT INTO reports (device_id, seq, collected_at, received_at, body) VALUES ${values}
            ON CONFLICT DO NOTHING RETURNING seq`,
      );
      const insertedSeqs = new Set(inserted.map((r) => Number(r.seq)));
      const fresh = items.filter((r) => insertedSeqs.has(r.seq) && r.seq > dev.lastSeq);
      const newestFresh = fresh[fresh.length - 1];
      const inventoryChanged = newestFresh === newest && periphHash !== dev.peripheralsHash;

      let status = dev.status;
      let activeFaults = dev.activeFaults;
      const needDetection =
        fresh.length > 0 && (anyBad || dev.activeFaults > 0 || dev.status !== 'ok' || inWindow);
      if (needDetection) {
        const reportItems: ReportItem[] = fresh.map((r) => ({
          seq: r.seq,
          collectedAt: r.report.collectedAt,
          obs: observations.get(r.seq) ?? [],
        }));
        const d = await detectReports(tx, deps, dev, reportItems, policy, inWindow);
        status = d.status;
        activeFaults = d.activeFaults;
      } else if (fresh.length > 0 && dev.status !== 'ok') status = 'ok';

      await tx.run(sql`
        UPDATE devices SET
          last_seen_at = ${nowMs},
          reports_received = reports_received + ${inserted.length},
          status = ${status},
          active_faults = ${activeFaults},
          updated_at = ${nowMs}
          ${newestFresh ? sql`, last_seq = ${newestFresh.seq}, latest = ${newestFresh.body}, latest_at = ${newestFresh.collectedAtMs}` : sql``}
          ${inventoryChanged ? sql`, peripherals_hash = ${periphHash}` : sql``}
        WHERE id = ${agent.deviceId}`);
      if (inventoryChanged) await writeInventory(tx, agent.deviceId, newest.report, now);
      return {
        accepted: inserted.length,
        duplicates: items.length - inserted.length + dupInBatch,
        lastSeq: Math.max(dev.lastSeq, newestFresh?.seq ?? 0),
      };
    },
    { label: 'ingest' },
  );
  deps.metrics.reportsIngested.inc({}, result.accepted);
  if (result.duplicates > 0) deps.metrics.reportsDuplicate.inc({}, result.duplicates);
  return result;
}
