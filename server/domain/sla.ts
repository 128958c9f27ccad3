/**
 * SLA clocks, replayed from a ticket's status history: time to first response, time to resolution
 * (paused while the ticket waits for an approval or for parts, stopped while resolved or closed),
 * approval-step deadlines and the escalation ladder after a breach. All durations are working
 * minutes of the root's calendar. Pure: the same history and calendar always give the same answer,
 * so a changed rule or a corrected calendar is applied by replaying the history again.
 */
import type { TicketStatus } from '../../shared/enums.js';
import { addWorkingMinutes, type CompiledCalendar, workingMinutesBetween } from './calendar.js';

export interface SlaMinutes {
  respondMinutes: number;
  resolveMinutes: number;
  approveMinutes: number;
}

/** The statuses in which the resolution clock does not run. */
export const PAUSED_STATUSES: readonly TicketStatus[] = ['awaiting_approval', 'waiting_parts'];
export const STOPPED_STATUSES: readonly TicketStatus[] = ['resolved', 'closed'];

export interface StatusChange {
  /** UTC ms. */
  at: number;
  to: TicketStatus;
}

export interface SlaInput {
  createdAt: number;
  minutes: SlaMinutes;
  /** Status changes after creation, in time order (creation itself is `open`). */
  changes: readonly StatusChange[];
}

export interface SlaState {
  respondBy: number;
  /** When the resolution clock reaches its target; while paused, projected as if resumed at the pause. */
  resolveBy: number;
  clock: 'running' | 'paused' | 'stopped';
  /** Working minutes of resolution time used so far (up to the last change when not running). */
  usedMinutes: number;
  /** Working minutes spent paused (awaiting approval, waiting for parts). */
  pausedMinutes: number;
}

/** Replays the history: respond and resolve deadlines, and the clock's state after the last change. */
export function computeSla(cal: CompiledCalendar, input: SlaInput): SlaState {
  const respondBy = addWorkingMinutes(cal, input.createdAt, input.minutes.respondMinutes);
  let remaining = input.minutes.resolveMinutes;
  let used = 0;
  let paused = 0;
  let status: TicketStatus = 'open';
  let since = input.createdAt;
  let resolveBy: number | undefined;
  const segments = [...input.changes, undefined];
  for (const ch of segments) {
    const until = ch?.at;
    const running = !PAUSED_STATUSES.includes(status) && !STOPPED_STATUSES.includes(status);
    if (until === undefined) {
      // The last segment is open-ended.
      if (resolveBy === undefined) resolveBy = addWorkingMinutes(cal, since, remaining);
      break;
    }
    const w = workingMinutesBetween(cal, since, Math.max(since, until));
    if (running) {
      if (resolveBy === undefined && w >= remaining) resolveBy = addWorkingMinutes(cal, since, remaining);
      used += w;
      remaining = Math.max(0, remaining - w);
    } else if (PAUSED_STATUSES.includes(status)) paused += w;
    status = ch!.to;
    since = Math.max(since, until);
  }
  const clock = PAUSED_STATUSES.includes(status)
    ? 'paused'
    : STOPPED_STATUSES.includes(status)
      ? 'stopped'
      : 'running';
  return { respondBy, resolveBy: resolveBy!, clock, usedMinutes: used, pausedMinutes: paused };
}

/** The deadline of an approval step that became current at `startedAt`. */
export function approvalDue(cal: CompiledCalendar, startedAt: number, approveMinutes: number): number {
  return addWorkingMinutes(cal, startedAt, approveMinutes);
}

export interface BreachInput {
  now: number;
  respondBy: number;
  respondedAt: number | null;
  resolveBy: number;
  clock: SlaState['clock'];
}

/**
 * The earliest breach still in force at `now`: an unanswered ticket past its response target, or a
 * running resolution clock past its target. Undefined when nothing is breached (or paused/stopped).
 */
export function activeBreach(b: BreachInput): { kind: 'respond' | 'resolve'; at: number } | undefined {
  if (b.clock !== 'running') return undefined;
  const found: { kind: 'respond' | 'resolve'; at: number }[] = [];
  if (b.respondedAt === null && b.now >= b.respondBy) found.push({ kind: 'respond', at: b.respondBy });
  if (b.now >= b.resolveBy) found.push({ kind: 'resolve', at: b.resolveBy });
  found.sort((x, y) => x.at - y.at);
  return found[0];
}

/**
 * Which escalation steps are due: indexes from `level` (steps already fired) up to the last step whose
 * `afterMinutes` of working time since the breach have passed. Steps fire in order, never skipped.
 */
export function dueEscalationSteps(
  cal: CompiledCalendar,
  steps: readonly { afterMinutes: number }[],
  breachAt: number,
  now: number,
  level: number,
): number[] {
  const elapsed = workingMinutesBetween(cal, breachAt, now);
  const out: number[] = [];
  for (let i = level; i < steps.length; i++) {
    if (steps[i]!.afterMinutes <= elapsed) out.push(i);
    else break;
  }
  return out;
}
