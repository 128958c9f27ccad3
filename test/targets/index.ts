/**
 * One suite, two targets: a black-box test file starts its server with `startTarget()` and runs
 * unchanged against
 *   - `node` (default): the Node server in this process (test/helpers/server.ts) with a ManualClock;
 *   - `workerd` (`ONESTOP_TARGET=workerd`, set by vitest.workers.config.ts): the Workers build in local
 *     workerd over a private copy of the migrated local D1, its clock set through the worker's test
 *     seam (`PUT /__test/clock`, only with the TEST_CLOCK_TOKEN binding).
 * What a target offers is what a black box allows: HTTP clients, the clock, read-only SQL on the
 * database file, and one run of the scheduled jobs as the cron trigger would do it. Tests of
 * in-process parts (service calls, processes, Node-only stats) stay beside them under
 * `describe.runIf(targetKind === 'node')`, reaching the server through `target.node`.
 */
import type { Db } from '../../server/db/store.js';
import type { ApiClient } from '../helpers/http.js';
import type { TestServer } from '../helpers/server.js';
import type { SqlArg } from './inspect.js';

export { ADMIN_PASSWORD } from '../helpers/server.js';
export type { SqlArg } from './inspect.js';

export type TargetKind = 'node' | 'workerd';

function kindFromEnv(): TargetKind {
  const v = process.env.ONESTOP_TARGET ?? 'node';
  if (v !== 'node' && v !== 'workerd') throw new Error(`ONESTOP_TARGET must be node or workerd, not ${v}`);
  return v;
}

/** The target of this test run (known when the file is collected, for `describe.runIf`). */
export const targetKind: TargetKind = kindFromEnv();

/** Where the tests' clocks start unless told otherwise: Monday 2 March 2026, 09:00 in Hanoi. */
export const DEFAULT_START = '2026-03-02T02:00:00Z';

/** The server's clock, standing still until a test moves it (like test/helpers/clock.ts). */
export interface TargetClock {
  now(): Date;
  set(at: string | Date): Promise<void>;
  advance(ms: number): Promise<Date>;
  advanceMinutes(m: number): Promise<Date>;
}

export interface Target {
  kind: TargetKind;
  /** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  /** Signed in as `admin` (reassign after moving the clock past the session lifetime). */
  admin: ApiClient;
  anon: ApiClient;
  clock: TargetClock;
  /** Read-only SQL on the target's database (SQLite dialect, `?` placeholders). */
  sql<T = Record<string, unknown>>(query: string, ...args: SqlArg[]): Promise<T[]>;
  /** The same read-only connection through drizzle, for the server's read functions. */
  db: Db;
  /**
   * Runs the scheduled job runner once at the clock's instant, as the cron trigger would (each job
   * only if due and not yet run for its slot). Rejects when a job failed.
   */
  runJobs(): Promise<void>;
  /** The in-process Node server (deps, dbPath, port) — only on the node target. */
  node?: TestServer;
  stop(): Promise<void>;
}

export interface TargetOptions {
  /** ISO instant the clock starts at (default DEFAULT_START). */
  start?: string;
  /** Extra environment for the server (vars/bindings on workerd). */
  env?: Record<string, string>;
}

export async function startTarget(opts: TargetOptions = {}): Promise<Target> {
  const o = { start: opts.start ?? DEFAULT_START, env: opts.env ?? {} };
  // Imported on demand: the node runs never load wrangler, the workerd runs never start a Node server.
  if (targetKind === 'workerd') return (await import('./workerd.js')).startWorkerdTarget(o);
  return (await import('./node.js')).startNodeTarget(o);
}

export function jobsFailed(now: Date, failed: { name: string; error?: string | null }[]): Error {
  const what = failed.map((f) => `${f.name}: ${f.error}`).join('; ');
  return new Error(`scheduled jobs failed at ${now.toISOString()}: ${what}`);
}
