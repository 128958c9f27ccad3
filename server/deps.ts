/**
 * What the app needs from its runtime. `node.ts`, `worker.ts` and the tests differ only in the deps
 * they pass to `createApp`; nothing in the app reads the environment or a global clock.
 */
import type { Store } from './db/store.js';
import type { Metrics } from './metrics.js';
import type { XlsxCodec } from './services/xlsx.js';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export type LogFields = Record<string, unknown>;
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

export interface AppConfig {
  rootUnitCode: string;
  rootUnitName: string;
  orgLevels: string[];
  agentIntervalSec: number;
  metricsToken?: string;
  adminPassword?: string;
  /** PBKDF2 iterations for new password hashes (Workers caps PBKDF2 at 100 000). */
  passwordIterations: number;
  sessionTtlHours: number;
  /** Trust `x-forwarded-for` for the client address (only behind a reverse proxy you run). */
  trustProxy: boolean;
  /** Largest accepted request body in bytes for ordinary API routes. */
  maxBodyBytes: number;
  reportRetentionDays: number;
  rollupRetentionDays: number;
  /** Name of this runtime for /metrics and logs (`node` or `workers`). */
  runtime: 'node' | 'workers';
}

export interface AppDeps {
  store: Store;
  clock: Clock;
  config: AppConfig;
  logger: Logger;
  metrics: Metrics;
  /** Resolves the migrations this build expects against what the database has applied. */
  migrationStatus(): Promise<{ applied: number; expected: number }>;
  /**
   * Reads and writes XLSX workbooks: set on Node only (exceljs needs Node streams). Without it, the
   * register's import and exports answer XLSX requests with 415 and keep serving CSV.
   */
  xlsx?: XlsxCodec;
}
