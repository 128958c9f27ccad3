/**
 * Runs scheduled jobs under database leases, the same way on every runtime: node-cron calls `runJob`
 * for one job at its times; Workers' `scheduled()` calls `runDueJobs(deps, now)` for all of them.
 *
 * A job runs for a slot — the latest moment its cron names at or before `now` — only if it has not
 * started since that slot, and only by the process that takes its lease in `job_leases` (one conditional
 * upsert, evaluated at commit, so exactly one of several processes wins; each learns whether it did from
 * that statement's own RETURNING rows once its write has committed). The lease expires on its own if the
 * holder dies.
 */
import { and, eq, isNull, lt, or } from 'drizzle-orm';
import { jobLeases } from '../db/schema.js';
import type { AppDeps } from '../deps.js';
import { newId } from '../security/crypto.js';
import { latestMatch, parseCron } from './cron-match.js';
import { JOBS } from './registry.js';
import type { Job, JobResult } from './types.js';

/** How long a lease holds before another process may take over a job whose holder vanished. */
export const LEASE_MS = 10 * 60_000;

export interface RunReport {
  name: string;
  ran: boolean;
  skipped?: 'not_due' | 'leased';
  result?: JobResult;
  error?: string;
  ms?: number;
}

export interface RunOptions {
  /** Identifies this process in `job_leases.holder`. */
  holder?: string;
  /** Run even if the slot was already run (an operator's "run now"); the lease still applies. */
  force?: boolean;
}

/** Takes the lease of `job` for the slot due at `now`; false when not due or held by someone else. */
async function acquire(
  deps: AppDeps,
  job: Job,
  now: Date,
  holder: string,
  force: boolean,
): Promise<'ok' | 'not_due' | 'leased'> {
  const slot = force ? now : latestMatch(parseCron(job.cron), now);
  if (!slot) return 'not_due';
  const lease = {
    holder,
    leaseUntil: new Date(now.getTime() + LEASE_MS),
    lastStartedAt: now,
    lastError: null,
  };
  // One upsert, evaluated at commit on the row as it is then: it takes the lease only when it is free
  // and the slot has not started, and returns a row only when it did. The answer comes from the batch's
  // own result — never from a read made before the commit, which another process may have overtaken.
  const won = await deps.store.write(
    async (tx) =>
      tx.returning<{ name: string }>(
        tx
          .insert(jobLeases)
          .values({ name: job.name, ...lease })
          .onConflictDoUpdate({
            target: jobLeases.name,
            set: lease,
            setWhere: and(
              or(isNull(jobLeases.leaseUntil), lt(jobLeases.leaseUntil, now)),
              force ? undefined : or(isNull(jobLeases.lastStartedAt), lt(jobLeases.lastStartedAt, slot)),
            ),
          })
          .returning({ name: jobLeases.name }),
      ),
    { label: 'job.lease' },
  );
  if (won.rows.length > 0) return 'ok';
  // Lost: why, from committed data (the winner's lease, or a slot already run).
  const row = (await deps.store.read.select().from(jobLeases).where(eq(jobLeases.name, job.name)))[0];
  return row?.leaseUntil && row.leaseUntil >= now ? 'leased' : 'not_due';
}

async function release(deps: AppDeps, job: Job, holder: string, error: string | null): Promise<void> {
  await deps.store.write(
    (tx) =>
      tx
        .update(jobLeases)
        .set({ holder: null, leaseUntil: null, lastFinishedAt: deps.clock.now(), lastError: error })
        .where(and(eq(jobLeases.name, job.name), eq(jobLeases.holder, holder))),
    { label: 'job.release' },
  );
}

/** Runs one job if it is due and this process wins its lease. Never throws: failures are reported. */
export async function runJob(deps: AppDeps, job: Job, now: Date, opts: RunOptions = {}): Promise<RunReport> {
  const holder = opts.holder ?? `runner-${newId(now.getTime())}`;
  const got = await acquire(deps, job, now, holder, opts.force ?? false);
  if (got !== 'ok') return { name: job.name, ran: false, skipped: got };
  const t0 = performance.now();
  try {
    const result = await job.run(deps, now);
    await release(deps, job, holder, null);
    const ms = performance.now() - t0;
    deps.logger.info('job ran', { job: job.name, ms: Math.round(ms), summary: result.summary });
    return { name: job.name, ran: true, result, ms };
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    deps.logger.error('job failed', { job: job.name, error });
    await release(deps, job, holder, error.slice(0, 1000)).catch(() => {});
    return { name: job.name, ran: false, error, ms: performance.now() - t0 };
  }
}

/**
 * Runs every registered job that is due at `now`, in registry order (runtime-neutral: Workers'
 * `scheduled()` calls this with the trigger's time).
 */
export async function runDueJobs(
  deps: AppDeps,
  now: Date,
  opts: RunOptions & { jobs?: readonly Job[] } = {},
): Promise<RunReport[]> {
  const holder = opts.holder ?? `runner-${newId(now.getTime())}`;
  const out: RunReport[] = [];
  for (const job of opts.jobs ?? JOBS) out.push(await runJob(deps, job, now, { ...opts, holder }));
  return out;
}
