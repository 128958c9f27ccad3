/**
 * The durable on-disk queue of reports waiting for the server (ADR 0501).
 *
 * - Segments `spool/<first seq>.seg` of CRC-framed records (frame.ts), appended and fsynced before a
 *   report is considered taken; the newest segment is the only one written to.
 * - `spool/state.json` (atomic rename) holds the last acknowledged seq, the seq floor and the
 *   cumulative `dropped` and `quarantined` counters. Segments are deleted only after the ack that
 *   covers them is durable, so the next seq is always max(floor, acked + 1, newest spooled + 1).
 * - Bounded by `maxBytes`: when full, the OLDEST segment goes and its unsent records are counted
 *   in `dropped` (reported to the server in every report); the newest readings are never dropped.
 * - If the disk refuses a write (full, read-only), records wait in a small in-memory tail and are
 *   written out before the next record once the disk accepts writes again.
 * - On open, damage is quarantined (moved to `quarantine/`), a torn last write is cut off, and the
 *   agent keeps going with everything that is still good.
 */
import {
  closeSync,
  existsSync,
  fdatasyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  writeSync,
} from 'node:fs';
import { open, readFile, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir, renameRetrying, writeFileAtomic } from './atomic-file.js';
import { encodeFrame, HEADER_BYTES, payloadOf, scanFrames } from './frame.js';

export interface SpoolOptions {
  /** Upper bound of the spool on disk (default 64 MiB: weeks of reports at one a minute). */
  maxBytes?: number;
  /** Segment size before rotating (default 1 MiB, at most a quarter of maxBytes). */
  segmentBytes?: number;
  /** fsync every append and state change (default true; the fleet simulator turns it off). */
  durable?: boolean;
  /** Records kept in memory while the disk refuses writes (default 256). */
  volatileMax?: number;
  /** Seconds clock, for the seq floor of a fresh spool (tests inject it). */
  nowSec?: () => number;
  /**
   * How long an acknowledgement may live only in memory (default 0: written at once, without
   * fsync, so `status` sees it; see ackNow).
   */
  ackPersistEveryMs?: number;
  nowMs?: () => number;
}

export type SpoolEvent =
  | { type: 'quarantined'; segment: string; offset: number; bytes: number; file: string }
  | { type: 'torn'; segment: string; bytes: number }
  | { type: 'dropped'; count: number; reason: 'full' | 'memory' }
  | { type: 'state-reset'; file: string }
  | { type: 'write-failed'; message: string };

interface Segment {
  name: string;
  firstSeq: number;
  seqs: number[];
  offsets: number[];
  sizes: number[];
  bytes: number;
}

interface SpoolState {
  version: 1;
  ackedSeq: number;
  seqFloor: number;
  dropped: number;
  quarantined: number;
}

export interface SpoolCounters {
  /** Records not yet acknowledged by the server (on disk and in memory). */
  pending: number;
  bytes: number;
  segments: number;
  dropped: number;
  quarantined: number;
  ackedSeq: number;
  nextSeq: number;
}

export interface Batch {
  firstSeq: number;
  lastSeq: number;
  payloads: string[];
  bytes: number;
}

/** Smallest possible frame (header + the shortest valid report): bounds how many seqs a damaged stretch can hide. */
const MIN_FRAME_BYTES = HEADER_BYTES + 64;
const SEG_RE = /^(\d{16})\.seg$/;
/** state.json is always this size (JSON padded with spaces), so it can be rewritten in place. */
const STATE_BYTES = 256;

const segName = (firstSeq: number) => `${String(firstSeq).padStart(16, '0')}.seg`;

