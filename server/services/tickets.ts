/**
 * Tickets as people work them: listing within scope, the ticket page (timeline and evidence), manual
 * tickets, and the actions of the state machine (acknowledge, assign, start, estimate, wait_parts,
 * resolve, close, reopen, comment). Each action is one write: read the ticket, ask ticket-state,
 * apply a conditional update (`WHERE version = ? AND status = ?`; a lost race is a 409), append the
 * timeline event and replay the SLA.
 */
import { and, asc, desc, eq, inArray, lt, or, type SQL, sql } from 'drizzle-orm';
import type { TicketStatus } from '../../shared/enums.js';
import type {
  ApprovalStepView,
  TicketActionBody,
  TicketCreate,
  TicketView,
} from '../../shared/schemas/tickets.js';
import { eventRows, stepsOf, type TicketSet, TicketWork, ticketById } from '../db/repos/tickets.js';
import { codesOf, scopeCondition, underPath, unitByCode, unitById } from '../db/repos/units.js';
import { grantsOf, userById } from '../db/repos/users.js';
import { approvalSteps, devices, tickets, units, users } from '../db/schema.js';
import type { Db, WriteTx } from '../db/store.js';
import type { AppDeps } from '../deps.js';
import { route } from '../domain/matrix.js';
import { allowed, type Grant, grantReaches, scopeOf } from '../domain/scope.js';
import { approvalDue } from '../domain/sla.js';
import { ACTIONS, type Action, nextStatus, roleMayAct, TRANSITIONS } from '../domain/ticket-state.js';
import { fail } from '../errors.js';
import { decodeCursor, encodeCursor } from '../http/pagination.js';
import { loadCalendar } from './calendar.js';
import { holdersAt } from './deputies.js';
import { activeDeputyGrants } from './deputy-grants.js';
import { notify } from './notifications.js';
import type { UserPrincipal } from './principal.js';
import {
  type Actor,
  openTicket,
  routingColumns,
  routingContext,
  type TicketRow,
  type TicketSla,
  transition,
} from './ticket-core.js';

type StepRow = typeof approvalSteps.$inferSelect;

export const actorOf = (p: UserPrincipal): Actor => ({ kind: 'user', userId: p.userId, label: p.username });

const notFound = () => fail.notFound({ vi: 'Không tìm thấy phiếu sự cố.', en: 'Ticket not found.' });

// ---- views ---------------------------------------------------------------------------------------

export async function ticketViews(db: Db, rows: TicketRow[]): Promise<TicketView[]> {
  if (rows.length === 0) return [];
  const steps = await db
    .select()
    .from(approvalSteps)
    .where(
      inArray(
        approvalSteps.ticketId,
        rows.map((r) => r.id),
      ),
    )
    .orderBy(asc(approvalSteps.step));
  const current = new Map<string, StepRow[]>();
  const roundOf = new Map(rows.map((r) => [r.id, r.approvalRound]));
  for (const s of steps) {
    if (roundOf.get(s.ticketId) !== s.round) continue;
    const l = current.get(s.ticketId) ?? [];
    l.push(s);
    current.set(s.ticketId, l);
  }
  const codes = await codesOf(db, [
    ...rows.flatMap((r) => [r.unitId, r.handlerUnitId]),
    ...steps.map((s) => s.unitId),
  ]);
  const userIds = [
    ...new Set(steps.flatMap((s) => [s.decidedBy, s.asDeputyOf]).filter((x): x is string => !!x)),
  ];
  const names = new Map<string, string>();
  if (userIds.length > 0)
    for (const u of await db
      .select({ id: users.id, username: users.username })
      .from(users)
      .where(inArray(users.id, userIds)))
      names.set(u.id, u.username);
  return rows.map((r) => view(r, current.get(r.id) ?? [], codes, names));
}

