/**
 * The Store: committed reads and one write model on every engine (ADR 0203).
 *
 * `write(fn)` runs `fn` with reads of committed data and RECORDED writes; when `fn` returns, its writes
 * commit as one atomic batch with their guards (`write-model.ts`). Engines differ only in how that
 * batch is committed:
 *   - a libSQL file: the group-commit writer below — one transaction for every batch waiting at that
 *     moment, each batch inside its own savepoint (a lost guard or failing batch is undone alone),
 *     committed once, and only then are the callers answered (a 200 still means "durably stored", but
 *     many requests share one fsync);
 *   - a remote libSQL server and D1: one `batch` round trip per use case, guards as statements in it.
 */
import {
  type Db,
  GuardLost,
  type Stmt,
  type StmtResult,
  type WriteStats,
  type WriteTx,
} from './write-model.js';

export type { Db, WriteTx } from './write-model.js';

export interface WriteOptions {
  /** Short name for logs and metrics (e.g. `ingest`, `ticket.action`). */
  label?: string;
}

export interface Store {
  /** Reads of committed data. */
  readonly read: Db;
  /**
   * Runs `fn` (reads, decisions, recorded writes with guards) and commits its writes as one atomic
   * batch; re-runs `fn` on fresh data when a guard or a unique key was lost (ADR 0203).
   */
  write<T>(fn: (tx: WriteTx) => Promise<T>, opts?: WriteOptions): Promise<T>;
  /** Cheap liveness query for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
  readonly kind: 'libsql-file' | 'libsql-remote' | 'd1';
  readonly stats: WriteStats;
}

/** The minimal libSQL surface the group-commit writer needs (a client's write transaction). */
export interface SqlTransaction {
  execute(stmt: { sql: string; args: unknown[] } | string): Promise<{
    rows: ArrayLike<unknown>[] | unknown[];
    columns: string[];
    rowsAffected: number;
  }>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  close(): void;
}

export interface SqlClient {
  transaction(mode: 'write'): Promise<SqlTransaction>;
}

interface Pending {
  stmts: Stmt[];
  resolve: (v: StmtResult[]) => void;
  reject: (e: unknown) => void;
  /** An exclusive turn (see `exclusive`): the writer runs it alone, nothing else commits meanwhile. */
  turn?: () => Promise<void>;
}

/** After pending I/O callbacks (setImmediate on Node; a zero timeout where it does not exist). */
const nextTurn: (fn: () => void) => void =
  typeof (globalThis as { setImmediate?: unknown }).setImmediate === 'function'
    ? (fn) => (globalThis as unknown as { setImmediate: (f: () => void) => void }).setImmediate(fn)
    : (fn) => setTimeout(fn, 0);

export interface GroupCommitStats {
  commits: number;
  items: number;
  maxGroup: number;
}

/** Rows of a libSQL result as plain objects keyed by column name. */
export function rowObjects(rs: { rows: ArrayLike<unknown>[] | unknown[]; columns: string[] }) {
  return (rs.rows as ArrayLike<unknown>[]).map((r) => {
    const o: Record<string, unknown> = {};
    rs.columns.forEach((c, i) => {
      o[c] = (r as ArrayLike<unknown>)[i];
    });
    return o;
  });
}

/** Runs one batch's statements in order inside an open transaction; a guard that changed nothing throws. */
async function runStatements(tx: SqlTransaction, stmts: readonly Stmt[]): Promise<StmtResult[]> {
  const out: StmtResult[] = [];
  for (const s of stmts) {
    const rs = await tx.execute({ sql: s.sql, args: s.args });
    if (s.guard && rs.rowsAffected === 0) throw new GuardLost(s.guard);
    out.push({ rows: s.slot !== undefined ? rowObjects(rs) : [] });
  }
  return out;
}

/**
 * Group-commit writer over one libSQL client (the only connection that writes the file).
 * Batches that lose a guard are answered only after the group committed, so the re-run of their use
 * case reads what the winner wrote.
 */
export class GroupCommitWriter {
  private queue: Pending[] = [];
  private draining = false;
  readonly stats: GroupCommitStats = { commits: 0, items: 0, maxGroup: 0 };

