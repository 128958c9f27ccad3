/** Database probes for tests: "nothing written" is checked by comparing every table's row count. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { type LibsqlStore, openLibsqlStore } from '../../server/db/libsql.js';
import { applyMigrations } from '../../server/db/migrate.js';
import type { AppDeps } from '../../server/deps.js';
import { MIGRATIONS_DIR } from '../../server/start.js';

export async function tableCounts(deps: AppDeps): Promise<Record<string, number>> {
  const db = deps.store.read;
  const tables = (await db.all(
    sql`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\_\_%' ESCAPE '\\' ORDER BY name`,
  )) as { name: string }[];
  const out: Record<string, number> = {};
  for (const t of tables) {
    const r = (await db.all(sql.raw(`SELECT count(*) AS n FROM "${t.name}"`))) as { n: number }[];
    out[t.name] = Number(r[0]?.n ?? 0);
  }
  return out;
}

/** Asserts that running `fn` leaves every table's row count unchanged (except the tables listed). */
export async function expectNothingWritten(
  deps: AppDeps,
  fn: () => Promise<unknown>,
  except: string[] = [],
): Promise<void> {
  const before = await tableCounts(deps);
  await fn();
  const after = await tableCounts(deps);
  for (const t of except) {
    delete before[t];
    delete after[t];
  }
  if (JSON.stringify(before) !== JSON.stringify(after)) {
    const diff = Object.keys(after).filter((k) => before[k] !== after[k]);
    throw new Error(`rows were written to: ${diff.map((k) => `${k} ${before[k]}→${after[k]}`).join(', ')}`);
  }
}

/**
 * A store over a fresh, migrated libSQL file in a temp folder, for tests of the store and the
 * repositories below the HTTP layer; `close()` removes the folder.
 */
export async function migratedStore(prefix: string): Promise<{ store: LibsqlStore; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), `onestop-${prefix}-`));
  const store = await openLibsqlStore({ url: `file:${join(dir, 'db.sqlite')}` });
  await applyMigrations(store.writerClient, MIGRATIONS_DIR);
  return {
    store,
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
