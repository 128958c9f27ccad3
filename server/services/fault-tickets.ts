/**
 * A fault and its ticket: a fault that reached "open" opens a ticket (or reopens its own within 24 h,
 * or joins the one already open for its fingerprint), a recovered fault auto-resolves its ticket (or
 * only marks it recovered while a person works it). Everything goes through ticket-core, whose unit
 * of work carries the tickets' decided state for the rest of the write (ADR 0203), so a ticket opened
 * earlier in the same write is found, changed and appended to like any other.
 *
 * Detection (detection.ts), grouping by cause (detection-groups.ts), the silence sweep and the
 * windows job build on this module; it imports none of them.
 */
import type { PolicyValues } from '../../shared/schemas/policy.js';
import { assetOfDevice, warrantyNote } from '../db/repos/assets.js';
import { CLOSED_STATUSES, type FaultRow } from '../db/repos/faults.js';
import type { WriteTx } from '../db/store.js';
import type { AppDeps } from '../deps.js';
import { REOPEN_WITHIN_MS } from '../domain/detection.js';
import type { Check } from '../domain/fingerprint.js';
import { faultText } from './detection-text.js';
import {
  type Actor,
  appendEvent,
  type NewTicket,
  openTicket,
  openTicketFor,
  systemChange,
  ticketOf,
} from './ticket-core.js';

/** A device as detection needs it. */
export interface DeviceCtx {
  id: string;
  unitId: string;
  hostname: string;
}

export function agentActor(d: DeviceCtx): Actor {
  return { kind: 'agent', deviceId: d.id, label: d.hostname };
}

export const SYSTEM: Actor = { kind: 'system', label: 'detection' };

const isClosed = (status: string) => (CLOSED_STATUSES as readonly string[]).includes(status);

/** Writes in which no new ticket is opened (faults stay open without one; the windows job retries). */
const held = new WeakSet<WriteTx>();

/**
 * From now on this write opens no new tickets: a fault that reaches "open" stays open without one,
 * exactly as when routing fails, and the windows job opens it later. Ingest uses it for a request
 * whose batch failed at commit, so its readings are stored all the same.
 */
export function holdTicketOpening(tx: WriteTx): void {
  held.add(tx);
}

/**
 * Opens a ticket for a fingerprint, or joins the one already open for it — opened by another server
 * process (committed) or earlier in this write. Should another writer open one between this write's
 * read and its commit, the unique index fails the batch and the write re-runs: then it joins that one.
 */
export async function openOrJoin(
  tx: WriteTx,
  deps: AppDeps,
  t: NewTicket & { fingerprint: string },
): Promise<string> {
  const open = await openTicketFor(tx, t.fingerprint);
  if (open) {
    await appendEvent(tx, deps, open.id, {
      type: 'fault_observed',
      actor: t.actor,
      data: { evidence: t.evidence ?? null, note: 'already open (opened by another server process)' },
    });
    return open.id;
  }
  return (await openTicket(tx, deps, t)).id;
}

export interface OpenContext {
  actor: Actor;
  hostname: string;
  /** Human name of the subject (a target's name, a peripheral's label). */
  subjectLabel: string;
  evidence: unknown;
  policy: PolicyValues;
}

/**
 * A fault has reached "open": give it a ticket unless it hangs under a cause. Mutates `row` (the
 * caller's fault unit of work records it). Grouping under a cause is the caller's decision, made
 * before (detection-groups.ts `openUnderCause`).
 */
export async function openFault(tx: WriteTx, deps: AppDeps, row: FaultRow, ctx: OpenContext): Promise<void> {
  const now = deps.clock.now();
  if (row.parentTicketId) return; // a child of a cause that is still open
  if (row.ticketId) {
    const t = await ticketOf(tx, row.ticketId);
    if (t && !isClosed(t.status)) {
      // Still open (e.g. marked recovered while a technician works it): the fault is back.
      await appendEvent(tx, deps, t.id, {
        type: 'fault_returned',
        actor: ctx.actor,
        data: { evidence: ctx.evidence },
      });
      return;
    }
    if (t && row.resolvedAt && now.getTime() - row.resolvedAt.getTime() < REOPEN_WITHIN_MS) {
      if (
        await systemChange(tx, deps, t.id, 'reopen', ctx.actor, {
          evidence: ctx.evidence,
          reason: 'fault_returned',
        })
      ) {
        row.resolvedAt = null;
        return;
      }
    }
  }
  row.ticketId = null; // an old ticket (resolved long ago) is not this problem's any more
  if (held.has(tx)) {
    deps.logger.error('detection: the ticket could not be stored; will retry', {
      fingerprint: row.fingerprint,
    });
    return;
  }
  const text = faultText(row.check as Check, ctx.subjectLabel, ctx.hostname);
  // The PC's register entry: its tickets are its repair history, and under warranty the ticket says
  // whom to call before anyone opens the case.
  const asset = row.deviceId ? await assetOfDevice(tx, row.deviceId) : undefined;
  const warranty = asset && row.category === 'hardware' ? await warrantyNote(tx, asset, now) : null;
  const mark = tx.mark();
  try {
    row.ticketId = await openOrJoin(tx, deps, {
      unitId: row.unitId,
      deviceId: row.deviceId,
      category: row.category ?? 'hardware',
      severity: row.severity ?? 'major',
      source: 'agent',
      assetId: asset?.id ?? null,
      title: text.title,
      description: warranty ? `${text.description}\n\n${warranty.text}` : text.description,
      fingerprint: row.fingerprint,
      evidence: ctx.evidence,
      actor: ctx.actor,
    });
  } catch (e) {
    // Routing failed (e.g. no active matrix). The readings are stored and the fault stays open
    // without a ticket; the windows job retries such faults, so ingest never blocks on routing.
    tx.undo(mark);
    deps.logger.error('detection: could not open a ticket; will retry', {
      fingerprint: row.fingerprint,
      error: e instanceof Error ? e.message : String(e),
    });
    return;
  }
  row.resolvedAt = null;
}

/**
 * A fault has recovered: auto-resolve its ticket with the readings that showed it, or only mark it
 * recovered when a human has started working it. Mutates `row`.
 */
export async function resolveFault(
  tx: WriteTx,
  deps: AppDeps,
  row: FaultRow,
  actor: Actor,
  data: Record<string, unknown>,
): Promise<void> {
  const now = deps.clock.now();
  if (!row.ticketId) return;
  const t = await ticketOf(tx, row.ticketId);
  if (!t || isClosed(t.status)) return;
  // ticket-core knows which statuses a machine may resolve (open, acknowledged); a ticket a person is
  // working on (in progress, awaiting approval, waiting for parts, …) is only marked recovered.
  if (await systemChange(tx, deps, t.id, 'auto_resolve', actor, data)) row.resolvedAt = now;
  else await systemChange(tx, deps, t.id, 'mark_recovered', actor, data);
}
