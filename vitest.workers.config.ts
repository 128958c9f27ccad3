// `npm run test:workers`: the Workers build in local workerd (wrangler's unstable_startWorker) and the
// D1 store against wrangler's local D1. Kept apart from `npm test` (it starts workerd processes).
//
// The black-box API suites below run here too, unchanged, against workerd (ONESTOP_TARGET=workerd,
// test/targets): the same files `npm test` runs against the Node server.
import { defineConfig } from 'vitest/config';

export const BOTH_TARGETS = [
  'test/targets/target.test.ts',
  'test/ingest/agent-api.test.ts',
  'test/tickets/tickets-api.test.ts',
  'test/tickets/approvals.test.ts',
  'test/tickets/jobs.test.ts',
  'test/detection/faults.test.ts',
  'test/detection/grouping.test.ts',
  'test/detection/silence-again.test.ts',
  'test/api/assets.test.ts',
  'test/api/compliance.test.ts',
];

export default defineConfig({
  test: {
    include: ['test/workers/**/*.test.ts', ...BOTH_TARGETS],
    env: { ONESTOP_TARGET: 'workerd' },
    globalSetup: ['test/workers/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Each file starts its own workerd; two at once is all the two cores take.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
