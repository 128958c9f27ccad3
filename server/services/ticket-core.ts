/**
 * The ticket operations other services build on (detection opens and resolves tickets through these):
 * opening a ticket routed by the active matrix with its SLA computed, system-driven changes, the
 * hash-chained timeline and the SLA replay.
 *
 * CONTRACT between the ticket work (issue 3, which owns this file) and the detection work (issue 4,
 * which only calls it). Every function runs inside the caller's write transaction `tx` and never opens
 * its own. Signatures only ever gain optional things.
 */
import { and, asc, desc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type { TicketStatus } from '../../shared/enums.js';
import { allUnits, rootUnit } from '../db/repos/units.js';
import { approvalSteps, matrixVersions, ticketEvents, tickets } from '../db/schema.js';
import type { Db } from '../db/store.js';
import type { AppDeps } from '../deps.js';
import {
  buildTree,
  type CompiledMatrix,
  compileMatrix,
  type MatrixBody,
  type RouteFailure,
  route,
  type UnitTree,
} from '../domain/matrix.js';
import { approvalDue, computeSla, type SlaMinutes, type StatusChange } from '../domain/sla.js';
import { SYSTEM_TRANSITIONS } from '../domain/ticket-state.js';
import { type ApiError, fail } from '../http/problem.js';
import { newId, sha256Hex } from '../security/crypto.js';
import { type LoadedCalendar, loadCalendar } from './calendar.js';
import { activeMatrix } from './matrix-active.js';

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
  /** A cost already known at opening (routes to its band); usually absent. */
  costEstimateVnd?: number | null;
  /**
   * Refuse (422) instead of falling back when the matrix cannot route it (unknown category or
   * severity, unresolvable unit). Manual tickets are strict; detection is not, so a reading is never lost.
   */
  strict?: boolean;
}

/** SLA state stored on the ticket (`tickets.sla`), recomputed by replaying the timeline. */
export interface TicketSla extends SlaMinutes {
  clock: 'running' | 'paused' | 'stopped';
  usedMinutes: number;
  pausedMinutes: number;
  /** First moment each target was found breached (set by the scheduler). */
  breached?: { respond?: string; resolve?: string };
  /** `updatedAt` of the calendar the deadlines were counted with. */
  calendarAt: string | null;
}

export type TicketRow = typeof tickets.$inferSelect;

/**
 * The compiled form of a stored matrix version. Compiling takes well under a millisecond (see the
 * bench), so it is done per use: a process-wide cache keyed by version number would mix up two
 * databases served from one process (tests do that), and bodies read from the database are new objects.
 */
export function compiledVersion(_version: number, body: MatrixBody): CompiledMatrix {
  return compileMatrix(body);
}

/** Loads a stored matrix version (for escalation steps of the rule a ticket was routed by). */
export async function matrixVersion(db: Db, version: number): Promise<MatrixBody | undefined> {
  const r = (await db.select().from(matrixVersions).where(eq(matrixVersions.version, version)).limit(1))[0];
  return r?.body as unknown as MatrixBody | undefined;
}

export interface RoutingContext {
  version: number;
  matrix: MatrixBody;
  compiled: CompiledMatrix;
  tree: UnitTree;
  rootId: string;
}

/** The active matrix compiled, and the live unit tree — what `route()` needs. */
export async function routingContext(tx: Db): Promise<RoutingContext> {
  const active = await activeMatrix(tx);
  if (!active) throw new Error('no active matrix');
  const rows = await allUnits(tx);
  const root = rows.find((u) => !u.parentId) ?? (await rootUnit(tx))!;
  return {
    version: active.version,
    matrix: active.body,
    compiled: compiledVersion(active.version, active.body),
    tree: buildTree(rows.map((u) => ({ id: u.id, code: u.code, level: u.level, parentId: u.parentId }))),
    rootId: root.id,
  };
}

/** Fallback targets when the matrix cannot route (never for a valid matrix and tree). */
const FALLBACK_SLA: SlaMinutes = { respondMinutes: 240, resolveMinutes: 2880, approveMinutes: 1440 };

/** Opens and routes a ticket; throws the libSQL unique-constraint error if the fingerprint is open. */
/** A route that failed, as the 422 a client can act on (the field that named the unroutable value). */
export function routingProblem(r: RouteFailure): ApiError {
  const path =
    r.reason === 'unknown_category' ? 'category' : r.reason === 'unknown_severity' ? 'severity' : 'unitCode';
  return fail.invalid(r.message, [{ path, message: r.message.en }]);
}

