/**
 * PLACEHOLDER until the scheduler lands: starts nothing. The scheduler issue replaces this with
 * node-cron driving the job runner (each job idempotent, under a database lease).
 */
import type { AppDeps } from '../deps.js';

export function startNodeScheduler(_deps: AppDeps): { stop(): void } {
  return { stop() {} };
}