function view(
  r: TicketRow,
  steps: StepRow[],
  codes: Map<string, string>,
  names: Map<string, string>,
): TicketView {
  const sla = r.sla as unknown as Partial<TicketSla>;
  const approvals: ApprovalStepView[] = steps.map((s) => ({
    step: s.step,
    role: s.role as ApprovalStepView['role'],
    unitCode: codes.get(s.unitId) ?? s.unitId,
    ...(s.decision ? { decision: s.decision as 'approve' | 'reject' } : {}),
    ...(s.decidedBy ? { by: s.decidedBy, byName: names.get(s.decidedBy) } : {}),
    ...(s.decidedAt ? { at: s.decidedAt.toISOString() } : {}),
    ...(s.note ? { note: s.note } : {}),
    ...(s.asDeputyOf
      ? { asDeputyOf: s.asDeputyOf, asDeputyOfName: names.get(s.asDeputyOf) ?? s.asDeputyOf }
      : {}),
    ...(s.dueAt && !s.decision ? { dueAt: s.dueAt.toISOString() } : {}),
  }));
  return {
    id: r.id,
    number: r.number,
    title: r.title,
    ...(r.description ? { description: r.description } : {}),
    unitCode: codes.get(r.unitId) ?? r.unitId,
    ...(r.deviceId ? { deviceId: r.deviceId } : {}),
    category: r.category,
    severity: r.severity,
    source: r.source as TicketView['source'],
    status: r.status as TicketStatus,
    handler: {
      role: r.handlerRole as TicketView['handler']['role'],
      unitCode: codes.get(r.handlerUnitId) ?? r.handlerUnitId,
    },
    ...(r.assigneeId ? { assigneeId: r.assigneeId } : {}),
    ...(r.costEstimateVnd !== null ? { costEstimateVnd: r.costEstimateVnd } : {}),
    approvals,
    sla: {
      respondBy: r.respondBy.toISOString(),
      resolveBy: r.resolveBy.toISOString(),
      ...(r.respondedAt ? { respondedAt: r.respondedAt.toISOString() } : {}),
      clock: sla.clock ?? 'running',
      respondMinutes: sla.respondMinutes,
      resolveMinutes: sla.resolveMinutes,
      approveMinutes: sla.approveMinutes,
      pausedMinutes: sla.pausedMinutes ?? 0,
      ...(sla.breached ? { breached: sla.breached } : {}),
    },
    escalationLevel: r.escalationLevel,
    routing: { ruleId: r.ruleId, matrixVersion: r.matrixVersion, explanation: r.explanation },
    ...(r.parentId ? { parentId: r.parentId } : {}),
    ...(r.recoveredAt ? { recovered: true, recoveredAt: r.recoveredAt.toISOString() } : {}),
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    ...(r.resolvedAt ? { resolvedAt: r.resolvedAt.toISOString() } : {}),
    ...(r.closedAt ? { closedAt: r.closedAt.toISOString() } : {}),
  };
}

// ---- visibility ----------------------------------------------------------------------------------

/** Grants that name approval steps: a unit head sees the tickets it must approve, wherever they are. */
function approverCondition(grants: readonly Grant[]): SQL | undefined {
  if (grants.length === 0) return undefined;
  const pairs = grants.map(
    (g) => sql`(${approvalSteps.role} = ${g.role} AND ${approvalSteps.unitId} = ${g.unitId})`,
  );
  return sql`${tickets.id} IN (SELECT ${approvalSteps.ticketId} FROM ${approvalSteps} WHERE ${sql.join(pairs, sql` OR `)})`;
}

export interface LoadedTicket {
  ticket: TicketRow;
  unit: { id: string; path: string; code: string };
  steps: StepRow[];
}

async function load(db: Db, id: string): Promise<LoadedTicket | undefined> {
  const t = await ticketById(db, id);
  if (!t) return undefined;
  const unit = (await unitById(db, t.unitId))!;
  return { ticket: t, unit, steps: await stepsOf(db, id) };
}

export function canSee(p: UserPrincipal, l: LoadedTicket): boolean {
  return (
    allowed(p.grants, 'ticket.read', l.unit) ||
    l.steps.some((s) => p.grants.some((g) => g.role === s.role && g.unitId === s.unitId))
  );
}

/**
 * The actions `p` may take on the ticket now: allowed in its status (ticket-state) and by one of its
 * roles reaching the ticket's unit — exactly the checks `actOnTicket` makes before it writes.
 */
