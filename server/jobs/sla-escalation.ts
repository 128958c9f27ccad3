/**
 * SLA breach → the escalation steps of the rule a ticket was routed by. A breach is an unanswered
 * ticket past its response target or a running resolution clock past its target; step N fires once
 * its `afterMinutes` of working time since the breach have passed. Each firing is an `escalated` event
 * on the ticket and a notification for everyone holding the step's role at the step's unit (deputies
 * included). Idempotent: the ticket's `escalation_level` only moves forward by conditional update.
 */
import { and, asc, eq, inArray, isNull, lte, or } from 'drizzle-orm';
import { allUnits } from '../db/repos/units.js';
import { tickets } from '../db/schema.js';
import type { Db } from '../db/store.js';
import type { AppDeps } from '../deps.js';
import { buildTree, type MatrixBody, resolveAt, type UnitTree } from '../domain/matrix.js';
import { activeBreach, dueEscalationSteps } from '../domain/sla.js';
import { loadCalendar } from '../services/calendar.js';
import { holdersAt } from '../services/deputies.js';
import { notify } from '../services/notifications.js';
import { type Actor, appendEvent, matrixVersion, type TicketSla } from '../services/ticket-core.js';
import type { Job, JobResult } from './types.js';

const RUNNING = ['open', 'acknowledged', 'in_progress', 'approved', 'rejected'] as const;
const BATCH = 500;
export const SYSTEM: Actor = { kind: 'system', label: 'scheduler' };

async function treeOf(db: Db): Promise<UnitTree> {
  const rows = await allUnits(db);
  return buildTree(rows.map((u) => ({ id: u.id, code: u.code, level: u.level, parentId: u.parentId })));
}

export async function runSlaEscalation(deps: AppDeps, now: Date): Promise<JobResult> {
  const db = deps.store.read;
  const candidates = await db
    .select({ id: tickets.id })
    .from(tickets)
    .where(
      and(
        inArray(tickets.status, [...RUNNING]),
        or(and(isNull(tickets.respondedAt), lte(tickets.respondBy, now)), lte(tickets.resolveBy, now)),
      ),
    )
    .orderBy(asc(tickets.resolveBy))
    .limit(BATCH);
  if (candidates.length === 0) return { summary: 'no breached tickets', breached: 0, escalated: 0 };
  const cal = await loadCalendar(db);
  const tree = await treeOf(db);
  const versions = new Map<number, MatrixBody | undefined>();
  let breached = 0;
  let escalated = 0;
  for (const { id } of candidates) {
    const r = await deps.store.write(
      async (tx) => {
        const t = (await tx.select().from(tickets).where(eq(tickets.id, id)).limit(1))[0];
        if (!t || !(RUNNING as readonly string[]).includes(t.status)) return { b: 0, e: 0 };
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
          await tx
            .update(tickets)
            .set({ sla: { ...sla, breached: flags } as unknown as Record<string, unknown> })
            .where(eq(tickets.id, id));
          await appendEvent(tx, deps, id, {
            type: 'sla_breached',
            actor: SYSTEM,
            data: { kind: breach.kind, deadline: new Date(breach.at).toISOString() },
          });
          b = 1;
        }
        if (!versions.has(t.matrixVersion))
          versions.set(t.matrixVersion, await matrixVersion(tx, t.matrixVersion));
        const rule = versions.get(t.matrixVersion)?.rules.find((x) => x.id === t.ruleId);
        const steps = rule?.escalation ?? [];
        const due = dueEscalationSteps(cal.compiled, steps, breach.at, now.getTime(), t.escalationLevel);
        if (due.length === 0) return { b, e: 0 };
        const moved = await tx
          .update(tickets)
          .set({ escalationLevel: due[due.length - 1]! + 1 })
          .where(and(eq(tickets.id, id), eq(tickets.escalationLevel, t.escalationLevel)))
          .returning({ id: tickets.id });
        if (moved.length === 0) return { b, e: 0 };
        const unit = tree.byId.get(t.unitId);
        for (const i of due) {
          const step = steps[i]!;
          const target = unit ? resolveAt(tree, unit, step.notify.at) : undefined;
          const users = target ? await holdersAt(tx, step.notify.role, target.id, now) : [];
          await appendEvent(tx, deps, id, {
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
            ticketId: id,
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
        return { b, e: due.length };
      },
      { label: 'job.sla-escalation' },
    );
    breached += r.b;
    escalated += r.e;
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