  constructor(
    private readonly client: SqlClient,
    private readonly maxGroup = 256,
  ) {}

  commit(stmts: Stmt[]): Promise<StmtResult[]> {
    return new Promise<StmtResult[]>((resolve, reject) => {
      this.queue.push({ stmts, resolve, reject });
      this.kick();
    });
  }

  /**
   * Runs `work` (a use case's reads and its commit) while this writer commits nothing else, so a
   * use case that lost a guard to a writer of this same process cannot lose again to one: on a hot
   * row (sixteen people commenting one ticket) every loser re-runs once, in turn, instead of all of
   * them losing to each other group after group. Another process can still win; then it re-runs.
   */
  exclusive<T>(work: (commit: (stmts: Stmt[]) => Promise<StmtResult[]>) => Promise<T>): Promise<T> {
    // The turn's own commits go straight to the database: the drain loop is waiting for the turn.
    const direct = (stmts: Stmt[]) =>
      new Promise<StmtResult[]>((resolve, reject) => void this.commitGroup([{ stmts, resolve, reject }]));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        stmts: [],
        resolve: () => {},
        reject: () => {},
        turn: async () => {
          try {
            resolve(await work(direct));
          } catch (e) {
            reject(e);
          }
        },
      });
      this.kick();
    });
  }

  private kick(): void {
    if (!this.draining) {
      this.draining = true;
      // Start on the next turn, not now: a local libSQL file runs every statement synchronously,
      // so a drain started here would commit this batch alone before any other request of the
      // same I/O turn could join the group.
      nextTurn(() => void this.drain());
    }
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const head = this.queue[0]!;
        if (head.turn) {
          this.queue.shift();
          await head.turn();
          continue;
        }
        // A group runs up to the next exclusive turn, which then waits for the group's commit.
        const stop = this.queue.findIndex((p) => p.turn);
        const group = this.queue.splice(0, Math.min(this.maxGroup, stop < 0 ? this.queue.length : stop));
        await this.commitGroup(group);
        // Let the requests that arrived meanwhile reach the queue before taking the next group.
        if (this.queue.length > 0) await new Promise<void>((r) => nextTurn(r));
      }
    } finally {
      this.draining = false;
    }
  }

  private async commitGroup(group: Pending[]): Promise<void> {
    const done: { p: Pending; value: StmtResult[] }[] = [];
    const failed: { p: Pending; error: unknown }[] = [];
    let tx: SqlTransaction | undefined;
    try {
      tx = await this.client.transaction('write');
      if (group.length === 1) {
        // No savepoint needed: the transaction itself is the unit of failure.
        const p = group[0]!;
        try {
          done.push({ p, value: await runStatements(tx, p.stmts) });
        } catch (error) {
          await tx.rollback();
          tx.close();
          tx = undefined;
          p.reject(error);
          return;
        }
      } else {
        for (const p of group) {
          await tx.execute('SAVEPOINT b');
          try {
            done.push({ p, value: await runStatements(tx, p.stmts) });
            await tx.execute('RELEASE b');
          } catch (error) {
            await tx.execute('ROLLBACK TO b');
            await tx.execute('RELEASE b');
            failed.push({ p, error }); // this batch wrote nothing; answered after the commit
          }
        }
      }
      await tx.commit();
      tx.close();
      tx = undefined;
    } catch (e) {
      // The commit itself failed: nobody in the group is durable.
      if (tx) {
        await tx.rollback().catch(() => {});
        tx.close();
      }
      for (const p of group) p.reject(e);
      return;
    }
    this.stats.commits++;
    this.stats.items += group.length;
    this.stats.maxGroup = Math.max(this.stats.maxGroup, group.length);
    for (const { p, value } of done) p.resolve(value);
    for (const { p, error } of failed) p.reject(error);
  }
}
