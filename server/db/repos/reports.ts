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
  // One JSON value for the whole result: every value crossing from SQLite into JS has a fixed cost,
  // which dominated this lookup (9 columns × every device of the group).
  const r = await tx.all<{ j: string | null }>(sql`
    SELECT json_group_array(json_array(id, unit_id, hostname, last_seq, status, active_faults, peripherals_hash,
      token_hash, revoked_at)) AS j
    FROM devices WHERE id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`);
  const rows = JSON.parse(r[0]?.j ?? '[]') as [
    string,
    string,
    string,
    number,
    string,
    number,
    string | null,
    string | null,
    number | null,
  ][];
  return rows.map(
    ([id, unitId, hostname, lastSeq, status, activeFaults, peripheralsHash, tokenHash, revokedAt]) => ({
      id,
      unitId,
      hostname,
      lastSeq,
      status,
      activeFaults,
      peripheralsHash,
      tokenHash,
      revokedAt,
    }),
  );
}

/** One request's validated body, stored once; its new reports point into it. */
export interface BatchRow {
  id: string;
  deviceId: string;
  /** `{"reports": [...]}` as validated (unknown keys stripped). */
  body: string;
}

/** `[deviceId, seq, collectedAtMs, batchId, index in the batch]` — a report row without its body. */
export type ReportKey = [string, number, number, string, number];

export async function insertBatches(tx: Db, rows: readonly BatchRow[], receivedAt: number): Promise<void> {
  if (rows.length === 0) return;
  const bytes = rows.reduce((n, b) => n + b.body.length, 0);
  if (bytes < 256 * 1024) {
    // Many small bodies: one parameter for the group (see devicesForIngest), `[[id, deviceId, body], …]`.
    await tx.run(sql`
      INSERT INTO report_batches (id, device_id, received_at, body)
      SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), ${receivedAt}, json_extract(value, '$[2]')
      FROM json_each(${JSON.stringify(rows.map((b) => [b.id, b.deviceId, b.body]))})`);
    return;
  }
  // Large bodies: bind each as it is rather than JSON-escape megabytes a second time.
  for (let i = 0; i < rows.length; i += 200) {
    const chunk = rows.slice(i, i + 200);
    await tx.run(
      sql`INSERT INTO report_batches (id, device_id, received_at, body) VALUES ${sql.join(
        chunk.map((b) => sql`(${b.id}, ${b.deviceId}, ${receivedAt}, ${b.body})`),
        sql`, `,
      )}`,
    );
  }
}

export async function deleteBatches(tx: Db, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.run(
    sql`DELETE FROM report_batches WHERE id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`,
  );
}

const INSERT_KEYS = (rows: string, receivedAt: number) => sql`
  INSERT INTO reports (device_id, seq, collected_at, received_at, batch_id, batch_idx)
  SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), ${receivedAt},
    json_extract(value, '$[3]'), json_extract(value, '$[4]')
  FROM json_each(${rows}) WHERE true
  ON CONFLICT DO NOTHING`;

/**
 * Inserts report rows known to be new (seq above the device's last stored seq, read in the same
 * write): no RETURNING needed.
 */
export async function insertNewReports(
  tx: Db,
  rows: readonly ReportKey[],
  receivedAt: number,
): Promise<void> {
  if (rows.length > 0) await tx.run(INSERT_KEYS(JSON.stringify(rows), receivedAt));
}

/** Inserts report rows that may already be stored (replays, late spools); returns the `device|seq` keys that were new. */
export async function insertMaybeStoredReports(
  tx: Db,
  rows: readonly ReportKey[],
  receivedAt: number,
): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const back = await tx.all<{ device_id: string; seq: number }>(
    sql`${INSERT_KEYS(JSON.stringify(rows), receivedAt)} RETURNING device_id, seq`,
  );
  return new Set(back.map((b) => `${b.device_id}|${Number(b.seq)}`));
}

/** The stored bodies of some reports of a device (inline or inside their batch), by seq. */
export async function reportBodies(
  db: Db,
  deviceId: string,
  seqs: readonly number[],
): Promise<Map<number, unknown>> {
  if (seqs.length === 0) return new Map();
  const rows = await db.all<{ seq: number; body: string | null }>(sql`
    SELECT r.seq AS seq, coalesce(r.body, json_extract(b.body, '$.reports[' || r.batch_idx || ']')) AS body
    FROM reports r LEFT JOIN report_batches b ON b.id = r.batch_id
    WHERE r.device_id = ${deviceId} AND r.seq IN (SELECT value FROM json_each(${JSON.stringify(seqs)}))`);
  return new Map(rows.map((r) => [Number(r.seq), r.body === null ? null : JSON.parse(r.body)]));
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
