/**
 * Fault rows (hysteresis state per fingerprint) and `FaultWork`, the fault unit of work of ONE
 * `store.write` (ADR 0203):
 *   - each row is read once from committed data and then carried in memory, so every step of the
 *     write (a device's detection, grouping by cause on behalf of other devices, the silence sweep)
 *     sees the decisions made before it — never a read-back of its own writes;
 *   - `flush()` records each changed row once, as a guard against the state it was read in
 *     (`UPDATE … WHERE <the columns as read>`, `INSERT … ON CONFLICT DO NOTHING`, `DELETE … WHERE …`):
 *     if another writer changed the row meanwhile, the batch is undone and the write re-runs on
 *     fresh data; then the devices' `active_faults` are recounted by SQL at commit time;
 *   - `mark()`/`undo()` put the in-memory state back (with `tx.mark()`/`tx.undo()`), for ingest to
 *     drop one device's failed work and keep the others'.
 */
import { and, eq, isNull, type SQL, sql } from 'drizzle-orm';
import { faults } from '../schema.js';
import type { Db } from '../store.js';
import type { WriteTx } from '../write-model.js';

export type FaultRow = typeof faults.$inferSelect;

export const CLOSED_STATUSES = ['resolved', 'closed'] as const;

export async function faultByFingerprint(db: Db, fp: string): Promise<FaultRow | undefined> {
  return (await db.select().from(faults).where(eq(faults.fingerprint, fp)).limit(1))[0];
}

/** The columns a guard compares with the state a row was read in (everything but the evidence). */
const GUARDED = [
  'deviceId',
  'unitId',
  'check',
  'subject',
  'severity',
  'category',
  'badStreak',
  'goodStreak',
  'state',
  'lastSeq',
  'firstBadAt',
  'lastChangeAt',
  'ticketId',
  'parentTicketId',
  'resolvedAt',
] as const satisfies readonly (keyof FaultRow)[];

function same(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date)
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  return a === b;
}

function changed(a: FaultRow, b: FaultRow): boolean {
  for (const k of GUARDED) if (!same(a[k], b[k])) return true;
  return JSON.stringify(a.evidence ?? null) !== JSON.stringify(b.evidence ?? null);
}

function clone(r: FaultRow): FaultRow {
  return { ...r, evidence: Array.isArray(r.evidence) ? [...r.evidence] : r.evidence };
}

/** `fingerprint = ? AND <every guarded column as read>` (null-safe). */
function asRead(r: FaultRow): SQL {
  const conds: SQL[] = [eq(faults.fingerprint, r.fingerprint)];
  for (const k of GUARDED) {
    const v = r[k];
    conds.push(v === null ? isNull(faults[k]) : eq(faults[k], v as never));
  }
  return and(...conds)!;
}

interface Entry {
  /** The row as this write has decided it; null = deleted (or known absent). */
  cur: FaultRow | null;
  /** The row as read from committed data; null = it did not exist. */
  orig: FaultRow | null;
}

/** What `undo` puts back: the entry's object and its fields at the mark, or "not tracked then". */
type Saved = { entry: Entry; cur: FaultRow | null; fields: FaultRow | null } | 'untracked';

const works = new WeakMap<WriteTx, FaultWork>();

export class FaultWork {
  private readonly rows = new Map<string, Entry>();
  private readonly frames: Map<string, Saved>[] = [];

  private constructor(private readonly tx: WriteTx) {}

  /** The fault unit of work of this write (one per `store.write` attempt). */
  static of(tx: WriteTx): FaultWork {
    let w = works.get(tx);
    if (!w) {
      w = new FaultWork(tx);
      works.set(tx, w);
    }
    return w;
  }

  /** Whether this write touched fault rows at all (cheap check for the ingest hot path). */
  static active(tx: WriteTx): boolean {
    return works.has(tx);
  }

  /** A mark on this write's fault work; 0 when it has none yet (then `undoOf` forgets it all). */
  static markOf(tx: WriteTx): number {
    return works.get(tx)?.mark() ?? 0;
  }

  static releaseOf(tx: WriteTx, mark: number): void {
    if (mark > 0) works.get(tx)?.release(mark);
  }

  static undoOf(tx: WriteTx, mark: number): void {
    if (mark > 0) works.get(tx)?.undo(mark);
    else works.delete(tx); // everything it holds was read or decided after the mark
  }

  private remember(fp: string): void {
    for (const f of this.frames) {
      if (f.has(fp)) continue;
      const e = this.rows.get(fp);
      f.set(fp, e ? { entry: e, cur: e.cur, fields: e.cur ? clone(e.cur) : null } : 'untracked');
    }
  }

  /** A committed row as this write knows it (its own decision if it already has one). */
  private take(row: FaultRow): FaultRow | null {
    this.remember(row.fingerprint);
    const e = this.rows.get(row.fingerprint);
    if (e) return e.cur;
    this.rows.set(row.fingerprint, { cur: row, orig: clone(row) });
    return row;
  }

