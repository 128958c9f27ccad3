/**
 * The write model over libSQL (`@libsql/client` on Node and `@libsql/client/web` on Workers): a
 * drizzle database over a RECORDING client — reads go to the real client (committed data), writes are
 * recorded for the batch — and the one-round-trip commit for a remote server.
 */
import type { InStatement, ResultSet } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql/web';
import * as schema from './schema.js';
import { type Db, rowObjects } from './store.js';
import {
  classifySql,
  deferredMeta,
  type Recorder,
  type Stmt,
  type StmtResult,
  withGuardStatements,
} from './write-model.js';

/** What a recording client needs from the real one. */
export interface LibsqlReader {
  execute(stmt: InStatement): Promise<ResultSet>;
}

/** The answer to a recorded write: no rows, and row counts that refuse to be read (unknown until commit). */
const EMPTY_WRITE = (): ResultSet => {
  const rs = { rows: [], columns: [], columnTypes: [], toJSON: () => ({}) };
  Object.defineProperties(rs, Object.getOwnPropertyDescriptors(deferredMeta()));
  return rs as unknown as ResultSet;
};

function toStmt(stmt: InStatement): { sql: string; args: unknown[] } {
  if (typeof stmt === 'string') return { sql: stmt, args: [] };
  const args = stmt.args ?? [];
  if (!Array.isArray(args)) throw new Error('write model: named SQL arguments are not supported');
  return { sql: stmt.sql, args };
}

/** A drizzle database whose reads run on `reader` and whose writes go to `rec`. */
export function recordingLibsqlDb(reader: LibsqlReader, rec: Recorder): Db {
  const client = {
    execute: async (stmt: InStatement): Promise<ResultSet> => {
      const s = toStmt(stmt);
      const cls = classifySql(s.sql);
      if (cls === 'read') {
        rec.noteRead(s.sql);
        return reader.execute(stmt);
      }
      if (cls === 'other')
        throw new Error(
          `write model: "${s.sql.slice(0, 40)}" is not allowed inside store.write (no transactions or savepoints of its own)`,
        );
      rec.recordAwaited(s.sql, s.args);
      return EMPTY_WRITE();
    },
    batch: () => {
      throw new Error('write model: client.batch inside store.write');
    },
    transaction: () => {
      throw new Error('write model: no nested transactions inside store.write');
    },
  };
  return drizzle({ client: client as never, schema }) as unknown as Db;
}

/** What the one-round-trip commit needs from a libSQL client. */
export interface LibsqlBatcher {
  batch(stmts: InStatement[], mode: 'write'): Promise<ResultSet[]>;
}

/** Commits a batch in ONE round trip (`client.batch(…, 'write')`: atomic), guards as statements. */
export async function commitLibsqlBatch(client: LibsqlBatcher, stmts: Stmt[]): Promise<StmtResult[]> {
  const { batch, index } = withGuardStatements(stmts);
  const results = await client.batch(
    batch.map((s) => ({ sql: s.sql, args: s.args as InStatement extends { args?: infer A } ? A : never })),
    'write',
  );
  return stmts.map((s, i) => ({ rows: s.slot !== undefined ? rowObjects(results[index[i]!]!) : [] }));
}
