/**
 * The ticket state machine: which action is allowed in which status, what status it leads to, and
 * which roles may take it. Pure; the ticket service applies the answer as one conditional update, so a
 * request that lost a race finds the status changed and answers 409.
 *
 * Contract statuses: open → acknowledged → in_progress → (awaiting_approval → approved | rejected)
 * → resolved → closed; reopen takes resolved or closed back to open.
 * Addition (documented in docs/adr/0303): `waiting_parts`, entered by the `wait_parts` action from
 * in_progress or approved and left by `start` or `resolve`; the resolution clock pauses there.
 */
import { type Role, TICKET_STATUSES, type TicketStatus } from '../../shared/enums.js';

/** Contract actions plus the `wait_parts` addition. */
export const ACTIONS = [
  'acknowledge',
  'assign',
  'start',
  'estimate',
  'wait_parts',
  'resolve',
  'close',
  'reopen',
  'comment',
] as const;
export type Action = (typeof ACTIONS)[number];

/** Every status, in the contract's order (plus `waiting_parts`); one list with the shared enums. */
export const STATUSES = TICKET_STATUSES;

/** `same` keeps the status (assign, comment); estimate's target may become awaiting_approval. */
type Target = TicketStatus | 'same';

const LIVE: TicketStatus[] = [
  'open',
  'acknowledged',
  'in_progress',
  'awaiting_approval',
  'approved',
  'rejected',
  'waiting_parts',
];

function from(statuses: readonly TicketStatus[], to: Target): Partial<Record<TicketStatus, Target>> {
  return Object.fromEntries(statuses.map((s) => [s, to]));
}

export const TRANSITIONS: Record<Action, Partial<Record<TicketStatus, Target>>> = {
  acknowledge: from(['open'], 'acknowledged'),
  assign: from(LIVE, 'same'),
  start: from(['acknowledged', 'approved', 'waiting_parts'], 'in_progress'),
  // A cost may be known on first assessment (open/acknowledged: the status stays unless approval is
  // needed); after a rejection the handler may estimate again (a cheaper repair): a new approval round.
  estimate: {
    ...from(['open', 'acknowledged'], 'same'),
    ...from(['in_progress', 'approved', 'rejected', 'waiting_parts'], 'in_progress'),
  },
  wait_parts: from(['in_progress', 'approved'], 'waiting_parts'),
  resolve: from(['in_progress', 'approved', 'rejected', 'waiting_parts'], 'resolved'),
  close: from(['resolved'], 'closed'),
  reopen: from(['resolved', 'closed'], 'open'),
  comment: from(STATUSES, 'same'),
};

/** Who may take each action (in the scope of the ticket's unit; see scope.ts for reach). */
export const ACTION_ROLES: Record<Action, readonly Role[]> = {
  acknowledge: ['admin', 'it_staff'],
  assign: ['admin', 'it_staff'],
  start: ['admin', 'it_staff'],
  estimate: ['admin', 'it_staff'],
  wait_parts: ['admin', 'it_staff'],
  resolve: ['admin', 'it_staff'],
  // The unit that reported the problem may confirm the repair, or say it is not fixed.
  close: ['admin', 'it_staff', 'unit_head'],
  reopen: ['admin', 'it_staff', 'unit_head'],
  comment: ['admin', 'it_staff', 'unit_head'],
};

/**
 * The status after `action` in `status`, or undefined when the action is not allowed there (409).
 * For `estimate`, pass whether the re-routed rule names approvers.
 */
export function nextStatus(
  status: TicketStatus,
  action: Action,
  opts: { needsApproval?: boolean } = {},
): TicketStatus | undefined {
  const t = TRANSITIONS[action][status];
  if (t === undefined) return undefined;
  if (action === 'estimate' && opts.needsApproval) return 'awaiting_approval';
  if (t === 'same') return status;
  return t;
}

/** The status after an approval decision on the current step. */
export function afterDecision(decision: 'approve' | 'reject', lastStep: boolean): TicketStatus {
  if (decision === 'reject') return 'rejected';
  return lastStep ? 'approved' : 'awaiting_approval';
}

/** May a holder of `roles` take `action`? (Reach of the unit is checked separately.) */
export function roleMayAct(role: Role, action: Action): boolean {
  return ACTION_ROLES[action].includes(role);
}

/** Changes made by the system (detection, scheduler) rather than a person. */
export const SYSTEM_TRANSITIONS = {
  auto_resolve: from(['open', 'acknowledged'], 'resolved'),
  reopen: from(['resolved', 'closed'], 'open'),
} as const;

export const OPEN_STATUSES: readonly TicketStatus[] = LIVE;