export async function openTicket(
  tx: Db,
  deps: AppDeps,
  t: NewTicket,
): Promise<{ id: string; number: number; ruleId: string; status: TicketStatus }> {
  const now = deps.clock.now();
  const ctx = await routingContext(tx);
  const r = route(
    ctx.compiled,
    ctx.tree,
    { unitId: t.unitId, category: t.category, severity: t.severity, costEstimateVnd: t.costEstimateVnd },
    { matrixVersion: ctx.version },
  );
  if (!r.ok && t.strict) throw routingProblem(r);
  const routing = r.ok
    ? {
        ruleId: r.ruleId,
        handlerRole: r.handler.role,
        handlerUnitId: r.handler.unit.id,
        explanation: r.explanation,
        minutes: r.sla,
      }
    : {
        ruleId: '(unrouted)',
        handlerRole: 'it_staff',
        handlerUnitId: ctx.rootId,
        explanation: {
          vi: `${r.message.vi} Phiếu được chuyển cho cán bộ CNTT ở đơn vị gốc; hãy sửa ma trận.`,
          en: `${r.message.en} The ticket went to the root unit's IT staff; fix the matrix.`,
        },
        minutes: FALLBACK_SLA,
      };
  const cal = await loadCalendar(tx, ctx.rootId);
  const sla = computeSla(cal.compiled, { createdAt: now.getTime(), minutes: routing.minutes, changes: [] });
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
    handlerRole: routing.handlerRole,
    handlerUnitId: routing.handlerUnitId,
    costEstimateVnd: t.costEstimateVnd ?? null,
    ruleId: routing.ruleId,
    matrixVersion: ctx.version,
    explanation: routing.explanation,
    sla: slaJson(routing.minutes, sla, undefined, cal) as unknown as Record<string, unknown>,
    respondBy: new Date(sla.respondBy),
    resolveBy: new Date(sla.resolveBy),
    parentId: t.parentId ?? null,
    fingerprint: t.fingerprint ?? null,
    createdAt: now,
    updatedAt: now,
  });
  await appendEvent(tx, deps, id, {
    type: 'opened',
    actor: t.actor,
    data: {
      status: { to: 'open' },
      source: t.source,
      routing: {
        ruleId: routing.ruleId,
        matrixVersion: ctx.version,
        handler: { role: routing.handlerRole, unitId: routing.handlerUnitId },
        explanation: routing.explanation,
      },
      sla: {
        respondBy: new Date(sla.respondBy).toISOString(),
        resolveBy: new Date(sla.resolveBy).toISOString(),
      },
      evidence: t.evidence ?? null,
    },
  });
  return { id, number: next, ruleId: routing.ruleId, status: 'open' };
}

function slaJson(
  minutes: SlaMinutes,
  s: ReturnType<typeof computeSla>,
  breached: TicketSla['breached'],
  cal: LoadedCalendar,
): TicketSla {
  return {
    respondMinutes: minutes.respondMinutes,
    resolveMinutes: minutes.resolveMinutes,
    approveMinutes: minutes.approveMinutes,
    clock: s.clock,
    usedMinutes: Math.round(s.usedMinutes * 100) / 100,
    pausedMinutes: Math.round(s.pausedMinutes * 100) / 100,
    ...(breached && Object.keys(breached).length > 0 ? { breached } : {}),
    calendarAt: cal.updatedAt?.toISOString() ?? null,
  };
}

/** Status changes recorded on a timeline (events whose data carries `status.to`), in order. */
export function statusChangesOf(
  events: readonly { at: Date; data: Record<string, unknown> | null }[],
): StatusChange[] {
  const out: StatusChange[] = [];
  for (const e of events) {
    const st = (e.data?.status as { to?: TicketStatus } | undefined)?.to;
    if (st) out.push({ at: e.at.getTime(), to: st });
  }
  // The first change is the opening itself (to `open` at creation): the replay starts from there.
  return out.length > 0 && out[0]!.to === 'open' ? out.slice(1) : out;
}

/**
 * Replays the ticket's SLA from its timeline with the given minutes (default: the ones stored on it)
 * and calendar (default: the root's), and stores the result. Used after every status change, when an
 * estimate re-routes to a rule with other minutes, and when the calendar is corrected.
 */