export class Spool {
  private segments: Segment[] = [];
  private volatile: { seq: number; payload: string }[] = [];
  /**
   * The last records appended, in order: the usual batch is "what was just collected", served
   * from here without reading the file back.
   */
  private recent: { seq: number; payload: string }[] = [];
  private recentBytes = 0;
  /**
   * The newest segment, open for appending. Appends and batch reads use synchronous calls: a few
   * KiB to a local file, where the thread-pool round trip of fs/promises costs more CPU than the
   * write itself (measured: test/bench/sections/agent.ts).
   */
  private fd: number | undefined;
  private nextSeqValue = 1;
  private events: SpoolEvent[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private readonly maxBytes: number;
  private readonly segmentBytes: number;
  private readonly durable: boolean;
  private readonly volatileMax: number;
  private readonly ackPersistEveryMs: number;
  private readonly nowMs: () => number;
  private stateSavedAt = 0;

  private constructor(
    readonly dir: string,
    private state: SpoolState,
    opts: SpoolOptions,
  ) {
    this.maxBytes = opts.maxBytes ?? 64 * 1024 * 1024;
    this.segmentBytes = Math.max(
      4096,
      Math.min(opts.segmentBytes ?? 1024 * 1024, Math.floor(this.maxBytes / 4)),
    );
    this.durable = opts.durable ?? true;
    this.volatileMax = opts.volatileMax ?? 256;
    this.ackPersistEveryMs = opts.ackPersistEveryMs ?? 0;
    this.nowMs = opts.nowMs ?? Date.now;
  }

  /** Opens (and if needed repairs) the spool in `dir`, creating it when missing. */
  static async open(dir: string, opts: SpoolOptions = {}): Promise<Spool> {
    const qdir = join(dir, 'quarantine');
    mkdirSync(qdir, { recursive: true, mode: 0o700 });
    const nowSec = opts.nowSec ?? (() => Math.floor(Date.now() / 1000));
    const events: SpoolEvent[] = [];
    const state = await readState(dir, qdir, nowSec, events);
    const spool = new Spool(dir, state, opts);
    spool.events = events;
    await spool.recover(nowSec);
    return spool;
  }

  /**
   * Reads a spool without changing it (for `status` while `run` holds the data folder): counts
   * pending records and damaged parts that the running agent would quarantine.
   */
  static async inspect(dir: string): Promise<{
    pending: number;
    bytes: number;
    ackedSeq: number;
    damaged: number;
    nextSeq: number;
    dropped: number;
    quarantined: number;
  }> {
    let st: Partial<SpoolState> = {};
    try {
      st = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as SpoolState;
    } catch {
      // Missing or unreadable: the running agent will say so in its report.
    }
    const ackedSeq = st.ackedSeq ?? 0;
    let pending = 0;
    let bytes = 0;
    let damaged = 0;
    let maxSeq = 0;
    const names = listSegments(dir);
    for (const [i, name] of names.entries()) {
      const buf = await readFile(join(dir, name)).catch(() => Buffer.alloc(0));
      const scan = scanFrames(buf, i === names.length - 1);
      bytes += buf.length;
      damaged += scan.damaged.length;
      pending += scan.frames.filter((f) => f.seq > ackedSeq).length;
      maxSeq = Math.max(maxSeq, scan.frames.at(-1)?.seq ?? 0);
    }
    const floor = st.seqFloor || Math.floor(Date.now() / 1000);
    return {
      pending,
      bytes,
      ackedSeq,
      damaged,
      nextSeq: Math.max(floor, ackedSeq + 1, maxSeq + 1),
      dropped: st.dropped ?? 0,
      quarantined: st.quarantined ?? 0,
    };
  }

  /** Hands out the next seq. A seq whose record is then lost leaves a gap; it is never reused. */
  allocateSeq(): number {
    return this.nextSeqValue++;
  }

  /** Appends one report (its JSON) under `seq`; resolves once it is on disk (or held in memory if the disk refuses). */
  append(seq: number, payload: string): Promise<void> {
    return this.serial(() => this.appendNow(seq, payload));
  }

  /** The oldest unacknowledged records, in seq order, up to `maxCount` records and about `maxBytes` of JSON. */
  takeBatch(maxCount: number, maxBytes: number): Promise<Batch | null> {
    return this.serial(() => this.takeBatchNow(maxCount, maxBytes));
  }

  /** Marks everything up to `lastSeq` delivered; deletes segments that hold nothing else. */
  ack(lastSeq: number): Promise<void> {
    return this.serial(() => this.ackNow(lastSeq));
  }

  /**
   * Gives up on one undeliverable record (the server refuses it as invalid or too large): it is
   * moved to quarantine and counted, so one bad record cannot block the queue forever.
   */
  reject(seq: number, why: string): Promise<void> {
    return this.serial(async () => {
      const found = await this.readRecords(seq, 1, Number.MAX_SAFE_INTEGER);
      const payload = found.payloads[0] ?? '';
      const file = join(this.dir, 'quarantine', `rejected-${seq}.json`);
      await writeFile(file, JSON.stringify({ seq, why, payload }), { mode: 0o600 }).catch(() => {});
      this.state.quarantined += 1;
      this.events.push({
        type: 'quarantined',
        segment: 'rejected',
        offset: seq,
        bytes: payload.length,
        file,
      });
      await this.ackNow(seq);
    });
  }

  counters(): SpoolCounters {
    let pending = this.volatile.length;
    let bytes = 0;
    for (const s of this.segments) {
      bytes += s.bytes;
      pending += s.seqs.length - firstAbove(s.seqs, this.state.ackedSeq);
    }
    return {
      pending,
      bytes,
      segments: this.segments.length,
      dropped: this.state.dropped,
      quarantined: this.state.quarantined,
      ackedSeq: this.state.ackedSeq,
      nextSeq: this.nextSeqValue,
    };
  }

  /** Events since the last call (quarantine, drops, torn writes): the runner reports them. */
  drainEvents(): SpoolEvent[] {
    const e = this.events;
    this.events = [];
    return e;
  }

  close(): Promise<void> {
    return this.serial(async () => {
      await this.saveState().catch(() => {});
      this.closeFd();
    });
  }

  // ---- internals ---------------------------------------------------------------------------------

  private closeFd(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    this.fd = undefined;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => {});
    return run;
  }

