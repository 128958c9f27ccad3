/**
 * The scheduler on Node: one node-cron task per registered job, in Asia/Ho_Chi_Minh, without overlap
 * inside this process; across processes the runner's database lease decides who runs a slot.
 * (Workers call `runDueJobs` from `scheduled()` instead; nothing here is needed there.)
 */
import cron, { type Logger as CronLogger, type ScheduledTask } from 'node-cron';
import type { AppDeps } from '../deps.js';
import { newId } from '../security/crypto.js';
import { JOBS } from './registry.js';
import { runJob } from './runner.js';
import type { Job } from './types.js';

/** node-cron's log lines go to our logger; its overlap and missed-run warnings are expected noise. */
function cronLogger(deps: AppDeps): CronLogger {
  const text = (m: unknown) => (m instanceof Error ? m.message : String(m));
  return {
    info: (m) => deps.logger.debug(text(m), { source: 'node-cron' }),
    warn: (m) => {
      if (/overlap|missed execution/i.test(text(m))) return;
      deps.logger.warn(text(m), { source: 'node-cron' });
    },
    error: (m, err) => deps.logger.error(text(m), { source: 'node-cron', error: err?.message }),
    debug: (m) => deps.logger.debug(text(m), { source: 'node-cron' }),
  };
}

export function startNodeScheduler(deps: AppDeps, jobs: readonly Job[] = JOBS): { stop(): void } {
  const holder = `node-${newId()}`;
  const logger = cronLogger(deps);
  const tasks: ScheduledTask[] = jobs.map((job) =>
    cron.schedule(
      job.cron,
      async () => {
        const r = await runJob(deps, job, deps.clock.now(), { holder });
        if (r.ran) deps.logger.debug('job ran', { job: job.name, summary: r.result?.summary, ms: r.ms });
      },
      { timezone: 'Asia/Ho_Chi_Minh', noOverlap: true, name: job.name, logger },
    ),
  );
  return {
    stop() {
      for (const t of tasks) void t.destroy();
    },
  };
}
