/**
 * The ingest hot path's statements. Each takes ONE JSON parameter that SQLite expands with
 * `json_each`, so a group of thousands of reports is a short, constant statement (cheap to prepare,
 * no per-row parameter binding in JS) and the report bodies are serialised once, by SQLite, from the
 * validated objects.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../store.js';

export interface DeviceIngestRow {
  id: string;
  unitId: string;
  hostname: string;
  lastSeq: number;
  status: string;
  activeFaults: number;
  peripheralsHash: string | null;
  tokenHash: string | null;
  revokedAt: number | null;
}

export async function devicesForIngest(tx: Db, ids: readonly string[]): Promise<DeviceIngestRow[]> {
  return tx.all<DeviceIngestRow>(sql`
    SELECT id, unit_id AS unitId, hostname, last_seq AS lastSeq, status, active_faults AS activeFaults,
      peripherals_hash AS peripheralsHash, token_hash AS tokenHash, revoked_at AS revokedAt
    FROM devices WHERE id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`);
}

/** `[deviceId, seq, collectedAtMs, report]` */
export type ReportRow = [string, number, number, unknown];

const INSERT_FROM_JSON = (rows: string, receivedAt: number) => sql`
  INSERT INTO reports (device_id, seq, collected_at, received_at, body)
  SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), ${receivedAt},
    json_extract(value, '$[3]')
  FROM json_each(${rows}) WHERE true
  ON CONFLICT DO NOTHING`;

/**
 * Inserts rows known to be new (seq above the device's last stored seq, read in the same write):
 * no RETURNING needed. Returns the number inserted.
 */
export async function insertNewReports(
  tx: Db,
  rows: readonly ReportRow[],
  receivedAt: number,
): Promise<number> {
  if (rows.length === 0) return 0;
  const r = await tx.run(INSERT_FROM_JSON(JSON.stringify(rows), receivedAt));
  return Number((r as { rowsAffected?: number }).rowsAffected ?? rows.length);
}

/** Inserts rows that may already be stored (replays, late spools); returns the `device|seq` keys that were new. */
export async function insertMaybeStoredReports(
  tx: Db,
  rows: readonly ReportRow[],
  receivedAt: number,
): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const back = await tx.all<{ device_id: string; seq: number }>(
    sql`${INSERT_FROM_JSON(JSON.stringify(rows), receivedAt)} RETURNING device_id, seq`,
  );
  return new Set(back.map((b) => `${b.device_id}|${Number(b.seq)}`));
}

/** `[id, received, status, activeFaults, lastSeq|null, latestReport|null, latestAtMs|null, peripheralsHash|null]` */
export type DeviceUpdate = [
  string,
  number,
  string,
  number,
  number | null,
  unknown,
  number | null,
  string | null,
];

/** One statement updates every device of the group. */
export async function updateIngestedDevices(
  tx: Db,
  rows: readonly DeviceUpdate[],
  nowMs: number,
): Promise<void> {
  if (rows.length === 0) return;
  await tx.run(sql`
    UPDATE devices SET
      last_seen_at = ${nowMs},
      reports_received = reports_received + v.n,
      status = v.status,
      active_faults = v.af,
      last_seq = coalesce(v.seq, devices.last_seq),
      latest = coalesce(v.latest, devices.latest),
      latest_at = coalesce(v.latest_at, devices.latest_at),
      peripherals_hash = coalesce(v.ph, devices.peripherals_hash),
      updated_at = ${nowMs}
    FROM (
      SELECT json_extract(value, '$[0]') AS id, json_extract(value, '$[1]') AS n, json_extract(value, '$[2]') AS status,
        json_extract(value, '$[3]') AS af, json_extract(value, '$[4]') AS seq, json_extract(value, '$[5]') AS latest,
        json_extract(value, '$[6]') AS latest_at, json_extract(value, '$[7]') AS ph
      FROM json_each(${JSON.stringify(rows)})
    ) AS v
    WHERE devices.id = v.id`);
}

/** Takes a failed request's reports back out (its detection failed after the group insert). */
export async function deleteReports(tx: Db, deviceId: string, seqs: readonly number[]): Promise<void> {
  if (seqs.length === 0) return;
  await tx.run(
    sql`DELETE FROM reports WHERE device_id = ${deviceId} AND seq IN (SELECT value FROM json_each(${JSON.stringify(seqs)}))`,
  );
}
