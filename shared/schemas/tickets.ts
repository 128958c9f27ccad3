import { z } from 'zod';
import type { Role } from '../enums.js';
import { TICKET_ACTIONS, type TICKET_SOURCES, TICKET_STATUSES } from '../enums.js';
import { zId, zUnitCode, zVnd } from './common.js';

const zKey = z.string().min(1).max(32);

export const zTicketCreate = z.object({
  unitCode: zUnitCode,
  deviceId: zId.optional(),
  category: zKey,
  severity: zKey,
  title: z.string().trim().min(1).max(200),
  description: z.string().max(10_000).optional(),
});
export type TicketCreate = z.infer<typeof zTicketCreate>;

export const zTicketAction = z
  .object({
    action: z.enum(TICKET_ACTIONS),
    note: z.string().trim().max(5000).optional(),
    costEstimateVnd: zVnd.optional(),
    assigneeId: zId.optional(),
  })
  .superRefine((a, ctx) => {
    if (a.action === 'estimate' && a.costEstimateVnd === undefined)
      ctx.addIssue({ code: 'custom', path: ['costEstimateVnd'], message: 'estimate needs costEstimateVnd' });
    if (a.action === 'comment' && !a.note)
      ctx.addIssue({ code: 'custom', path: ['note'], message: 'comment needs a note' });
  });
export type TicketActionBody = z.infer<typeof zTicketAction>;

export const zApprovalBody = z
  .object({
    decision: z.enum(['approve', 'reject']),
    note: z.string().trim().max(2000).default(''),
  })
  .superRefine((a, ctx) => {
    if (a.decision === 'reject' && !a.note)
      ctx.addIssue({ code: 'custom', path: ['note'], message: 'a rejection needs a reason in note' });
  });
export type ApprovalBody = z.infer<typeof zApprovalBody>;

export const zTicketListQuery = z.object({
  status: z.enum(TICKET_STATUSES).optional(),
  unit: zUnitCode.optional(),
  category: zKey.optional(),
  severity: zKey.optional(),
  mine: z.enum(['0', '1', 'true', 'false']).optional(),
  /**
   * Addition: `urgency` lists live tickets only (not resolved or closed), nearest next deadline first —
   * the web UI's work queue. The default stays newest first, every status.
   */
  sort: z.enum(['newest', 'urgency']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(512).optional(),
});

export interface ApprovalStepView {
  step: number;
  role: Role;
  unitCode: string;
  decision?: 'approve' | 'reject';
  /** User id of the decider; `byName` is their username. */
  by?: string;
  byName?: string;
  at?: string;
  note?: string;
  /** Set when decided by a deputy: the user id stood in for (`vacancy` for an acting holder of a vacant post). */
  asDeputyOf?: string;
  asDeputyOfName?: string;
  /** Deadline of the current (undecided) step. */
  dueAt?: string;
}

export interface TicketView {
  id: string;
  number: number;
  title: string;
  description?: string;
  unitCode: string;
  deviceId?: string;
  category: string;
  severity: string;
  source: (typeof TICKET_SOURCES)[number];
  status: (typeof TICKET_STATUSES)[number];
  handler: { role: Role; unitCode: string };
  assigneeId?: string;
  costEstimateVnd?: number;
  approvals: ApprovalStepView[];
  sla: {
    respondBy: string;
    /** While the clock is paused, projected as if it resumed where it paused. */
    resolveBy: string;
    respondedAt?: string;
    clock: 'running' | 'paused' | 'stopped';
    respondMinutes?: number;
    resolveMinutes?: number;
    approveMinutes?: number;
    pausedMinutes: number;
    breached?: { respond?: string; resolve?: string };
  };
  escalationLevel: number;
  routing: { ruleId: string; matrixVersion: number; explanation: { vi: string; en: string } | string };
  parentId?: string;
  recovered?: boolean;
  recoveredAt?: string;
  createdAt: string;
  updatedAt: string;
  resolvedAt?: string;
  closedAt?: string;
}
