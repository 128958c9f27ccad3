/**
 * Approval decisions (`POST /tickets/:id/approval`): the ordered chain of the rule a ticket was routed
 * by. Only a user holding the current step's role at the step's unit decides it (own grant or an
 * active deputy grant, recorded as "approved by X as deputy of Y"); the user who entered the estimate
 * may not approve it; a rejection ends the chain; every decision goes on the timeline.
 */
import type { TicketStatus } from '../../shared/enums.js';
import type { ApprovalBody, TicketView } from '../../shared/schemas/tickets.js';
import { TicketWork, ticketById } from '../db/repos/tickets.js';
import { unitById } from '../db/repos/units.js';
import { userById } from '../db/repos/users.js';
import type { approvalSteps } from '../db/schema.js';
import type { WriteTx } from '../db/store.js';
import type { AppDeps } from '../deps.js';
import type { Grant } from '../domain/scope.js';
import { approvalDue } from '../domain/sla.js';
import { afterDecision } from '../domain/ticket-state.js';
import { fail } from '../errors.js';
import { loadCalendar } from './calendar.js';
import { holdersAt, VACANCY } from './deputies.js';
import { notify } from './notifications.js';
import type { UserPrincipal } from './principal.js';
import { type TicketSla, transition } from './ticket-core.js';
import { actorOf, canSee, currentStep, ticketViews } from './tickets.js';

const notFound = () => fail.notFound({ vi: 'Không tìm thấy phiếu sự cố.', en: 'Ticket not found.' });

type StepRow = typeof approvalSteps.$inferSelect;

export interface ApprovalStanding {
  /** The step of the current round waiting for a decision. */
  step: StepRow;
  /** The caller's grant that may decide it (own grant preferred over a deputy one), if any. */
  grant?: Grant;
  /** Separation of duties: the caller (or the person it stands in for) entered the estimate. */
  selfEstimated: boolean;
}

/**
 * Where the caller stands on the ticket's current approval step: which grant decides it and whether
 * separation of duties bars them. Undefined when no step is waiting. `decide` acts on this answer and
 * pages use it to offer (or explain the absence of) the approve/reject form.
 */
export function approvalStanding(
  p: UserPrincipal,
  t: { estimatedBy: string | null; approvalRound: number },
  steps: readonly StepRow[],
): ApprovalStanding | undefined {
  const step = currentStep(steps, t.approvalRound);
  if (!step) return undefined;
  // Prefer the user's own grant: a deputy grant only counts when they do not hold the role themselves.
  const matching = p.grants.filter((g) => g.role === step.role && g.unitId === step.unitId);
  const grant: Grant | undefined = matching.find((g) => !g.deputyOf) ?? matching[0];
  const selfEstimated =
    !!grant && (t.estimatedBy === p.userId || (!!grant.deputyOf && grant.deputyOf === t.estimatedBy));
  return { step, grant, selfEstimated };
}

export async function decide(
  deps: AppDeps,
  p: UserPrincipal,
  id: string,
  body: ApprovalBody,
): Promise<TicketView> {
  await deps.store.write((tx) => decideStep(tx, deps, p, id, body), { label: 'ticket.approval' });
  const row = (await ticketById(deps.store.read, id))!;
  return (await ticketViews(deps.store.read, [row]))[0]!;
}

