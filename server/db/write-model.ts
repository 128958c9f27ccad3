/**
 * The write model every engine honours (docs/adr/0203-one-write-model.md).
 *
 * A use case runs `store.write(fn)`. Inside `fn`, `tx` is a drizzle database whose
 *   - reads (SELECT) run at once against COMMITTED data — never against `fn`'s own writes;
 *   - writes (INSERT/UPDATE/DELETE) are recorded, not run: when `fn` returns, they are committed as ONE
 *     atomic batch (libSQL file: inside the group-commit transaction; remote libSQL and D1: one
 *     `batch` round trip);
 *   - guards say what must still hold at commit: `tx.guard(q)` records a write that must change at least
 *     one row (`UPDATE … WHERE version = ?`, `INSERT … ON CONFLICT DO NOTHING`), else the whole batch is
 *     undone and `fn` runs again on fresh data, where it decides anew (usually a 409 of its own);
 *   - `tx.returning(q)` records a write whose RETURNING rows are wanted: they are read from the batch's
 *     own results after the commit (`slot.rows`), never predicted.
 * Awaiting a write with `.returning()` directly, nested transactions and savepoints are refused: they
 * would mean different things on different engines.
 */
import { is, SQL } from 'drizzle-orm';
import { type BaseSQLiteDatabase, SQLiteAsyncDialect } from 'drizzle-orm/sqlite-core';
import { ApiError } from '../errors.js';
import type * as schema from './schema.js';

/** A drizzle database over our schema, whichever driver is underneath. */
// biome-ignore lint/suspicious/noExplicitAny: the driver's result type differs between libSQL and D1
export type Db = BaseSQLiteDatabase<'async', any, typeof schema>;

/** One recorded statement: SQL text and driver-ready arguments (drizzle's `toSQL()` output). */
export interface Stmt {
  sql: string;
  args: unknown[];
  /** The batch is undone unless this statement changes at least one row. */
  guard?: string;
  /** Index into the recorder's slots for RETURNING rows. */
  slot?: number;
}

/** What an engine reports for one committed statement. */
export interface StmtResult {
  rows: Record<string, unknown>[];
}

/** RETURNING rows of a recorded write, readable once the batch has committed. */
export class Slot<T = Record<string, unknown>> {
  private value: T[] | undefined;
  /** @internal */
  fill(rows: T[]): void {
    this.value = rows;
  }
  get rows(): T[] {
    if (!this.value) throw new Error('write model: RETURNING rows are known only after the commit');
    return this.value;
  }
}

/** A guard did not hold at commit: another writer changed the rows first. */
export class GuardLost extends Error {
  constructor(readonly guardName: string) {
    super(`write model: guard "${guardName}" did not hold at commit`);
  }
}

/** A write to record: a drizzle `insert/update/delete` builder, or a `sql` template of one. */
export type Buildable = { toSQL(): { sql: string; params: unknown[] } } | SQL;

/** Renders `sql` templates exactly as drizzle's SQLite drivers do (builders render themselves). */
const dialect = new SQLiteAsyncDialect();
function toQuery(q: Buildable): { sql: string; params: unknown[] } {
  return is(q, SQL) ? dialect.sqlToQuery(q) : q.toSQL();
}

export interface WriteOps {
  /** Records a write that must change ≥ 1 row at commit, else the batch is undone and `fn` re-runs. */
  guard(q: Buildable, name?: string): void;
  /** Records a write with RETURNING; its rows are in the slot after the commit. */
  returning<T = Record<string, unknown>>(q: Buildable): Slot<T>;
  /** Records a write (the same as awaiting it; for symmetry with guard/returning). */
  add(q: Buildable): void;
  /** A mark to undo back to (`undo(mark)`), e.g. to drop one device's work but keep the others'. */
  mark(): number;
  undo(mark: number): void;
  /** Statements recorded so far. */
  readonly pending: number;
}

/** `tx` inside `store.write(fn)`: reads of committed data, recorded writes, guards. */
export type WriteTx = Db & WriteOps;

const WRITE_RE = /^\s*(insert|update|delete|replace)\b/i;
const READ_RE = /^\s*(select|with|pragma\s+\w+\s*$|values)\b/i;
const RETURNING_RE = /\breturning\b/i;

export type StatementClass = 'read' | 'write' | 'other';

/** Read (runs now, on committed data), write (recorded), or other (refused: BEGIN, SAVEPOINT, …). */
export function classifySql(sql: string): StatementClass {
  if (WRITE_RE.test(sql)) return 'write';
  if (READ_RE.test(sql))
    return /\b(insert\s+into|update\s+\S+\s+set|delete\s+from)\b/i.test(sql) ? 'write' : 'read';
  return 'other';
}

