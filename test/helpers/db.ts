/** Database probes for tests: "nothing written" is checked by comparing every table's row count. */
import { sql } from 'drizzle-orm';
import type { AppDeps } from '../../server/deps.js';

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