export async function replaySla(
  tx: Db,
  ticket: Pick<TicketRow, 'id' | 'createdAt' | 'sla'>,
  opts: {
    minutes?: SlaMinutes;
    calendar?: LoadedCalendar;
    events?: { at: Date; data: Record<string, unknown> | null }[];
  } = {},
): Promise<{ respondBy: Date; resolveBy: Date; sla: TicketSla }> {
  const stored = ticket.sla as unknown as Partial<TicketSla>;
  const minutes: SlaMinutes = opts.minutes ?? {
    respondMinutes: stored.respondMinutes ?? FALLBACK_SLA.respondMinutes,
    resolveMinutes: stored.resolveMinutes ?? FALLBACK_SLA.resolveMinutes,
    approveMinutes: stored.approveMinutes ?? FALLBACK_SLA.approveMinutes,
  };
  const cal = opts.calendar ?? (await loadCalendar(tx));
  const events =
    opts.events ??
    (await tx
      .select({ at: ticketEvents.at, data: ticketEvents.data })
      .from(ticketEvents)
      .where(eq(ticketEvents.ticketId, ticket.id))
      .orderBy(asc(ticketEvents.seq)));
  const s = computeSla(cal.compiled, {
    createdAt: ticket.createdAt.getTime(),
    minutes,
    changes: statusChangesOf(events),
  });
  const sla = slaJson(minutes, s, stored.breached, cal);
  const respondBy = new Date(s.respondBy);
  const resolveBy = new Date(s.resolveBy);
  await tx
    .update(tickets)
    .set({ sla: sla as unknown as Record<string, unknown>, respondBy, resolveBy })
    .where(eq(tickets.id, ticket.id));
  return { respondBy, resolveBy, sla };
}

/** Replays the SLA of every live ticket (after the calendar was corrected). Returns how many. */
export async function replayAllLive(tx: Db, cal: LoadedCalendar): Promise<number> {
  const live = await tx
    .select({ id: tickets.id, createdAt: tickets.createdAt, sla: tickets.sla })
    .from(tickets)
    .where(sql`${tickets.status} NOT IN ('closed')`);
  const CHUNK = 200;
  for (let i = 0; i < live.length; i += CHUNK) {
    const part = live.slice(i, i + CHUNK);
    const events = await tx
      .select({ ticketId: ticketEvents.ticketId, at: ticketEvents.at, data: ticketEvents.data })
      .from(ticketEvents)
      .where(
        inArray(
          ticketEvents.ticketId,
          part.map((t) => t.id),
        ),
      )
      .orderBy(asc(ticketEvents.ticketId), asc(ticketEvents.seq));
    const by = new Map<string, { at: Date; data: Record<string, unknown> | null }[]>();
    for (const e of events) {
      const l = by.get(e.ticketId) ?? [];
      l.push(e);
      by.set(e.ticketId, l);
    }
    for (const t of part) await replaySla(tx, t, { calendar: cal, events: by.get(t.id) ?? [] });
    // Current approval steps get their deadline recounted on the corrected calendar too.
    const pending = await tx
      .select()
      .from(approvalSteps)
      .where(
        and(
          inArray(
            approvalSteps.ticketId,
            part.map((t) => t.id),
          ),
          isNull(approvalSteps.decision),
          isNotNull(approvalSteps.startedAt),
        ),
      );
    const minutesOf = new Map(
      part.map((t) => [t.id, (t.sla as unknown as Partial<TicketSla>).approveMinutes]),
    );
    for (const st of pending) {
      const m = minutesOf.get(st.ticketId);
      if (!m || !st.startedAt) continue;
      await tx
        .update(approvalSteps)
        .set({ dueAt: new Date(approvalDue(cal.compiled, st.startedAt.getTime(), m)) })
        .where(
          and(
            eq(approvalSteps.ticketId, st.ticketId),
            eq(approvalSteps.round, st.round),
            eq(approvalSteps.step, st.step),
          ),
        );
    }
  }
  return live.length;
}

