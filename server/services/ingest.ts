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
 *
 * A report may carry the PC's inventory (once a day; ADR 0520): it is taken out of the report before
 * the report is stored (raw history and `latest` stay small) and becomes the device's inventory,
 * with the changes from the previous one recorded (ADR 0522) — in the same write, in a savepoint.
 */
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Inventory, Report, ReportsResponse } from '../../shared/schemas/agent.js';
import type { PolicyValues } from '../../shared/schemas/policy.js';
import {
  type BatchRow,
  type DeviceIngestRow,
  type DeviceUpdate,
  deleteBatches,
  deleteReports,
  devicesForIngest,
  insertBatches,
  insertMaybeStoredReports,
  insertNewReports,
  type ReportKey,
  updateIngestedDevices,
} from '../db/repos/reports.js';
import { deviceInventoryChanges, devices, peripheralsSeen } from '../db/schema.js';
import type { Db, Tx } from '../db/store.js';
import type { AppDeps } from '../deps.js';
import { evaluateReport, type Observation } from '../domain/detection.js';
import { inventoryChanges } from '../domain/inventory-changes.js';
import { fail } from '../http/problem.js';
import { newId } from '../security/crypto.js';
import { type AgentPrincipal, badAgentToken } from './agent-enroll.js';
import { detectReports, type ReportItem } from './detection.js';
import { refreshDeviceCounts } from './detection-groups.js';
import { devicePolicy } from './policy.js';
import { deviceInWindow } from './windows.js';

/** collectedAt may lead the server's clock by at most this much (agent clocks drift; a day is absurd). */
export const MAX_CLOCK_LEAD_MS = 24 * 3_600_000;

interface Prepared {
  seq: number;
  collectedAtMs: number;
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
    bySeq.set(r.seq, { seq: r.seq, collectedAtMs: at, report: r });
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

/** One agent request waiting for the next group write. */
interface Job {
  agent: AgentPrincipal;
  items: Prepared[];
  /** `{"reports": items}` serialised once; the stored batch every new report of this request points into. */
  batchBody: string;
  dupInBatch: number;
  observations: Map<number, Observation[]>;
  anyBad: boolean;
  policy: PolicyValues;
  inWindow: boolean;
  periphHash: string;
  /** The newest inventory in this request, and the seq of the report that carried it. */
  inventory?: { seq: number; value: Inventory };
  resolve: (r: ReportsResponse) => void;
  reject: (e: unknown) => void;
}

type Outcome = { ok: true; value: ReportsResponse } | { ok: false; error: unknown };

/** At most this many requests per group write. */
const MAX_JOBS = 512;

/**
 * Collects the ingest requests of one event-loop turn and writes them as ONE unit of work: one
 * SELECT of their devices, multi-row INSERTs of all their reports, one UPDATE of all their devices.
 * The group-commit writer then commits it (with any other writes of the moment) in one transaction.
 */
class IngestBatcher {
  private queue: Job[] = [];
  private scheduled = false;
  constructor(private readonly deps: AppDeps) {}

