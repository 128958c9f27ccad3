/**
 * The work queue: live tickets by SLA urgency — the next deadline first (first response until someone
 * responded, then resolution) — with the same visibility and filters as GET /tickets, the figures a
 * queue header shows (live, overdue, unassigned), and the labels a list needs (unit names, people).
 * Keyset-paginated on (deadline, id) over a partial expression index of live tickets
 * (`tickets_live_due`), so it stays fast however many closed tickets history holds.
 */
import { and, asc, count, eq, gt, inArray, isNull, or, type SQL, sql } from 'drizzle-orm';
import type { TicketStatus } from '../../shared/enums.js';
import type { TicketView } from '../../shared/schemas/tickets.js';
import { pathIsUnder } from '../db/repos/units.js';
import { deputies, roleGrants, tickets, units, users } from '../db/schema.js';
import type { Db } from '../db/store.js';
import { decodeCursor, encodeCursor } from '../http/pagination.js';
import type { UserPrincipal } from './principal.js';
import { filterConditions, type TicketListQuery, ticketViews } from './tickets.js';

/** Statuses after which nothing is due. Written as a literal so the partial index's WHERE matches. */
export const LIVE_SQL = sql`${tickets.status} NOT IN ('resolved', 'closed')`;

/** The next deadline of a live ticket, as SQL; the index `tickets_live_due` is on this very expression. */
export const NEXT_DUE_SQL = sql<number>`(CASE WHEN ${tickets.respondedAt} IS NULL THEN ${tickets.respondBy} ELSE ${tickets.resolveBy} END)`;

const CLOSED: readonly TicketStatus[] = ['resolved', 'closed'];

/** Does this status filter (or none) leave the queue's order meaningful? Resolved/closed lists go newest first. */
export function queueable(status: TicketStatus | undefined): boolean {
  return status === undefined || !CLOSED.includes(status);
}

export interface NextDeadline {
  kind: 'respond' | 'resolve';
  at: Date;
  /** The resolution clock is paused (waiting for approval or parts): the time is a projection. */
  paused: boolean;
}

/** The deadline that matters next for a ticket view (the same rule as `NEXT_DUE_SQL`); none once resolved. */
export function nextDeadline(t: Pick<TicketView, 'status' | 'sla'>): NextDeadline | undefined {
  if (CLOSED.includes(t.status)) return undefined;
  if (!t.sla.respondedAt) return { kind: 'respond', at: new Date(t.sla.respondBy), paused: false };
  return { kind: 'resolve', at: new Date(t.sla.resolveBy), paused: t.sla.clock === 'paused' };
}

export type QueueQuery = Omit<TicketListQuery, 'status'> & { status?: TicketStatus };

/** Live tickets the caller may see, most urgent first. */
export async function queueTickets(
  db: Db,
  p: UserPrincipal,
  q: QueueQuery,
): Promise<{ items: TicketView[]; nextCursor: string | null }> {
  const after = decodeCursor(q.cursor, 2);
  const conds = await filterConditions(db, p, q);
  if (!conds) return { items: [], nextCursor: null };
  conds.push(LIVE_SQL);
  if (after) {
    const due = Number(after[0]);
    conds.push(
      or(sql`${NEXT_DUE_SQL} > ${due}`, and(sql`${NEXT_DUE_SQL} = ${due}`, gt(tickets.id, String(after[1])))),
    );
  }
  const rows = await db
    .select({ t: tickets, due: NEXT_DUE_SQL })
    .from(tickets)
    .innerJoin(units, eq(units.id, tickets.unitId))
    .where(and(...conds))
    .orderBy(asc(NEXT_DUE_SQL), asc(tickets.id))
    .limit(q.limit + 1);
  const more = rows.length > q.limit;
  const slice = more ? rows.slice(0, q.limit) : rows;
  const last = slice[slice.length - 1];
  return {
    items: await ticketViews(
      db,
      slice.map((r) => r.t),
    ),
    nextCursor: more && last ? encodeCursor([Number(last.due), last.t.id]) : null,
  };
}

export interface QueueCounts {
  live: number;
  overdue: number;
  unassigned: number;
}

