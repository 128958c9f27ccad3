/**
 * The ticket operations other services build on (detection opens and resolves tickets through these):
 * opening a ticket routed by the active matrix with its SLA computed, system-driven changes, the
 * hash-chained timeline and the SLA replay.
 *
 * Every function runs inside the caller's `store.write` and records its statements through the
 * write's ticket unit of work (`db/repos/tickets.ts`), so calls within one write see each other's
 * decisions in memory and commit as one batch (ADR 0203). Signatures only ever gain optional things.
 */
import { and, asc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type { TicketStatus } from '../../shared/enums.js';
import {
  type Actor,
  eventHash,
  eventRows,
  type TicketRow,
  type TicketSet,
  TicketWork,
  type TimelineEntry,
} from '../db/repos/tickets.js';
import { allUnits, rootUnit } from '../db/repos/units.js';
import { approvalSteps, matrixVersions, ticketEvents, tickets } from '../db/schema.js';
import type { Db, WriteTx } from '../db/store.js';
import type { Slot } from '../db/write-model.js';
import type { AppDeps } from '../deps.js';
import {
  buildTree,
  type CompiledMatrix,
  compileMatrix,
  type MatrixBody,
  type Route,
  type RouteFailure,
  route,
  type UnitTree,
} from '../domain/matrix.js';
import { approvalDue, computeSla, type SlaMinutes, type StatusChange } from '../domain/sla.js';
import { SYSTEM_TRANSITIONS } from '../domain/ticket-state.js';
import { type ApiError, fail } from '../errors.js';
import { newId } from '../security/crypto.js';
import { assetRepaired } from './asset-status.js';
import { type LoadedCalendar, loadCalendar } from './calendar.js';
import { activeMatrix } from './matrix-active.js';

export type { Actor, StoredEvent, TicketRow } from '../db/repos/tickets.js';
export { eventHash } from '../db/repos/tickets.js';

export interface NewTicket {
  unitId: string;
  deviceId?: string | null;
  /** The register entry it is about (a scanned label, a fault on a PC with an asset). */
  assetId?: string | null;
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

/** A route that failed, as the 422 a client can act on (the field that named the unroutable value). */
export function routingProblem(r: RouteFailure): ApiError {
  const path =
    r.reason === 'unknown_category' ? 'category' : r.reason === 'unknown_severity' ? 'severity' : 'unitCode';
  return fail.invalid(r.message, [{ path, message: r.message.en }]);
}

/** The ticket columns a route decides — one mapping for opening and for re-routing by an estimate. */
export function routingColumns(r: Route, matrixVersion: number) {
  return {
    ruleId: r.ruleId,
    matrixVersion,
    explanation: r.explanation,
    handlerRole: r.handler.role,
    handlerUnitId: r.handler.unit.id,
  };
}

/** The fallback when a non-strict ticket cannot be routed: the root unit's IT staff, told to fix the matrix. */
function unroutedColumns(r: RouteFailure, ctx: RoutingContext) {
  return {
    ruleId: '(unrouted)',
    matrixVersion: ctx.version,
    handlerRole: 'it_staff',
    handlerUnitId: ctx.rootId,
    explanation: {
      vi: `${r.message.vi} Phiếu được chuyển cho cán bộ CNTT ở đơn vị gốc; hãy sửa ma trận.`,
      en: `${r.message.en} The ticket went to the root unit's IT staff; fix the matrix.`,
    },
  };
}

/**
 * Opens and routes a ticket (records the row and its `opened` event). The number is assigned by the
 * database at commit (`number.rows[0].number` after the write). A ticket with the same fingerprint
 * opened meanwhile by another writer fails the batch on the unique index: the write then re-runs and
 * its reads find that ticket.
 */
export async function openTicket(
  tx: WriteTx,
  deps: AppDeps,
  t: NewTicket,
  opts: { routing?: RoutingContext; calendar?: LoadedCalendar } = {},
): Promise<{
  id: string;
  ruleId: string;
  status: TicketStatus;
  row: TicketRow;
  number: Slot<{ number: number }>;
}> {
  const now = deps.clock.now();
  const ctx = opts.routing ?? (await routingContext(tx));
  const r = route(
    ctx.compiled,
    ctx.tree,
    { unitId: t.unitId, category: t.category, severity: t.severity, costEstimateVnd: t.costEstimateVnd },
    { matrixVersion: ctx.version },
  );
  if (!r.ok && t.strict) throw routingProblem(r);
  const cols = r.ok ? routingColumns(r, ctx.version) : unroutedColumns(r, ctx);
  const minutes = r.ok ? r.sla : FALLBACK_SLA;
  const cal = opts.calendar ?? (await loadCalendar(tx, ctx.rootId));
  const sla = computeSla(cal.compiled, { createdAt: now.getTime(), minutes, changes: [] });
  const id = newId(now.getTime());
  const work = TicketWork.of(tx);
  const { row, number } = work.insert({
    id,
    title: t.title,
    description: t.description ?? null,
    unitId: t.unitId,
    deviceId: t.deviceId ?? null,
    assetId: t.assetId ?? null,
    category: t.category,
    severity: t.severity,
    source: t.source,
    status: 'open',
    ...cols,
    assigneeId: null,
    costEstimateVnd: t.costEstimateVnd ?? null,
    estimatedBy: null,
    approvalRound: 0,
    sla: slaJson(minutes, sla, undefined, cal) as unknown as Record<string, unknown>,
    respondBy: new Date(sla.respondBy),
    resolveBy: new Date(sla.resolveBy),
    respondedAt: null,
    escalationLevel: 0,
    parentId: t.parentId ?? null,
    fingerprint: t.fingerprint ?? null,
    recoveredAt: null,
    createdAt: now,
    updatedAt: now,
    resolvedAt: null,
    closedAt: null,
  });
  await work.append(id, now, {
    type: 'opened',
    actor: t.actor,
    data: {
      status: { to: 'open' },
      source: t.source,
      routing: {
        ruleId: cols.ruleId,
        matrixVersion: ctx.version,
        handler: { role: cols.handlerRole, unitId: cols.handlerUnitId },
        explanation: cols.explanation,
      },
      sla: {
        respondBy: new Date(sla.respondBy).toISOString(),
        resolveBy: new Date(sla.resolveBy).toISOString(),
      },
      evidence: t.evidence ?? null,
    },
  });
  return { id, ruleId: cols.ruleId, status: 'open', row, number };
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
export function statusChangesOf(events: readonly TimelineEntry[]): StatusChange[] {
  const out: StatusChange[] = [];
  for (const e of events) {
    const st = (e.data?.status as { to?: TicketStatus } | undefined)?.to;
    if (st) out.push({ at: e.at.getTime(), to: st });
  }
  // The first change is the opening itself (to `open` at creation): the replay starts from there.
  return out.length > 0 && out[0]!.to === 'open' ? out.slice(1) : out;
}

/**
 * The ticket's SLA replayed from its timeline (committed events plus those appended in this write)
 * with the given minutes (default: the ones stored on it) and calendar (default: the root's): the
 * columns to set. Pure apart from loading the timeline and calendar.
 */
export async function replayedSla(
  tx: WriteTx,
  ticket: Pick<TicketRow, 'id' | 'createdAt' | 'sla'>,
  opts: { minutes?: SlaMinutes; calendar?: LoadedCalendar; events?: TimelineEntry[] } = {},
): Promise<{ respondBy: Date; resolveBy: Date; sla: Record<string, unknown> }> {
  const stored = ticket.sla as unknown as Partial<TicketSla>;
  const minutes: SlaMinutes = opts.minutes ?? {
    respondMinutes: stored.respondMinutes ?? FALLBACK_SLA.respondMinutes,
    resolveMinutes: stored.resolveMinutes ?? FALLBACK_SLA.resolveMinutes,
    approveMinutes: stored.approveMinutes ?? FALLBACK_SLA.approveMinutes,
  };
  const cal = opts.calendar ?? (await loadCalendar(tx));
  const events = await TicketWork.of(tx).timeline(ticket.id, opts.events);
  const s = computeSla(cal.compiled, {
    createdAt: ticket.createdAt.getTime(),
    minutes,
    changes: statusChangesOf(events),
  });
  return {
    sla: slaJson(minutes, s, stored.breached, cal) as unknown as Record<string, unknown>,
    respondBy: new Date(s.respondBy),
    resolveBy: new Date(s.resolveBy),
  };
}

/**
 * One change of a ticket as a use case decides it: the columns, the timeline event, and — when the
 * status or the SLA minutes change — the SLA replayed including that event, all in ONE conditional
 * update (`WHERE version = ?`; lost → the write re-runs). Undefined when the ticket is not in
 * `expectStatus` any more (as this write knows it).
 */
export async function transition(
  tx: WriteTx,
  deps: AppDeps,
  id: string,
  c: {
    set: TicketSet;
    event: { type: string; actor: Actor; data?: Record<string, unknown> };
    expectStatus?: string;
    /** Replay the SLA (default: when the status changes). */
    replay?: boolean | { minutes?: SlaMinutes; calendar?: LoadedCalendar };
  },
): Promise<TicketRow | undefined> {
  const work = TicketWork.of(tx);
  const cur = await work.get(id);
  if (!cur || (c.expectStatus !== undefined && cur.status !== c.expectStatus)) return undefined;
  const now = deps.clock.now();
  await work.append(id, now, c.event);
  const statusChanged = c.set.status !== undefined && c.set.status !== cur.status;
  const replay = c.replay ?? statusChanged;
  const set: TicketSet = { updatedAt: now, ...c.set };
  if (replay) {
    const o = typeof replay === 'object' ? replay : {};
    Object.assign(set, await replayedSla(tx, { ...cur, ...(set as Partial<TicketRow>) }, o));
  }
  const changed = await work.change(id, set, { expectStatus: c.expectStatus });
  // A repair done: the register entry it was about is back in use (its timeline names the ticket).
  if (statusChanged && set.status === 'resolved' && cur.assetId)
    await assetRepaired(
      tx,
      deps,
      id,
      cur.assetId,
      c.event.actor.kind === 'user' ? c.event.actor.userId : null,
    );
  return changed;
}

/** Replays the SLA of every live ticket (after the calendar was corrected). Returns how many. */
export async function replayAllLive(tx: WriteTx, cal: LoadedCalendar): Promise<number> {
  const live = await tx.select().from(tickets).where(sql`${tickets.status} NOT IN ('closed')`);
  const work = TicketWork.of(tx);
  const CHUNK = 90;
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
    const by = new Map<string, TimelineEntry[]>();
    for (const e of events) {
      const l = by.get(e.ticketId) ?? [];
      l.push(e);
      by.set(e.ticketId, l);
    }
    for (const t of part) {
      const cur = work.adopt(t);
      await work.change(t.id, await replayedSla(tx, cur, { calendar: cal, events: by.get(t.id) ?? [] }));
    }
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
      await work.updateStep(st, { dueAt: new Date(approvalDue(cal.compiled, st.startedAt.getTime(), m)) });
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
 * Returns false when the ticket is not in a status the change applies to (nothing recorded).
 */
export async function systemChange(
  tx: WriteTx,
  deps: AppDeps,
  ticketId: string,
  change: 'auto_resolve' | 'mark_recovered' | 'reopen' | 'attach_parent' | 'detach_parent',
  actor: Actor,
  data: Record<string, unknown> = {},
): Promise<boolean> {
  const now = deps.clock.now();
  const t = await TicketWork.of(tx).get(ticketId);
  if (!t) return false;
  const status = t.status as TicketStatus;
  const set: TicketSet = {};
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
  const done = await transition(tx, deps, ticketId, {
    set,
    expectStatus: status,
    event: { type: change, actor, data: to ? { ...data, status: { from: status, to } } : data },
  });
  return done !== undefined;
}

/** The open ticket for a fingerprint as this write knows it (opened earlier in it included). */
export async function openTicketFor(tx: WriteTx, fingerprint: string): Promise<TicketRow | undefined> {
  return TicketWork.of(tx).openByFingerprint(fingerprint);
}

/** The ticket as this write knows it. */
export async function ticketOf(tx: WriteTx, id: string): Promise<TicketRow | undefined> {
  return TicketWork.of(tx).get(id);
}

/** Appends one event to a ticket's timeline, hash-chained to the previous one. */
export async function appendEvent(
  tx: WriteTx,
  deps: AppDeps,
  ticketId: string,
  e: { type: string; actor: Actor; data?: Record<string, unknown> },
): Promise<{ seq: number; hash: string }> {
  return TicketWork.of(tx).append(ticketId, deps.clock.now(), e);
}

/**
 * Recomputes the chain of a ticket's timeline: any edited, removed or reordered event breaks it at
 * the first event whose stored hash or link no longer matches.
 */
export async function verifyChain(
  db: Db,
  ticketId: string,
): Promise<{ ok: boolean; events: number; brokenAt?: number; reason?: string; head?: string }> {
  const rows = await eventRows(db, ticketId);
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
