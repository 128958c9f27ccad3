/**
 * Every ticket, timeline-event and approval-step statement (ADR 0203). Reads are plain functions over
 * committed data; writes go through `TicketWork`, the unit of work of ONE `store.write`:
 *   - it loads each ticket once and then carries its decided state in memory, so a use case that opens
 *     a ticket and then changes it, or changes it twice, sees its own decisions (never a read-back);
 *   - every change is a conditional `UPDATE … WHERE id = ? AND version = ?` recorded as a guard: if
 *     another writer won meanwhile, the batch is undone and the use case re-runs on fresh data;
 *   - event appends compute sequence and hash from one read of the chain head, then from memory;
 *   - the SLA replay reads the loaded timeline plus the events appended in this write.
 * Ticket numbers are assigned by the database inside the INSERT itself (`max + 1` evaluated at commit,
 * under the write lock), so two server processes never compute the same number.
 */
import { and, asc, desc, eq, gt, inArray, isNull, lte, or, type SQL, sql } from 'drizzle-orm';
import { newId, sha256Hex } from '../../security/crypto.js';
import { approvalSteps, ticketEvents, tickets } from '../schema.js';
import type { Db } from '../store.js';
import type { Slot, WriteTx } from '../write-model.js';

export type TicketRow = typeof tickets.$inferSelect;
export type TicketInsert = typeof tickets.$inferInsert;
export type TicketSet = Partial<Omit<TicketInsert, 'id' | 'number' | 'version'>>;
export type StepRow = typeof approvalSteps.$inferSelect;
export type EventRow = typeof ticketEvents.$inferSelect;

/** Who did it: a user, an agent-detected fact, or the scheduler. */
export type Actor =
  | { kind: 'user'; userId: string; label: string }
  | { kind: 'agent'; deviceId: string; label: string }
  | { kind: 'system'; label: string };

export interface StoredEvent {
  ticketId: string;
  seq: number;
  at: Date;
  type: string;
  actorKind: string | null;
  actorId: string | null;
  actorLabel: string;
  data: Record<string, unknown> | null;
  prevHash: string;
  hash: string;
}

/** What the SLA replay needs of an event. */
export interface TimelineEntry {
  at: Date;
  data: Record<string, unknown> | null;
}

// ---- reads (committed data) ------------------------------------------------------------------------

export async function ticketById(db: Db, id: string): Promise<TicketRow | undefined> {
  return (await db.select().from(tickets).where(eq(tickets.id, id)).limit(1))[0];
}

/** The open (not resolved/closed) ticket with this fingerprint, if any. */
export async function openTicketByFingerprint(db: Db, fp: string): Promise<TicketRow | undefined> {
  return (
    await db
      .select()
      .from(tickets)
      .where(and(eq(tickets.fingerprint, fp), sql`${tickets.status} NOT IN ('resolved', 'closed')`))
      .limit(1)
  )[0];
}

export async function stepsOf(db: Db, ticketId: string): Promise<StepRow[]> {
  return db
    .select()
    .from(approvalSteps)
    .where(eq(approvalSteps.ticketId, ticketId))
    .orderBy(asc(approvalSteps.round), asc(approvalSteps.step));
}

export async function eventRows(db: Db, ticketId: string): Promise<EventRow[]> {
  return db
    .select()
    .from(ticketEvents)
    .where(eq(ticketEvents.ticketId, ticketId))
    .orderBy(asc(ticketEvents.seq));
}

async function timelineOf(db: Db, ticketId: string): Promise<TimelineEntry[]> {
  return db
    .select({ at: ticketEvents.at, data: ticketEvents.data })
    .from(ticketEvents)
    .where(eq(ticketEvents.ticketId, ticketId))
    .orderBy(asc(ticketEvents.seq));
}

async function chainHead(db: Db, ticketId: string): Promise<{ seq: number; hash: string }> {
  const prev = (
    await db
      .select({ seq: ticketEvents.seq, hash: ticketEvents.hash })
      .from(ticketEvents)
      .where(eq(ticketEvents.ticketId, ticketId))
      .orderBy(desc(ticketEvents.seq))
      .limit(1)
  )[0];
  return prev ?? { seq: 0, hash: '' };
}

/** The hash of one event: everything it says, chained to the previous event's hash. */
export async function eventHash(e: Omit<StoredEvent, 'hash'>): Promise<string> {
  return sha256Hex(
    JSON.stringify([
      e.prevHash,
      e.ticketId,
      e.seq,
      e.at.toISOString(),
      e.type,
      e.actorKind,
      e.actorId,
      e.actorLabel,
      e.data ?? null,
    ]),
  );
}

// ---- the unit of work of one write -----------------------------------------------------------------

const works = new WeakMap<WriteTx, TicketWork>();

/** The database assigns the number inside the INSERT, at commit, under the write lock. */
const NEXT_NUMBER: SQL = sql`(SELECT coalesce(max(${tickets.number}), 0) + 1 FROM ${tickets})`;

