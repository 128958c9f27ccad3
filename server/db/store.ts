/**
 * The Store: snapshot reads and one serialised write path.
 *
 * libSQL on a file cannot run two write transactions on one client (SQLITE_BUSY / TRANSACTION_ACTIVE,
 * see STACK.md), and one transaction per HTTP request would cap throughput at the fsync rate.
 * So every write goes through `write(fn)`: a queue whose drain loop opens ONE transaction, runs the
 * work of every request waiting at that moment, each inside its own savepoint (a failing request is
 * rolled back alone and writes nothing), commits once, and only then resolves the callers. This is
 * group commit: a 200 still means "durably stored", but many requests share one commit.
 */
import type { BaseSQLiteDatabase, SQLiteTransaction } from 'drizzle-orm/sqlite-core';
import type * as schema from './schema.js';

/** A drizzle database or transaction over our schema, whichever driver is underneath. */
// biome-ignore lint/suspicious/noExplicitAny: the driver's result type differs between libSQL and D1
export type Db = BaseSQLiteDatabase<'async', any, typeof schema>;
// biome-ignore lint/suspicious/noExplicitAny: see above
export type Tx = SQLiteTransaction<'async', any, typeof schema, any>;

export interface WriteOptions {
  /** Short name for logs and metrics (e.g. `ingest`, `ticket.action`). */
  label?: string;
}

export interface Store {
  /** Reads that do not need to see this request's own uncommitted writes. */
  readonly read: Db;
  /** Runs `fn` atomically: all of its writes commit together or none do. */
  write<T>(fn: (tx: Db) => Promise<T>, opts?: WriteOptions): Promise<T>;
  /** Cheap liveness query for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
  readonly kind: 'libsql-file' | 'libsql-remote' | 'd1';
}

interface Pending {
  fn: (tx: Db) => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
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

/**
 * Group-commit writer over anything that can open a transaction with nested savepoints
 * (drizzle's libSQL driver does both).
 */
export class GroupCommitWriter {
  private queue: Pending[] = [];
  private draining = false;
  readonly stats: GroupCommitStats = { commits: 0, items: 0, maxGroup: 0 };

  constructor(
    private readonly db: Db,
    private readonly maxGroup = 256,
  ) {}

  write<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.draining) {
        this.draining = true;
        // Start on the next turn, not now: a local libSQL file runs every statement synchronously,
        // so a drain started here would commit this request alone before any other request of the
        // same I/O turn could join the group.
        nextTurn(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const group = this.queue.splice(0, this.maxGroup);
        await this.commitGroup(group);
        // Let the requests that arrived meanwhile reach the queue before taking the next group.
        if (this.queue.length > 0) await new Promise<void>((r) => nextTurn(r));
      }
    } finally {
      this.draining = false;
    }
  }

  private async commitGroup(group: Pending[]): Promise<void> {
    const done: { p: Pending; value: unknown }[] = [];
    try {
      if (group.length === 1) {
        // No savepoint needed: the transaction itself is the unit of failure.
        const p = group[0]!;
        const value = await this.db.transaction(async (tx) => p.fn(tx as unknown as Db));
        done.push({ p, value });
      } else {
        await this.db.transaction(async (tx) => {
          for (const p of group) {
            try {
              const value = await (tx as unknown as Tx).transaction(async (sp) => p.fn(sp as unknown as Db));
              done.push({ p, value });
            } catch (e) {
              p.reject(e); // rolled back to its savepoint: this request wrote nothing
            }
          }
        });
      }
    } catch (e) {
      // The commit itself failed (or the single item threw): nobody in the group is durable.
      for (const { p } of done) p.reject(e);
      if (group.length === 1) group[0]!.reject(e);
      return;
    }
    this.stats.commits++;
    this.stats.items += group.length;
    this.stats.maxGroup = Math.max(this.stats.maxGroup, group.length);
    for (const { p, value } of done) p.resolve(value);
  }
}