  private async recover(nowSec: () => number): Promise<void> {
    for (const f of readdirSync(this.dir))
      if (f.endsWith('.tmp')) await rm(join(this.dir, f), { force: true });
    const names = listSegments(this.dir);
    let maxSeq = 0;
    let stateDirty = false;
    for (const [i, name] of names.entries()) {
      const path = join(this.dir, name);
      const isTail = i === names.length - 1;
      let buf: Buffer;
      try {
        buf = await readFile(path);
      } catch {
        // Unreadable as a whole (I/O error): move it aside entirely.
        const file = join(this.dir, 'quarantine', `${name}.unreadable`);
        await rename(path, file).catch(() => rm(path, { force: true }));
        this.state.quarantined += 1;
        this.events.push({ type: 'quarantined', segment: name, offset: 0, bytes: -1, file });
        this.raiseFloor(Number(SEG_RE.exec(name)?.[1] ?? 0) + 1 + 1024);
        stateDirty = true;
        continue;
      }
      const scan = scanFrames(buf, isTail);
      let good = scan.frames.filter((f) => f.seq > maxSeq);
      if (scan.damaged.length > 0) {
        for (const d of scan.damaged) {
          const file = join(this.dir, 'quarantine', `${name}.${d.offset}.bad`);
          await writeFile(file, buf.subarray(d.offset, d.offset + d.length), { mode: 0o600 });
          this.state.quarantined += 1;
          this.events.push({ type: 'quarantined', segment: name, offset: d.offset, bytes: d.length, file });
          // Records hidden in the damage may have reached the server: never reuse their seqs.
          const before = scan.frames.filter((f) => f.offset < d.offset).at(-1)?.seq ?? maxSeq;
          this.raiseFloor(before + Math.ceil(d.length / MIN_FRAME_BYTES) + 1);
        }
        stateDirty = true;
        await this.rewriteSegment(path, buf, good);
        good = good.map((f, k) => ({ ...f, offset: offsetAfter(good, k) }));
      } else if (scan.tornAt !== undefined) {
        await truncate(path, scan.tornAt);
        this.events.push({ type: 'torn', segment: name, bytes: buf.length - scan.tornAt });
      }
      const seg: Segment = {
        name,
        firstSeq: Number(SEG_RE.exec(name)![1]),
        seqs: good.map((f) => f.seq),
        offsets: good.map((f) => f.offset),
        sizes: good.map((f) => f.size),
        bytes: good.reduce((n, f) => n + f.size, 0),
      };
      if (seg.seqs.length > 0) maxSeq = Math.max(maxSeq, seg.seqs.at(-1)!);
      if (seg.seqs.length === 0 || seg.seqs.at(-1)! <= this.state.ackedSeq) {
        await rm(path, { force: true });
        continue;
      }
      this.segments.push(seg);
    }
    if (this.state.seqFloor < 1) this.state.seqFloor = Math.max(1, nowSec());
    this.nextSeqValue = Math.max(this.state.seqFloor, this.state.ackedSeq + 1, maxSeq + 1);
    if (stateDirty) await this.saveState();
  }

