/**
 * The write model's promises (ADR 0203), as ONE set of cases run against every engine: the libSQL
 * file store (`test/db/store.test.ts`, in `npm test`) and the D1 store in local workerd
 * (`test/workers/d1-store.test.ts`, in `npm run test:workers`). What passes here holds on both.
 */
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { meta } from '../../server/db/schema.js';
import type { Store } from '../../server/db/store.js';
import { MAX_ATTEMPTS, messageOf } from '../../server/db/write-model.js';
import { ApiError } from '../../server/errors.js';

/** Two promises that resolve when both sides have reached the barrier (first attempts only). */
function barrier(n: number) {
  let arrived = 0;
  let open!: () => void;
  const gate = new Promise<void>((r) => {
    open = r;
  });
  return async () => {
    arrived++;
    if (arrived >= n) open();
    await gate;
  };
}

export function writeModelCases(name: string, getStore: () => Store): void {
  const store = () => getStore();
  const get = async (key: string) =>
    (await store().read.select().from(meta).where(eq(meta.key, key)))[0]?.value;
  const k = (s: string) => `${name}:${s}`;

  describe(`write model on ${name}`, () => {
    it('commits all writes of a use case together, and nothing when it throws', async () => {
      await expect(
        store().write(async (tx) => {
          await tx.insert(meta).values({ key: k('a'), value: '1' });
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await get(k('a'))).toBeUndefined();
      await store().write(async (tx) => {
        await tx.insert(meta).values({ key: k('a'), value: '1' });
        await tx.insert(meta).values({ key: k('b'), value: '2' });
      });
      expect([await get(k('a')), await get(k('b'))]).toEqual(['1', '2']);
    });

    it('reads see committed data only, never the use case’s own writes — on every engine', async () => {
      const seen = await store().write(async (tx) => {
        await tx.insert(meta).values({ key: k('own'), value: 'x' });
        return (
          await tx
            .select()
            .from(meta)
            .where(eq(meta.key, k('own')))
        ).length;
      });
      expect(seen).toBe(0);
      expect(await get(k('own'))).toBe('x');
    });

    it('a guarded transition goes to one of two racing writers; the other re-runs on fresh data', async () => {
      await store().write((tx) => tx.insert(meta).values({ key: k('v'), value: '1' }));
      const both = barrier(2);
      const runs = { a: 0, b: 0 };
      const attempt = (who: 'a' | 'b') =>
        store().write(async (tx) => {
          runs[who]++;
          const v = Number(
            (
              await tx
                .select()
                .from(meta)
                .where(eq(meta.key, k('v')))
            )[0]!.value,
          );
          if (runs[who] === 1) await both();
          if (v >= 2) return `${who} found ${v}`; // decides anew on what the winner committed
          tx.guard(
            tx
              .update(meta)
              .set({ value: String(v + 1) })
              .where(sql`${meta.key} = ${k('v')} AND ${meta.value} = ${String(v)}`),
          );
          await tx.insert(meta).values({ key: k(`won-${who}`), value: String(v + 1) });
          return `${who} moved to ${v + 1}`;
        });
      const out = (await Promise.all([attempt('a'), attempt('b')])).sort();
      expect(await get(k('v'))).toBe('2');
      // Exactly one moved it; the other re-ran once and saw 2; the loser's insert was undone with it.
      expect(out.filter((x) => x.includes('moved to 2'))).toHaveLength(1);
      expect(out.filter((x) => x.includes('found 2'))).toHaveLength(1);
      expect(runs.a + runs.b).toBe(3);
      expect([await get(k('won-a')), await get(k('won-b'))].filter(Boolean)).toHaveLength(1);
    });

    it('a guard that never holds ends in a 409 after bounded attempts, writing nothing', async () => {
      let runs = 0;
      const err = await store()
        .write(async (tx) => {
          runs++;
          await tx.insert(meta).values({ key: k(`never-${runs}`), value: '1' });
          tx.guard(
            tx
              .update(meta)
              .set({ value: 'x' })
              .where(eq(meta.key, k('no-such-key'))),
          );
        })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).status).toBe(409);
      expect(runs).toBe(MAX_ATTEMPTS);
      expect(await get(k('never-1'))).toBeUndefined();
    });

    it('RETURNING rows come from the batch’s own results, after the commit (idempotent insert)', async () => {
      await store().write((tx) => tx.insert(meta).values({ key: k('r1'), value: 'old' }));
      const slot = await store().write(async (tx) => {
        const s = tx.returning<{ key: string }>(
          tx
            .insert(meta)
            .values([
              { key: k('r1'), value: 'new' },
              { key: k('r2'), value: 'new' },
            ])
            .onConflictDoNothing()
            .returning({ key: meta.key }),
        );
        expect(() => s.rows).toThrow(/after the commit/);
        return s;
      });
      expect(slot.rows.map((r) => r.key)).toEqual([k('r2')]);
      expect(await get(k('r1'))).toBe('old');
    });

    it('refuses what would mean different things on different engines, writing nothing', async () => {
      await expect(
        store().write(async (tx) => {
          await tx.insert(meta).values({ key: k('ref1'), value: '1' });
          await tx
            .insert(meta)
            .values({ key: k('ref2'), value: '1' })
            .returning();
        }),
      ).rejects.toSatisfy((e) => /RETURNING was awaited/.test(messageOf(e)));
      await expect(store().write(async (tx) => tx.transaction(async () => {}))).rejects.toSatisfy((e) =>
        /no nested transactions/.test(messageOf(e)),
      );
      await expect(
        store().write(async (tx) => {
          const r = (await tx.run(sql`UPDATE meta SET value = 'z' WHERE key = ${k('ref1')}`)) as unknown as {
            rowsAffected?: number;
            meta?: { changes?: number };
          };
          return r.rowsAffected ?? r.meta?.changes;
        }),
      ).rejects.toSatisfy((e) => /unknown inside store.write/.test(messageOf(e)));
      expect(await get(k('ref1'))).toBeUndefined();
    });

    it('a unique key taken between the read and the commit re-runs the use case, which then sees it', async () => {
      const both = barrier(2);
      let runs = 0;
      const claim = (value: string) =>
        store().write(async (tx) => {
          runs++;
          const have = (
            await tx
              .select()
              .from(meta)
              .where(eq(meta.key, k('uniq')))
          )[0];
          if (runs <= 2) await both();
          if (have) return `saw ${have.value}`;
          await tx.insert(meta).values({ key: k('uniq'), value });
          return `claimed ${value}`;
        });
      const out = (await Promise.all([claim('1'), claim('2')])).sort();
      expect(out.filter((x) => x.startsWith('claimed'))).toHaveLength(1);
      expect(out.filter((x) => x.startsWith('saw'))).toHaveLength(1);
    });

    it('undo(mark) drops what was recorded since the mark, keeping the rest', async () => {
      await store().write(async (tx) => {
        await tx.insert(meta).values({ key: k('keep'), value: '1' });
        const m = tx.mark();
        await tx.insert(meta).values({ key: k('drop'), value: '1' });
        tx.undo(m);
        await tx.insert(meta).values({ key: k('keep2'), value: '1' });
      });
      expect([await get(k('keep')), await get(k('drop')), await get(k('keep2'))]).toEqual([
        '1',
        undefined,
        '1',
      ]);
    });

    it('one INSERT of many rows (over 100 bound parameters) commits atomically', async () => {
      const rows = Array.from({ length: 150 }, (_, i) => ({ key: k(`many-${i}`), value: String(i) }));
      await store().write((tx) => tx.insert(meta).values(rows));
      const n = await store().read.all<{ n: number }>(
        sql`SELECT count(*) AS n FROM meta WHERE key LIKE ${`${k('many-')}%`}`,
      );
      expect(Number(n[0]!.n)).toBe(150);
      await expect(
        store().write(async (tx) => {
          await tx.insert(meta).values(rows.map((r) => ({ ...r, key: `${r.key}-b` })));
          await tx.insert(meta).values({ key: k('many-0'), value: 'dup' }); // fails: key taken
        }),
      ).rejects.toThrow();
      expect(await get(k('many-0-b'))).toBeUndefined();
    });
  });
}