export function allowedActions(p: UserPrincipal, l: LoadedTicket): Action[] {
  const status = l.ticket.status as TicketStatus;
  return ACTIONS.filter(
    (a) =>
      nextStatus(status, a) !== undefined &&
      p.grants.some((g) => roleMayAct(g.role, a) && grantReaches(g, l.unit)),
  );
}

/** The ticket if the caller may see it; 404 otherwise (as if it did not exist). */
export async function visibleTicket(db: Db, p: UserPrincipal, id: string): Promise<LoadedTicket> {
  const l = await load(db, id);
  if (!l || !canSee(p, l)) throw notFound();
  return l;
}

// ---- reads ---------------------------------------------------------------------------------------

export interface TicketListQuery {
  status?: TicketStatus;
  unit?: string;
  category?: string;
  severity?: string;
  mine?: string;
  limit: number;
  cursor?: string;
}

/** Tickets the caller may see: units in its read scope, and tickets it is (or was) asked to approve. */
export function visibleCondition(p: UserPrincipal): SQL | undefined {
  return or(scopeCondition(scopeOf(p.grants, 'ticket.read')), approverCondition(p.grants));
}

/** "Mine": assigned to me, or waiting for my approval now (the current step is one of my grants). */
export function mineCondition(p: UserPrincipal): SQL | undefined {
  const pending =
    p.grants.length > 0
      ? sql`(${tickets.status} = 'awaiting_approval' AND EXISTS (SELECT 1 FROM ${approvalSteps} s WHERE s.ticket_id = ${tickets.id}
            AND s.round = ${tickets.approvalRound} AND s.decision IS NULL
            AND (${sql.join(
              p.grants.map((g) => sql`(s.role = ${g.role} AND s.unit_id = ${g.unitId})`),
              sql` OR `,
            )})
            AND NOT EXISTS (SELECT 1 FROM ${approvalSteps} s2 WHERE s2.ticket_id = s.ticket_id AND s2.round = s.round
              AND s2.decision IS NULL AND s2.step < s.step)))`
      : undefined;
  return or(eq(tickets.assigneeId, p.userId), pending);
}

/** The list filters shared by the newest-first list and the queue (SQL over `tickets` joined to `units`). */
export async function filterConditions(
  db: Db,
  p: UserPrincipal,
  q: Pick<TicketListQuery, 'status' | 'unit' | 'category' | 'severity' | 'mine'>,
): Promise<(SQL | undefined)[] | undefined> {
  const conds: (SQL | undefined)[] = [visibleCondition(p)];
  if (q.status) conds.push(eq(tickets.status, q.status));
  if (q.category) conds.push(eq(tickets.category, q.category));
  if (q.severity) conds.push(eq(tickets.severity, q.severity));
  if (q.unit) {
    const u = await unitByCode(db, q.unit);
    if (!u) return undefined;
    conds.push(underPath(units.path, u.path));
  }
  if (q.mine === '1' || q.mine === 'true') conds.push(mineCondition(p));
  return conds;
}

export async function listTickets(db: Db, p: UserPrincipal, q: TicketListQuery) {
  const after = decodeCursor(q.cursor, 2);
  const conds = await filterConditions(db, p, q);
  if (!conds) return { items: [], nextCursor: null };
  if (after) {
    const at = new Date(Number(after[0]));
    conds.push(
      or(lt(tickets.createdAt, at), and(eq(tickets.createdAt, at), lt(tickets.id, String(after[1])))),
    );
  }
  const rows = await db
    .select({ t: tickets })
    .from(tickets)
    .innerJoin(units, eq(units.id, tickets.unitId))
    .where(and(...conds))
    .orderBy(desc(tickets.createdAt), desc(tickets.id))
    .limit(q.limit + 1);
  const more = rows.length > q.limit;
  const slice = (more ? rows.slice(0, q.limit) : rows).map((r) => r.t);
  const last = slice[slice.length - 1];
  return {
    items: await ticketViews(db, slice),
    nextCursor: more && last ? encodeCursor([last.createdAt.getTime(), last.id]) : null,
  };
}

export interface EventView {
  seq: number;
  at: string;
  type: string;
  actor: string;
  actorKind: string;
  actorId: string | null;
  data: Record<string, unknown> | null;
}

