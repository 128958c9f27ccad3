/**
 * Approval timeout → escalate: a current approval step past its due time, undecided, is escalated
 * once — an `approval_overdue` event on the ticket, a reminder to the step's holders, and a
 * notification to the superior: the unit head of the step unit's parent, or the administrators at the
 * root when the step is at the root. Idempotent through `approval_steps.escalated_at`.
 */
import { and, eq, isNull, lte } from 'drizzle-orm';
import { unitById } from '../db/repos/units.js';
import { approvalSteps, tickets } from '../db/schema.js';
import type { AppDeps } from '../deps.js';
import { holdersAt } from '../services/deputies.js';
import { notify } from '../services/notifications.js';
import { appendEvent } from '../services/ticket-core.js';
import { SYSTEM } from './sla-escalation.js';
import type { Job, JobResult } from './types.js';

export async function runApprovalTimeouts(deps: AppDeps, now: Date): Promise<JobResult> {
  const overdue = await deps.store.read
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
    .limit(500);
  let escalated = 0;
  for (const { s } of overdue) {
    const done = await deps.store.write(
      async (tx) => {
        const won = await tx
          .update(approvalSteps)
          .set({ escalatedAt: now })
          .where(
            and(
              eq(approvalSteps.ticketId, s.ticketId),
              eq(approvalSteps.round, s.round),
              eq(approvalSteps.step, s.step),
              isNull(approvalSteps.decision),
              isNull(approvalSteps.escalatedAt),
            ),
          )
          .returning({ step: approvalSteps.step });
        if (won.length === 0) return false;
        const t = (await tx.select().from(tickets).where(eq(tickets.id, s.ticketId)))[0]!;
        const unit = (await unitById(tx, s.unitId))!;
        const parent = unit.parentId ? await unitById(tx, unit.parentId) : undefined;
        const superior = parent ? { role: 'unit_head', unit: parent } : { role: 'admin', unit };
        const holders = await holdersAt(tx, s.role, s.unitId, now);
        const bosses = await holdersAt(tx, superior.role, superior.unit.id, now);
        await appendEvent(tx, deps, s.ticketId, {
          type: 'approval_overdue',
          actor: SYSTEM,
          data: {
            round: s.round,
            step: s.step,
            role: s.role,
            unitCode: unit.code,
            dueAt: s.dueAt?.toISOString() ?? null,
            escalatedTo: { role: superior.role, unitCode: superior.unit.code, notified: bosses.length },
            reminded: holders.length,
          },
        });
        const data = {
          number: t.number,
          title: t.title,
          step: s.step,
          role: s.role,
          unitCode: unit.code,
          dueAt: s.dueAt?.toISOString() ?? null,
        };
        await notify(tx, [...holders, ...bosses], {
          kind: 'approval_overdue',
          ticketId: s.ticketId,
          at: now,
          data,
        });
        return true;
      },
      { label: 'job.approval-timeouts' },
    );
    if (done) escalated++;
  }
  return { summary: `${escalated} overdue approval steps escalated`, escalated };
}

export const approvalTimeoutJob: Job = {
  name: 'approval-timeouts',
  cron: '* * * * *',
  run: runApprovalTimeouts,
};