async function decideStep(
  tx: WriteTx,
  deps: AppDeps,
  p: UserPrincipal,
  id: string,
  body: ApprovalBody,
): Promise<void> {
  const now = deps.clock.now();
  const work = TicketWork.of(tx);
  const t = await work.get(id);
  if (!t) throw notFound();
  const unit = (await unitById(tx, t.unitId))!;
  const steps = await work.stepsOf(id);
  const step = currentStep(steps, t.approvalRound);
  if (!canSee(p, { ticket: t, unit, steps })) {
    // A head of another unit learns only that this is not theirs to approve (403); anyone else
    // gets the same 404 as for a ticket that does not exist.
    if (step && p.grants.some((g) => g.role === step.role)) throw wrongHolder(step.role);
    throw notFound();
  }
  const status = t.status as TicketStatus;
  if (status !== 'awaiting_approval' || !step)
    throw fail.conflict(
      {
        vi: `Phiếu không chờ phê duyệt (trạng thái "${status}").`,
        en: `The ticket is not awaiting approval (status ${status}).`,
      },
      { ticketStatus: status },
    );
  const stepUnit = (await unitById(tx, step.unitId))!;
  const { grant, selfEstimated } = approvalStanding(p, t, steps)!;
  if (!grant) throw wrongHolder(step.role, stepUnit.code);
  if (selfEstimated)
    throw fail.forbidden({
      vi: 'Người lập dự toán không được tự phê duyệt dự toán đó (tách bạch nhiệm vụ).',
      en: 'The user who entered the estimate may not approve it (separation of duties).',
    });

  // Guarded on the step being undecided: of two deciders one wins; the other's write re-runs, finds
  // the next step (or another status) and answers from there.
  await work.decideStep(step, {
    decision: body.decision,
    decidedBy: p.userId,
    asDeputyOf: grant.deputyOf ?? null,
    decidedAt: now,
    note: body.note || null,
  });
  const next = steps
    .filter((s) => s.round === step.round && s.step > step.step)
    .sort((a, b) => a.step - b.step)[0];
  const to = afterDecision(body.decision, !next);

  const principal =
    grant.deputyOf && grant.deputyOf !== VACANCY ? await userById(tx, grant.deputyOf) : undefined;
  const label = grant.deputyOf
    ? grant.deputyOf === VACANCY
      ? `${p.username} (quyền thay, khuyết chức danh / acting, vacant post)`
      : `${p.username} (thay / as deputy of ${principal?.username ?? grant.deputyOf})`
    : p.username;
  const data: Record<string, unknown> = {
    round: step.round,
    step: step.step,
    role: step.role,
    unitCode: stepUnit.code,
    decision: body.decision,
    note: body.note || undefined,
    by: p.userId,
    ...(grant.deputyOf
      ? { asDeputyOf: grant.deputyOf, asDeputyOfName: principal?.username ?? grant.deputyOf }
      : {}),
  };
  if (to !== status) data.status = { from: status, to };

  if (next && body.decision === 'approve') {
    const cal = await loadCalendar(tx);
    const minutes = (t.sla as unknown as TicketSla).approveMinutes;
    const due = new Date(approvalDue(cal.compiled, now.getTime(), minutes));
    await work.updateStep(next, { startedAt: now, dueAt: due });
    await notify(tx, await holdersAt(tx, next.role, next.unitId, now), {
      kind: 'approval_requested',
      ticketId: id,
      at: now,
      data: {
        number: t.number,
        title: t.title,
        step: next.step,
        costEstimateVnd: t.costEstimateVnd,
        dueAt: due.toISOString(),
      },
    });
  } else {
    const told = [t.estimatedBy, t.assigneeId].filter((x): x is string => !!x && x !== p.userId);
    await notify(tx, told, {
      kind: 'approval_decided',
      ticketId: id,
      at: now,
      data: { number: t.number, title: t.title, decision: body.decision, status: to, by: label },
    });
  }
  await transition(tx, deps, id, {
    set: to !== status ? { status: to } : {},
    expectStatus: 'awaiting_approval',
    event: { type: 'approval', actor: { ...actorOf(p), label }, data },
  });
}

function wrongHolder(role: string, unitCode?: string) {
  if (!unitCode)
    return fail.forbidden({
      vi: `Bước phê duyệt này không thuộc vai trò ${role} tại đơn vị của bạn.`,
      en: `This approval step is not for ${role} at your unit.`,
    });
  return fail.forbidden({
    vi: `Chỉ người giữ vai trò ${role} tại đơn vị ${unitCode} (hoặc người được ủy quyền) mới được quyết định bước phê duyệt này.`,
    en: `Only a holder of ${role} at ${unitCode} (or their deputy) may decide this approval step.`,
  });
}
