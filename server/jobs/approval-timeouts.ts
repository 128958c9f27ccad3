/**
 * Approval timeout → escalate: a current approval step past its due time, undecided, is escalated
 * once — an `approval_overdue` event on the ticket, a reminder to the step's holders, and a
 * notification to the superior: the unit head of the step unit's parent, or the administrators at the
 * root when the step is at the root. Idempotent: marking the step escalated is a guarded write
 * (`escalated_at IS NULL`), so two schedulers never escalate one step twice.
 */
import { overdueSteps, type StepRow, TicketWork } from '../db/repos/tickets.js';
import { unitById } from '../db/repos/units.js';
import type { WriteTx } from '../db/store.js';
import type { AppDeps } from '../deps.js';
import { holdersAt } from '../services/deputies.js';
import { notify } from '../services/notifications.js';
import { SYSTEM } from './sla-escalation.js';
import type { Job, JobResult } from './types.js';

const PAGE = 500;

async function escalateStep(tx: WriteTx, now: Date, s: StepRow): Promise<boolean> {
  const work = TicketWork.of(tx);
  const t = await work.get(s.ticketId);
  const cur = (await work.stepsOf(s.ticketId)).find((x) => x.round === s.round && x.step === s.step);
  if (!t || !cur || cur.decision || cur.escalatedAt || t.status !== 'awaiting_approval') return false;
  await work.escalateStep(s, now);
  const unit = (await unitById(tx, s.unitId))!;
  const parent = unit.parentId ? await unitById(tx, unit.parentId) : undefined;
  const superior = parent ? { role: 'unit_head', unit: parent } : { role: 'admin', unit };
  const holders = await holdersAt(tx, s.role, s.unitId, now);
  const bosses = await holdersAt(tx, superior.role, superior.unit.id, now);
  await work.append(s.ticketId, now, {
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
  await notify(tx, [...holders, ...bosses], {
    kind: 'approval_overdue',
    ticketId: s.ticketId,
    at: now,
    data: {
      number: t.number,
      title: t.title,
      step: s.step,
      role: s.role,
      unitCode: unit.code,
      dueAt: s.dueAt?.toISOString() ?? null,
    },
  });
  return true;
}

export async function runApprovalTimeouts(deps: AppDeps, now: Date): Promise<JobResult> {
  let escalated = 0;
  // Escalated steps leave the list, so the next page is simply the next query (bounded by the count).
  for (let round = 0; round < 100; round++) {
    const overdue = await overdueSteps(deps.store.read, now, PAGE);
    let done = 0;
    for (const s of overdue)
      if (await deps.store.write((tx) => escalateStep(tx, now, s), { label: 'job.approval-timeouts' }))
        done++;
    escalated += done;
    if (overdue.length < PAGE || done === 0) break;
  }
  return { summary: `${escalated} overdue approval steps escalated`, escalated };
}

export const approvalTimeoutJob: Job = {
  name: 'approval-timeouts',
  cron: '* * * * *',
  run: runApprovalTimeouts,
};
