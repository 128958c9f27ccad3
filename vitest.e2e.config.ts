import { defineConfig } from 'vitest/config';

/**
 * `npm run test:e2e`: the browser journeys in test/e2e, each file against its own real server and
 * database, driven by Debian's chromium through playwright-core. Files run one after another: a
 * browser per file on a 2-core machine is plenty.
 */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