export class TicketWork {
  private readonly rows = new Map<string, TicketRow>();
  private readonly heads = new Map<string, { seq: number; hash: string }>();
  private readonly loaded = new Map<string, TimelineEntry[]>();
  private readonly added = new Map<string, TimelineEntry[]>();
  private readonly fresh = new Set<string>();
  private readonly steps = new Map<string, StepRow[]>();

  private constructor(readonly tx: WriteTx) {}

  /** The unit of work of this write (one per `store.write` attempt). */
  static of(tx: WriteTx): TicketWork {
    let w = works.get(tx);
    if (!w) {
      w = new TicketWork(tx);
      works.set(tx, w);
    }
    return w;
  }

  /** The ticket as this write has decided it so far (committed state on first use). */
  async get(id: string): Promise<TicketRow | undefined> {
    const have = this.rows.get(id);
    if (have) return have;
    const row = await ticketById(this.tx, id);
    if (row) this.rows.set(id, row);
    return row;
  }

  /** Takes a row the caller read itself (a job's candidate list) as the starting state. */
  adopt(row: TicketRow): TicketRow {
    const have = this.rows.get(row.id);
    if (have) return have;
    this.rows.set(row.id, row);
    return row;
  }

  /** The open ticket for a fingerprint, including those opened or reopened earlier in this write. */
  async openByFingerprint(fp: string): Promise<TicketRow | undefined> {
    for (const r of this.rows.values())
      if (r.fingerprint === fp && r.status !== 'resolved' && r.status !== 'closed') return r;
    const row = await openTicketByFingerprint(this.tx, fp);
    if (!row) return undefined;
    const cur = await this.get(row.id);
    return cur && cur.status !== 'resolved' && cur.status !== 'closed' ? cur : undefined;
  }

  /** Records a new ticket; its number is known after the commit (the slot). */
  insert(row: Omit<TicketRow, 'number' | 'version'>): { row: TicketRow; number: Slot<{ number: number }> } {
    const full: TicketRow = { ...row, number: 0, version: 1 };
    const number = this.tx.returning<{ number: number }>(
      this.tx
        .insert(tickets)
        .values({ ...row, number: NEXT_NUMBER, version: 1 } as unknown as TicketInsert)
        .returning({ number: tickets.number }),
    );
    this.rows.set(row.id, full);
    this.fresh.add(row.id);
    this.heads.set(row.id, { seq: 0, hash: '' });
    this.loaded.set(row.id, []);
    this.steps.set(row.id, []);
    return { row: full, number };
  }

  /**
   * A conditional change: `UPDATE tickets SET … WHERE id = ? AND version = ?` as a guard (lost →
   * the write re-runs). `expectStatus` is checked against the state this write knows; the version
   * guard makes it hold at commit too. Returns the new state, or undefined when the ticket is gone
   * or not in the expected status.
   */
  async change(
    id: string,
    set: TicketSet,
    opts: { expectStatus?: string } = {},
  ): Promise<TicketRow | undefined> {
    const cur = await this.get(id);
    if (!cur) return undefined;
    if (opts.expectStatus !== undefined && cur.status !== opts.expectStatus) return undefined;
    const next: TicketRow = { ...cur, ...(set as Partial<TicketRow>), version: cur.version + 1 };
    this.tx.guard(
      this.tx
        .update(tickets)
        .set({ ...set, version: next.version })
        .where(and(eq(tickets.id, id), eq(tickets.version, cur.version))),
      `ticket ${id} v${cur.version}`,
    );
    this.rows.set(id, next);
    return next;
  }

  /** Appends one event, hash-chained to the previous one (the head is read once per write). */
  async append(
    id: string,
    at: Date,
    e: { type: string; actor: Actor; data?: Record<string, unknown> },
  ): Promise<{ seq: number; hash: string }> {
    const prev = this.heads.get(id) ?? (await chainHead(this.tx, id));
    const actorId =
      e.actor.kind === 'user' ? e.actor.userId : e.actor.kind === 'agent' ? e.actor.deviceId : null;
    // Stored exactly as it will read back (Dates become strings, undefined keys vanish), so the hash verifies.
    const data =
      e.data === undefined ? null : (JSON.parse(JSON.stringify(e.data)) as Record<string, unknown>);
    const ev: Omit<StoredEvent, 'hash'> = {
      ticketId: id,
      seq: prev.seq + 1,
      at,
      type: e.type,
      actorKind: e.actor.kind,
      actorId,
      actorLabel: e.actor.label,
      data,
      prevHash: prev.hash,
    };
    const hash = await eventHash(ev);
    // The (ticket, seq) key makes a concurrent append fail the batch: the write re-runs on the new head.
    await this.tx.insert(ticketEvents).values({ id: newId(at.getTime()), ...ev, hash });
    this.heads.set(id, { seq: ev.seq, hash });
    const list = this.added.get(id) ?? [];
    list.push({ at, data });
    this.added.set(id, list);
    return { seq: ev.seq, hash };
  }

