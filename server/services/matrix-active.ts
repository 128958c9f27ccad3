/** The active maintenance matrix: the highest stored version. */
import { desc, sql } from 'drizzle-orm';
import { matrixVersions } from '../db/schema.js';
import type { Db, WriteTx } from '../db/store.js';
import type { MatrixBody } from '../domain/matrix.js';

export interface ActiveMatrix {
  version: number;
  activatedAt: Date;
  body: MatrixBody;
}

export async function activeMatrix(db: Db): Promise<ActiveMatrix | undefined> {
  const rows = await db.select().from(matrixVersions).orderBy(desc(matrixVersions.version)).limit(1);
  const r = rows[0];
  return r
    ? { version: r.version, activatedAt: r.activatedAt, body: r.body as unknown as MatrixBody }
    : undefined;
}

/**
 * Records a guard that `version` is still the active matrix at commit (a write that checked something
 * against it — a unit's level, its routing — re-runs when a newer version was activated meanwhile).
 * A no-op update of that version's row, matched only while no higher version exists.
 */
export function guardActiveMatrix(tx: WriteTx, version: number): void {
  tx.guard(
    tx
      .update(matrixVersions)
      .set({ version: sql`${matrixVersions.version}` })
      .where(
        sql`${matrixVersions.version} = ${version} AND NOT EXISTS (SELECT 1 FROM matrix_versions AS newer WHERE newer.version > ${version})`,
      ),
    `matrix v${version} active`,
  );
}
