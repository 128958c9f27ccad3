/**
 * The ingest hot path's statements. Each takes ONE JSON parameter that SQLite expands with
 * `json_each`, so a group of thousands of reports is a short, constant statement (cheap to prepare,
 * no per-row parameter binding in JS) and the report bodies are serialised once, by SQLite, from the
 * validated objects.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../store.js';
import type { Slot, WriteTx } from '../write-model.js';

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

/**
 * Batches whose every report turned out to be stored already (a full replay): deleted at commit time,
 * after the inserts, when no report row points into them. `[[batchId, deviceId, [seq, …]], …]`.
 */
export async function deleteUnusedBatches(
  tx: Db,
  rows: readonly [string, string, readonly number[]][],
): Promise<void> {
  if (rows.length === 0) return;
  await tx.run(sql`
    DELETE FROM report_batches WHERE id IN (
      SELECT json_extract(b.value, '$[0]') FROM json_each(${JSON.stringify(rows)}) b
      WHERE NOT EXISTS (
        SELECT 1 FROM json_each(json_extract(b.value, '$[2]')) s
        JOIN reports r ON r.device_id = json_extract(b.value, '$[1]') AND r.seq = s.value
          AND r.batch_id = json_extract(b.value, '$[0]')))`);
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

/**
 * Inserts report rows that may already be stored (replays, late spools). Which were new is known
 * after the commit: the slot's rows (`device_id`, `seq`) are the reports this write stored.
 */
export function insertMaybeStoredReports(
  tx: WriteTx,
  rows: readonly ReportKey[],
  receivedAt: number,
): Slot<{ device_id: string; seq: number }> | undefined {
  if (rows.length === 0) return undefined;
  return tx.returning<{ device_id: string; seq: number }>(
    sql`${INSERT_KEYS(JSON.stringify(rows), receivedAt)} RETURNING device_id, seq`,
  );
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

/**
 * `[id, received, status|null, activeFaults|null, lastSeq|null, latestReport|null, latestAtMs|null,
 * peripheralsHash|null, maybeSeqs|null, maybeBatchIds|null]` — null keeps the stored value; `received`
 * counts the reports known to be new, and the reports of `maybeSeqs` that this write's batches
 * (`maybeBatchIds`) stored are counted at commit time.
 */
export type DeviceUpdate = [
  string,
  number,
  string | null,
  number | null,
  number | null,
  unknown,
  number | null,
  string | null,
  number[] | null,
  string[] | null,
];

/** `[id, lastSeq, status, activeFaults, tokenHash]` as the write read them. */
export type DeviceExpect = [string, number, string, number, string | null];

/**
 * One statement updates every device of the group, as a guard: only if EVERY device is still as the
 * write read it (last seq, status, active faults, token, not revoked) — else nothing changes, the
 * batch is undone and the group runs again on fresh data (another process took the same reports,
 * revoked the token, or the silence sweep changed the device meanwhile).
 */
export function updateIngestedDevices(
  tx: WriteTx,
  rows: readonly DeviceUpdate[],
  expect: readonly DeviceExpect[],
  nowMs: number,
): void {
  if (rows.length === 0) return;
  const exp = JSON.stringify(expect);
  tx.guard(
    sql`
    UPDATE devices SET
      last_seen_at = ${nowMs},
      reports_received = reports_received + v.n + CASE WHEN v.mseq IS NULL THEN 0 ELSE (
        SELECT count(*) FROM reports r
        WHERE r.device_id = v.id AND r.seq IN (SELECT value FROM json_each(v.mseq))
          AND r.batch_id IN (SELECT value FROM json_each(v.mbatch))) END,
      status = coalesce(v.status, devices.status),
      active_faults = coalesce(v.af, devices.active_faults),
      last_seq = coalesce(v.seq, devices.last_seq),
      latest = coalesce(v.latest, devices.latest),
      latest_at = coalesce(v.latest_at, devices.latest_at),
      peripherals_hash = coalesce(v.ph, devices.peripherals_hash),
      updated_at = ${nowMs}
    FROM (
      SELECT json_extract(value, '$[0]') AS id, json_extract(value, '$[1]') AS n, json_extract(value, '$[2]') AS status,
        json_extract(value, '$[3]') AS af, json_extract(value, '$[4]') AS seq, json_extract(value, '$[5]') AS latest,
        json_extract(value, '$[6]') AS latest_at, json_extract(value, '$[7]') AS ph,
        json_extract(value, '$[8]') AS mseq, json_extract(value, '$[9]') AS mbatch
      FROM json_each(${JSON.stringify(rows)})
    ) AS v
    WHERE devices.id = v.id AND (
      SELECT count(*) FROM devices d, json_each(${exp}) e
      WHERE d.id = json_extract(e.value, '$[0]') AND d.last_seq = json_extract(e.value, '$[1]')
        AND d.status = json_extract(e.value, '$[2]') AND d.active_faults = json_extract(e.value, '$[3]')
        AND d.token_hash IS json_extract(e.value, '$[4]') AND d.revoked_at IS NULL
    ) = ${expect.length}`,
    'devices as read by ingest',
  );
}