  submit(job: Omit<Job, 'resolve' | 'reject'>): Promise<ReportsResponse> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ...job, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        nextTurn(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    while (this.queue.length > 0) {
      const jobs = this.queue.splice(0, MAX_JOBS);
      this.deps.metrics.ingestGroupSize.observe(jobs.length);
      let outcomes: Outcome[];
      try {
        outcomes = await this.deps.store.write((tx) => writeGroup(tx, this.deps, jobs), { label: 'ingest' });
      } catch (e) {
        for (const j of jobs) j.reject(e);
        continue;
      }
      outcomes.forEach((o, i) => {
        const j = jobs[i]!;
        if (o.ok) {
          this.deps.metrics.reportsIngested.inc({}, o.value.accepted);
          if (o.value.duplicates > 0) this.deps.metrics.reportsDuplicate.inc({}, o.value.duplicates);
          j.resolve(o.value);
        } else j.reject(o.error);
      });
    }
  }
}

const nextTurn: (fn: () => void) => void =
  typeof (globalThis as { setImmediate?: unknown }).setImmediate === 'function'
    ? (fn) => (globalThis as unknown as { setImmediate: (f: () => void) => void }).setImmediate(fn)
    : (fn) => setTimeout(fn, 0);

const batchers = new WeakMap<AppDeps, IngestBatcher>();

function batcherOf(deps: AppDeps): IngestBatcher {
  let b = batchers.get(deps);
  if (!b) {
    b = new IngestBatcher(deps);
    batchers.set(deps, b);
  }
  return b;
}

interface DeviceState extends DeviceIngestRow {
  // accumulated by this group
  received: number;
  latest?: Prepared;
  newHash?: string;
  touched: boolean;
}

async function writeGroup(tx: Db, deps: AppDeps, jobs: Job[]): Promise<Outcome[]> {
  const now = deps.clock.now();
  const nowMs = now.getTime();
  const rows = await devicesForIngest(tx, [...new Set(jobs.map((j) => j.agent.deviceId))]);
  const devs = new Map(rows.map((r) => [r.id, { ...r, received: 0, touched: false } as DeviceState]));
  const outcomes: Outcome[] = new Array(jobs.length);
  let ranDetection = false;

  // Authorise inside the write: a token revoked or replaced (by any process) since the early check fails here.
  const valid: number[] = [];
  jobs.forEach((j, i) => {
    const d = devs.get(j.agent.deviceId);
    if (!d || d.revokedAt !== null || d.tokenHash !== j.agent.tokenHash)
      outcomes[i] = { ok: false, error: badAgentToken() };
    else valid.push(i);
  });

  // A seq above the device's last stored seq (read in this same write) cannot be stored yet: those
  // rows go in without RETURNING. Only replays and late spools (seq ≤ last) need to learn which are new.
  const claimed = new Set<string>();
  const sure: ReportKey[] = [];
  const maybe: ReportKey[] = [];
  const batches: BatchRow[] = [];
  const batchOf = new Map<number, string>();
  const mineOf = new Map<number, Prepared[]>();
  const maybeOf = new Map<number, Prepared[]>();
  for (const i of valid) {
    const j = jobs[i]!;
    const d = devs.get(j.agent.deviceId)!;
    const mine: Prepared[] = [];
    const unsure: Prepared[] = [];
    const batchId = newId(nowMs);
    j.items.forEach((r, idx) => {
      const key = `${d.id}|${r.seq}`;
      if (claimed.has(key)) return; // sent twice in one group: the first request stores it
      claimed.add(key);
      const row: ReportKey = [d.id, r.seq, r.collectedAtMs, batchId, idx];
      if (r.seq > d.lastSeq) {
        sure.push(row);
        mine.push(r);
      } else {
        maybe.push(row);
        unsure.push(r);
      }
    });
    mineOf.set(i, mine);
    maybeOf.set(i, unsure);
    if (mine.length + unsure.length > 0) {
      batches.push({ id: batchId, deviceId: d.id, body: j.batchBody });
      batchOf.set(i, batchId);
    }
  }
  await insertBatches(tx, batches, nowMs);
  await insertNewReports(tx, sure, nowMs);
  const stored = await insertMaybeStoredReports(tx, maybe, nowMs);
  const unused: string[] = [];

  for (const i of valid) {
    const j = jobs[i]!;
    const d = devs.get(j.agent.deviceId)!;
    const mine = [...mineOf.get(i)!, ...maybeOf.get(i)!.filter((r) => stored.has(`${d.id}|${r.seq}`))].sort(
      (a, b) => a.seq - b.seq,
    );
    const before = { lastSeq: d.lastSeq, status: d.status, activeFaults: d.activeFaults };
    const fresh = mine.filter((r) => r.seq > d.lastSeq);
    const newestFresh = fresh[fresh.length - 1];
    const newest = j.items[j.items.length - 1]!;
    try {
      const needDetection =
        fresh.length > 0 && (j.anyBad || d.activeFaults > 0 || d.status !== 'ok' || j.inWindow);
      if (needDetection) {
        const items: ReportItem[] = fresh.map((r) => ({
          seq: r.seq,
          collectedAt: r.report.collectedAt,
          obs: j.observations.get(r.seq) ?? [],
        }));
        // Its own savepoint: a failure here undoes this device's detection work only.
        const res = await (tx as unknown as Tx).transaction(async (sp) => {
          // Grouping reads other devices' latest readings (and this one's): make this one current first.
          if (newestFresh) await markLatest(sp as unknown as Db, d.id, newestFresh, nowMs);
          return detectReports(sp as unknown as Db, deps, d, items, j.policy, j.inWindow);
        });
        d.status = res.status;
        d.activeFaults = res.activeFaults;
        ranDetection = true;
      } else if (fresh.length > 0 && d.status !== 'ok') d.status = 'ok';
      if (newestFresh === newest && j.periphHash !== (d.newHash ?? d.peripheralsHash)) {
        await writeInventory(tx, d.id, newest.report, now);
        d.newHash = j.periphHash;
      }
      const inv = j.inventory;
      // Only from a report stored by this request: a replayed one's inventory was taken the first time.
      if (inv && mine.some((r) => r.seq === inv.seq))
        await (tx as unknown as Tx).transaction((sp) =>
          storeInventory(sp as unknown as Db, d.id, inv.value, nowMs),
        );
    } catch (error) {
      // Nothing of this request may stay: take its reports (and their batch) back out.
      await deleteReports(
        tx,
        d.id,
        mine.map((r) => r.seq),
      );
      if (batchOf.has(i)) unused.push(batchOf.get(i)!);
      Object.assign(d, before);
      outcomes[i] = { ok: false, error };
      continue;
    }
    if (mine.length === 0 && batchOf.has(i)) unused.push(batchOf.get(i)!); // a full replay: nothing new
    d.touched = true;
    d.received += mine.length;
    if (newestFresh) {
      d.lastSeq = newestFresh.seq;
      d.latest = newestFresh;
    }
    outcomes[i] = {
      ok: true,
      value: {
        accepted: mine.length,
        duplicates: j.items.length - mine.length + j.dupInBatch,
        lastSeq: d.lastSeq,
      },
    };
  }

  await deleteBatches(tx, unused);
  const touched = [...devs.values()].filter((d) => d.touched);
  await updateIngestedDevices(
    tx,
    touched.map(
      (d): DeviceUpdate => [
        d.id,
        d.received,
        d.status,
        d.activeFaults,
        d.latest ? d.lastSeq : null,
        d.latest ? JSON.stringify(d.latest.report) : null,
        d.latest?.collectedAtMs ?? null,
        d.newHash ?? null,
      ],
    ),
    nowMs,
  );
  // Grouping may have moved other devices' fault rows (children of a cause): recount from the rows.
  if (ranDetection)
    await refreshDeviceCounts(
      tx,
      touched.map((d) => d.id),
    );
  return outcomes;
}

/** Changes kept per device (the newest). */
export const INVENTORY_CHANGES_KEPT = 200;

/**
 * Makes `inv` the device's inventory unless a newer one is stored already (a late spool, a replay),
 * and records what changed from the previous one, keeping the newest INVENTORY_CHANGES_KEPT.
 * Reads happen before writes (the D1 store runs writes as one batch at commit).
 */
async function storeInventory(tx: Db, deviceId: string, inv: Inventory, nowMs: number): Promise<void> {
  // The PC's clock may lead the server's (reports are accepted up to a day ahead): never store the future.
  const atMs = Math.min(Date.parse(inv.collectedAt), nowMs);
  const row = (
    await tx
      .select({ inventory: devices.inventory, inventoryAt: devices.inventoryAt })
      .from(devices)
      .where(eq(devices.id, deviceId))
      .limit(1)
  )[0];
  if (!row || (row.inventoryAt && row.inventoryAt.getTime() >= atMs)) return;
  const changes = row.inventory ? inventoryChanges(row.inventory as Inventory, inv) : [];
  const at = new Date(atMs);
  await tx
    .update(devices)
    .set({ inventory: inv as Record<string, unknown>, inventoryAt: at })
    .where(eq(devices.id, deviceId));
  if (changes.length === 0) return;
  const older = await tx
    .select({ id: deviceInventoryChanges.id })
    .from(deviceInventoryChanges)
    .where(eq(deviceInventoryChanges.deviceId, deviceId))
    .orderBy(desc(deviceInventoryChanges.at), desc(deviceInventoryChanges.ord));
  const drop = older.slice(Math.max(0, INVENTORY_CHANGES_KEPT - changes.length)).map((o) => o.id);
  for (let i = 0; i < drop.length; i += 50)
    await tx
      .delete(deviceInventoryChanges)
      .where(
        and(
          eq(deviceInventoryChanges.deviceId, deviceId),
          inArray(deviceInventoryChanges.id, drop.slice(i, i + 50)),
        ),
      );
  await tx.insert(deviceInventoryChanges).values(
    changes.slice(0, INVENTORY_CHANGES_KEPT).map((c, ord) => ({
      id: newId(nowMs),
      deviceId,
      at,
      ord,
      previousAt: row.inventoryAt,
      component: c.component,
      change: c.change,
      field: c.field ?? null,
      before: c.before ?? null,
      after: c.after ?? null,
    })),
  );
}

/** The device's latest reading and last-seen time, ahead of the group's final device update. */
async function markLatest(tx: Db, deviceId: string, r: Prepared, nowMs: number): Promise<void> {
  await tx.run(sql`UPDATE devices SET latest = ${JSON.stringify(r.report)}, latest_at = ${r.collectedAtMs},
    last_seen_at = ${nowMs} WHERE id = ${deviceId}`);
}

export async function ingestReports(
  deps: AppDeps,
  agent: AgentPrincipal,
  reports: readonly Report[],
): Promise<ReportsResponse> {
  const now = deps.clock.now();
  const { items, dupInBatch } = prepareBatch(reports, now.getTime());
  const inventory = takeInventory(items);
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
  return batcherOf(deps).submit({
    agent,
    items,
    batchBody: JSON.stringify({ reports: items.map((i) => i.report) }),
    dupInBatch,
    observations,
    anyBad,
    policy,
    inWindow,
    periphHash: cheapHash(peripheralsFingerprint(newest.report)),
    inventory,
  });
}

/**
 * Takes the inventories out of the reports (they are stored with the device, not in the raw history)
 * and returns the newest, with the seq of the report that carried it.
 */
function takeInventory(items: Prepared[]): Job['inventory'] {
  let best: Job['inventory'];
  for (const it of items) {
    const inv = it.report.inventory;
    if (!inv) continue;
    const { inventory: _, ...rest } = it.report;
    it.report = rest;
    if (!best || Date.parse(inv.collectedAt) > Date.parse(best.value.collectedAt))
      best = { seq: it.seq, value: inv };
  }
  return best;
}

/** 53-bit string hash (cyrb53): change detection for the inventory, not security. */
export function cheapHash(str: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < str.length; i++) {
    const ch = str.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}
