/** Fault rows (hysteresis state per fingerprint): lookups and multi-row upserts for detection. */
import { and, eq, inArray, isNotNull, notInArray, sql } from 'drizzle-orm';
import { faults, tickets } from '../schema.js';
import type { Db } from '../store.js';

export type FaultRow = typeof faults.$inferSelect;

export async function faultsOfDevice(db: Db, deviceId: string): Promise<FaultRow[]> {
  return db.select().from(faults).where(eq(faults.deviceId, deviceId));
}

export async function faultByFingerprint(db: Db, fp: string): Promise<FaultRow | undefined> {
  return (await db.select().from(faults).where(eq(faults.fingerprint, fp)).limit(1))[0];
}

export async function faultsByParent(db: Db, parentTicketId: string): Promise<FaultRow[]> {
  return db.select().from(faults).where(eq(faults.parentTicketId, parentTicketId));
}

const UPSERT_SET = {
  deviceId: sql`excluded.device_id`,
  unitId: sql`excluded.unit_id`,
  severity: sql`excluded.severity`,
  category: sql`excluded.category`,
  badStreak: sql`excluded.bad_streak`,
  goodStreak: sql`excluded.good_streak`,
  state: sql`excluded.state`,
  lastSeq: sql`excluded.last_seq`,
  firstBadAt: sql`excluded.first_bad_at`,
  lastChangeAt: sql`excluded.last_change_at`,
  ticketId: sql`excluded.ticket_id`,
  parentTicketId: sql`excluded.parent_ticket_id`,
  evidence: sql`excluded.evidence`,
  resolvedAt: sql`excluded.resolved_at`,
};

/** Writes rows in one statement per 50 (SQLite's bound-parameter limit is far away, plans stay small). */
export async function saveFaults(tx: Db, rows: readonly FaultRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 50) {
    await tx
      .insert(faults)
      .values(rows.slice(i, i + 50))
      .onConflictDoUpdate({ target: faults.fingerprint, set: UPSERT_SET });
  }
}

export async function deleteFaults(tx: Db, fps: readonly string[]): Promise<void> {
  if (fps.length > 0) await tx.delete(faults).where(inArray(faults.fingerprint, [...fps]));
}

export const CLOSED_STATUSES = ['resolved', 'closed'] as const;

export async function ticketStatus(
  db: Db,
  id: string,
): Promise<{ id: string; status: string; resolvedAt: Date | null } | undefined> {
  return (
    await db
      .select({ id: tickets.id, status: tickets.status, resolvedAt: tickets.resolvedAt })
      .from(tickets)
      .where(eq(tickets.id, id))
      .limit(1)
  )[0];
}

/** The open ticket holding a fingerprint (at most one, by the partial unique index). */
export async function openTicketByFingerprint(db: Db, fp: string): Promise<string | undefined> {
  return (
    await db
      .select({ id: tickets.id })
      .from(tickets)
      .where(
        and(
          isNotNull(tickets.fingerprint),
          eq(tickets.fingerprint, fp),
          notInArray(tickets.status, [...CLOSED_STATUSES]),
        ),
      )
      .limit(1)
  )[0]?.id;
}
