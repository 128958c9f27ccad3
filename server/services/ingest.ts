/**
 * Report ingest: a validated batch → durably stored reports, the device's latest reading, the
 * peripheral inventory and detection — in ONE write (ADR 0203) for all the requests of a moment, so
 * the 200 that follows means "committed" and many agents' batches share a commit.
 *
 * The write reads the devices once (committed), decides each request in memory — which reports are
 * new, detection, inventory — and records one batch: multi-row inserts of all the reports, one
 * guarded UPDATE of all the devices (every device still as read, else the group runs again on fresh
 * data), the fault rows, tickets and inventories. Reports above the device's last seq are new; which
 * of the others (a late spool, a replay) were new is known only after the commit, from the RETURNING
 * rows of their `INSERT … ON CONFLICT DO NOTHING` — detection never needs that (they are older than
 * what it evaluated, and never move a hysteresis streak backwards), only the answer does.
 *
 * A device with no fault rows whose reports are all healthy skips the fault engine entirely. One
 * request's failing detection or inventory is dropped with `tx.mark()`/`tx.undo()` and answered with
 * its error; the others commit. A batch refused at commit (not a lost guard: those re-run) is retried
 * request by request, and a request refused alone once more without opening new tickets (its faults
 * stay open for the windows job), so its readings are never lost to a ticket that cannot be stored.
 *
 * A report may carry the PC's inventory (once a day; ADR 0520): it is taken out of the report before
 * the report is stored (raw history and `latest` stay small) and becomes the device's inventory,
 * with the changes from the previous one recorded (ADR 0522) — in the same write.
 */
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Inventory, Report, ReportsResponse } from '../../shared/schemas/agent.js';
import type { PolicyValues } from '../../shared/schemas/policy.js';
import { FaultWork } from '../db/repos/faults.js';
import {
  type BatchRow,
  type DeviceExpect,
  type DeviceIngestRow,
  type DeviceUpdate,
  deleteUnusedBatches,
  devicesForIngest,
  insertBatches,
  insertMaybeStoredReports,
  insertNewReports,
  type ReportKey,
  updateIngestedDevices,
} from '../db/repos/reports.js';
import { deviceInventoryChanges, devices, peripheralsSeen } from '../db/schema.js';
import type { Db, WriteTx } from '../db/store.js';
import type { Slot } from '../db/write-model.js';
import type { AppDeps } from '../deps.js';
import { evaluateReport, type Observation } from '../domain/detection.js';
import { inventoryChanges } from '../domain/inventory-changes.js';
import { fail } from '../errors.js';
import { newId } from '../security/crypto.js';
import { type AgentPrincipal, badAgentToken } from './agent-enroll.js';
import {
  detectReports,
  markDetection,
  type ReportItem,
  releaseDetection,
  undoDetection,
} from './detection.js';
import { noteReading } from './detection-groups.js';
import { holdTicketOpening } from './fault-tickets.js';
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

/** A request as the write decided it; `accepted` is known once the batch has committed. */
type Decided =
  | { ok: false; error: unknown }
  | {
      ok: true;
      /** Reports known to be new (above the device's last seq). */
      sure: number;
      /** `device|seq` of the reports that may have been stored before (the slot tells). */
      maybe: string[];
      lastSeq: number;
    };

interface GroupResult {
  decided: Decided[];
  /** RETURNING rows of the insert of the maybe-stored reports: the ones that were new. */
  stored: Slot<{ device_id: string; seq: number }> | undefined;
}

/** A request's work failed after it recorded ticket work: the group runs again without it. */
class JobFailed extends Error {
  constructor(
    readonly index: number,
    readonly error: unknown,
  ) {
    super('ingest: a request failed after recording ticket work');
  }
}

/** The answer to a request, from its decision and the keys the commit reported as newly stored. */
function answer(j: Job, d: Extract<Decided, { ok: true }>, stored: Set<string>): ReportsResponse {
  let accepted = d.sure;
  for (const k of d.maybe) if (stored.has(k)) accepted++;
  return { accepted, duplicates: j.items.length - accepted + j.dupInBatch, lastSeq: d.lastSeq };
}

