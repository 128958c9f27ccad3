/**
 * Delivery: oldest spooled reports first, in batches, until the spool is empty or the server fails.
 * A failure schedules the next attempt with exponential backoff and jitter (never a tight loop);
 * a body the server refuses as too large or invalid is split in halves until the one bad record is
 * found and moved aside, so one poisoned record cannot block a counter PC's queue for ever.
 */
import { type BackoffPolicy, backoffDelay, DEFAULT_BACKOFF } from './net/backoff.js';
import { type AgentTransport, batchBody, TransportError } from './net/transport.js';
import type { Spool } from './spool/spool.js';

export interface DeliveryOptions {
  /** Reports per batch (contract: 1–500). */
  maxBatch?: number;
  /** JSON bytes per batch; the contract allows 1 MiB per body, leave room for the envelope. */
  maxBatchBytes?: number;
  backoff?: BackoffPolicy;
  random?: () => number;
  nowMs?: () => number;
}

export type DrainResult =
  | { kind: 'idle'; delivered: number }
  | { kind: 'waiting'; delivered: number; retryInMs: number }
  | { kind: 'failed'; delivered: number; error: TransportError; retryInMs: number }
  | { kind: 'unauthorized'; delivered: number; error: TransportError };

export class Delivery {
  failures = 0;
  nextAttemptAt = 0;
  lastSuccessAt: Date | undefined;
  lastError: string | undefined;
  /** Records moved aside because the server refused them; reported by the runner. */
  rejected: { seq: number; why: string }[] = [];
  private limit: number;
  private readonly maxBatch: number;
  private readonly maxBatchBytes: number;
  private readonly backoff: BackoffPolicy;
  private readonly random: () => number;
  private readonly nowMs: () => number;
  private singleRejects = 0;

  constructor(
    private readonly spool: Spool,
    private readonly transport: AgentTransport,
    opts: DeliveryOptions = {},
  ) {
    this.maxBatch = Math.max(1, Math.min(500, opts.maxBatch ?? 500));
    this.limit = this.maxBatch;
    this.maxBatchBytes = opts.maxBatchBytes ?? 900 * 1024;
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;
    this.random = opts.random ?? Math.random;
    this.nowMs = opts.nowMs ?? Date.now;
  }

  /** Sends everything that is due. Never throws for a server or network problem. */
  async drain(): Promise<DrainResult> {
    let delivered = 0;
    const now = this.nowMs();
    if (now < this.nextAttemptAt) return { kind: 'waiting', delivered, retryInMs: this.nextAttemptAt - now };
    for (;;) {
      const batch = await this.spool.takeBatch(this.limit, this.maxBatchBytes);
      if (!batch) return { kind: 'idle', delivered };
      try {
        await this.transport.postReports(batchBody(batch.payloads));
      } catch (e) {
        const err = e instanceof TransportError ? e : new TransportError('unexpected', (e as Error).message);
        if (err.kind === 'unauthorized') {
          this.lastError = err.message;
          return { kind: 'unauthorized', delivered, error: err };
        }
        if ((err.kind === 'too-large' || err.kind === 'rejected') && batch.payloads.length > 1) {
          this.limit = Math.max(1, Math.floor(batch.payloads.length / 2));
          continue;
        }
        if ((err.kind === 'too-large' || err.kind === 'rejected') && this.singleRejects < 2) {
          // Two single records refused in a row without a success in between looks like a
          // server-side problem, not a bad record: back off instead of discarding more.
          this.singleRejects++;
          await this.spool.reject(batch.firstSeq, err.message);
          this.rejected.push({ seq: batch.firstSeq, why: err.message });
          continue;
        }
        return this.fail(err, delivered);
      }
      await this.spool.ack(batch.lastSeq);
      delivered += batch.payloads.length;
      this.failures = 0;
      this.singleRejects = 0;
      this.nextAttemptAt = 0;
      this.lastError = undefined;
      this.lastSuccessAt = new Date(this.nowMs());
      this.limit = Math.min(this.maxBatch, this.limit * 2);
    }
  }

  private fail(err: TransportError, delivered: number): DrainResult {
    this.failures++;
    this.lastError = err.message;
    const retryInMs = Math.max(backoffDelay(this.failures, this.backoff, this.random), err.retryAfterMs ?? 0);
    this.nextAttemptAt = this.nowMs() + retryInMs;
    return { kind: 'failed', delivered, error: err, retryInMs };
  }
}
