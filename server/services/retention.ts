/**
 * Keeps the database bounded: raw reports older than REPORT_RETENTION_DAYS (only once rolled up),
 * rollups older than ROLLUP_RETENTION_DAYS, and healthy fault rows whose 24 h reopen period is over.
 * Deletes go in chunks, each its own short write, so ingest never waits long behind them; how many
 * rows a chunk deleted comes from its RETURNING rows after the commit (ADR 0203).
 */
import { type SQL, sql } from 'drizzle-orm';
import type { AppDeps } from '../deps.js';
import { REOPEN_WITHIN_MS } from '../domain/detection.js';
import { rollupWatermark, runRollups } from './rollups.js';

const CHUNK = 5_000;
const DAY = 86_400_000;

export interface RetentionResult {
  reportsDeleted: number;
  rollupsDeleted: number;
  faultsDeleted: number;
}

async function deleteChunked(deps: AppDeps, stmt: SQL, maxChunks = 200): Promise<number> {
  let total = 0;
  for (let i = 0; i < maxChunks; i++) {
    const deleted = await deps.store.write(async (tx) => tx.returning(sql`${stmt} RETURNING 1 AS gone`), {
      label: 'retention',
    });
    const n = deleted.rows.length;
    total += n;
    if (n < CHUNK) break;
  }
  return total;
}

export async function runRetention(deps: AppDeps, now: Date): Promise<RetentionResult> {
  await runRollups(deps, now);
  const wm = (await rollupWatermark(deps.store.read)) ?? 0;
  const reportsBefore = Math.min(now.getTime() - deps.config.reportRetentionDays * DAY, wm);
  const reportsDeleted = await deleteChunked(
    deps,
    sql`DELETE FROM reports WHERE rowid IN (SELECT rowid FROM reports WHERE received_at <= ${reportsBefore} LIMIT ${CHUNK})`,
  );
  // A batch goes with the last of its reports (they share its received_at).
  await deleteChunked(
    deps,
    sql`DELETE FROM report_batches WHERE rowid IN (SELECT rowid FROM report_batches WHERE received_at <= ${reportsBefore} LIMIT ${CHUNK})`,
  );
  const rollupsDeleted = await deleteChunked(
    deps,
    sql`DELETE FROM rollups WHERE rowid IN (SELECT rowid FROM rollups WHERE hour < ${now.getTime() - deps.config.rollupRetentionDays * DAY} LIMIT ${CHUNK})`,
  );
  const faultsDeleted = await deleteChunked(
    deps,
    sql`DELETE FROM faults WHERE rowid IN (SELECT rowid FROM faults WHERE state = 'ok' AND parent_ticket_id IS NULL
        AND last_change_at < ${now.getTime() - REOPEN_WITHIN_MS} LIMIT ${CHUNK})`,
  );
  return { reportsDeleted, rollupsDeleted, faultsDeleted };
}
