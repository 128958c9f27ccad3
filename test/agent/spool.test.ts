/** The durable spool: order, restarts, torn writes, damage, the size bound, a refusing disk. */
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeFrame, scanFrames } from '../../agent/spool/frame.js';
import { Spool } from '../../agent/spool/spool.js';

const dirs: string[] = [];
const newDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'spool-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const report = (seq: number, pad = 0) =>
  JSON.stringify({
    seq,
    collectedAt: '2026-03-02T02:00:00.000Z',
    disks: [],
    targets: [],
    peripherals: [],
    pad: 'x'.repeat(pad),
  });

async function appendN(s: Spool, n: number, pad = 0): Promise<number[]> {
  const seqs: number[] = [];
  for (let i = 0; i < n; i++) {
    const seq = s.allocateSeq();
    await s.append(seq, report(seq, pad));
    seqs.push(seq);
  }
  return seqs;
}

const segFiles = (d: string) => readdirSync(d).filter((f) => f.endsWith('.seg'));

describe('frame scanner', () => {
  const f = (seq: number) => encodeFrame(seq, report(seq));
  it('reads good frames and reports none damaged', () => {
    const buf = Buffer.concat([f(1), f(2), f(3)]);
    const r = scanFrames(buf, true);
    expect(r.frames.map((x) => x.seq)).toEqual([1, 2, 3]);
    expect(r.damaged).toEqual([]);
    expect(r.tornAt).toBeUndefined();
  });
  it('treats a partial last frame of the newest segment as a torn write', () => {
    const whole = Buffer.concat([f(1), f(2)]);
    const r = scanFrames(whole.subarray(0, whole.length - 7), true);
    expect(r.frames.map((x) => x.seq)).toEqual([1]);
    expect(r.tornAt).toBe(f(1).length);
    expect(r.damaged).toEqual([]);
  });
  it('treats trailing zeros in the newest segment as a torn write', () => {
    const r = scanFrames(Buffer.concat([f(1), Buffer.alloc(300)]), true);
    expect(r.tornAt).toBe(f(1).length);
    expect(r.damaged).toEqual([]);
  });
  it('treats a partial frame in an older segment as damage', () => {
    const whole = Buffer.concat([f(1), f(2)]);
    const r = scanFrames(whole.subarray(0, whole.length - 7), false);
    expect(r.tornAt).toBeUndefined();
    expect(r.damaged).toHaveLength(1);
  });
  it('resynchronises after a flipped byte and keeps the frames that follow', () => {
    const a = f(1);
    const b = f(2);
    const c = f(3);
    const buf = Buffer.concat([a, b, c]);
    buf[a.length + 30] = buf[a.length + 30]! ^ 0xff;
    const r = scanFrames(buf, true);
    expect(r.frames.map((x) => x.seq)).toEqual([1, 3]);
    expect(r.damaged).toEqual([{ offset: a.length, length: b.length }]);
  });
  it('does not mistake a damaged length field for a torn tail when good frames follow', () => {
    const a = f(1);
    const b = f(2);
    const buf = Buffer.concat([a, b, f(3)]);
    buf.writeUInt32LE(3_000_000, a.length + 12); // points beyond the end of the file
    const r = scanFrames(buf, true);
    expect(r.frames.map((x) => x.seq)).toEqual([1, 3]);
    expect(r.tornAt).toBeUndefined();
    expect(r.damaged).toHaveLength(1);
  });
  it('refuses seqs that go backwards', () => {
    const r = scanFrames(Buffer.concat([f(5), f(4), f(6)]), true);
    expect(r.frames.map((x) => x.seq)).toEqual([5, 6]);
    expect(r.damaged).toHaveLength(1);
  });
});

