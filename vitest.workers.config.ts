// `npm run test:workers`: the Workers build in local workerd (wrangler's unstable_startWorker) and the
// D1 store against wrangler's local D1. Kept apart from `npm test` (it starts workerd processes).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/workers/**/*.test.ts'],
    globalSetup: ['test/workers/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Each file starts its own workerd; two at once is all the two cores take.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