/** The statements of one attempt of one `write(fn)`. */
export class Recorder {
  readonly stmts: Stmt[] = [];
  readonly slots: Slot<unknown>[] = [];
  private readonly written = new Set<string>();

  constructor(private readonly onHint?: (msg: string, table: string) => void) {}

  /** A write reached the driver (awaited builder or `tx.run(sql)`): record it. */
  recordAwaited(sql: string, args: unknown[]): void {
    if (RETURNING_RE.test(sql))
      throw new Error(
        'write model: a write with RETURNING was awaited inside store.write; its rows are unknown until the ' +
          'commit. Use tx.returning(q) and read slot.rows after the write, or tx.guard(q) for a condition.',
      );
    this.push({ sql, args });
  }

  /** A read reached the driver: fine, but note reads of tables this write already changed. */
  noteRead(sql: string): void {
    if (!this.onHint) return;
    for (const t of this.written) if (sql.includes(`"${t}"`)) this.onHint('read after write', t);
  }

  push(s: Stmt): void {
    const m = /^\s*(?:insert\s+into|update|delete\s+from|replace\s+into)\s+"?([\w]+)"?/i.exec(s.sql);
    if (m) this.written.add(m[1]!);
    this.stmts.push(s);
  }

  ops(): WriteOps {
    const rec = this;
    return {
      guard(q, name = 'guard') {
        const { sql, params } = toQuery(q);
        if (classifySql(sql) !== 'write') throw new Error('write model: tx.guard() takes a write');
        rec.push({ sql, args: params, guard: name });
      },
      returning<T>(q: Buildable) {
        const { sql, params } = toQuery(q);
        if (classifySql(sql) !== 'write') throw new Error('write model: tx.returning() takes a write');
        const slot = new Slot<T>();
        rec.slots.push(slot as Slot<unknown>);
        rec.push({ sql, args: params, slot: rec.slots.length - 1 });
        return slot;
      },
      add(q) {
        const { sql, params } = toQuery(q);
        if (classifySql(sql) !== 'write') throw new Error('write model: tx.add() takes a write');
        rec.push({ sql, args: params });
      },
      mark: () => rec.stmts.length,
      undo(mark) {
        rec.stmts.length = Math.min(mark, rec.stmts.length);
      },
      get pending() {
        return rec.stmts.length;
      },
    };
  }

  /** After commit: hand each slot the rows its statement returned. */
  fill(results: StmtResult[]): void {
    this.stmts.forEach((s, i) => {
      if (s.slot !== undefined) this.slots[s.slot]!.fill(results[i]?.rows ?? []);
    });
  }
}

/** Attaches the write operations to a drizzle database built over a recording driver. */
export function writeTx(db: Db, rec: Recorder): WriteTx {
  const ops = rec.ops();
  const tx = db as WriteTx;
  Object.defineProperties(tx, Object.getOwnPropertyDescriptors(ops));
  // Nested transactions would mean "interactive transaction" on libSQL and fail on D1: refuse both.
  (tx as unknown as { transaction: unknown }).transaction = () => {
    throw new Error('write model: no nested transactions inside store.write (record writes; use guards)');
  };
  (tx as unknown as { batch: unknown }).batch = () => {
    throw new Error('write model: db.batch() inside store.write; the writes are one batch already');
  };
  return tx;
}

/** The SQLite error a failed batch guard raises (`abs()` of the smallest integer). */
export const GUARD_FAILURE = /integer overflow/i;
/**
 * The statement put after a guarded write in a one-round-trip batch (D1, remote libSQL): it fails,
 * undoing the whole batch, unless the write before it changed a row. `changes()` is not a constant, so
 * SQLite cannot evaluate the expression ahead of the statements before it.
 */
export const GUARD_SQL = 'SELECT abs(-9223372036854775807 - 1 + min(changes(), 1)) AS guard';

export const CONSTRAINT_FAILURE = /SQLITE_CONSTRAINT|constraint failed/i;

/** Messages of an error and its causes (drivers wrap SQLite's message). */
export function messageOf(e: unknown): string {
  const parts: string[] = [];
  let cur: unknown = e;
  for (let i = 0; cur && i < 5; i++) {
    parts.push(cur instanceof Error ? cur.message : String(cur));
    cur = cur instanceof Error ? cur.cause : undefined;
  }
  return parts.join(' | ');
}