  private raiseFloor(seq: number): void {
    if (seq > this.state.seqFloor) this.state.seqFloor = seq;
  }

  private async rewriteSegment(path: string, buf: Buffer, frames: { offset: number; size: number }[]) {
    const tmp = `${path}.tmp`;
    const fh = await open(tmp, 'w', 0o600);
    try {
      for (const f of frames) await fh.write(buf.subarray(f.offset, f.offset + f.size));
      if (this.durable) await fh.sync();
    } finally {
      await fh.close();
    }
    await renameRetrying(tmp, path);
    if (this.durable) fsyncDir(this.dir);
  }

  private async appendNow(seq: number, payload: string): Promise<void> {
    const pending = [...this.volatile, { seq, payload }];
    try {
      for (const rec of pending) await this.writeFrame(rec.seq, encodeFrame(rec.seq, rec.payload));
      if (this.durable && this.fd !== undefined) fdatasyncSync(this.fd);
      this.volatile = [];
      for (const rec of pending) this.remember(rec);
    } catch (e) {
      // Keep the reading in memory: a full disk is exactly what the server must hear about.
      this.events.push({ type: 'write-failed', message: (e as Error).message });
      this.volatile.push({ seq, payload });
      // Frames written before the failure are on disk; keep only what is not.
      const written = new Set(this.segments.flatMap((s) => s.seqs));
      this.volatile = this.volatile.filter((r) => !written.has(r.seq));
      if (this.volatile.length > this.volatileMax) {
        const n = this.volatile.length - this.volatileMax;
        this.volatile.splice(0, n);
        this.state.dropped += n;
        this.events.push({ type: 'dropped', count: n, reason: 'memory' });
      }
      this.closeFd();
      // A frame cut short by the failure would shift every later offset: cut it back off.
      const tail = this.segments.at(-1);
      if (tail) await truncate(join(this.dir, tail.name), tail.bytes).catch(() => {});
    }
  }

  private async writeFrame(seq: number, frame: Buffer): Promise<void> {
    let tail = this.segments.at(-1);
    if (!tail || this.fd === undefined || tail.bytes + frame.length > this.segmentBytes) {
      if (tail && tail.bytes + frame.length <= this.segmentBytes && this.fd === undefined) {
        this.fd = openSync(join(this.dir, tail.name), 'a', 0o600);
      } else {
        this.closeFd();
        await this.makeRoom(frame.length);
        tail = { name: segName(seq), firstSeq: seq, seqs: [], offsets: [], sizes: [], bytes: 0 };
        this.fd = openSync(join(this.dir, tail.name), 'a', 0o600);
        this.segments.push(tail);
        if (this.durable) fsyncDir(this.dir);
      }
    } else {
      await this.makeRoom(frame.length);
    }
    const at = tail.bytes;
    let written = 0;
    while (written < frame.length) written += writeSync(this.fd!, frame, written, frame.length - written);
    tail.seqs.push(seq);
    tail.offsets.push(at);
    tail.sizes.push(frame.length);
    tail.bytes += frame.length;
  }

