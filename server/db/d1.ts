/**
 * The Store on Cloudflare D1, in the write model every engine honours (docs/adr/0203-one-write-model.md).
 *
 * D1 has no interactive transactions (it rejects BEGIN and SAVEPOINT), but `d1.batch([...])` runs its
 * statements in order as one atomic transaction. `write(fn)` runs `fn` against drizzle over a
 * RECORDING binding — reads run at once against committed data, writes are recorded — and commits the
 * recorded writes with ONE `batch`, each guard as a statement that fails the batch unless the write
 * before it changed a row. A lost guard or a unique key taken meanwhile runs `fn` again on fresh data.
 * The only SQL handling left is cutting an INSERT over D1's 100 bound parameters (`d1-sql.ts`).
 */
import { drizzle } from 'drizzle-orm/d1';
import type { Logger } from '../deps.js';
import { type Piece, splitInsert } from './d1-sql.js';
import * as schema from './schema.js';
import type { Db, Store } from './store.js';
import {
  classifySql,
  deferredMeta,
  messageOf,
  type Recorder,
  runWrite,
  type Stmt,
  type StmtResult,
  type WriteStats,
  withGuardStatements,
} from './write-model.js';

// ---- the part of the D1 binding we use (structural, so no Workers types are needed here) -------

export interface D1Result<T = Record<string, unknown>> {
  results: T[];
  success: boolean;
  meta: Record<string, unknown>;
}

export interface D1PreparedStatement {
  bind(...values: unknown[]): D1PreparedStatement;
  first<T = unknown>(colName?: string): Promise<T | null>;
  run<T = Record<string, unknown>>(): Promise<D1Result<T>>;
  all<T = Record<string, unknown>>(): Promise<D1Result<T>>;
  raw<T = unknown[]>(options?: { columnNames?: boolean }): Promise<T[]>;
}

export interface D1DatabaseLike {
  prepare(query: string): D1PreparedStatement;
  batch<T = unknown>(statements: D1PreparedStatement[]): Promise<D1Result<T>[]>;
}

/** The D1-shaped object drizzle talks to inside `fn`: reads pass through, writes are recorded. */
function recordingBinding(d1: D1DatabaseLike, rec: Recorder): D1DatabaseLike {
  const statement = (sql: string, params: unknown[]): D1PreparedStatement => {
    const cls = classifySql(sql);
    const write = () => {
      if (cls === 'other')
        throw new Error(
          `write model: "${sql.slice(0, 40)}" is not allowed inside store.write (D1 has no interactive transactions)`,
        );
      rec.recordAwaited(sql, params);
    };
    const real = () => {
      rec.noteRead(sql);
      return d1.prepare(sql).bind(...params);
    };
    return {
      bind: (...values) => statement(sql, values),
      first: async <T>(col?: string) => {
        if (cls === 'read') return real().first<T>(col as string);
        write();
        return null;
      },
      run: async <T>() => {
        if (cls === 'read') return real().run<T>();
        write();
        return { success: true, results: [] as T[], meta: deferredMeta() };
      },
      all: async <T>() => {
        if (cls === 'read') return real().all<T>();
        write();
        return { success: true, results: [] as T[], meta: deferredMeta() };
      },
      raw: async <T>(o?: { columnNames?: boolean }) => {
        if (cls === 'read') return real().raw<T>(o);
        write();
        return [] as T[];
      },
    };
  };
  return {
    prepare: (sql) => statement(sql, []),
    batch: () => {
      throw new Error('write model: db.batch() inside store.write; the writes are one batch already');
    },
  };
}

/** Commits one use case's statements as one D1 batch (long INSERTs cut, guards as statements). */
async function commitD1(d1: D1DatabaseLike, stmts: Stmt[]): Promise<StmtResult[]> {
  const { batch, index } = withGuardStatements(stmts);
  const prepared: D1PreparedStatement[] = [];
  // Batch position(s) of each statement of `batch` (several when an INSERT was cut).
  const at: number[][] = [];
  for (const s of batch) {
    const parts: Piece[] = splitInsert(s.sql, s.args) ?? [{ text: s.sql, params: s.args }];
    const mine: number[] = [];
    for (const p of parts) mine.push(prepared.push(d1.prepare(p.text).bind(...p.params)) - 1);
    at.push(mine);
  }
  const results = (await d1.batch(prepared)) as D1Result[];
  return stmts.map((s, i) => ({
    rows: s.slot !== undefined ? at[index[i]!]!.flatMap((k) => results[k]?.results ?? []) : [],
  }));
}

export interface D1Store extends Store {
  readonly stats: WriteStats;
}

export function openD1Store(d1: D1DatabaseLike, opts: { logger: Logger }): D1Store {
  const { logger } = opts;
  const read = drizzle(d1 as never, { schema }) as unknown as Db;
  const stats: WriteStats = { commits: 0, retries: 0, lostGuards: 0, constraintRetries: 0 };
  return {
    kind: 'd1',
    read,
    stats,
    write: (fn, wopts) =>
      runWrite(
        {
          begin: (rec) => drizzle(recordingBinding(d1, rec) as never, { schema }) as unknown as Db,
          commit: (stmts) => commitD1(d1, stmts),
          stats,
          onRetry: (label, attempt, why) =>
            logger.debug('d1 store: batch refused at commit, running the use case again', {
              label,
              attempt,
              error: why.slice(0, 200),
            }),
        },
        fn,
        wopts?.label ?? 'write',
      ),
    ping: async () => {
      await d1.prepare('select 1 as ok').first();
    },
    close: async () => {},
  };
}

/**
 * Migrations bundled in this build (drizzle-kit's journal) against those wrangler recorded as
 * applied to D1 (`d1_migrations`, one row per file name), so /readyz is honest.
 */
export async function d1MigrationStatus(
  d1: D1DatabaseLike,
  journal: { entries: { tag: string }[] },
  table = 'd1_migrations',
): Promise<{ applied: number; expected: number }> {
  const expected = journal.entries.length;
  let names: string[];
  try {
    const r = await d1.prepare(`select name from "${table}"`).all<{ name: string }>();
    names = r.results.map((x) => x.name);
  } catch (e) {
    if (/no such table/i.test(messageOf(e))) return { applied: 0, expected };
    throw e;
  }
  const have = new Set(names);
  const applied = journal.entries.filter((m) => have.has(`${m.tag}.sql`)).length;
  return { applied, expected };
}
