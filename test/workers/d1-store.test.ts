/**
 * The D1 store in the one write model (docs/adr/0203-one-write-model.md) against wrangler's local D1:
 * the same cases as the libSQL file store (`test/db/write-model-cases.ts`), plus what only D1 has
 * (migration bookkeeping by wrangler, the guard statement inside one batch).
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import journal from '../../migrations/meta/_journal.json' with { type: 'json' };
import { type D1Store, d1MigrationStatus, openD1Store } from '../../server/db/d1.js';
import { GUARD_SQL } from '../../server/db/write-model.js';
import { writeModelCases } from '../db/write-model-cases.js';
import { capturingLogger, type LocalD1, openLocalD1 } from './local-d1.js';

let d1: LocalD1;
let store: D1Store;
const log = capturingLogger();

beforeAll(async () => {
  d1 = await openLocalD1();
  store = openD1Store(d1.DB, { logger: log });
});
afterAll(async () => d1?.dispose());

writeModelCases('D1', () => store);

describe('D1 store', () => {
  it('reports the migrations wrangler applied against those bundled', async () => {
    const n = journal.entries.length;
    expect(await d1MigrationStatus(d1.DB, journal)).toEqual({ applied: n, expected: n });
    const future = { entries: [...journal.entries, { tag: '9999_future' }] };
    expect(await d1MigrationStatus(d1.DB, future)).toEqual({ applied: n, expected: n + 1 });
    expect(await d1MigrationStatus(d1.DB, journal, 'no_such_table')).toEqual({ applied: 0, expected: n });
  });

  it('the guard statement fails a batch after a write that changed nothing, and passes after one that did', async () => {
    const upd = (key: string) => d1.DB.prepare(`UPDATE meta SET value = 'g' WHERE key = ?`).bind(key);
    await d1.DB.prepare(`INSERT INTO meta (key, value) VALUES ('guard-yes', '1')`).run();
    await expect(d1.DB.batch([upd('guard-yes'), d1.DB.prepare(GUARD_SQL)])).resolves.toHaveLength(2);
    await expect(
      d1.DB.batch([
        d1.DB.prepare(`INSERT INTO meta (key, value) VALUES ('guard-undone', '1')`),
        upd('guard-none'),
        d1.DB.prepare(GUARD_SQL),
      ]),
    ).rejects.toThrow(/integer overflow/);
    const left = await store.read.all<{ n: number }>(
      sql`SELECT count(*) AS n FROM meta WHERE key = 'guard-undone'`,
    );
    expect(Number(left[0]!.n)).toBe(0);
  });
});
