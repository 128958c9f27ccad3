/**
 * The Store on Cloudflare D1 (docs/adr/0200-d1-store.md).
 *
 * D1 has no interactive transactions (it rejects BEGIN and SAVEPOINT), but `d1.batch([...])` runs
 * its statements in order as one atomic transaction. So `write(fn)` runs `fn` against a drizzle
 * database over a RECORDING wrapper of the binding:
 *   - reads (SELECT) run at once against committed data — they never see `fn`'s own writes;
 *   - writes (INSERT/UPDATE/DELETE) are buffered and committed together by one `batch` when `fn`
 *     returns (a throwing `fn` writes nothing);
 *   - a write with RETURNING is answered from a prediction (a SELECT of what it would return now, or
 *     the inserted values) and, for UPDATE/DELETE, preceded in the batch by a guard that aborts the
 *     whole batch unless the statement still returns exactly that. A conditional transition
 *     (`update … where status = ? returning`) therefore either commits what `fn` was told, or the
 *     batch fails and `fn` runs again on fresh data — where it sees the lost race itself (409).
 * A commit that fails on a guard or a constraint (a concurrent insert of the same unique key) is
 * retried from the start of `fn`; nothing of a failed attempt was written.
 */
import { drizzle } from 'drizzle-orm/d1';
import type { Logger } from '../deps.js';
import { ApiError } from '../http/problem.js';
import {
  classify,
  flatRow,
  GUARD_FAILURE,
  mentions,
  splitInsert,
  UnsupportedSql,
  writeShape,
} from './d1-sql.js';
import * as schema from './schema.js';
import type { Db, Store, WriteOptions } from './store.js';

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

type Method = 'all' | 'raw' | 'run' | 'first';

/** Attempts of one `write(fn)` before a persistent lost race becomes a 503 with retry-after. */
const MAX_ATTEMPTS = 4;

/** Meta of a buffered write: how many rows it changes is unknown until the commit. */
function deferredMeta(): Record<string, unknown> {
  const unknown = (field: string) => () => {
    throw new Error(
      `D1 store: ${field} of a write is unknown inside store.write (writes are committed in one batch ` +
        'when the function returns). Use .returning() to learn which rows a write touches.',
    );
  };
  const meta: Record<string, unknown> = { deferred: true };
  for (const f of ['changes', 'last_row_id', 'rows_written'])
    Object.defineProperty(meta, f, { get: unknown(f), enumerable: false });
  return meta;
}

function shaped(method: Method, names: string[], rows: unknown[][], opts?: { columnNames?: boolean }) {
  const objects = () => rows.map((r) => Object.fromEntries(names.map((n, i) => [n, r[i]])));
  switch (method) {
    case 'raw':
      return opts?.columnNames ? [names, ...rows] : rows;
    case 'first':
      return objects()[0] ?? null;
    default:
      return { success: true, results: objects(), meta: deferredMeta() };
  }
}

interface ReturningCheck {
  /** Batch positions of the statement (several when a long INSERT was cut under 100 parameters). */
  indices: number[];
  names: string[];
  rows: unknown[][];
  sql: string;
}

/** One attempt of one `write(fn)`: the buffered statements and what `fn` was told. */
class WriteRecorder {
  readonly batch: D1PreparedStatement[] = [];
  readonly checks: ReturningCheck[] = [];
  guards = 0;
  private readonly written = new Set<string>();
  private readonly warned = new Set<string>();

  constructor(
    private readonly d1: D1DatabaseLike,
    private readonly logger: Logger,
    private readonly label: string,
  ) {}

  /** The D1-shaped object drizzle talks to inside `fn`. */
  binding(): D1DatabaseLike {
    return {
      prepare: (sql) => new RecordedStatement(this, sql, []),
      batch: () => {
        throw new Error(
          'D1 store: db.batch() inside store.write is not supported; writes are batched already',
        );
      },
    };
  }

  async execute(sql: string, params: unknown[], method: Method, opts?: { columnNames?: boolean }) {
    const cls = classify(sql);
    if (cls === 'read') {
      this.noteRead(sql);
      const st = this.d1.prepare(sql).bind(...params);
      return method === 'raw' ? st.raw(opts) : method === 'first' ? st.first() : st[method]();
    }
    if (cls === 'other')
      throw new Error(
        `D1 store: "${sql.slice(0, 40)}" is not allowed inside store.write (D1 has no interactive transactions; ` +
          'nested transactions and savepoints are not available)',
      );

    // A long INSERT is cut under D1's 100 bound parameters first; each part is then a statement
    // of its own in the batch, with its own prediction and guard.
    const parts = splitInsert(sql, params) ?? [{ text: sql, params }];
    let shapes: ReturnType<typeof writeShape>[];
    try {
      shapes = parts.map((p) => writeShape(p.text, p.params));
    } catch (e) {
      if (e instanceof UnsupportedSql)
        throw new Error(`D1 store: ${e.message}. Statement: ${sql.slice(0, 200)}`, { cause: e });
      throw e;
    }
    const { table, returning: names } = shapes[0]!;
    if (names && this.written.has(table))
      // Almost surely a bug: the guard will see the earlier buffered write and refuse every attempt.
      this.hint(
        'warn',
        table,
        'a RETURNING write on a table this write already changed is predicted without those changes',
      );
    this.written.add(table);
    if (!names) {
      for (const p of parts) this.batch.push(this.d1.prepare(p.text).bind(...p.params));
      return method === 'raw'
        ? []
        : method === 'first'
          ? null
          : { success: true, results: [], meta: deferredMeta() };
    }

    const rows: unknown[][] = [];
    const indices: number[] = [];
    for (const [i, part] of parts.entries()) {
      const pred = shapes[i]!.predict!();
      let json = '[]';
      if (pred.rows) rows.push(...pred.rows);
      else {
        json =
          (await this.d1
            .prepare(pred.query!.text)
            .bind(...pred.query!.params)
            .first<string>('j')) ?? '[]';
        // Each predicted item ends with the row's rowid or tuple number: not part of RETURNING.
        for (const r of JSON.parse(json) as unknown[][]) rows.push(flatRow(r, names.length + 1).slice(0, -1));
      }
      if (pred.guard) {
        const g = pred.guard(json);
        this.batch.push(this.d1.prepare(g.text).bind(...g.params));
        this.guards++;
      }
      indices.push(this.batch.push(this.d1.prepare(part.text).bind(...part.params)) - 1);
    }
    this.checks.push({ indices, names, rows, sql });
    return shaped(method, names, rows, opts);
  }

