/**
 * SLA breach → the escalation steps of the rule a ticket was routed by. A breach is an unanswered
 * ticket past its response target or a running resolution clock past its target; step N fires once
 * its `afterMinutes` of working time since the breach have passed. Each firing is an `escalated` event
 * on the ticket and a notification for everyone holding the step's role at the step's unit (deputies
 * included). Idempotent: each change is a conditional update on the ticket's version (ADR 0203), so
 * two schedulers never record one breach or one escalation step twice. Every breached ticket is
 * visited, a page at a time, however many there are.
 */

import { breachedTickets, RUNNING_STATUSES, type TicketRow, TicketWork } from '../db/repos/tickets.js';
import { allUnits } from '../db/repos/units.js';
import type { Db, WriteTx } from '../db/store.js';
import type { AppDeps } from '../deps.js';
import { buildTree, type MatrixBody, resolveAt, type UnitTree } from '../domain/matrix.js';
import { activeBreach, dueEscalationSteps } from '../domain/sla.js';
import { type LoadedCalendar, loadCalendar } from '../services/calendar.js';
import { holdersAt } from '../services/deputies.js';
import { notify } from '../services/notifications.js';
import { type Actor, matrixVersion, type TicketSla } from '../services/ticket-core.js';
import type { Job, JobResult } from './types.js';

const PAGE = 500;
export const SYSTEM: Actor = { kind: 'system', label: 'scheduler' };

async function treeOf(db: Db): Promise<UnitTree> {
  const rows = await allUnits(db);
  return buildTree(rows.map((u) => ({ id: u.id, code: u.code, level: u.level, parentId: u.parentId })));
}

interface Ctx {
  now: Date;
  cal: LoadedCalendar;
  tree: UnitTree;
  versions: Map<number, MatrixBody | undefined>;
}

/** One ticket: record a new breach, fire the escalation steps now due. */
async function escalateOne(tx: WriteTx, c: Ctx, seen: TicketRow): Promise<{ b: number; e: number }> {
  const { now } = c;
  const work = TicketWork.of(tx);
  // The candidate list was read a moment ago; the version guard makes the decision hold at commit.
  const t = work.adopt(seen);
  if (!(RUNNING_STATUSES as readonly string[]).includes(t.status)) return { b: 0, e: 0 };
  const sla = t.sla as unknown as TicketSla;
  const breach = activeBreach({
    now: now.getTime(),
    respondBy: t.respondBy.getTime(),
    respondedAt: t.respondedAt?.getTime() ?? null,
    resolveBy: t.resolveBy.getTime(),
    clock: sla.clock ?? 'running',
  });
  if (!breach) return { b: 0, e: 0 };
  let b = 0;
  const flags = { ...(sla.breached ?? {}) };
  if (!flags[breach.kind]) {
    flags[breach.kind] = now.toISOString();
    await work.append(t.id, now, {
      type: 'sla_breached',
      actor: SYSTEM,
      data: { kind: breach.kind, deadline: new Date(breach.at).toISOString() },
    });
    await work.change(t.id, { sla: { ...sla, breached: flags } as unknown as Record<string, unknown> });
    b = 1;
  }
  if (!c.versions.has(t.matrixVersion))
    c.versions.set(t.matrixVersion, await matrixVersion(tx, t.matrixVersion));
  const rule = c.versions.get(t.matrixVersion)?.rules.find((x) => x.id === t.ruleId);
  const steps = rule?.escalation ?? [];
  const due = dueEscalationSteps(c.cal.compiled, steps, breach.at, now.getTime(), t.escalationLevel);
  if (due.length === 0) return { b, e: 0 };
  const unit = c.tree.byId.get(t.unitId);
  for (const i of due) {
    const step = steps[i]!;
    const target = unit ? resolveAt(c.tree, unit, step.notify.at) : undefined;
    const users = target ? await holdersAt(tx, step.notify.role, target.id, now) : [];
    await work.append(t.id, now, {
      type: 'escalated',
      actor: SYSTEM,
      data: {
        level: i + 1,
        breach: breach.kind,
        deadline: new Date(breach.at).toISOString(),
        afterMinutes: step.afterMinutes,
        notify: { role: step.notify.role, at: step.notify.at, unitCode: target?.code ?? null },
        notified: users.length,
      },
    });
    await notify(tx, users, {
      kind: 'sla_escalated',
      ticketId: t.id,
      at: now,
      data: {
        number: t.number,
        title: t.title,
        level: i + 1,
        breach: breach.kind,
        deadline: new Date(breach.at).toISOString(),
      },
    });
  }
  await work.change(t.id, { escalationLevel: due[due.length - 1]! + 1 });
  return { b, e: due.length };
}

export async function runSlaEscalation(deps: AppDeps, now: Date): Promise<JobResult> {
  const db = deps.store.read;
  let page = await breachedTickets(db, now, undefined, PAGE);
  if (page.length === 0) return { summary: 'no breached tickets', breached: 0, escalated: 0 };
  const c: Ctx = { now, cal: await loadCalendar(db), tree: await treeOf(db), versions: new Map() };
  let breached = 0;
  let escalated = 0;
  for (;;) {
    for (const seen of page) {
      let first = true;
      const r = await deps.store.write(
        async (tx) => {
          // A re-run (another writer changed the ticket) starts from the committed row, not the list's.
          const row = first ? seen : await TicketWork.of(tx).get(seen.id);
          first = false;
          return row ? escalateOne(tx, c, row) : { b: 0, e: 0 };
        },
        { label: 'job.sla-escalation' },
      );
      breached += r.b;
      escalated += r.e;
    }
    if (page.length < PAGE) break;
    const last = page[page.length - 1]!;
    page = await breachedTickets(db, now, { resolveBy: last.resolveBy, id: last.id }, PAGE);
  }
  return {
    summary: `${breached} breaches recorded, ${escalated} escalation steps fired`,
    breached,
    escalated,
  };
}

export const slaEscalationJob: Job = {
  name: 'sla-escalation',
  cron: '* * * * *',
  run: runSlaEscalation,
};
