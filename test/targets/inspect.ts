/**
 * Read-only inspection of a target's database from the test process: the SQLite file itself (the
 * Node server's libSQL file, or the file workerd persists for local D1), opened with @libsql/client on
 * one connection with `PRAGMA query_only`, so a test can look but never write. Both databases run in
 * WAL mode: a read sees every transaction committed before it, i.e. everything a finished HTTP
 * request or job run wrote.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createClient, type InValue } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import * as schema from '../../server/db/schema.js';
import type { Db } from '../../server/db/store.js';

export type SqlArg = InValue;

export interface Inspector {
  sql<T = Record<string, unknown>>(query: string, ...args: SqlArg[]): Promise<T[]>;
  /** The same connection through drizzle, for the server's own read functions (repos). */
  db: Db;
  close(): void;
}

const READ = /^\s*(select|with|values|explain)\b/i;

export async function openInspector(file: string): Promise<Inspector> {
  // One connection, so the pragma holds for every statement; query_only refuses any write in SQLite.
  const client = createClient({ url: `file:${file}`, concurrency: 1 });
  await client.execute('PRAGMA query_only = 1');
  return {
    async sql<T>(query: string, ...args: SqlArg[]): Promise<T[]> {
      if (!READ.test(query)) throw new Error(`sql() only reads: ${query.slice(0, 80)}`);
      const rs = await client.execute({ sql: query, args });
      return rs.rows.map((r) => Object.fromEntries(rs.columns.map((c, i) => [c, r[i]]))) as T[];
    },
    db: drizzle(client, { schema }) as unknown as Db,
    close: () => client.close(),
  };
}

/** The SQLite file of the (single) local D1 database under a wrangler/miniflare persist folder. */
export function localD1File(persistDir: string): string {
  const dir = join(persistDir, 'v3', 'd1', 'miniflare-D1DatabaseObject');
  const files = readdirSync(dir).filter((f) => f.endsWith('.sqlite') && f !== 'metadata.sqlite');
  if (files.length !== 1)
    throw new Error(`expected one D1 database file in ${dir}, found ${files.join(', ')}`);
  return join(dir, files[0]!);
}
