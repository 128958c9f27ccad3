/** The active maintenance matrix: the highest stored version. */
import { desc } from 'drizzle-orm';
import { matrixVersions } from '../db/schema.js';
import type { Db } from '../db/store.js';
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
