/**
 * The D1 store's promises (docs/adr/0200-d1-store.md) against wrangler's local D1: atomic commit,
 * RETURNING answered exactly, lost races detected at commit and re-run, unique keys taken between
 * check and commit re-run, reads of one's own writes flagged, unsupported shapes refused.
 */
import { and, eq, lt, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import journal from '../../migrations/meta/_journal.json' with { type: 'json' };
import { type D1Store, d1MigrationStatus, openD1Store } from '../../server/db/d1.js';
import { unitByCode } from '../../server/db/repos/units.js';
import { auditEvents, jobLeases, loginThrottle, tickets, units } from '../../server/db/schema.js';
import { fail } from '../../server/http/problem.js';
import { newId } from '../../server/security/crypto.js';
import { audit } from '../../server/services/audit.js';
import { capturingLogger, type LocalD1, openLocalD1 } from './local-d1.js';

let d1: LocalD1;
let store: D1Store;
const log = capturingLogger();

beforeAll(async () => {
  d1 = await openLocalD1();
  store = openD1Store(d1.DB, { logger: log });
});
afterAll(async () => d1?.dispose());

let n = 0;
function unitRow(over: Partial<typeof units.$inferInsert> = {}) {
  const id = newId();
  const now = new Date('2026-03-02T01:00:00Z');
  return {
    id,
    code: `T${Date.now().toString(36)}${n++}`.toUpperCase(),
    name: 'Phường Ba Đình',
    level: 'commune',
    parentId: null,
    path: `/${id}/`,
    depth: 1,
    createdAt: now,
    updatedAt: now,
    ...over,
  };
}

/** A promise with its resolver, to hold one writer at a chosen point while another commits. */
function gate() {
  let open!: () => void;
  const p = new Promise<void>((r) => {
    open = r;
  });
  return { p, open };
}

const count = async (table: typeof units | typeof auditEvents, where: ReturnType<typeof eq>) =>
  (await store.read.select({ n: sql<number>`count(*)` }).from(table).where(where))[0]!.n;

describe('D1 store', () => {
  it('reports the migrations wrangler applied against those bundled', async () => {
    const n = journal.entries.length;
    expect(await d1MigrationStatus(d1.DB, journal)).toEqual({ applied: n, expected: n });
    const future = { entries: [...journal.entries, { tag: '9999_future' }] };
    expect(await d1MigrationStatus(d1.DB, future)).toEqual({ applied: n, expected: n + 1 });
    expect(await d1MigrationStatus(d1.DB, journal, 'no_such_table')).toEqual({ applied: 0, expected: n });
  });

  it('commits all writes of a write together, and nothing when the function throws', async () => {
    const a = unitRow();
    await store.write(async (tx) => {
      await tx.insert(units).values(a);
      await audit(tx, {
        at: a.createdAt,
        actorId: null,
        actorKind: 'system',
        action: 't',
        targetType: 'unit',
        targetId: a.id,
      });
    });
    expect(await count(units, eq(units.id, a.id))).toBe(1);
    expect(await count(auditEvents, eq(auditEvents.targetId, a.id))).toBe(1);

    const b = unitRow();
    await expect(
      store.write(async (tx) => {
        await tx.insert(units).values(b);
        await audit(tx, {
          at: b.createdAt,
          actorId: null,
          actorKind: 'system',
          action: 't',
          targetType: 'unit',
          targetId: b.id,
        });
        throw fail.invalid('no');
      }),
    ).rejects.toMatchObject({ status: 422 });
    expect(await count(units, eq(units.id, b.id))).toBe(0);
    expect(await count(auditEvents, eq(auditEvents.targetId, b.id))).toBe(0);
  });

  it('rolls back the whole batch when a later statement fails in the database', async () => {
    const a = unitRow();
    const dup = unitRow({ code: a.code.toLowerCase() }); // unique regardless of case
    await expect(
      store.write(async (tx) => {
        await tx.insert(units).values(a);
        await tx.insert(units).values(dup);
      }),
    ).rejects.toThrow(/UNIQUE/);
    expect(await count(units, eq(units.id, a.id))).toBe(0);
  });

  it('answers INSERT … RETURNING with the row that is then committed', async () => {
    const a = unitRow({ areaM2: 120.5, officers: 7 });
    const [got] = await store.write((tx) => tx.insert(units).values(a).returning());
    const stored = await unitByCode(store.read, a.code);
    expect(got).toEqual(stored);
    expect(got!.createdAt).toBeInstanceOf(Date);
    expect(log.lines.filter((l) => l.msg.includes('differed'))).toEqual([]);
  });

  it('a conditional transition commits for one writer; the other re-runs and sees its lost race', async () => {
    const a = unitRow({ name: 'open' });
    await store.write((tx) => tx.insert(units).values(a));
    const predicted = gate();
    const hold = gate();
    let runs = 0;
    const slow = store.write(async (tx) => {
      runs++;
      const [row] = await tx
        .update(units)
        .set({ name: 'closed-by-slow' })
        .where(and(eq(units.id, a.id), eq(units.name, 'open')))
        .returning();
      if (runs === 1) {
        predicted.open();
        await hold.p; // the other writer commits meanwhile
      }
      if (!row) throw fail.conflict('lost race');
      await audit(tx, {
        at: a.createdAt,
        actorId: null,
        actorKind: 'system',
        action: 'slow',
        targetType: 'unit',
        targetId: a.id,
      });
      return row;
    });
    await predicted.p;
    const retriesBefore = store.stats.retries;
    const [fast] = await store.write((tx) =>
      tx
        .update(units)
        .set({ name: 'closed-by-fast' })
        .where(and(eq(units.id, a.id), eq(units.name, 'open')))
        .returning(),
    );
    expect(fast?.name).toBe('closed-by-fast');
    hold.open();
    await expect(slow).rejects.toMatchObject({ status: 409 });
    expect(runs).toBe(2);
    expect(store.stats.retries).toBe(retriesBefore + 1);
    expect((await unitByCode(store.read, a.code))?.name).toBe('closed-by-fast');
    // The slow writer's audit row, buffered in its first attempt, was never written.
    expect(
      await count(auditEvents, and(eq(auditEvents.targetId, a.id), eq(auditEvents.action, 'slow'))!),
    ).toBe(0);
  });

  it('an UPDATE … RETURNING over a changed value is re-run, so each writer sees what it committed', async () => {
    const a = unitRow({ depth: 0 });
    await store.write((tx) => tx.insert(units).values(a));
    const predicted = gate();
    const hold = gate();
    let runs = 0;
    const slow = store.write(async (tx) => {
      runs++;
      const [row] = await tx
        .update(units)
        .set({ depth: sql`${units.depth} + 1` })
        .where(eq(units.id, a.id))
        .returning({ depth: units.depth });
      if (runs === 1) {
        predicted.open();
        await hold.p;
      }
      return row!.depth;
    });
    await predicted.p;
    const fast = await store.write(async (tx) => {
      const [row] = await tx
        .update(units)
        .set({ depth: sql`${units.depth} + 1` })
        .where(eq(units.id, a.id))
        .returning({ depth: units.depth });
      return row!.depth;
    });
    hold.open();
    expect([fast, await slow]).toEqual([1, 2]);
    expect(runs).toBe(2);
    expect((await unitByCode(store.read, a.code))?.depth).toBe(2);
  });

  it('a unique key taken between the check and the commit re-runs the function, which then sees it', async () => {
    const code = unitRow().code;
    const checked = gate();
    const hold = gate();
    let runs = 0;
    const slow = store.write(async (tx) => {
      runs++;
      if (await unitByCode(tx, code)) throw fail.conflict(`Unit ${code} exists`);
      if (runs === 1) {
        checked.open();
        await hold.p;
      }
      await tx.insert(units).values(unitRow({ code }));
    });
    await checked.p;
    await store.write((tx) => tx.insert(units).values(unitRow({ code })));
    hold.open();
    await expect(slow).rejects.toMatchObject({ status: 409 });
    expect(runs).toBe(2);
    expect(await count(units, eq(units.code, code))).toBe(1);
  });

  it('flags a read of a table the same write already changed (D1 reads do not see it)', async () => {
    const a = unitRow();
    const seen = await store.write(
      async (tx) => {
        await tx.insert(units).values(a);
        return unitByCode(tx, a.code);
      },
      { label: 'test.read-own-write' },
    );
    expect(seen).toBeUndefined(); // documented: not read-your-writes
    expect(log.lines).toContainEqual(
      expect.objectContaining({ level: 'debug', fields: { label: 'test.read-own-write', table: 'units' } }),
    );
  });

  it('an UPDATE … RETURNING of a row inserted in the same write fails loudly (503), writing nothing', async () => {
    const a = unitRow();
    let runs = 0;
    await expect(
      store.write(
        async (tx) => {
          runs++;
          await tx.insert(units).values(a);
          // On libSQL this returns the row; on D1 the prediction cannot see the buffered insert.
          return tx.update(units).set({ name: 'x' }).where(eq(units.id, a.id)).returning();
        },
        { label: 'test.returning-own-write' },
      ),
    ).rejects.toMatchObject({ status: 503 });
    expect(runs).toBe(4);
    expect(await count(units, eq(units.id, a.id))).toBe(0);
    expect(log.lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        fields: { label: 'test.returning-own-write', table: 'units' },
      }),
    );
  });

  it('refuses RETURNING shapes it cannot predict (ON CONFLICT without a target), writing nothing', async () => {
    await expect(
      store.write((tx) =>
        tx
          .insert(loginThrottle)
          .values({ key: 'ip:203.0.113.9', failures: 1, windowStart: new Date() })
          .onConflictDoNothing()
          .returning(),
      ),
    ).rejects.toSatisfy((e: any) => /ON CONFLICT/.test(String(e.cause?.message))); // drizzle wraps it
    expect(
      (await store.read.select().from(loginThrottle).where(eq(loginThrottle.key, 'ip:203.0.113.9'))).length,
    ).toBe(0);
  });

  it('says clearly that a buffered write has no row count yet', async () => {
    await expect(
      store.write(async (tx) => {
        const r = (await tx.insert(units).values(unitRow()).run()) as unknown as {
          meta: { changes: number };
        };
        return r.meta.changes;
      }),
    ).rejects.toThrow(/use \.returning\(\)/i);
  });

  it('an upsert without RETURNING is buffered and committed as written', async () => {
    const key = 'user:nguyen.van.a';
    const w = new Date('2026-03-02T02:00:00Z');
    for (const failures of [1, 2])
      await store.write((tx) =>
        tx
          .insert(loginThrottle)
          .values({ key, failures, windowStart: w })
          .onConflictDoUpdate({ target: loginThrottle.key, set: { failures } }),
      );
    const [row] = await store.read.select().from(loginThrottle).where(eq(loginThrottle.key, key));
    expect(row).toEqual({ key, failures: 2, windowStart: w, blockedUntil: null });
  });

  it('cuts an INSERT of many rows under the 100 bound parameters of D1, still in one atomic batch', async () => {
    const w = new Date('2026-03-02T03:00:00Z');
    const keys = Array.from({ length: 150 }, (_, i) => `ip:198.51.100.${i}`);
    await store.write((tx) =>
      tx
        .insert(loginThrottle)
        .values(keys.map((key) => ({ key, failures: 1, windowStart: w })))
        .onConflictDoNothing(),
    );
    const stored = await store.read
      .select()
      .from(loginThrottle)
      .where(sql`${loginThrottle.key} like 'ip:198.51.100.%'`);
    expect(stored).toHaveLength(150);

    const rows = Array.from({ length: 40 }, () => unitRow()); // 9 parameters a row: 360 in all
    const returned = await store.write((tx) =>
      tx.insert(units).values(rows).returning({ id: units.id, code: units.code }),
    );
    expect(returned).toEqual(rows.map((r) => ({ id: r.id, code: r.code })));
    expect(log.lines.filter((l) => l.msg.includes('differed'))).toEqual([]);

    // One bad row fails every cut statement of the batch: nothing of it is written.
    const more = Array.from({ length: 40 }, () => unitRow());
    more[35] = { ...more[35]!, code: rows[0]!.code };
    await expect(store.write((tx) => tx.insert(units).values(more))).rejects.toThrow(/UNIQUE/);
    expect(await count(units, eq(units.id, more[0]!.id))).toBe(0);
  });

  it("a ticket-style transition returning all 32 columns works under D1's 32-argument function limit", async () => {
    const now = new Date('2026-03-02T04:00:00Z');
    const id = newId();
    const ticket = {
      id,
      number: 9_000_001,
      title: 'Máy in quầy 3 không nhận lệnh in',
      unitId: 'u',
      category: 'peripheral',
      severity: 'minor',
      source: 'agent',
      status: 'open',
      handlerRole: 'it_staff',
      handlerUnitId: 'u',
      ruleId: 'r1',
      matrixVersion: 1,
      explanation: { steps: [] } as never,
      sla: { respondMinutes: 60 },
      respondBy: now,
      resolveBy: now,
      createdAt: now,
      updatedAt: now,
    };
    const [inserted] = await store.write((tx) => tx.insert(tickets).values(ticket).returning());
    const [moved] = await store.write((tx) =>
      tx
        .update(tickets)
        .set({ status: 'acknowledged', version: sql`${tickets.version} + 1`, updatedAt: now })
        .where(and(eq(tickets.id, id), eq(tickets.status, 'open'), eq(tickets.version, 1)))
        .returning(),
    );
    expect(moved).toEqual({ ...inserted, status: 'acknowledged', version: 2 });
    const [stored] = await store.read.select().from(tickets).where(eq(tickets.id, id));
    expect(stored).toEqual(moved);
    const again = await store.write((tx) =>
      tx
        .update(tickets)
        .set({ status: 'acknowledged' })
        .where(and(eq(tickets.id, id), eq(tickets.status, 'open')))
        .returning({ id: tickets.id }),
    );
    expect(again).toEqual([]);
  });

  it('INSERT … ON CONFLICT (target) DO NOTHING RETURNING gives only the new rows (idempotent ingest)', async () => {
    const w = new Date('2026-03-02T05:00:00Z');
    const key = (i: number) => `dev:0004-PC${String(i).padStart(2, '0')}`;
    await store.write((tx) =>
      tx.insert(loginThrottle).values([0, 5, 39].map((i) => ({ key: key(i), failures: 9, windowStart: w }))),
    );
    // 40 rows × 3 parameters: also cut under 100 parameters, each part predicted and guarded.
    const fresh = await store.write((tx) =>
      tx
        .insert(loginThrottle)
        .values(Array.from({ length: 40 }, (_, i) => ({ key: key(i), failures: 1, windowStart: w })))
        .onConflictDoNothing({ target: loginThrottle.key })
        .returning({ key: loginThrottle.key, failures: loginThrottle.failures }),
    );
    expect(fresh.map((r) => r.key)).toEqual(
      Array.from({ length: 40 }, (_, i) => i)
        .filter((i) => ![0, 5, 39].includes(i))
        .map(key),
    );
    expect(new Set(fresh.map((r) => r.failures))).toEqual(new Set([1]));
    const again = await store.write((tx) =>
      tx
        .insert(loginThrottle)
        .values({ key: key(7), failures: 1, windowStart: w })
        .onConflictDoNothing({ target: loginThrottle.key })
        .returning(),
    );
    expect(again).toEqual([]);
    const [kept] = await store.read
      .select()
      .from(loginThrottle)
      .where(eq(loginThrottle.key, key(5)));
    expect(kept?.failures).toBe(9);
    expect(log.lines.filter((l) => l.msg.includes('differed'))).toEqual([]);
  });

  it('a lease upsert (ON CONFLICT DO UPDATE … WHERE expired RETURNING) goes to exactly one of two racing holders', async () => {
    const t0 = new Date('2026-03-02T06:00:00Z');
    const take = (holder: string, now: Date, onPredicted?: () => Promise<void>) =>
      store.write(async (tx) => {
        const rows = await tx
          .insert(jobLeases)
          .values({
            name: 'sla-watch',
            holder,
            leaseUntil: new Date(now.getTime() + 60_000),
            lastStartedAt: now,
          })
          .onConflictDoUpdate({
            target: jobLeases.name,
            set: { holder: sql`excluded.holder`, leaseUntil: sql`excluded.lease_until`, lastStartedAt: now },
            setWhere: lt(jobLeases.leaseUntil, now),
          })
          .returning({ holder: jobLeases.holder, leaseUntil: jobLeases.leaseUntil });
        await onPredicted?.();
        return rows[0] ?? null;
      });
    expect(await take('isolate-a', t0)).toEqual({
      holder: 'isolate-a',
      leaseUntil: new Date(t0.getTime() + 60_000),
    });
    expect(await take('isolate-b', new Date(t0.getTime() + 30_000))).toBeNull(); // still held

    const t1 = new Date(t0.getTime() + 120_000); // expired: both race for it
    const predicted = gate();
    const hold = gate();
    let runs = 0;
    const slow = take('isolate-b', t1, async () => {
      if (++runs === 1) {
        predicted.open();
        await hold.p;
      }
    });
    await predicted.p;
    expect(await take('isolate-c', t1)).toEqual({
      holder: 'isolate-c',
      leaseUntil: new Date(t1.getTime() + 60_000),
    });
    hold.open();
    expect(await slow).toBeNull(); // re-run on fresh data: the lease is taken
    expect(runs).toBe(2);
    const [row] = await store.read.select().from(jobLeases).where(eq(jobLeases.name, 'sla-watch'));
    expect(row?.holder).toBe('isolate-c');
  });
});