/**
 * Whether requests share group writes: on Node, yes. On Workers (no `setImmediate`) each request
 * writes alone, from its own context — workerd cancels as hung a request that waits on I/O another
 * request started, and D1 commits every batch in its own round trip anyway.
 */
const GROUPS = typeof (globalThis as { setImmediate?: unknown }).setImmediate === 'function';
/** At most this many requests per group write. */
const MAX_JOBS = 512;

type Outcome = { ok: true; value: ReportsResponse } | { ok: false; error: unknown };

/**
 * Collects the ingest requests of one event-loop turn and writes them as ONE unit of work: one
 * SELECT of their devices, multi-row INSERTs of all their reports, one UPDATE of all their devices.
 * The group-commit writer then commits it (with any other writes of the moment) in one transaction.
 *
 * Groups may be in flight together, but never two with the same device: a request of a device whose
 * group has not committed yet waits for that group, so this process never loses its own device guard
 * (the device as read) to itself — only another process can make a group run again.
 *
 * A group is started from the context of one of its own requests and its requests are answered
 * together when everything of it is done. On Workers (`GROUPS` false) every request is its own group.
 */
class IngestBatcher {
  private queue: Job[] = [];
  /** Devices with a group in flight, and that group's end. */
  private readonly inFlight = new Map<string, Promise<void>>();
  constructor(private readonly deps: AppDeps) {}

  submit(job: Omit<Job, 'resolve' | 'reject'>): Promise<ReportsResponse> {
    return new Promise((resolve, reject) => {
      const j: Job = { ...job, resolve, reject };
      if (!GROUPS) {
        void this.write([j], false).then((out) => this.settle(j, out.get(j)!));
        return;
      }
      this.queue.push(j);
      nextTurn(() => this.pump(j));
    });
  }

  /**
   * Starts a group with `job` first and the waiting requests whose devices have no group in flight,
   * unless `job` went into a group already; if its device has one in flight, tries again when it ends.
   */
  private pump(job: Job): void {
    if (!this.queue.includes(job)) return;
    const busy = this.inFlight.get(job.agent.deviceId);
    if (busy) {
      void busy.then(() => this.pump(job));
      return;
    }
    const jobs: Job[] = [job];
    const rest: Job[] = [];
    const devices = new Set([job.agent.deviceId]);
    for (const j of this.queue) {
      if (j === job) continue;
      const id = j.agent.deviceId;
      if (jobs.length < MAX_JOBS && (devices.has(id) || !this.inFlight.has(id))) {
        jobs.push(j);
        devices.add(id);
      } else rest.push(j);
    }
    this.queue = rest;
    this.deps.metrics.ingestGroupSize.observe(jobs.length);
    const done = this.write(jobs, false).then((out) => {
      for (const id of devices) if (this.inFlight.get(id) === done) this.inFlight.delete(id);
      for (const j of jobs)
        this.settle(j, out.get(j) ?? { ok: false, error: new Error('ingest: no outcome') });
    });
    for (const id of devices) this.inFlight.set(id, done);
  }

