/**
 * The real server on a free loopback port over a fresh, migrated libSQL file in a temp folder.
 * Each test file starts its own, so no test shares data with another.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../server/deps.js';
import { silentLogger } from '../../server/logger.js';
import { type RunningServer, startServer } from '../../server/start.js';
import { ApiClient } from './http.js';

export const ADMIN_PASSWORD = 'admin-password-for-tests';

export interface TestServer extends RunningServer {
  dir: string;
  dbPath: string;
  /** An API client signed in as `admin`. */
  admin: ApiClient;
  /** A client with no credentials. */
  anon: ApiClient;
  stop(): Promise<void>;
}

export async function startTestServer(
  opts: { env?: Record<string, string>; clock?: Clock; dir?: string; keepDir?: boolean } = {},
): Promise<TestServer> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'onestop-test-'));
  const dbPath = join(dir, 'onestop.db');
  const running = await startServer({
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: `file:${dbPath}`,
      ADMIN_PASSWORD,
      ROOT_UNIT_CODE: 'HN',
      ROOT_UNIT_NAME: 'Thành phố Hà Nội',
      // Tests sign in hundreds of times; production keeps the default 600 000 iterations.
      PASSWORD_ITERATIONS: '1000',
      ...opts.env,
    },
    clock: opts.clock,
    logger: silentLogger,
    print: () => {},
    scheduler: false,
  });
  const anon = new ApiClient(running.url);
  const admin = await anon.login('admin', ADMIN_PASSWORD);
  return {
    ...running,
    dir,
    dbPath,
    admin,
    anon,
    stop: async () => {
      await running.close();
      if (!opts.keepDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
