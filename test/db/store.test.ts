/** The group-commit writer (atomic per request, isolated failures, many requests per commit) and the write model's cases on a libSQL file. */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LibsqlStore } from '../../server/db/libsql.js';
import { meta } from '../../server/db/schema.js';
import { migratedStore } from '../helpers/db.js';
import { writeModelCases } from './write-model-cases.js';

let store: LibsqlStore;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ store, close } = await migratedStore('store'));
});
afterAll(async () => close?.());

const get = async (key: string) => (await store.read.select().from(meta).where(eq(meta.key, key)))[0]?.value;

writeModelCases('libSQL file', () => store);

describe('GroupCommitWriter', () => {
  it('rolls back everything a failing write did', async () => {
    await expect(
      store.write(async (tx) => {
        await tx.insert(meta).values({ key: 'a', value: '1' });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await get('a')).toBeUndefined();
  });

  it('commits concurrent writes together, isolating the one that fails', async () => {
    const before = store.writer!.stats.commits;
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        store.write(async (tx) => {
          await tx.insert(meta).values({ key: `k${i}`, value: String(i) });
          if (i === 17) throw new Error('17 fails');
          return i;
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    expect(await get('k16')).toBe('16');
    expect(await get('k17')).toBeUndefined();
    expect(await get('k18')).toBe('18');
    // 50 requests needed far fewer commits than 50.
    expect(store.writer!.stats.commits - before).toBeLessThan(10);
  });

  it('resolves only after the commit: a reader on another connection sees the row at once', async () => {
    await store.write((tx) => tx.insert(meta).values({ key: 'durable', value: 'yes' }));
    expect(await get('durable')).toBe('yes');
  });

  it('turns a unique-constraint violation into a rejection of that request only (after its re-runs)', async () => {
    const [a, b] = await Promise.allSettled([
      store.write((tx) => tx.insert(meta).values({ key: 'dup', value: '1' })),
      store.write((tx) => tx.insert(meta).values({ key: 'dup', value: '2' })),
    ]);
    expect([a.status, b.status].sort()).toEqual(['fulfilled', 'rejected']);
    expect(await get('dup')).toBe('1');
  });
});