  /**
   * Writes a group; never rejects. A request that failed after recording ticket work is answered with
   * its error and the group runs again without it (the ticket unit of work holds no undo). A batch
   * refused at commit — which no re-run cures — is retried one request per write (they still share
   * the commit), and a request refused alone once more without opening new tickets.
   */
  private async write(jobs: Job[], hold: boolean): Promise<Map<Job, Outcome>> {
    const out = new Map<Job, Outcome>();
    let live = jobs;
    while (live.length > 0) {
      let decided = false;
      try {
        const r = await this.deps.store.write(
          async (tx) => {
            decided = false;
            const g = await writeGroup(tx, this.deps, live, hold);
            decided = true;
            return g;
          },
          { label: 'ingest' },
        );
        const stored = new Set((r.stored?.rows ?? []).map((b) => `${b.device_id}|${Number(b.seq)}`));
        r.decided.forEach((d, i) => {
          const j = live[i]!;
          out.set(j, d.ok ? { ok: true, value: answer(j, d, stored) } : { ok: false, error: d.error });
        });
        return out;
      } catch (e) {
        if (e instanceof JobFailed) {
          out.set(live[e.index]!, { ok: false, error: e.error });
          live = live.filter((_, k) => k !== e.index);
          continue;
        }
        if (!decided) {
          // The write failed before its batch was complete (a read failed): nothing to isolate.
          for (const j of live) out.set(j, { ok: false, error: e });
        } else if (live.length > 1) {
          for (const part of await Promise.all(live.map((j) => this.write([j], hold))))
            for (const [j, o] of part) out.set(j, o);
        } else if (!hold) {
          this.deps.logger.error('ingest: a batch was refused at commit; storing it without new tickets', {
            deviceId: live[0]!.agent.deviceId,
            error: e instanceof Error ? e.message : String(e),
          });
          for (const [j, o] of await this.write(live, true)) out.set(j, o);
        } else out.set(live[0]!, { ok: false, error: e });
        return out;
      }
    }
    return out;
  }