  /** Size bound: drop whole oldest segments (counting their unsent records) until the new frame fits. */
  private async makeRoom(incoming: number): Promise<void> {
    let total = this.segments.reduce((n, s) => n + s.bytes, 0);
    let dropped = 0;
    while (total + incoming > this.maxBytes && this.segments.length > 1) {
      const old = this.segments.shift()!;
      total -= old.bytes;
      dropped += old.seqs.filter((q) => q > this.state.ackedSeq).length;
      await rm(join(this.dir, old.name), { force: true });
    }
    if (dropped > 0) {
      this.state.dropped += dropped;
      this.events.push({ type: 'dropped', count: dropped, reason: 'full' });
      await this.saveState();
    }
  }

  private remember(rec: { seq: number; payload: string }): void {
    this.recent.push(rec);
    this.recentBytes += rec.payload.length;
    while (this.recent.length > 64 || this.recentBytes > 256 * 1024)
      this.recentBytes -= this.recent.shift()!.payload.length;
  }

  private async takeBatchNow(maxCount: number, maxBytes: number): Promise<Batch | null> {
    const from = this.state.ackedSeq + 1;
    const i = this.recent.findIndex((r) => r.seq >= from);
    // Everything pending on disk is among the records just appended: no need to read the file.
    const b =
      i >= 0 && this.recent[i]!.seq === from
        ? this.fromRecent(i, maxCount, maxBytes)
        : await this.readRecords(from, maxCount, maxBytes);
    for (const r of this.volatile) {
      if (b.payloads.length >= maxCount || (b.payloads.length > 0 && b.bytes + r.payload.length > maxBytes))
        break;
      if (r.seq <= this.state.ackedSeq) continue;
      if (b.payloads.length === 0) b.firstSeq = r.seq;
      b.payloads.push(r.payload);
      b.lastSeq = r.seq;
      b.bytes += r.payload.length;
    }
    return b.payloads.length > 0 ? b : null;
  }

  private fromRecent(i: number, maxCount: number, maxBytes: number): Batch {
    const out: Batch = { firstSeq: 0, lastSeq: 0, payloads: [], bytes: 0 };
    for (; i < this.recent.length; i++) {
      const r = this.recent[i]!;
      if (
        out.payloads.length >= maxCount ||
        (out.payloads.length > 0 && out.bytes + r.payload.length > maxBytes)
      )
        break;
      if (out.payloads.length === 0) out.firstSeq = r.seq;
      out.payloads.push(r.payload);
      out.lastSeq = r.seq;
      out.bytes += r.payload.length;
    }
    return out;
  }

  private async readRecords(fromSeq: number, maxCount: number, maxBytes: number): Promise<Batch> {
    const out: Batch = { firstSeq: 0, lastSeq: 0, payloads: [], bytes: 0 };
    for (const seg of this.segments) {
      if (seg.seqs.at(-1)! < fromSeq) continue;
      let i = seg.seqs.findIndex((q) => q >= fromSeq);
      if (i < 0) continue;
      // One read for the whole needed range of this segment.
      let j = i;
      let bytes = out.bytes;
      while (j < seg.seqs.length && out.payloads.length + (j - i) < maxCount) {
        const size = seg.sizes[j]! - HEADER_BYTES;
        if (out.payloads.length + (j - i) > 0 && bytes + size > maxBytes) break;
        bytes += size;
        j++;
      }
      if (j === i) break;
      const start = seg.offsets[i]!;
      const end = seg.offsets[j - 1]! + seg.sizes[j - 1]!;
      const buf = Buffer.allocUnsafe(end - start);
      const fd = openSync(join(this.dir, seg.name), 'r');
      try {
        let got = 0;
        while (got < buf.length) {
          const n = readSync(fd, buf, got, buf.length - got, start + got);
          if (n === 0) throw new Error(`${seg.name} is shorter than its index`);
          got += n;
        }
      } finally {
        closeSync(fd);
      }
      for (; i < j; i++) {
        const p = payloadOf(buf, seg.offsets[i]! - start);
        if (out.payloads.length === 0) out.firstSeq = seg.seqs[i]!;
        out.payloads.push(p);
        out.lastSeq = seg.seqs[i]!;
        out.bytes += seg.sizes[i]! - HEADER_BYTES;
      }
      if (out.payloads.length >= maxCount || j < seg.seqs.length) break;
    }
    return out;
  }

