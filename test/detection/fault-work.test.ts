/**
 * The fault unit of work of one write (server/db/repos/faults.ts): decisions carried in memory within
 * the write, one guarded statement per changed row at commit, mark/undo of one device's work, and a
 * row changed by another writer meanwhile making the write run again on fresh data.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LibsqlStore } from '../../server/db/libsql.js';
import { type FaultRow, FaultWork } from '../../server/db/repos/faults.js';
import { faults } from '../../server/db/schema.js';
import { migratedStore } from '../helpers/db.js';

let store: LibsqlStore;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ store, close } = await migratedStore('faultwork'));
});
afterAll(async () => close?.());

const at = new Date('2026-03-02T02:00:00Z');
const row = (fp: string, deviceId: string, o: Partial<FaultRow> = {}): FaultRow => ({
  fingerprint: fp,
  deviceId,
  unitId: 'u',
  check: 'disk_free',
  subject: fp,
  severity: 'minor',
  category: 'hardware',
  badStreak: 1,
  goodStreak: 0,
  state: 'pending',
  lastSeq: 1,
  firstBadAt: at,
  lastChangeAt: at,
  ticketId: null,
  parentTicketId: null,
  evidence: [],
  resolvedAt: null,
  ...o,
});
const read = async (fp: string) =>
  (await store.read.select().from(faults).where(eq(faults.fingerprint, fp)))[0];

describe('FaultWork', () => {
  it('carries decisions in memory, writes each changed row once, undoes back to a mark', async () => {
    await store.write(async (tx) => {
      FaultWork.of(tx).save(row('a', 'd1'));
      FaultWork.of(tx).flush();
    });
    await store.write(async (tx) => {
      const w = FaultWork.of(tx);
      const a = (await w.get('a'))!;
      a.badStreak = 2;
      // Another step of the same write sees the decision, not the committed row.
      expect((await w.ofDevice('d1'))[0]!.badStreak).toBe(2);
      const m = w.mark();
      // After a mark, rows are taken from the unit again (as each device's detection does).
      (await w.get('a'))!.state = 'open';
      w.save(row('b', 'd1'));
      w.drop('a');
      expect(await w.get('a')).toBeUndefined();
      w.undo(m);
      expect((await w.get('a'))!.state).toBe('pending');
      expect(await w.get('b')).toBeUndefined();
      expect((await w.ofDevice('d1')).map((r) => r.fingerprint)).toEqual(['a']);
      w.flush();
      expect(tx.pending).toBe(2); // the guarded update of `a`, the recount of d1
    });
    expect(await read('a')).toMatchObject({ badStreak: 2, state: 'pending' });
    expect(await read('b')).toBeUndefined();
  });

  it('runs the write again when another writer changed a row it decided on', async () => {
    let runs = 0;
    await store.write(async (tx) => {
      runs++;
      const a = (await FaultWork.of(tx).get('a'))!;
      if (runs === 1)
        // Another writer commits meanwhile (after this write's read, before its commit).
        await store.write((o) => o.run(sql`UPDATE faults SET bad_streak = 5 WHERE fingerprint = 'a'`));
      a.badStreak += 1;
      FaultWork.of(tx).flush();
    });
    expect(runs).toBe(2);
    expect((await read('a'))!.badStreak).toBe(6);
  });
});
