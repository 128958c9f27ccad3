/**
 * PLACEHOLDER job runner shared by the Node scheduler and the Worker's `scheduled()`: runs every job
 * in JOBS once, in order, each failure caught and logged so one broken job never stops the others.
 * The scheduler work replaces this with "due at `now`" selection and a database lease per job
 * (job_leases), so two server processes or isolates never run the same job at once.
 */
import type { AppDeps } from '../deps.js';
import { JOBS } from './registry.js';
import type { Job, JobResult } from './types.js';

export interface JobOutcome {
  name: string;
  ok: boolean;
  result?: JobResult;
  error?: string;
}

export async function runDueJobs(
  deps: AppDeps,
  now: Date,
  jobs: readonly Job[] = JOBS,
): Promise<JobOutcome[]> {
  const out: JobOutcome[] = [];
  for (const job of jobs) {
    try {
      const result = await job.run(deps, now);
      deps.logger.info('job done', { job: job.name, summary: result.summary });
      out.push({ name: job.name, ok: true, result });
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      deps.logger.error('job failed', { job: job.name, error });
      out.push({ name: job.name, ok: false, error });
    }
  }
  return out;
}