  /** Committed rows matching `where`, overlaid with this write's decisions, kept when `keep` holds. */
  async where(where: SQL, keep: (r: FaultRow) => boolean): Promise<FaultRow[]> {
    const committed = await this.tx.select().from(faults).where(where);
    const out: FaultRow[] = [];
    const seen = new Set<string>();
    for (const r of committed) {
      seen.add(r.fingerprint);
      const cur = this.take(r);
      if (cur && keep(cur)) out.push(cur);
    }
    for (const [fp, e] of this.rows)
      if (!seen.has(fp) && e.cur && keep(e.cur)) {
        this.remember(fp);
        out.push(e.cur);
      }
    return out;
  }

  async get(fp: string): Promise<FaultRow | undefined> {
    const e = this.rows.get(fp);
    if (e) {
      this.remember(fp);
      return e.cur ?? undefined;
    }
    const r = await faultByFingerprint(this.tx, fp);
    if (!r) {
      this.remember(fp);
      this.rows.set(fp, { cur: null, orig: null });
      return undefined;
    }
    return this.take(r) ?? undefined;
  }

  ofDevice(deviceId: string): Promise<FaultRow[]> {
    return this.where(eq(faults.deviceId, deviceId), (r) => r.deviceId === deviceId);
  }

  byParent(parentTicketId: string): Promise<FaultRow[]> {
    return this.where(eq(faults.parentTicketId, parentTicketId), (r) => r.parentTicketId === parentTicketId);
  }

  /**
   * Keeps `row` as the decided state of its fingerprint (a new row, or an existing one changed in
   * place — mutating a row this unit handed out is enough, `save` only adds rows it has not seen).
   * Returns the tracked object.
   */
  save(row: FaultRow): FaultRow {
    this.remember(row.fingerprint);
    const e = this.rows.get(row.fingerprint);
    if (!e) {
      // Not read in this write: absent as far as it knows (an existing one fails the insert guard).
      this.rows.set(row.fingerprint, { cur: row, orig: null });
      return row;
    }
    if (e.cur && e.cur !== row) Object.assign(e.cur, row);
    else if (!e.cur) e.cur = row;
    return e.cur;
  }

  drop(fp: string): void {
    this.remember(fp);
    const e = this.rows.get(fp);
    if (e) e.cur = null;
    else this.rows.set(fp, { cur: null, orig: null });
  }

  /**
   * A mark to undo back to. `undo` restores every row taken from this unit (get, where, save, drop)
   * since the mark, so work after a mark takes its rows afresh rather than keeping objects from before.
   */
  mark(): number {
    this.frames.push(new Map());
    return this.frames.length;
  }

  /** Keeps what happened since the mark (the outer marks still can undo it). */
  release(mark: number): void {
    this.frames.length = Math.min(this.frames.length, mark - 1);
  }

  /** Puts every row back as it was at the mark. */
  undo(mark: number): void {
    while (this.frames.length >= mark) {
      const f = this.frames.pop()!;
      for (const [fp, s] of f) {
        if (s === 'untracked') {
          this.rows.delete(fp);
          continue;
        }
        s.entry.cur = s.cur;
        if (s.cur && s.fields) Object.assign(s.cur, s.fields);
        this.rows.set(fp, s.entry);
      }
    }
  }

  /**
   * Records every changed row as a guard on the state it was read in, then recounts the affected
   * devices' `active_faults` at commit time. Call once, when the write's decisions are made.
   */
  flush(): void {
    const tx = this.tx;
    const devices = new Set<string>();
    for (const [fp, { cur, orig }] of this.rows) {
      if (!cur && !orig) continue;
      if (cur && !orig) {
        tx.guard(tx.insert(faults).values(cur).onConflictDoNothing(), `fault ${fp} is new`);
      } else if (!cur && orig) {
        tx.guard(tx.delete(faults).where(asRead(orig)), `fault ${fp} unchanged`);
      } else if (cur && orig && changed(cur, orig)) {
        const { fingerprint: _, ...set } = cur;
        tx.guard(tx.update(faults).set(set).where(asRead(orig)), `fault ${fp} unchanged`);
      } else continue;
      for (const r of [cur, orig]) if (r?.deviceId) devices.add(r.deviceId);
    }
    this.rows.clear();
    this.frames.length = 0;
    recountDevices(tx, [...devices]);
  }
}

/** `active_faults` of these devices counted from their fault rows, by SQL at commit time. */
export function recountDevices(tx: WriteTx, deviceIds: readonly string[]): void {
  if (deviceIds.length === 0) return;
  tx.add(
    sql`UPDATE devices SET active_faults = (
        SELECT count(*) FROM faults f WHERE f.device_id = devices.id AND f.state <> 'ok'
      ) WHERE id IN (SELECT value FROM json_each(${JSON.stringify(deviceIds)}))`,
  );
}
