/**
 * What waits for my decision: the approval steps that are current now (lowest undecided step of the
 * ticket's current round, ticket awaiting approval) at a (role, unit) I hold — by my own grant or as
 * someone's deputy — most urgent first; and the decisions I took. Reads only; deciding is `decide`.
 * The same rule as `GET /tickets?mine=1` (its approval half), answered from `approval_steps` so the
 * inbox is keyset-paginated on the step's deadline.
 */
import { and, asc, count, desc, eq, gt, inArray, lt, or, type SQL, sql } from 'drizzle-orm';
import type { TicketView } from '../../shared/schemas/tickets.js';
import { codesOf } from '../db/repos/units.js';
import { approvalSteps, tickets, users } from '../db/schema.js';
import type { Db } from '../db/store.js';
import type { Grant } from '../domain/scope.js';
import { decodeCursor, encodeCursor } from '../http/pagination.js';
import { VACANCY } from './deputies.js';
import type { UserPrincipal } from './principal.js';
import { ticketViews } from './tickets.js';

export interface InboxItem {
  ticket: TicketView;
  step: { step: number; of: number; role: string; unitCode: string; dueAt: string | null };
  /** Set when I hold this step only as a deputy: whom I stand in for (null name for a vacant post). */
  asDeputyOf?: { id: string; name: string | null };
  /** I (or the person I stand in for) entered the estimate: separation of duties bars my decision. */
  selfEstimated: boolean;
}

function heldPairs(grants: readonly Grant[]): SQL | undefined {
  if (grants.length === 0) return undefined;
  return or(...grants.map((g) => and(eq(approvalSteps.role, g.role), eq(approvalSteps.unitId, g.unitId))));
}

/** The current, undecided steps of tickets awaiting approval (as SQL over `approval_steps` ⋈ `tickets`). */
const CURRENT_STEP = sql`${tickets.status} = 'awaiting_approval' AND ${approvalSteps.decision} IS NULL
  AND NOT EXISTS (SELECT 1 FROM ${approvalSteps} e WHERE e.ticket_id = ${approvalSteps.ticketId}
    AND e.round = ${approvalSteps.round} AND e.decision IS NULL AND e.step < ${approvalSteps.step})`;

// A step without a deadline (never, for a current step) sorts last.
const DUE = sql<number>`coalesce(${approvalSteps.dueAt}, 9007199254740991)`;

export async function approvalInbox(
  db: Db,
  p: UserPrincipal,
  q: { limit: number; cursor?: string },
): Promise<{ items: InboxItem[]; nextCursor: string | null }> {
  const held = heldPairs(p.grants);
  if (!held) return { items: [], nextCursor: null };
  const after = decodeCursor(q.cursor, 2);
  const rows = await db
    .select({ t: tickets, s: approvalSteps, due: DUE })
    .from(approvalSteps)
    .innerJoin(
      tickets,
      and(eq(tickets.id, approvalSteps.ticketId), eq(tickets.approvalRound, approvalSteps.round)),
    )
    .where(
      and(
        CURRENT_STEP,
        held,
        after
          ? or(
              sql`${DUE} > ${Number(after[0])}`,
              and(sql`${DUE} = ${Number(after[0])}`, gt(approvalSteps.ticketId, String(after[1]))),
            )
          : undefined,
      ),
    )
    .orderBy(asc(DUE), asc(approvalSteps.ticketId))
    .limit(q.limit + 1);
  const more = rows.length > q.limit;
  const slice = more ? rows.slice(0, q.limit) : rows;
  const views = await ticketViews(
    db,
    slice.map((r) => r.t),
  );
  const codes = await codesOf(
    db,
    slice.map((r) => r.s.unitId),
  );
  const principals = [
    ...new Set(p.grants.map((g) => g.deputyOf).filter((x): x is string => !!x && x !== VACANCY)),
  ];
  const names = new Map<string, string>();
  if (principals.length > 0)
    for (const u of await db
      .select({ id: users.id, name: users.displayName })
      .from(users)
      .where(inArray(users.id, principals)))
      names.set(u.id, u.name);
  const items = slice.map((r, i): InboxItem => {
    const matching = p.grants.filter((g) => g.role === r.s.role && g.unitId === r.s.unitId);
    const grant = matching.find((g) => !g.deputyOf) ?? matching[0];
    const deputyOf = grant?.deputyOf;
    return {
      ticket: views[i]!,
      step: {
        step: r.s.step,
        of: views[i]!.approvals.length,
        role: r.s.role,
        unitCode: codes.get(r.s.unitId) ?? r.s.unitId,
        dueAt: r.s.dueAt?.toISOString() ?? null,
      },
      ...(deputyOf
        ? {
            asDeputyOf: {
              id: deputyOf,
              name: deputyOf === VACANCY ? null : (names.get(deputyOf) ?? deputyOf),
            },
          }
        : {}),
      selfEstimated: r.t.estimatedBy === p.userId || (!!deputyOf && deputyOf === r.t.estimatedBy),
    };
  });
  const last = slice[slice.length - 1];
  return {
    items,
    nextCursor: more && last ? encodeCursor([Number(last.due), last.s.ticketId]) : null,
  };
}

/** How many steps wait for my decision now (for the navigation badge and the home panel). */
export async function approvalInboxCount(db: Db, p: UserPrincipal): Promise<number> {
  const held = heldPairs(p.grants);
  if (!held) return 0;
  const [r] = await db
    .select({ n: count() })
    .from(approvalSteps)
    .innerJoin(
      tickets,
      and(eq(tickets.id, approvalSteps.ticketId), eq(tickets.approvalRound, approvalSteps.round)),
    )
    .where(and(CURRENT_STEP, held));
  return Number(r?.n ?? 0);
}

export interface DecisionItem {
  ticket: TicketView;
  decision: 'approve' | 'reject';
  at: string;
  note: string | null;
  step: number;
  round: number;
  asDeputyOf: string | null;
}

/** The decisions I took, newest first (every round, not only the current one). */
export async function myDecisions(
  db: Db,
  p: UserPrincipal,
  q: { limit: number; cursor?: string },
): Promise<{ items: DecisionItem[]; nextCursor: string | null }> {
  const after = decodeCursor(q.cursor, 2);
  const rows = await db
    .select({ t: tickets, s: approvalSteps })
    .from(approvalSteps)
    .innerJoin(tickets, eq(tickets.id, approvalSteps.ticketId))
    .where(
      and(
        eq(approvalSteps.decidedBy, p.userId),
        after
          ? or(
              lt(approvalSteps.decidedAt, new Date(Number(after[0]))),
              and(
                eq(approvalSteps.decidedAt, new Date(Number(after[0]))),
                lt(approvalSteps.ticketId, String(after[1])),
              ),
            )
          : undefined,
      ),
    )
    .orderBy(desc(approvalSteps.decidedAt), desc(approvalSteps.ticketId))
    .limit(q.limit + 1);
  const more = rows.length > q.limit;
  const slice = more ? rows.slice(0, q.limit) : rows;
  const views = await ticketViews(
    db,
    slice.map((r) => r.t),
  );
  const last = slice[slice.length - 1];
  return {
    items: slice.map((r, i) => ({
      ticket: views[i]!,
      decision: r.s.decision as 'approve' | 'reject',
      at: r.s.decidedAt!.toISOString(),
      note: r.s.note,
      step: r.s.step,
      round: r.s.round,
      asDeputyOf: r.s.asDeputyOf,
    })),
    nextCursor: more && last ? encodeCursor([last.s.decidedAt!.getTime(), last.s.ticketId]) : null,
  };
}
