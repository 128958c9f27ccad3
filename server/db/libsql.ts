/**
 * libSQL store for Node: a local file (embedded) or a remote libSQL/Turso server.
 *
 * Local file: one single-connection client owns the write path (its PRAGMAs stick because the pool
 * never replaces that connection) and a second, pooled client serves reads from WAL snapshots.
 * `:memory:` is served by a temporary file deleted on close, because an in-memory database exists on
 * one connection only and a read during a write transaction would fail with TRANSACTION_ACTIVE.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { type Client, createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import * as schema from './schema.js';
import { type Db, GroupCommitWriter, type Store } from './store.js';

export interface LibsqlOptions {
  url: string;
  authToken?: string;
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
  readonly writer: GroupCommitWriter;
}

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

  if (remote) {
    const client = createClient({ url, authToken: opts.authToken });
    const db = drizzle(client, { schema }) as unknown as Db;
    const writer = new GroupCommitWriter(db);
    return {
      kind: 'libsql-remote',
      read: db,
      writer,
      writerClient: client,
      write: (fn) => writer.write(fn),
      ping: async () => {
        await client.execute('SELECT 1');
      },
      close: async () => client.close(),
    };
  }

  const writerClient = createClient({ url, concurrency: 1, timeout: 10_000 });
  for (const p of WRITER_PRAGMAS) await writerClient.execute(p);
  const readerClient = createClient({ url, concurrency: 8, timeout: 10_000 });
  const writeDb = drizzle(writerClient, { schema }) as unknown as Db;
  const readDb = drizzle(readerClient, { schema }) as unknown as Db;
  const writer = new GroupCommitWriter(writeDb);
  return {
    kind: 'libsql-file',
    read: readDb,
    writer,
    writerClient,
    write: (fn) => writer.write(fn),
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