  /** The timeline for the SLA replay: committed events, then those appended in this write. */
  async timeline(id: string, preloaded?: TimelineEntry[]): Promise<TimelineEntry[]> {
    let base = this.loaded.get(id);
    if (!base) {
      base = preloaded ?? (await timelineOf(this.tx, id));
      this.loaded.set(id, base);
    }
    return [...base, ...(this.added.get(id) ?? [])];
  }

  // ---- approval steps --------------------------------------------------------------------------

  /** The ticket's approval steps as this write knows them. */
  async stepsOf(id: string): Promise<StepRow[]> {
    const have = this.steps.get(id);
    if (have) return have;
    const rows = await stepsOf(this.tx, id);
    this.steps.set(id, rows);
    return rows;
  }

  async insertSteps(id: string, rows: StepRow[]): Promise<void> {
    if (rows.length === 0) return;
    const have = await this.stepsOf(id);
    await this.tx.insert(approvalSteps).values(rows);
    this.steps.set(id, [...have, ...rows]);
  }

  /**
   * Decides an undecided step: guarded on `decision IS NULL`, so two deciders never both win
   * (the loser's write re-runs and finds the step decided).
   */
  async decideStep(
    s: Pick<StepRow, 'ticketId' | 'round' | 'step'>,
    set: Pick<StepRow, 'decision' | 'decidedBy' | 'asDeputyOf' | 'decidedAt' | 'note'>,
  ): Promise<void> {
    this.tx.guard(
      this.tx
        .update(approvalSteps)
        .set(set)
        .where(and(stepKey(s), isNull(approvalSteps.decision))),
      `step ${s.ticketId}/${s.round}/${s.step}`,
    );
    this.patchStep(s, set);
  }

  /** Starts a step's clock, or recounts its deadline. */
  async updateStep(
    s: Pick<StepRow, 'ticketId' | 'round' | 'step'>,
    set: Partial<Pick<StepRow, 'startedAt' | 'dueAt'>>,
  ): Promise<void> {
    await this.tx.update(approvalSteps).set(set).where(stepKey(s));
    this.patchStep(s, set);
  }

  /** Marks an overdue step escalated, once (guarded: two schedulers never both escalate it). */
  async escalateStep(s: Pick<StepRow, 'ticketId' | 'round' | 'step'>, at: Date): Promise<void> {
    this.tx.guard(
      this.tx
        .update(approvalSteps)
        .set({ escalatedAt: at })
        .where(and(stepKey(s), isNull(approvalSteps.decision), isNull(approvalSteps.escalatedAt))),
      `step escalation ${s.ticketId}/${s.round}/${s.step}`,
    );
    this.patchStep(s, { escalatedAt: at });
  }

  private patchStep(s: Pick<StepRow, 'ticketId' | 'round' | 'step'>, set: Partial<StepRow>): void {
    const list = this.steps.get(s.ticketId);
    if (!list) return;
    this.steps.set(
      s.ticketId,
      list.map((x) => (x.round === s.round && x.step === s.step ? { ...x, ...set } : x)),
    );
  }
}

const stepKey = (s: Pick<StepRow, 'ticketId' | 'round' | 'step'>) =>
  and(
    eq(approvalSteps.ticketId, s.ticketId),
    eq(approvalSteps.round, s.round),
    eq(approvalSteps.step, s.step),
  );

// ---- what the scheduled jobs look for ----------------------------------------------------------

/** Statuses whose SLA clock can be breached. */
export const RUNNING_STATUSES = ['open', 'acknowledged', 'in_progress', 'approved', 'rejected'] as const;

/**
 * Live tickets past a deadline (unanswered past `respondBy`, or past `resolveBy`), a page at a time
 * in (`resolveBy`, id) order — every one is visited, however many there are.
 */
export async function breachedTickets(
  db: Db,
  now: Date,
  after: { resolveBy: Date; id: string } | undefined,
  limit: number,
): Promise<TicketRow[]> {
  return db
    .select()
    .from(tickets)
    .where(
      and(
        inArray(tickets.status, [...RUNNING_STATUSES]),
        or(and(isNull(tickets.respondedAt), lte(tickets.respondBy, now)), lte(tickets.resolveBy, now)),
        after
          ? or(
              gt(tickets.resolveBy, after.resolveBy),
              and(eq(tickets.resolveBy, after.resolveBy), gt(tickets.id, after.id)),
            )
          : undefined,
      ),
    )
    .orderBy(asc(tickets.resolveBy), asc(tickets.id))
    .limit(limit);
}

/** Current approval steps past their due time, undecided and not yet escalated. */
export async function overdueSteps(db: Db, now: Date, limit: number): Promise<StepRow[]> {
  const rows = await db
    .select({ s: approvalSteps })
    .from(approvalSteps)
    .innerJoin(tickets, eq(tickets.id, approvalSteps.ticketId))
    .where(
      and(
        isNull(approvalSteps.decision),
        isNull(approvalSteps.escalatedAt),
        lte(approvalSteps.dueAt, now),
        eq(tickets.status, 'awaiting_approval'),
        eq(tickets.approvalRound, approvalSteps.round),
      ),
    )
    .limit(limit);
  return rows.map((r) => r.s);
}