/** How many live tickets match the filters, how many are past their next deadline, how many nobody took. */
export async function queueCounts(
  db: Db,
  p: UserPrincipal,
  q: Omit<QueueQuery, 'limit' | 'cursor'>,
  now: Date,
): Promise<QueueCounts> {
  const conds = await filterConditions(db, p, q);
  if (!conds) return { live: 0, overdue: 0, unassigned: 0 };
  conds.push(LIVE_SQL);
  const [r] = await db
    .select({
      live: count(),
      overdue: sql<number>`coalesce(sum(CASE WHEN ${NEXT_DUE_SQL} < ${now.getTime()} AND ${tickets.status} NOT IN ('awaiting_approval', 'waiting_parts') THEN 1 ELSE 0 END), 0)`,
      unassigned: sql<number>`coalesce(sum(CASE WHEN ${tickets.assigneeId} IS NULL THEN 1 ELSE 0 END), 0)`,
    })
    .from(tickets)
    .innerJoin(units, eq(units.id, tickets.unitId))
    .where(and(...conds));
  return {
    live: Number(r?.live ?? 0),
    overdue: Number(r?.overdue ?? 0),
    unassigned: Number(r?.unassigned ?? 0),
  };
}

export interface TicketLabels {
  /** Unit code → name. */
  units: Map<string, string>;
  /** User id → display name. */
  people: Map<string, string>;
}

/** Names for the codes and ids a list of tickets shows, in two queries. */
export async function ticketLabels(
  db: Db,
  views: readonly Pick<TicketView, 'unitCode' | 'assigneeId' | 'handler'>[],
  extraUserIds: readonly string[] = [],
): Promise<TicketLabels> {
  const codes = [...new Set(views.flatMap((v) => [v.unitCode, v.handler.unitCode]))];
  const ids = [
    ...new Set([...views.map((v) => v.assigneeId).filter((x): x is string => !!x), ...extraUserIds]),
  ];
  const [us, ps] = await Promise.all([
    codes.length > 0
      ? db.select({ code: units.code, name: units.name }).from(units).where(inArray(units.code, codes))
      : Promise.resolve([]),
    ids.length > 0
      ? db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, ids))
      : Promise.resolve([]),
  ]);
  return {
    units: new Map(us.map((u) => [u.code, u.name])),
    people: new Map(ps.map((u) => [u.id, u.name])),
  };
}

export interface AssignCandidate {
  id: string;
  username: string;
  displayName: string;
  /** Set when the person is in the queue only as someone's deputy. */
  deputy: boolean;
}

/**
 * The people a ticket may be assigned to: holders of the handler's role at the handler unit or above
 * it (own grants, then active deputies) — the same rule `assign` enforces.
 */
export async function assignCandidates(
  db: Db,
  ticket: { handlerRole: string; handlerUnitId: string },
  now: Date,
): Promise<AssignCandidate[]> {
  const handlerUnit = (
    await db.select({ path: units.path }).from(units).where(eq(units.id, ticket.handlerUnitId)).limit(1)
  )[0];
  if (!handlerUnit) return [];
  // unit_head reaches its own unit only; the other roles reach their subtree (scope.ts).
  const reaches = (unitId: SQL | typeof roleGrants.unitId, path: typeof units.path): SQL =>
    ticket.handlerRole === 'unit_head'
      ? sql`${unitId} = ${ticket.handlerUnitId}`
      : pathIsUnder(handlerUnit.path, path);
  const own = await db
    .select({ id: users.id, username: users.username, displayName: users.displayName })
    .from(roleGrants)
    .innerJoin(units, eq(units.id, roleGrants.unitId))
    .innerJoin(users, eq(users.id, roleGrants.userId))
    .where(
      and(
        eq(roleGrants.role, ticket.handlerRole),
        reaches(roleGrants.unitId, units.path),
        isNull(users.disabledAt),
      ),
    )
    .orderBy(asc(users.displayName))
    .limit(300);
  const dep = await db
    .select({ id: users.id, username: users.username, displayName: users.displayName })
    .from(deputies)
    .innerJoin(units, eq(units.id, deputies.unitId))
    .innerJoin(users, eq(users.id, deputies.deputyId))
    .where(
      and(
        eq(deputies.role, ticket.handlerRole),
        reaches(sql`${deputies.unitId}`, units.path),
        isNull(deputies.revokedAt),
        sql`${deputies.startsAt} <= ${now.getTime()}`,
        sql`${deputies.endsAt} > ${now.getTime()}`,
        isNull(users.disabledAt),
      ),
    )
    .limit(100);
  const seen = new Set<string>();
  const out: AssignCandidate[] = [];
  for (const [list, deputy] of [
    [own, false],
    [dep, true],
  ] as const)
    for (const u of list) {
      if (seen.has(u.id)) continue;
      seen.add(u.id);
      out.push({ ...u, deputy });
    }
  return out;
}