export async function eventsOf(db: Db, ticketId: string): Promise<EventView[]> {
  const rows = await eventRows(db, ticketId);
  return rows.map((e) => ({
    seq: e.seq,
    at: e.at.toISOString(),
    type: e.type,
    actor: e.actorLabel,
    actorKind: e.actorKind ?? (e.actorId ? 'user' : 'system'),
    actorId: e.actorId,
    data: e.data ?? null,
  }));
}

/** The ticket page: the ticket, its timeline, and for agent tickets the readings that opened it. */
export async function ticketDetail(db: Db, p: UserPrincipal, id: string) {
  const l = await visibleTicket(db, p, id);
  const [v] = await ticketViews(db, [l.ticket]);
  const events = await eventsOf(db, id);
  const opened = events.find((e) => e.type === 'opened');
  const evidence = (opened?.data?.evidence as unknown) ?? null;
  return { ...v!, events, evidence };
}

// ---- writes --------------------------------------------------------------------------------------

/** A manual ticket (`POST /tickets`): the caller must be allowed to create tickets at the unit. */
export async function createTicket(
  deps: AppDeps,
  p: UserPrincipal,
  input: TicketCreate,
): Promise<TicketView> {
  const id = await deps.store.write(
    async (tx) => {
      const unit = await unitByCode(tx, input.unitCode);
      if (!unit || unit.archivedAt || !allowed(p.grants, 'unit.read', unit))
        throw fail.invalid(
          { vi: `Không tìm thấy đơn vị "${input.unitCode}".`, en: `Unit "${input.unitCode}" not found.` },
          [{ path: 'unitCode', message: 'unknown unit' }],
        );
      if (!allowed(p.grants, 'ticket.create', unit)) throw fail.forbidden();
      if (input.deviceId) {
        const d = (await tx.select().from(devices).where(eq(devices.id, input.deviceId)).limit(1))[0];
        if (!d || d.unitId !== unit.id)
          throw fail.invalid(
            {
              vi: `Không có thiết bị ${input.deviceId} tại đơn vị ${unit.code}.`,
              en: `Device ${input.deviceId} is not at unit ${unit.code}.`,
            },
            [{ path: 'deviceId', message: `not a device of ${unit.code}` }],
          );
      }
      const opened = await openTicket(tx, deps, {
        unitId: unit.id,
        deviceId: input.deviceId ?? null,
        category: input.category,
        severity: input.severity,
        source: 'manual',
        title: input.title,
        description: input.description ?? null,
        actor: actorOf(p),
        strict: true,
      });
      return opened.id;
    },
    { label: 'ticket.create' },
  );
  // Committed: the number the database assigned is in the row now.
  return ticketViewById(deps.store.read, id);
}

/** The view of a ticket as committed (after a write: its answer). */
export async function ticketViewById(db: Db, id: string): Promise<TicketView> {
  const row = (await ticketById(db, id))!;
  return (await ticketViews(db, [row]))[0]!;
}

const STATUS_VI: Record<string, string> = {
  open: 'mới mở',
  acknowledged: 'đã tiếp nhận',
  in_progress: 'đang xử lý',
  awaiting_approval: 'chờ phê duyệt',
  approved: 'đã phê duyệt',
  rejected: 'bị từ chối',
  waiting_parts: 'chờ linh kiện/bảo hành',
  resolved: 'đã khắc phục',
  closed: 'đã đóng',
};

function notAllowedHere(action: Action, status: TicketStatus) {
  const ok = Object.keys(TRANSITIONS[action]).join(', ');
  return fail.conflict(
    {
      vi: `Không thể "${action}" khi phiếu đang ở trạng thái "${STATUS_VI[status] ?? status}" (${status}); chỉ được khi: ${ok}. Hãy tải lại phiếu.`,
      en: `"${action}" is not allowed while the ticket is ${status}; allowed in: ${ok}. Reload the ticket.`,
    },
    { ticketStatus: status },
  );
}

