/**
 * The ticket operations other services build on (detection opens and resolves tickets through these).
 *
 * CONTRACT between the ticket work (issue 3, which owns this file and replaces the bodies) and the
 * detection work (issue 4, which only calls it). Every function runs inside the caller's write
 * transaction `tx` and must not open its own.
 *
 * PLACEHOLDER bodies: route nothing (rule `placeholder`, handler it_staff at the root), no SLA maths.
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import { rootUnit } from '../db/repos/units.js';
import { ticketEvents, tickets } from '../db/schema.js';
import type { Db } from '../db/store.js';
import type { AppDeps } from '../deps.js';
import { newId, sha256Hex } from '../security/crypto.js';

/** Who did it: a user, an agent-detected fact, or the scheduler. */
export type Actor =
  | { kind: 'user'; userId: string; label: string }
  | { kind: 'agent'; deviceId: string; label: string }
  | { kind: 'system'; label: string };

export interface NewTicket {
  unitId: string;
  deviceId?: string | null;
  category: string;
  severity: string;
  source: 'agent' | 'manual' | 'compliance';
  title: string;
  description?: string | null;
  /** `device|check|subject` for agent-detected problems (unique among open tickets). */
  fingerprint?: string | null;
  parentId?: string | null;
  /** The readings that opened it, stored on the `opened` event for the ticket page. */
  evidence?: unknown;
  actor: Actor;
}

/** Opens and routes a ticket; throws the libSQL unique-constraint error if the fingerprint is open. */
export async function openTicket(
  tx: Db,
  deps: AppDeps,
  t: NewTicket,
): Promise<{ id: string; number: number }> {
  const now = deps.clock.now();
  const root = (await rootUnit(tx))!;
  const id = newId(now.getTime());
  const [{ next }] = (await tx
    .select({ next: sql<number>`coalesce(max(${tickets.number}), 0) + 1` })
    .from(tickets)) as [{ next: number }];
  await tx.insert(tickets).values({
    id,
    number: next,
    title: t.title,
    description: t.description ?? null,
    unitId: t.unitId,
    deviceId: t.deviceId ?? null,
    category: t.category,
    severity: t.severity,
    source: t.source,
    status: 'open',
    handlerRole: 'it_staff',
    handlerUnitId: root.id,
    ruleId: 'placeholder',
    matrixVersion: 1,
    explanation: { vi: 'Chưa định tuyến', en: 'Not routed yet' },
    sla: {},
    respondBy: now,
    resolveBy: now,
    parentId: t.parentId ?? null,
    fingerprint: t.fingerprint ?? null,
    createdAt: now,
    updatedAt: now,
  });
  await appendEvent(tx, deps, id, { type: 'opened', actor: t.actor, data: { evidence: t.evidence ?? null } });
  return { id, number: next };
}

/**
 * System-driven changes detection needs:
 * - `auto_resolve`: open/acknowledged → resolved (recovery readings in `data`);
 * - `mark_recovered`: a ticket a human works (in_progress or later) is only marked recovered;
 * - `reopen`: resolved → open (a fault returned within 24 h);
 * - `attach_parent` / `detach_parent`: grouping under a cause ticket (`data.parentId`).
 * Returns false when the ticket was not in a status the change applies to (nothing written).
 */
export async function systemChange(
  tx: Db,
  deps: AppDeps,
  ticketId: string,
  change: 'auto_resolve' | 'mark_recovered' | 'reopen' | 'attach_parent' | 'detach_parent',
  actor: Actor,
  data: Record<string, unknown> = {},
): Promise<boolean> {
  const now = deps.clock.now();
  const set: Partial<typeof tickets.$inferInsert> = { updatedAt: now };
  let where = eq(tickets.id, ticketId);
  if (change === 'auto_resolve') {
    Object.assign(set, { status: 'resolved', resolvedAt: now });
    where = and(where, sql`${tickets.status} IN ('open','acknowledged')`)!;
  } else if (change === 'mark_recovered') {
    Object.assign(set, { recoveredAt: now });
  } else if (change === 'reopen') {
    Object.assign(set, { status: 'open', resolvedAt: null, recoveredAt: null });
    where = and(where, sql`${tickets.status} IN ('resolved','closed')`)!;
  } else if (change === 'attach_parent') {
    Object.assign(set, { parentId: String(data.parentId) });
  } else {
    Object.assign(set, { parentId: null });
  }
  const r = await tx.update(tickets).set(set).where(where).returning({ id: tickets.id });
  if (r.length === 0) return false;
  await appendEvent(tx, deps, ticketId, { type: change, actor, data });
  return true;
}

/** Appends one event to a ticket's timeline, hash-chained to the previous one. */
export async function appendEvent(
  tx: Db,
  deps: AppDeps,
  ticketId: string,
  e: { type: string; actor: Actor; data?: Record<string, unknown> },
): Promise<void> {
  const now = deps.clock.now();
  const prev = (
    await tx
      .select({ seq: ticketEvents.seq, hash: ticketEvents.hash })
      .from(ticketEvents)
      .where(eq(ticketEvents.ticketId, ticketId))
      .orderBy(desc(ticketEvents.seq))
      .limit(1)
  )[0];
  const seq = (prev?.seq ?? 0) + 1;
  const prevHash = prev?.hash ?? '';
  const actorId =
    e.actor.kind === 'user' ? e.actor.userId : e.actor.kind === 'agent' ? e.actor.deviceId : null;
  const hash = await sha256Hex(
    JSON.stringify([
      prevHash,
      ticketId,
      seq,
      now.toISOString(),
      e.type,
      actorId,
      e.actor.label,
      e.data ?? null,
    ]),
  );
  await tx.insert(ticketEvents).values({
    id: newId(now.getTime()),
    ticketId,
    seq,
    at: now,
    type: e.type,
    actorId,
    actorLabel: e.actor.label,
    data: e.data ?? null,
    prevHash,
    hash,
  });
}
