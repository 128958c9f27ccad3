/**
 * Once per `npm run test:workers`: apply migrations/ to a fresh local D1 with the real command
 * (`wrangler d1 migrations apply DB --local --persist-to DIR`). Test files copy this migrated
 * state instead of paying wrangler's ~8 s start each.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { quietWrangler, ROOT, WRANGLER_BIN } from './wrangler-env.js';

declare module 'vitest' {
  export interface ProvidedContext {
    migratedD1: string;
  }
}

export default function setup(project: TestProject): () => void {
  const env = quietWrangler();
  const dir = mkdtempSync(join(tmpdir(), 'onestop-d1-'));
  execFileSync(
    process.execPath,
    [WRANGLER_BIN, 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', dir],
    {
      cwd: ROOT,
      env: { ...env, CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 120_000,
    },
  );
  project.provide('migratedD1', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