/** Does `userId` hold the handler's role at a unit reaching the handler unit (own grant or deputy)? */
async function inHandlerQueue(tx: Db, userId: string, t: TicketRow, now: Date): Promise<boolean> {
  const grants = [
    ...((await grantsOf(tx, [userId])).get(userId) ?? []),
    ...(await activeDeputyGrants(tx, userId, now)),
  ];
  const handlerUnit = (await unitById(tx, t.handlerUnitId))!;
  return grants.some((g) => g.role === t.handlerRole && grantReaches(g, handlerUnit));
}

/** `POST /tickets/:id/actions`: read, decide (ticket-state, scope, routing), record one transition. */
export async function actOnTicket(
  deps: AppDeps,
  p: UserPrincipal,
  id: string,
  body: TicketActionBody,
): Promise<TicketView> {
  await deps.store.write((tx) => decideAction(tx, deps, p, id, body), { label: 'ticket.action' });
  return ticketViewById(deps.store.read, id);
}

/** What one action changes: columns, event data, and the work to record once the change is decided. */
interface ActionPlan {
  to: TicketStatus;
  set: TicketSet;
  data: Record<string, unknown>;
  minutes?: TicketSla;
  after: ((tx: WriteTx) => Promise<void>)[];
}

async function decideAction(
  tx: WriteTx,
  deps: AppDeps,
  p: UserPrincipal,
  id: string,
  body: TicketActionBody,
): Promise<void> {
  const now = deps.clock.now();
  const l = await visibleTicket(tx, p, id);
  const t = TicketWork.of(tx).adopt(l.ticket);
  const action = body.action as Action;
  if (!p.grants.some((g) => roleMayAct(g.role, action) && grantReaches(g, l.unit)))
    throw fail.forbidden({
      vi: `Vai trò của bạn không cho phép "${action}" trên phiếu của đơn vị ${l.unit.code}.`,
      en: `Your roles do not allow "${action}" on tickets of ${l.unit.code}.`,
    });
  const status = t.status as TicketStatus;
  if (!nextStatus(status, action)) throw notAllowedHere(action, status);

  const plan: ActionPlan = { to: status, set: {}, data: {}, after: [] };
  if (body.note) plan.data.note = body.note;
  switch (action) {
    case 'acknowledge':
    case 'start':
    case 'wait_parts':
      plan.to = nextStatus(status, action)!;
      if (!t.respondedAt) plan.set.respondedAt = now;
      break;
    case 'assign':
      await planAssign(tx, p, t, body, now, plan);
      break;
    case 'estimate':
      await planEstimate(tx, p, t, status, body.costEstimateVnd!, now, plan);
      break;
    case 'resolve':
      plan.to = 'resolved';
      plan.set.resolvedAt = now;
      break;
    case 'close':
      plan.to = 'closed';
      plan.set.closedAt = now;
      break;
    case 'reopen':
      plan.to = 'open';
      Object.assign(plan.set, { resolvedAt: null, closedAt: null, recoveredAt: null });
      break;
    case 'comment':
      break;
  }
  if (plan.to !== status) {
    plan.set.status = plan.to;
    plan.data.status = { from: status, to: plan.to };
  }
  for (const f of plan.after) await f(tx);
  await transition(tx, deps, t.id, {
    set: plan.set,
    expectStatus: status,
    event: { type: action, actor: actorOf(p), data: plan.data },
    replay: plan.to !== status || plan.minutes ? { minutes: plan.minutes } : false,
  });
}

async function planAssign(
  tx: WriteTx,
  p: UserPrincipal,
  t: TicketRow,
  body: TicketActionBody,
  now: Date,
  plan: ActionPlan,
): Promise<void> {
  const assigneeId = body.assigneeId ?? p.userId;
  const u = await userById(tx, assigneeId);
  if (!u || u.disabledAt || !(await inHandlerQueue(tx, assigneeId, t, now)))
    throw fail.invalid(
      {
        vi: `Người được giao phải giữ vai trò ${t.handlerRole} tại đơn vị xử lý hoặc cấp trên của nó.`,
        en: `The assignee must hold ${t.handlerRole} at the handler unit or above it.`,
      },
      [{ path: 'assigneeId', message: `not in the ${t.handlerRole} queue of the handler unit` }],
    );
  plan.set.assigneeId = assigneeId;
  if (!t.respondedAt) plan.set.respondedAt = now;
  plan.data.assigneeId = assigneeId;
  plan.data.assignee = u.username;
  if (assigneeId !== p.userId)
    plan.after.push(async (w) => {
      await notify(w, [assigneeId], {
        kind: 'assigned',
        ticketId: t.id,
        at: now,
        data: { number: t.number, title: t.title, by: p.username },
      });
    });
}

