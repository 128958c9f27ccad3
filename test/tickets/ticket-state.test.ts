/** The state machine, exhaustively: every action in every status, and who may take it. */
import { describe, expect, it } from 'vitest';
import {
  ACTIONS,
  afterDecision,
  nextStatus,
  roleMayAct,
  STATUSES,
} from '../../server/domain/ticket-state.js';
import { ROLES } from '../../shared/enums.js';

// Expected target per (action, status); absent = not allowed (409).
const EXPECTED: Record<string, Record<string, string>> = {
  acknowledge: { open: 'acknowledged' },
  assign: {
    open: 'open',
    acknowledged: 'acknowledged',
    in_progress: 'in_progress',
    awaiting_approval: 'awaiting_approval',
    approved: 'approved',
    rejected: 'rejected',
    waiting_parts: 'waiting_parts',
  },
  start: { acknowledged: 'in_progress', approved: 'in_progress', waiting_parts: 'in_progress' },
  estimate: {
    open: 'open',
    acknowledged: 'acknowledged',
    in_progress: 'in_progress',
    approved: 'in_progress',
    rejected: 'in_progress',
    waiting_parts: 'in_progress',
  },
  wait_parts: { in_progress: 'waiting_parts', approved: 'waiting_parts' },
  resolve: { in_progress: 'resolved', approved: 'resolved', rejected: 'resolved', waiting_parts: 'resolved' },
  close: { resolved: 'closed' },
  reopen: { resolved: 'open', closed: 'open' },
  comment: Object.fromEntries(STATUSES.map((s) => [s, s])),
};

describe('nextStatus: every action × status', () => {
  const table = ACTIONS.flatMap((a) => STATUSES.map((s) => [a, s, EXPECTED[a]?.[s]] as const));
  it.each(table)('%s in %s → %s', (action, status, expected) => {
    expect(nextStatus(status, action)).toBe(expected);
  });

  it('estimate moves to awaiting_approval when the rule names approvers', () => {
    for (const s of ['open', 'acknowledged', 'in_progress', 'approved', 'rejected', 'waiting_parts'] as const)
      expect(nextStatus(s, 'estimate', { needsApproval: true })).toBe('awaiting_approval');
    for (const s of ['awaiting_approval', 'resolved', 'closed'] as const)
      expect(nextStatus(s, 'estimate', { needsApproval: true })).toBeUndefined();
  });

  it('no action leaves awaiting_approval except by a decision', () => {
    const leaving = ACTIONS.filter((a) => {
      const n = nextStatus('awaiting_approval', a);
      return n !== undefined && n !== 'awaiting_approval';
    });
    expect(leaving).toEqual([]);
    expect(afterDecision('approve', false)).toBe('awaiting_approval');
    expect(afterDecision('approve', true)).toBe('approved');
    expect(afterDecision('reject', false)).toBe('rejected');
    expect(afterDecision('reject', true)).toBe('rejected');
  });
});

describe('roleMayAct: every action × role', () => {
  const work = ['acknowledge', 'assign', 'start', 'estimate', 'wait_parts', 'resolve'];
  const table = ACTIONS.flatMap((a) => ROLES.map((r) => [a, r] as const));
  it.each(table)('%s by %s', (action, role) => {
    const expected =
      role === 'admin' || role === 'it_staff' ? true : role === 'unit_head' ? !work.includes(action) : false;
    expect(roleMayAct(role, action)).toBe(expected);
  });
});