/** Expands guards into guard statements for a one-round-trip batch; maps results back. */
export function withGuardStatements(stmts: readonly Stmt[]): { batch: Stmt[]; index: number[] } {
  const batch: Stmt[] = [];
  const index: number[] = [];
  for (const s of stmts) {
    index.push(batch.length);
    batch.push(s);
    if (s.guard) batch.push({ sql: GUARD_SQL, args: [] });
  }
  return { batch, index };
}

/** Attempts of one `write(fn)` before a persistent lost guard becomes a 409. */
export const MAX_ATTEMPTS = 8;

/**
 * Before a re-run: a random pause of up to 2^attempt ms (2 ms … 128 ms), so writers that keep colliding
 * on one row spread out instead of losing to each other again in lock step.
 */
const backoff = (attempt: number) =>
  new Promise<void>((r) => setTimeout(r, Math.random() * 2 ** Math.min(attempt, 7)));

export interface WriteStats {
  commits: number;
  retries: number;
  lostGuards: number;
  constraintRetries: number;
}

export type CommitFn = (stmts: Stmt[], label: string) => Promise<StmtResult[]>;

export interface RunWriteDeps {
  /** A fresh recording drizzle database for one attempt. */
  begin(rec: Recorder): Db;
  /** Commits the statements atomically; throws GuardLost or the engine's error. */
  commit: CommitFn;
  /**
   * Where the engine can (one process's single writer), runs a re-run while nothing else of this
   * process commits, with a commit of its own: a loser to a writer of this process re-runs once.
   */
  exclusive?<T>(work: (commit: CommitFn) => Promise<T>): Promise<T>;
  stats: WriteStats;
  onRetry?(label: string, attempt: number, why: string): void;
  onHint?(msg: string, table: string): void;
}

function isGuardLoss(e: unknown): boolean {
  return e instanceof GuardLost || GUARD_FAILURE.test(messageOf(e));
}

type Attempt<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** One attempt: run `fn`, commit its batch; a refused commit comes back as a value, anything else throws. */
async function attempt<T>(
  d: RunWriteDeps,
  fn: (tx: WriteTx) => Promise<T>,
  label: string,
  commit: CommitFn,
): Promise<Attempt<T>> {
  const rec = new Recorder(d.onHint);
  const tx = writeTx(d.begin(rec), rec);
  const value = await fn(tx);
  if (rec.stmts.length === 0) return { ok: true, value };
  try {
    const results = await commit(rec.stmts, label);
    d.stats.commits++;
    rec.fill(results);
    return { ok: true, value };
  } catch (error) {
    return { ok: false, error };
  }
}

/** The retry loop every engine shares: run `fn`, commit its batch, re-run on a lost guard or key. */
export async function runWrite<T>(
  d: RunWriteDeps,
  fn: (tx: WriteTx) => Promise<T>,
  label: string,
): Promise<T> {
  for (let n = 1; ; n++) {
    const r =
      n > 1 && d.exclusive
        ? await d.exclusive((commit) => attempt(d, fn, label, commit))
        : await attempt(d, fn, label, d.commit);
    if (r.ok) return r.value;
    const e = r.error;
    const guard = isGuardLoss(e);
    // A unique key taken between fn's read and the commit: fn sees the row on the next attempt.
    const constraint = !guard && CONSTRAINT_FAILURE.test(messageOf(e));
    if (!guard && !constraint) throw e;
    if (guard) d.stats.lostGuards++;
    if (n < MAX_ATTEMPTS) {
      d.stats.retries++;
      if (constraint) d.stats.constraintRetries++;
      d.onRetry?.(label, n, messageOf(e));
      // The single writer serialises the re-run already; elsewhere, spread colliding writers out.
      if (!d.exclusive) await backoff(n);
      continue;
    }
    if (guard || constraint)
      throw new ApiError('conflict', {
        vi: 'Dữ liệu vừa được người khác thay đổi nhiều lần liên tiếp; hãy tải lại rồi thử lại.',
        en: 'The data kept being changed by someone else; reload and try again.',
      });
  }
}

/** A drizzle result for a recorded write: nothing is known about it until the commit. */
export function deferredMeta(): Record<string, unknown> {
  const unknown = (field: string) => () => {
    throw new Error(
      `write model: ${field} of a recorded write is unknown inside store.write (the batch commits when ` +
        'the function returns). Use tx.guard() or tx.returning().',
    );
  };
  const meta: Record<string, unknown> = { deferred: true };
  for (const f of ['changes', 'last_row_id', 'rows_written', 'rowsAffected', 'lastInsertRowid'])
    Object.defineProperty(meta, f, { get: unknown(f), enumerable: false });
  return meta;
}
