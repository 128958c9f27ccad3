/**
 * libSQL store for Node: a local file (embedded) or a remote libSQL/Turso server.
 *
 * Local file: one single-connection client owns the write path (its PRAGMAs stick because the pool
 * never replaces that connection) and commits batches through the group-commit writer; a second,
 * pooled client serves reads from WAL snapshots — the committed data every use case reads.
 * `:memory:` is served by a temporary file deleted on close, because an in-memory database exists on
 * one connection only and a read during a write transaction would fail with TRANSACTION_ACTIVE.
 * Remote: every batch is one `client.batch` round trip (ADR 0203).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { type Client, createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import type { Logger } from '../deps.js';
import { commitLibsqlBatch, recordingLibsqlDb } from './libsql-recording.js';
import * as schema from './schema.js';
import { type Db, GroupCommitWriter, type SqlClient, type Store } from './store.js';
import { runWrite, type WriteStats } from './write-model.js';

export interface LibsqlOptions {
  url: string;
  authToken?: string;
  logger?: Logger;
}

const WRITER_PRAGMAS = [
  'PRAGMA journal_mode = WAL',
  'PRAGMA synchronous = NORMAL',
  'PRAGMA busy_timeout = 10000',
  'PRAGMA foreign_keys = ON',
  // Checkpoint every ~32 MiB of WAL instead of 4 MiB: ingest writes a lot, and fewer, larger
  // checkpoints cost the single writer less (measured ~8% CPU per report in `npm run bench -- ingest`).
  'PRAGMA wal_autocheckpoint = 8000',
];

export interface LibsqlStore extends Store {
  readonly writerClient: Client;
  /** The group-commit writer (local file only). */
  readonly writer?: GroupCommitWriter;
}

const newStats = (): WriteStats => ({ commits: 0, retries: 0, lostGuards: 0, constraintRetries: 0 });

/** Opens the database named by DATABASE_URL, creating the folder of a `file:` path if needed. */
export async function openLibsqlStore(opts: LibsqlOptions): Promise<LibsqlStore> {
  let url = opts.url;
  let tempDir: string | undefined;
  if (url === ':memory:' || url === 'file::memory:') {
    tempDir = mkdtempSync(join(tmpdir(), 'onestop-mem-'));
    url = `file:${join(tempDir, 'db.sqlite')}`;
  }
  const remote = !url.startsWith('file:');
  if (!remote) {
    const path = resolve(url.slice('file:'.length));
    mkdirSync(dirname(path), { recursive: true });
    url = `file:${path}`;
  }
  const stats = newStats();
  const hooks = {
    onRetry: (label: string, attempt: number, why: string) =>
      opts.logger?.debug('store: batch refused at commit, running the use case again', {
        label,
        attempt,
        error: why.slice(0, 200),
      }),
    // A read of a table this write already changed sees none of those changes (ADR 0203): a hint for developers.
    onHint: (msg: string, table: string) => opts.logger?.debug(`store: ${msg} inside one write`, { table }),
  };

  if (remote) {
    const client = createClient({ url, authToken: opts.authToken });
    const db = drizzle(client, { schema }) as unknown as Db;
    return {
      kind: 'libsql-remote',
      read: db,
      writerClient: client,
      stats,
      write: (fn, wopts) =>
        runWrite(
          {
            begin: (rec) => recordingLibsqlDb(client, rec),
            commit: (stmts) => commitLibsqlBatch(client, stmts),
            stats,
            ...hooks,
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

  const writerClient = createClient({ url, concurrency: 1, timeout: 10_000 });
  for (const p of WRITER_PRAGMAS) await writerClient.execute(p);
  const readerClient = createClient({ url, concurrency: 8, timeout: 10_000 });
  const readDb = drizzle(readerClient, { schema }) as unknown as Db;
  const writer = new GroupCommitWriter(writerClient as unknown as SqlClient);
  return {
    kind: 'libsql-file',
    read: readDb,
    writer,
    writerClient,
    stats,
    write: (fn, wopts) =>
      runWrite(
        {
          begin: (rec) => recordingLibsqlDb(readerClient, rec),
          commit: (stmts) => writer.commit(stmts),
          exclusive: (work) => writer.exclusive((commit) => work((stmts) => commit(stmts))),
          stats,
          ...hooks,
        },
        fn,
        wopts?.label ?? 'write',
      ),
    ping: async () => {
      await readerClient.execute('SELECT 1');
    },
    close: async () => {
      readerClient.close();
      writerClient.close();
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    },
  };
}