/** An estimate re-routes by its cost band (same mapping as opening) and may start an approval round. */
async function planEstimate(
  tx: WriteTx,
  p: UserPrincipal,
  t: TicketRow,
  status: TicketStatus,
  cost: number,
  now: Date,
  plan: ActionPlan,
): Promise<void> {
  const ctx = await routingContext(tx);
  const r = route(
    ctx.compiled,
    ctx.tree,
    { unitId: t.unitId, category: t.category, severity: t.severity, costEstimateVnd: cost },
    { matrixVersion: ctx.version },
  );
  if (!r.ok)
    throw fail.invalid(
      {
        vi: `${r.message.vi} Không thể định tuyến lại theo dự toán; hãy báo quản trị viên sửa ma trận.`,
        en: `${r.message.en} Cannot re-route by this estimate; ask an administrator to fix the matrix.`,
      },
      [{ path: 'costEstimateVnd', message: r.message.en }],
    );
  const needsApproval = r.approvers.length > 0;
  plan.to = nextStatus(status, 'estimate', { needsApproval })!;
  if (!t.respondedAt) plan.set.respondedAt = now;
  Object.assign(plan.set, {
    costEstimateVnd: cost,
    estimatedBy: p.userId,
    ...routingColumns(r, ctx.version),
  });
  plan.data.costEstimateVnd = cost;
  plan.data.costBand = r.costBand;
  plan.data.routing = {
    ruleId: r.ruleId,
    matrixVersion: ctx.version,
    handler: { role: r.handler.role, unitCode: r.handler.unit.code },
    approvers: r.approvers.map((a) => ({ role: a.role, unitCode: a.unit.code })),
    explanation: r.explanation,
  };
  if (r.ruleId !== t.ruleId || r.handler.unit.id !== t.handlerUnitId || r.handler.role !== t.handlerRole)
    plan.data.rerouted = {
      from: {
        ruleId: t.ruleId,
        matrixVersion: t.matrixVersion,
        handlerRole: t.handlerRole,
        handlerUnitId: t.handlerUnitId,
      },
    };
  plan.minutes = { ...(t.sla as unknown as TicketSla), ...r.sla };
  // Every estimate starts a new round: an earlier chain (say, a rejected one) no longer applies.
  const round = t.approvalRound + 1;
  plan.set.approvalRound = round;
  if (!needsApproval) return;
  const cal = await loadCalendar(tx, ctx.rootId);
  const due = new Date(approvalDue(cal.compiled, now.getTime(), r.sla.approveMinutes));
  plan.data.approvalRound = round;
  plan.after.push(async (w) => {
    await TicketWork.of(w).insertSteps(
      t.id,
      r.approvers.map((a, i) => ({
        ticketId: t.id,
        round,
        step: i + 1,
        role: a.role,
        unitId: a.unit.id,
        startedAt: i === 0 ? now : null,
        dueAt: i === 0 ? due : null,
        decision: null,
        decidedBy: null,
        asDeputyOf: null,
        decidedAt: null,
        note: null,
        escalatedAt: null,
      })),
    );
    const first = r.approvers[0]!;
    const who = await holdersAt(w, first.role, first.unit.id, now);
    await notify(w, who, {
      kind: 'approval_requested',
      ticketId: t.id,
      at: now,
      data: { number: t.number, title: t.title, step: 1, costEstimateVnd: cost, dueAt: due.toISOString() },
    });
  });
}

/** The step of the current round waiting for a decision (the lowest undecided one). */
export function currentStep(steps: readonly StepRow[], round: number): StepRow | undefined {
  return steps.filter((s) => s.round === round && !s.decision).sort((a, b) => a.step - b.step)[0];
}