  /** After commit: RETURNING gave what `fn` was told (guards make it so for UPDATE/DELETE). */
  verify(results: D1Result[]): void {
    for (const c of this.checks) {
      const got = c.indices.flatMap((i) =>
        (results[i]?.results ?? []).map((o) => c.names.map((n) => o[n] ?? null)),
      );
      if (JSON.stringify(got) !== JSON.stringify(c.rows))
        this.logger.error('d1 store: RETURNING differed from its prediction', {
          label: this.label,
          sql: c.sql.slice(0, 200),
          predicted: c.rows.length,
          committed: got.length,
        });
    }
  }

  /** A developer hint (debug): often harmless — another key of the same table — but never sees the write. */
  private noteRead(sql: string): void {
    for (const t of this.written) if (mentions(sql, t)) this.hint('debug', t, 'read after write');
  }

  private hint(level: 'debug' | 'warn', table: string, what: string): void {
    if (this.warned.has(`${level}:${table}`)) return;
    this.warned.add(`${level}:${table}`);
    this.logger[level](
      `d1 store: ${what} on "${table}" inside one write; on D1 reads do not see uncommitted writes`,
      {
        label: this.label,
        table,
      },
    );
  }
}

class RecordedStatement implements D1PreparedStatement {
  constructor(
    private readonly rec: WriteRecorder,
    private readonly sql: string,
    private readonly params: unknown[],
  ) {}
  bind(...values: unknown[]): D1PreparedStatement {
    return new RecordedStatement(this.rec, this.sql, values);
  }
  first<T>(colName?: string): Promise<T | null> {
    return this.rec.execute(this.sql, this.params, 'first').then((row) => {
      if (row == null || colName === undefined) return row as T | null;
      return ((row as Record<string, unknown>)[colName] ?? null) as T | null;
    });
  }
  run<T>(): Promise<D1Result<T>> {
    return this.rec.execute(this.sql, this.params, 'run') as Promise<D1Result<T>>;
  }
  all<T>(): Promise<D1Result<T>> {
    return this.rec.execute(this.sql, this.params, 'all') as Promise<D1Result<T>>;
  }
  raw<T>(options?: { columnNames?: boolean }): Promise<T[]> {
    return this.rec.execute(this.sql, this.params, 'raw', options) as Promise<T[]>;
  }
}

function messageOf(e: unknown): string {
  const parts: string[] = [];
  let cur: unknown = e;
  for (let i = 0; cur && i < 4; i++) {
    parts.push(cur instanceof Error ? cur.message : String(cur));
    cur = cur instanceof Error ? cur.cause : undefined;
  }
  return parts.join(' | ');
}

export interface D1Store extends Store {
  readonly stats: { commits: number; retries: number; lostRaces: number };
}

export function openD1Store(d1: D1DatabaseLike, opts: { logger: Logger }): D1Store {
  const { logger } = opts;
  const read = drizzle(d1 as never, { schema }) as unknown as Db;
  const stats = { commits: 0, retries: 0, lostRaces: 0 };

  async function write<T>(fn: (tx: Db) => Promise<T>, wopts?: WriteOptions): Promise<T> {
    const label = wopts?.label ?? 'write';
    for (let attempt = 1; ; attempt++) {
      const rec = new WriteRecorder(d1, logger, label);
      const tx = drizzle(rec.binding() as never, { schema }) as unknown as Db;
      const value = await fn(tx);
      if (rec.batch.length === 0) return value;
      let results: D1Result[];
      try {
        results = (await d1.batch(rec.batch)) as D1Result[];
      } catch (e) {
        const msg = messageOf(e);
        const lostRace = rec.guards > 0 && GUARD_FAILURE.test(msg);
        // A unique key taken between fn's check and the commit: run fn again so it sees the row.
        const constraint = /SQLITE_CONSTRAINT|constraint failed/i.test(msg);
        if (lostRace) stats.lostRaces++;
        if ((lostRace || constraint) && attempt < MAX_ATTEMPTS) {
          stats.retries++;
          logger.debug('d1 store: commit refused, running the write again', { label, attempt, error: msg });
          continue;
        }
        if (lostRace) {
          logger.warn('d1 store: write kept losing races', { label, attempts: attempt });
          throw new ApiError(
            'unavailable',
            {
              vi: 'Dữ liệu đang được thay đổi đồng thời. Hãy thử lại sau giây lát.',
              en: 'The data is being changed concurrently. Try again in a moment.',
            },
            { retryAfterSec: 1 },
          );
        }
        throw e;
      }
      stats.commits++;
      rec.verify(results);
      return value;
    }
  }

  return {
    kind: 'd1',
    read,
    stats,
    write,
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
