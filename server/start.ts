/**
 * Starting a server process on Node: open the database, migrate, bootstrap, serve, schedule.
 * `node.ts` calls this with process.env; tests call it with their own env, clock and port 0.
 */

import { fileURLToPath } from 'node:url';
import { type ServerType, serve } from '@hono/node-server';
import { createApp } from './app.js';
import { openLibsqlStore } from './db/libsql.js';
import { appliedMigrationCount, applyMigrations, readJournal } from './db/migrate.js';
import { type AppDeps, type Clock, type Logger, systemClock } from './deps.js';
import { configFromEnv, parseEnv } from './env.js';
import { startNodeScheduler } from './jobs/node-scheduler.js';
import { jsonLogger } from './logger.js';
import { Metrics } from './metrics.js';
import { bootstrap } from './services/bootstrap.js';
import { exceljsCodec } from './services/xlsx.js';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

export interface StartOptions {
  env: Record<string, string | undefined>;
  clock?: Clock;
  logger?: Logger;
  /** Write human-facing start-up lines (the port, a generated admin password). */
  print?: (line: string) => void;
  /** Start the cron scheduler (default: env SCHEDULER, on). Tests drive jobs with their own clock. */
  scheduler?: boolean;
}

export interface RunningServer {
  url: string;
  port: number;
  deps: AppDeps;
  close(): Promise<void>;
}

export async function startServer(opts: StartOptions): Promise<RunningServer> {
  const env = parseEnv(opts.env);
  const config = configFromEnv(env, 'node');
  const logger = opts.logger ?? jsonLogger(env.LOG_LEVEL);
  const print = opts.print ?? ((l: string) => console.log(l));
  const store = await openLibsqlStore({ url: env.DATABASE_URL, authToken: env.DATABASE_AUTH_TOKEN, logger });
  const expected = readJournal(MIGRATIONS_DIR).entries.length;
  try {
    await applyMigrations(store.writerClient, MIGRATIONS_DIR);
  } catch (e) {
    // Another process may have migrated at the same moment; accept that if everything is now applied.
    if ((await appliedMigrationCount(store.writerClient)) < expected) throw e;
  }
  const deps: AppDeps = {
    store,
    clock: opts.clock ?? systemClock,
    config,
    logger,
    metrics: new Metrics(),
    migrationStatus: async () => ({ applied: await appliedMigrationCount(store.writerClient), expected }),
    xlsx: exceljsCodec,
  };
  const boot = await bootstrap(deps);
  if (boot.created) {
    logger.info('new database initialised', { rootUnit: config.rootUnitCode, orgLevels: config.orgLevels });
    if (boot.generatedAdminPassword)
      print(
        `First start: created user "admin" with password ${boot.generatedAdminPassword}\n` +
          '  (shown once; sign in and change it, or set ADMIN_PASSWORD before the first start)',
      );
  }
  const app = createApp(deps);
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST }, () => resolve(s));
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : env.PORT;
  const host = env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST;
  const url = `http://${host}:${port}`;
  const scheduler = (opts.scheduler ?? env.SCHEDULER === 'on') ? startNodeScheduler(deps) : undefined;
  print(`onestop-care listening on ${url}`);
  let closed = false;
  return {
    url,
    port,
    deps,
    close: async () => {
      if (closed) return;
      closed = true;
      scheduler?.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive connections would hold close() open; end idle ones now.
        (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      });
      await store.close();
    },
  };
}