describe('spool', () => {
  it('starts a fresh spool at the clock in seconds, so a re-imaged PC never reuses old seqs', async () => {
    const s = await Spool.open(newDir(), { nowSec: () => 1_772_416_800 });
    expect(s.allocateSeq()).toBe(1_772_416_800);
    await s.close();
  });

  it('delivers in order in batches and survives a restart without reusing seqs', async () => {
    const d = newDir();
    const s = await Spool.open(d, { nowSec: () => 100 });
    const seqs = await appendN(s, 10);
    expect(seqs).toEqual([100, 101, 102, 103, 104, 105, 106, 107, 108, 109]);
    const b1 = await s.takeBatch(4, 1e6);
    expect(b1?.firstSeq).toBe(100);
    expect(b1?.lastSeq).toBe(103);
    expect(b1?.payloads.map((p) => JSON.parse(p).seq)).toEqual([100, 101, 102, 103]);
    await s.ack(103);
    expect(s.counters().pending).toBe(6);
    await s.close();

    const again = await Spool.open(d, { nowSec: () => 50 });
    expect(again.counters().pending).toBe(6);
    expect(again.allocateSeq()).toBe(110);
    const b2 = await again.takeBatch(100, 1e6);
    expect(b2?.firstSeq).toBe(104);
    expect(b2?.lastSeq).toBe(109);
    await again.ack(109);
    expect(again.counters().pending).toBe(0);
    // The segment still written to stays (no file churn per report) until it is full.
    expect(segFiles(d)).toEqual(['0000000000000100.seg']);
    await again.close();

    // Everything acknowledged and deleted: the seq still continues after a restart.
    const third = await Spool.open(d, { nowSec: () => 50 });
    expect(segFiles(d)).toEqual([]);
    expect(third.allocateSeq()).toBe(110);
    await third.close();
  });

  it('deletes delivered segments once rotated, with the covering ack on disk first', async () => {
    const d = newDir();
    const s = await Spool.open(d, { nowSec: () => 1, segmentBytes: 4096, maxBytes: 1 << 20 });
    await appendN(s, 30, 500); // ~18 KB: five segments or so
    const before = segFiles(d).length;
    expect(before).toBeGreaterThan(3);
    await s.ack(20);
    expect(segFiles(d).length).toBeLessThan(before);
    expect(JSON.parse(readFileSync(join(d, 'state.json'), 'utf8')).ackedSeq).toBe(20);
    await s.ack(30);
    expect(segFiles(d)).toHaveLength(1);
    await s.close();
  });

  it('lets an ack lag on disk when nothing is deleted: a crash only resends (deduplicated) reports', async () => {
    const d = newDir();
    let now = 0;
    const s = await Spool.open(d, { nowSec: () => 1, nowMs: () => now, ackPersistEveryMs: 30_000 });
    await appendN(s, 3);
    now = 40_000;
    await s.ack(1); // persisted: 30 s passed
    now = 45_000;
    await s.ack(2); // not yet persisted
    // Simulate a crash: reopen without close().
    const again = await Spool.open(d, { nowSec: () => 1 });
    expect(again.counters()).toMatchObject({ ackedSeq: 1, pending: 2 });
    expect(again.allocateSeq()).toBe(4);
    await again.close();
  });

  it('limits a batch by bytes but always sends at least one record', async () => {
    const s = await Spool.open(newDir(), { nowSec: () => 1 });
    await appendN(s, 5, 1000);
    const b = await s.takeBatch(500, 2500);
    expect(b?.payloads).toHaveLength(2);
    const one = await s.takeBatch(500, 10);
    expect(one?.payloads).toHaveLength(1);
    await s.close();
  });

  it('cuts off a torn last write without quarantining anything', async () => {
    const d = newDir();
    const s = await Spool.open(d, { nowSec: () => 1 });
    await appendN(s, 3);
    await s.close();
    const seg = join(d, segFiles(d)[0]!);
    appendFileSync(seg, encodeFrame(4, report(4)).subarray(0, 25));
    const again = await Spool.open(d, { nowSec: () => 1 });
    expect(again.counters()).toMatchObject({ pending: 3, quarantined: 0 });
    expect(again.drainEvents()).toEqual([{ type: 'torn', segment: segFiles(d)[0], bytes: 25 }]);
    expect(again.allocateSeq()).toBe(4);
    // Appends continue cleanly after the cut.
    await again.append(4, report(4));
    await again.close();
    const third = await Spool.open(d, { nowSec: () => 1 });
    expect((await third.takeBatch(10, 1e6))?.payloads.map((p) => JSON.parse(p).seq)).toEqual([1, 2, 3, 4]);
    await third.close();
  });

  it('quarantines a damaged record, keeps the rest, and never reuses seqs it may have hidden', async () => {
    const d = newDir();
    const s = await Spool.open(d, { nowSec: () => 1 });
    await appendN(s, 5);
    await s.close();
    const seg = join(d, segFiles(d)[0]!);
    const buf = readFileSync(seg);
    const frame = encodeFrame(1, report(1)).length;
    buf[frame * 2 + 40] = buf[frame * 2 + 40]! ^ 0x5a; // inside record 3
    writeFileSync(seg, buf);

    const again = await Spool.open(d, { nowSec: () => 1 });
    const c = again.counters();
    expect(c.pending).toBe(4);
    expect(c.quarantined).toBe(1);
    const ev = again.drainEvents();
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({ type: 'quarantined', offset: frame * 2, bytes: frame });
    const q = readdirSync(join(d, 'quarantine'));
    expect(q).toHaveLength(1);
    expect(readFileSync(join(d, 'quarantine', q[0]!)).length).toBe(frame);
    const b = await again.takeBatch(10, 1e6);
    expect(b?.payloads.map((p) => JSON.parse(p).seq)).toEqual([1, 2, 4, 5]);
    expect(again.allocateSeq()).toBeGreaterThan(5);
    await again.close();
    // The repaired segment opens cleanly and the counter persists.
    const third = await Spool.open(d, { nowSec: () => 1 });
    expect(third.counters()).toMatchObject({ pending: 4, quarantined: 1 });
    expect(third.drainEvents()).toEqual([]);
    await third.close();
  });

  it('quarantines garbage at the end of a segment and raises the seq floor past it', async () => {
    const d = newDir();
    const s = await Spool.open(d, { nowSec: () => 1 });
    await appendN(s, 2);
    await s.close();
    appendFileSync(join(d, segFiles(d)[0]!), Buffer.from('x'.repeat(1000)));
    const again = await Spool.open(d, { nowSec: () => 1 });
    expect(again.counters()).toMatchObject({ pending: 2, quarantined: 1 });
    // 1000 bytes could have hidden up to 12 records after seq 2.
    expect(again.allocateSeq()).toBeGreaterThanOrEqual(2 + 12 + 1);
    await again.close();
  });

  it('survives a damaged state file: resends (the server deduplicates) and jumps the seq', async () => {
    const d = newDir();
    const s = await Spool.open(d, { nowSec: () => 10 });
    await appendN(s, 3);
    await s.ack(11);
    await s.close();
    writeFileSync(join(d, 'state.json'), '{"ackedSeq": 1');
    const again = await Spool.open(d, { nowSec: () => 5000 });
    expect(again.drainEvents()[0]).toMatchObject({ type: 'state-reset' });
    // The ack is lost with the state: all three are sent again and the server answers "duplicates".
    expect(again.counters()).toMatchObject({ pending: 3, quarantined: 1 });
    expect(again.allocateSeq()).toBe(5000);
    await again.close();
  });

  it('bounds its size by dropping the oldest segment, counting what it drops, keeping the newest', async () => {
    const d = newDir();
    const s = await Spool.open(d, { nowSec: () => 1, maxBytes: 40_000, segmentBytes: 10_000 });
    const seqs = await appendN(s, 100, 900); // ~100 KB offered to a 40 KB spool
    const c = s.counters();
    expect(c.bytes).toBeLessThanOrEqual(40_000);
    expect(c.dropped).toBeGreaterThan(0);
    expect(c.pending + c.dropped).toBe(100);
    const ev = s.drainEvents().filter((e) => e.type === 'dropped');
    expect(ev.reduce((n, e) => n + (e.type === 'dropped' ? e.count : 0), 0)).toBe(c.dropped);
    const all = await s.takeBatch(500, 1e9);
    expect(all?.lastSeq).toBe(seqs.at(-1));
    expect(all?.firstSeq).toBe(seqs[c.dropped]);
    await s.close();
    const again = await Spool.open(d, { nowSec: () => 1, maxBytes: 40_000, segmentBytes: 10_000 });
    expect(again.counters().dropped).toBe(c.dropped);
    await again.close();
  });

  it('keeps readings in memory while the disk refuses writes, then writes them out in order', async () => {
    const d = newDir();
    const s = await Spool.open(d, { nowSec: () => 1, maxBytes: 40_000, segmentBytes: 10_000 });
    await appendN(s, 2);
    await s.close();
    const again = await Spool.open(d, { nowSec: () => 1, maxBytes: 40_000, segmentBytes: 10_000 });
    // Take the folder away: creating or opening a segment now fails (like a full or read-only disk).
    const moved = `${d}-away`;
    dirs.push(moved);
    const { renameSync } = await import('node:fs');
    renameSync(d, moved);
    await appendN(again, 3);
    expect(again.counters().pending).toBe(5);
    expect(again.drainEvents().some((e) => e.type === 'write-failed')).toBe(true);
    renameSync(moved, d);
    expect((await again.takeBatch(100, 1e6))?.payloads.map((p) => JSON.parse(p).seq)).toEqual([
      1, 2, 3, 4, 5,
    ]);
    await appendN(again, 1);
    await again.close();
    const third = await Spool.open(d, { nowSec: () => 1 });
    expect((await third.takeBatch(100, 1e6))?.payloads.map((p) => JSON.parse(p).seq)).toEqual([
      1, 2, 3, 4, 5, 6,
    ]);
    await third.close();
  });

  it('moves a record the server refuses aside so it cannot block the queue', async () => {
    const d = newDir();
    const s = await Spool.open(d, { nowSec: () => 1 });
    await appendN(s, 3);
    await s.reject(1, 'HTTP 422');
    expect(s.counters()).toMatchObject({ pending: 2, quarantined: 1 });
    expect(existsSync(join(d, 'quarantine', 'rejected-1.json'))).toBe(true);
    expect((await s.takeBatch(10, 1e6))?.firstSeq).toBe(2);
    await s.close();
  });

  it('inspect counts without changing anything', async () => {
    const d = newDir();
    const s = await Spool.open(d, { nowSec: () => 1 });
    await appendN(s, 4);
    await s.ack(2);
    await s.close();
    appendFileSync(join(d, segFiles(d)[0]!), Buffer.from('garbage!'.repeat(10)));
    const before = readFileSync(join(d, segFiles(d)[0]!));
    expect(await Spool.inspect(d)).toMatchObject({ pending: 2, ackedSeq: 2, damaged: 1 });
    expect(readFileSync(join(d, segFiles(d)[0]!))).toEqual(before);
    mkdirSync(join(d, 'x'));
  });
});