  private settle(j: Job, o: Outcome): void {
    if (!o.ok) {
      j.reject(o.error);
      return;
    }
    this.deps.metrics.reportsIngested.inc({}, o.value.accepted);
    if (o.value.duplicates > 0) this.deps.metrics.reportsDuplicate.inc({}, o.value.duplicates);
    j.resolve(o.value);
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
  // accumulated by this group, in memory
  received: number;
  latest?: Prepared;
  newHash?: string;
  touched: boolean;
  detected: boolean;
  /** Seqs (and their batches) that may have been stored before: counted at commit time. */
  maybeSeqs: number[];
  maybeBatches: string[];
  /** As read, for the guard. */
  read: DeviceExpect;
}

async function writeGroup(tx: WriteTx, deps: AppDeps, jobs: Job[], hold: boolean): Promise<GroupResult> {
  const now = deps.clock.now();
  const nowMs = now.getTime();
  if (hold) holdTicketOpening(tx);
  const rows = await devicesForIngest(tx, [...new Set(jobs.map((j) => j.agent.deviceId))]);
  const devs = new Map(
    rows.map((r) => [
      r.id,
      {
        ...r,
        received: 0,
        touched: false,
        detected: false,
        maybeSeqs: [],
        maybeBatches: [],
        read: [r.id, r.lastSeq, r.status, r.activeFaults, r.tokenHash],
      } as DeviceState,
    ]),
  );
  const decided: Decided[] = new Array(jobs.length);
  const inventories = new Map<string, KnownInventory>();

  // A seq above the device's last stored seq (as read; the device guard makes it hold at commit) is
  // new: those rows go in without RETURNING. Only replays and late spools (seq ≤ last) need to learn
  // which are new, and only the answer depends on it.
  const claimed = new Set<string>();
  const sure: ReportKey[] = [];
  const maybe: ReportKey[] = [];
  const batches: BatchRow[] = [];
  const unusedIfReplayed: [string, string, number[]][] = [];

  for (const [i, j] of jobs.entries()) {
    const d = devs.get(j.agent.deviceId);
    // Authorise inside the write: a token revoked or replaced (by any process) since the early check
    // fails here, and the device guard holds it to the commit.
    if (!d || d.revokedAt !== null || d.tokenHash !== j.agent.tokenHash) {
      decided[i] = { ok: false, error: badAgentToken() };
      continue;
    }
    const batchId = newId(nowMs);
    const mySure: ReportKey[] = [];
    const myMaybe: ReportKey[] = [];
    const fresh: Prepared[] = [];
    const mine: Prepared[] = [];
    j.items.forEach((r, idx) => {
      if (claimed.has(`${d.id}|${r.seq}`)) return; // sent twice in one group: the first request stores it
      const row: ReportKey = [d.id, r.seq, r.collectedAtMs, batchId, idx];
      if (r.seq > d.lastSeq) {
        mySure.push(row);
        fresh.push(r);
      } else myMaybe.push(row);
      mine.push(r);
    });
    const newestFresh = fresh[fresh.length - 1];
    const newest = j.items[j.items.length - 1]!;
    const before = {
      status: d.status,
      activeFaults: d.activeFaults,
      newHash: d.newHash,
      detected: d.detected,
    };
    const mark = markDetection(tx);
    let ticketWork = false;
    try {
      // Grouping counts other devices' latest readings and this one's: this write's, in memory.
      if (newestFresh) noteReading(tx, d.id, d.unitId, newestFresh.report, nowMs);
      const needDetection =
        fresh.length > 0 && (j.anyBad || d.activeFaults > 0 || d.status !== 'ok' || j.inWindow);
      if (needDetection) {
        const items: ReportItem[] = fresh.map((r) => ({
          seq: r.seq,
          collectedAt: r.report.collectedAt,
          obs: j.observations.get(r.seq) ?? [],
        }));
        try {
          const res = await detectReports(tx, deps, d, items, j.policy, j.inWindow);
          d.status = res.status;
          d.activeFaults = res.activeFaults;
          d.detected = true;
        } finally {
          // Fault rows are recorded at the end of the write: what detection recorded is ticket work.
          ticketWork = tx.pending > mark.stmts;
        }
      }
      if (newestFresh === newest && j.periphHash !== (d.newHash ?? d.peripheralsHash)) {
        await writeInventory(tx, d.id, newest.report, now);
        d.newHash = j.periphHash;
      }
      const inv = j.inventory;
      // Only from a report this request stores (or may): a replayed one's inventory was taken the
      // first time, and is then not newer than the stored one.
      if (inv && mine.some((r) => r.seq === inv.seq))
        await storeInventory(tx, d.id, inv.value, nowMs, inventories);
      releaseDetection(tx, mark);
    } catch (error) {
      // Nothing of this request may stay: its statements, fault rows and reading are dropped.
      undoDetection(tx, mark);
      Object.assign(d, before);
      if (ticketWork) throw new JobFailed(i, error);
      decided[i] = { ok: false, error };
      continue;
    }
    for (const r of mine) claimed.add(`${d.id}|${r.seq}`);
    sure.push(...mySure);
    maybe.push(...myMaybe);
    if (mine.length > 0) {
      batches.push({ id: batchId, deviceId: d.id, body: j.batchBody });
      // A request of replays only: its batch goes again at commit unless one report was new after all.
      if (mySure.length === 0) unusedIfReplayed.push([batchId, d.id, myMaybe.map((k) => k[1])]);
      if (myMaybe.length > 0) {
        d.maybeSeqs.push(...myMaybe.map((k) => k[1]));
        d.maybeBatches.push(batchId);
      }
    }
    d.touched = true;
    d.received += mySure.length;
    if (newestFresh) {
      d.lastSeq = newestFresh.seq;
      d.latest = newestFresh;
    }
    decided[i] = {
      ok: true,
      sure: mySure.length,
      maybe: myMaybe.map((k) => `${k[0]}|${k[1]}`),
      lastSeq: d.lastSeq,
    };
  }

  await insertBatches(tx, batches, nowMs);
  await insertNewReports(tx, sure, nowMs);
  const stored = insertMaybeStoredReports(tx, maybe, nowMs);
  await deleteUnusedBatches(tx, unusedIfReplayed);
  const touched = [...devs.values()].filter((d) => d.touched);
  updateIngestedDevices(
    tx,
    touched.map(
      (d): DeviceUpdate => [
        d.id,
        d.received,
        d.detected ? d.status : null,
        d.detected ? d.activeFaults : null,
        d.latest ? d.lastSeq : null,
        d.latest ? JSON.stringify(d.latest.report) : null,
        d.latest?.collectedAtMs ?? null,
        d.newHash ?? null,
        d.maybeSeqs.length > 0 ? d.maybeSeqs : null,
        d.maybeSeqs.length > 0 ? d.maybeBatches : null,
      ],
    ),
    touched.map((d) => d.read),
    nowMs,
  );
  // Fault rows decided by detection (this device's, and other devices' moved under or out of a
  // cause), then `active_faults` recounted from them at commit time.
  if (FaultWork.active(tx)) FaultWork.of(tx).flush();
  return { decided, stored };
}

/** Changes kept per device (the newest). */
export const INVENTORY_CHANGES_KEPT = 200;

/** A device's inventory as this write has decided it (a second request of the same PC sees the first's). */
interface KnownInventory {
  inventory: Inventory | null;
  inventoryAt: Date | null;
  /** Ids of the kept changes, newest first. */
  changeIds: string[];
}

/**
 * Makes `inv` the device's inventory unless a newer one is stored already (a late spool, a replay),
 * and records what changed from the previous one, keeping the newest INVENTORY_CHANGES_KEPT. The
 * update is guarded on the inventory time as read, so two writers never interleave their changes.
 */
async function storeInventory(
  tx: WriteTx,
  deviceId: string,
  inv: Inventory,
  nowMs: number,
  known: Map<string, KnownInventory>,
): Promise<void> {
  // The PC's clock may lead the server's (reports are accepted up to a day ahead): never store the future.
  const atMs = Math.min(Date.parse(inv.collectedAt), nowMs);
  let cur = known.get(deviceId);
  if (!cur) {
    const row = (
      await tx
        .select({ inventory: devices.inventory, inventoryAt: devices.inventoryAt })
        .from(devices)
        .where(eq(devices.id, deviceId))
        .limit(1)
    )[0];
    if (!row) return;
    const older = await tx
      .select({ id: deviceInventoryChanges.id })
      .from(deviceInventoryChanges)
      .where(eq(deviceInventoryChanges.deviceId, deviceId))
      .orderBy(desc(deviceInventoryChanges.at), desc(deviceInventoryChanges.ord));
    cur = {
      inventory: (row.inventory as Inventory | null) ?? null,
      inventoryAt: row.inventoryAt,
      changeIds: older.map((o) => o.id),
    };
  }
  if (cur.inventoryAt && cur.inventoryAt.getTime() >= atMs) return;
  const changes = cur.inventory ? inventoryChanges(cur.inventory, inv) : [];
  const at = new Date(atMs);
  tx.guard(
    tx
      .update(devices)
      .set({ inventory: inv as Record<string, unknown>, inventoryAt: at })
      .where(
        and(
          eq(devices.id, deviceId),
          cur.inventoryAt ? eq(devices.inventoryAt, cur.inventoryAt) : isNull(devices.inventoryAt),
        ),
      ),
    `inventory of ${deviceId} as read`,
  );
  const added = changes.slice(0, INVENTORY_CHANGES_KEPT).map((c, ord) => ({
    id: newId(nowMs),
    deviceId,
    at,
    ord,
    previousAt: cur.inventoryAt,
    component: c.component,
    change: c.change,
    field: c.field ?? null,
    before: c.before ?? null,
    after: c.after ?? null,
  }));
  const keep = Math.max(0, INVENTORY_CHANGES_KEPT - added.length);
  const drop = cur.changeIds.slice(keep);
  for (let i = 0; i < drop.length; i += 50)
    await tx
      .delete(deviceInventoryChanges)
      .where(
        and(
          eq(deviceInventoryChanges.deviceId, deviceId),
          inArray(deviceInventoryChanges.id, drop.slice(i, i + 50)),
        ),
      );
  if (added.length > 0) await tx.insert(deviceInventoryChanges).values(added);
  known.set(deviceId, {
    inventory: inv,
    inventoryAt: at,
    changeIds: [...added.map((a) => a.id), ...cur.changeIds.slice(0, keep)],
  });
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
