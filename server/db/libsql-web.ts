/**
 * The Store for a Worker pointed at a remote libSQL/Turso server (`DATABASE_URL` libsql:// or
 * https://) through `@libsql/client/web` (fetch-based, no `node:` imports).
 *
 * The same write model as every engine (ADR 0203): reads of committed data, recorded writes committed
 * as ONE `client.batch(…, 'write')` round trip with guards as statements. There is no in-isolate
 * group-commit queue: on Workers a queue would run one request's work inside another request's
 * I/O context, which the runtime may cancel when that other request ends.
 * Migrations are applied by the Node server (`npm start` with the same DATABASE_URL) — a Worker
 * cannot read `migrations/` — and /readyz compares drizzle's bookkeeping with this build's journal.
 */
import { type Client, createClient } from '@libsql/client/web';
import { drizzle } from 'drizzle-orm/libsql/web';
import { commitLibsqlBatch, type LibsqlReader, recordingLibsqlDb } from './libsql-recording.js';
import * as schema from './schema.js';
import type { Db, Store } from './store.js';
import { runWrite, type WriteStats } from './write-model.js';

export interface LibsqlWebStore extends Store {
  readonly client: Client;
}

export function openLibsqlWebStore(opts: { url: string; authToken?: string }): LibsqlWebStore {
  if (!/^(libsql|https?|wss?):\/\//i.test(opts.url))
    throw new Error(
      `Invalid configuration:\n  DATABASE_URL: on Workers it must be a remote libsql://, https:// or wss:// URL (got "${opts.url.split(':')[0]}:…"), or bind a D1 database as DB`,
    );
  const client = createClient({ url: opts.url, authToken: opts.authToken });
  const db = drizzle(client, { schema });
  const stats: WriteStats = { commits: 0, retries: 0, lostGuards: 0, constraintRetries: 0 };
  return {
    stats,
    kind: 'libsql-remote',
    client,
    read: db as unknown as Db,
    write: (fn, wopts) =>
      runWrite(
        {
          begin: (rec) => recordingLibsqlDb(client as unknown as LibsqlReader, rec),
          commit: (stmts) => commitLibsqlBatch(client as never, stmts),
          stats,
        },
        fn,
        wopts?.label ?? 'write',
      ),
    ping: async () => {
      await client.execute('SELECT 1');
    },
    close: async () => client.close(),
  };
}

/** Applied drizzle migrations (0 when the bookkeeping table does not exist yet) against the journal. */
export async function libsqlMigrationStatus(
  client: Client,
  journal: { entries: unknown[] },
): Promise<{ applied: number; expected: number }> {
  let applied = 0;
  try {
    const r = await client.execute('SELECT count(*) AS n FROM __drizzle_migrations');
    applied = Number(r.rows[0]?.n ?? 0);
  } catch (e) {
    if (!/no such table/i.test(String(e))) throw e;
  }
  return { applied, expected: journal.entries.length };
}
