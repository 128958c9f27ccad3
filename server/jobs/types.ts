/**
 * A scheduled job: idempotent work driven by an explicit `now`, so tests call `run` with an injected
 * clock instead of waiting for a scheduler. The runner (node-cron on Node, `scheduled()` on Workers)
 * takes a database lease per job name so two server processes never run the same job at once.
 */
import type { AppDeps } from '../deps.js';

export interface JobResult {
  /** Short human summary for logs, e.g. "3 tickets escalated". */
  summary: string;
  [k: string]: unknown;
}

export interface Job {
  /** Unique, kebab-case; also the lease key. */
  name: string;
  /** node-cron expression (seconds field allowed), evaluated in Asia/Ho_Chi_Minh. */
  cron: string;
  run(deps: AppDeps, now: Date): Promise<JobResult>;
}