  private async ackNow(lastSeq: number): Promise<void> {
    if (lastSeq <= this.state.ackedSeq) return;
    this.state.ackedSeq = lastSeq;
    this.volatile = this.volatile.filter((r) => r.seq > lastSeq);
    // Delivered segments go, except the one still written to: it stays until it is full and
    // rotated, so a quiet agent does not create and delete a file every report.
    let done = 0;
    while (done < this.segments.length - 1 && this.segments[done]!.seqs.at(-1)! <= lastSeq) done++;
    if (done === 0) {
      // Nothing to delete: the ack may lag on disk. After a crash the lagging part is sent again
      // and the server, idempotent by seq, answers "duplicates" — a few bytes, not a lost report.
      if (this.nowMs() - this.stateSavedAt >= this.ackPersistEveryMs) this.saveStateInPlace();
      return;
    }
    try {
      // Before deleting, the ack that covers the deleted records must be on disk: otherwise a
      // restart could hand out their seqs again.
      await this.saveState(this.durable);
    } catch {
      return;
    }
    for (const seg of this.segments.splice(0, done)) await rm(join(this.dir, seg.name), { force: true });
  }

  private async saveState(durable = this.durable): Promise<void> {
    await writeFileAtomic(join(this.dir, 'state.json'), JSON.stringify(this.state).padEnd(STATE_BYTES), {
      durable,
    });
    this.stateSavedAt = this.nowMs();
  }

  /**
   * The routine ack: overwrite the fixed-size state file in place, no rename, no fsync (one small
   * write instead of create/rename/flush on every report). A write torn by a power cut makes the
   * file unreadable, which open() handles by resending everything still spooled (the server
   * deduplicates) and moving the seq floor past anything that could have been sent.
   */
  private saveStateInPlace(): void {
    const text = JSON.stringify(this.state);
    if (text.length > STATE_BYTES) {
      void this.saveState(false).catch(() => {});
      return;
    }
    try {
      const fd = openSync(join(this.dir, 'state.json'), 'r+');
      try {
        writeSync(fd, text.padEnd(STATE_BYTES), 0, 'latin1');
      } finally {
        closeSync(fd);
      }
      this.stateSavedAt = this.nowMs();
    } catch {
      void this.saveState(false).catch(() => {});
    }
  }
}

/** Index of the first element greater than `x` in an increasing array. */
function firstAbove(xs: number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function listSegments(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => SEG_RE.test(f))
    .sort();
}

function offsetAfter(frames: { size: number }[], k: number): number {
  let at = 0;
  for (let i = 0; i < k; i++) at += frames[i]!.size;
  return at;
}

async function readState(
  dir: string,
  qdir: string,
  nowSec: () => number,
  events: SpoolEvent[],
): Promise<SpoolState> {
  const path = join(dir, 'state.json');
  const fresh: SpoolState = { version: 1, ackedSeq: 0, seqFloor: 0, dropped: 0, quarantined: 0 };
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return fresh;
  }
  try {
    const s = JSON.parse(text) as Partial<SpoolState>;
    const n = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : Number.NaN);
    const st = {
      version: 1 as const,
      ackedSeq: n(s.ackedSeq),
      seqFloor: n(s.seqFloor),
      dropped: n(s.dropped),
      quarantined: n(s.quarantined),
    };
    if (Object.values(st).some((v) => Number.isNaN(v))) throw new Error('bad state');
    return st;
  } catch {
    // A damaged state file: keep it for inspection and restart counting from what the segments say.
    // The seq floor moves to "now" so no seq the server may already hold is handed out again.
    const file = join(qdir, `state.${Date.now()}.json`);
    await rename(path, file).catch(() => {});
    events.push({ type: 'state-reset', file });
    return { ...fresh, seqFloor: Math.max(1, nowSec()), quarantined: 1 };
  }
}