/**
 * System-driven changes detection needs:
 * - `auto_resolve`: open/acknowledged → resolved (recovery readings in `data`);
 * - `mark_recovered`: a ticket a human works (in_progress or later, not yet resolved) is only marked recovered;
 * - `reopen`: resolved or closed → open (a fault returned within 24 h);
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
  const t = (await tx.select().from(tickets).where(eq(tickets.id, ticketId)).limit(1))[0];
  if (!t) return false;
  const status = t.status as TicketStatus;
  const set: Partial<typeof tickets.$inferInsert> = { updatedAt: now, version: t.version + 1 };
  let to: TicketStatus | undefined;
  if (change === 'auto_resolve') {
    to = (SYSTEM_TRANSITIONS.auto_resolve as Partial<Record<TicketStatus, TicketStatus>>)[status];
    if (!to) return false;
    Object.assign(set, { status: to, resolvedAt: now, recoveredAt: t.recoveredAt ?? now });
  } else if (change === 'mark_recovered') {
    if (status === 'resolved' || status === 'closed' || status === 'open' || status === 'acknowledged')
      return false;
    Object.assign(set, { recoveredAt: now });
  } else if (change === 'reopen') {
    to = (SYSTEM_TRANSITIONS.reopen as Partial<Record<TicketStatus, TicketStatus>>)[status];
    if (!to) return false;
    Object.assign(set, { status: to, resolvedAt: null, closedAt: null, recoveredAt: null });
  } else if (change === 'attach_parent') {
    if (typeof data.parentId !== 'string' || data.parentId === ticketId) return false;
    Object.assign(set, { parentId: data.parentId });
  } else {
    if (!t.parentId) return false;
    Object.assign(set, { parentId: null });
  }
  const r = await tx
    .update(tickets)
    .set(set)
    .where(and(eq(tickets.id, ticketId), eq(tickets.version, t.version)))
    .returning({ id: tickets.id });
  if (r.length === 0) return false;
  await appendEvent(tx, deps, ticketId, {
    type: change,
    actor,
    data: to ? { ...data, status: { from: status, to } } : data,
  });
  if (to) await replaySla(tx, t);
  return true;
}

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

/** Appends one event to a ticket's timeline, hash-chained to the previous one. */
export async function appendEvent(
  tx: Db,
  deps: AppDeps,
  ticketId: string,
  e: { type: string; actor: Actor; data?: Record<string, unknown> },
): Promise<{ seq: number; hash: string }> {
  const now = deps.clock.now();
  const prev = (
    await tx
      .select({ seq: ticketEvents.seq, hash: ticketEvents.hash })
      .from(ticketEvents)
      .where(eq(ticketEvents.ticketId, ticketId))
      .orderBy(desc(ticketEvents.seq))
      .limit(1)
  )[0];
  const actorId =
    e.actor.kind === 'user' ? e.actor.userId : e.actor.kind === 'agent' ? e.actor.deviceId : null;
  // Stored exactly as it will read back (Dates become strings, undefined keys vanish), so the hash verifies.
  const data = e.data === undefined ? null : (JSON.parse(JSON.stringify(e.data)) as Record<string, unknown>);
  const ev: Omit<StoredEvent, 'hash'> = {
    ticketId,
    seq: (prev?.seq ?? 0) + 1,
    at: now,
    type: e.type,
    actorKind: e.actor.kind,
    actorId,
    actorLabel: e.actor.label,
    data,
    prevHash: prev?.hash ?? '',
  };
  const hash = await eventHash(ev);
  await tx.insert(ticketEvents).values({ id: newId(now.getTime()), ...ev, hash });
  return { seq: ev.seq, hash };
}

/**
 * Recomputes the chain of a ticket's timeline: any edited, removed or reordered event breaks it at
 * the first event whose stored hash or link no longer matches.
 */
export async function verifyChain(
  db: Db,
  ticketId: string,
): Promise<{ ok: boolean; events: number; brokenAt?: number; reason?: string; head?: string }> {
  const rows = await db
    .select()
    .from(ticketEvents)
    .where(eq(ticketEvents.ticketId, ticketId))
    .orderBy(asc(ticketEvents.seq));
  let prev = '';
  for (const [i, r] of rows.entries()) {
    if (r.seq !== i + 1) return { ok: false, events: rows.length, brokenAt: r.seq, reason: 'sequence gap' };
    if (r.prevHash !== prev)
      return {
        ok: false,
        events: rows.length,
        brokenAt: r.seq,
        reason: 'link to the previous event does not match',
      };
    const h = await eventHash({ ...r, data: r.data ?? null });
    if (h !== r.hash)
      return { ok: false, events: rows.length, brokenAt: r.seq, reason: 'content does not match its hash' };
    prev = r.hash;
  }
  return { ok: true, events: rows.length, head: prev || undefined };
}
