/**
 * The workerd target: the real Workers build (wrangler.toml → server/worker.ts, bundled by wrangler)
 * in local workerd via `unstable_startWorker`, over a private copy of the local D1 that
 * test/workers/global-setup.ts migrated with `wrangler d1 migrations apply --local`.
 *
 * - Clock: the worker's test seam (TEST_CLOCK_TOKEN binding, `PUT /__test/clock`), set before the first
 *   request that touches the database, so bootstrap and sign-in happen at the test's instant.
 * - Jobs: `GET /__scheduled` (`testScheduled`), the path wrangler dev gives the cron handler; the
 *   handler runs the job runner at the test clock's instant.
 * - SQL: the D1 database's SQLite file under the persist folder, read-only (inspect.ts) while the
 *   worker runs.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { inject } from 'vitest';
import { ApiClient } from '../helpers/http.js';
import { ADMIN_PASSWORD } from '../helpers/server.js';
import { d1Dir } from '../workers/local-d1.js';
import { quietWrangler, startLocalWorker } from '../workers/wrangler-env.js';
import { jobsFailed, type Target } from './index.js';
import { localD1File, openInspector } from './inspect.js';

/** The cron of wrangler.toml's trigger; the runner decides which jobs are due. */
const CRON = '* * * * *';

export async function startWorkerdTarget(o: { start: string; env: Record<string, string> }): Promise<Target> {
  quietWrangler();
  if (!inject('migratedD1'))
    throw new Error(
      'the workerd target needs the migrated D1 of vitest.workers.config.ts: npm run test:workers -- <files>',
    );
  const dir = d1Dir();
  const token = `tc_${randomBytes(16).toString('hex')}`;
  const vars: Record<string, string> = {
    ADMIN_PASSWORD,
    // Tests sign in hundreds of times (as on Node: test/helpers/server.ts).
    PASSWORD_ITERATIONS: '1000',
    LOG_LEVEL: 'warn',
    ...o.env,
    TEST_CLOCK_TOKEN: token,
  };
  // Warnings and errors only: the worker's error log lines and a crash of workerd show in the output.
  const worker = await startLocalWorker(dir, vars, { logLevel: 'warn', testScheduled: true });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await worker.dispose();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // A bundle that does not build (wrangler prints `✘ [ERROR] Build failed`) leaves `ready` pending
    // for ever: fail with a reason instead of the hook timeout. A normal start takes 1–2 s.
    const url = await within(
      60_000,
      (async () => {
        await worker.ready;
        const u = (await worker.url).toString().replace(/\/$/, '');
        await untilHealthy(u);
        return u;
      })(),
      "workerd did not start within 60 s: see wrangler's ✘ [ERROR] lines above (a bundle that does not build?)",
    );

    let now = Date.parse(o.start);
    const setClock = async (ms: number) => {
      const r = await fetch(`${url}/__test/clock`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ at: new Date(ms).toISOString() }),
      });
      if (r.status !== 204) throw new Error(`PUT /__test/clock: ${r.status} ${await r.text()}`);
      now = ms;
    };
    await setClock(now);

    const anon = new ApiClient(url);
    const admin = await anon.login('admin', ADMIN_PASSWORD);
    const inspector = await openInspector(localD1File(dir));
    return {
      kind: 'workerd',
      url,
      admin,
      anon,
      clock: {
        now: () => new Date(now),
        set: (at) => setClock(new Date(at).getTime()),
        advance: async (ms) => {
          await setClock(now + ms);
          return new Date(now);
        },
        advanceMinutes: async (m) => {
          await setClock(now + m * 60_000);
          return new Date(now);
        },
      },
      sql: inspector.sql,
      db: inspector.db,
      async runJobs() {
        const at = new Date(now);
        const r = await fetch(`${url}/__scheduled?cron=${encodeURIComponent(CRON)}&time=${now}`);
        const text = await r.text();
        if (r.status !== 200) throw new Error(`GET /__scheduled at ${at.toISOString()}: ${r.status} ${text}`);
        // runDueJobs never throws for a failing job: it records the error on the job's lease.
        const failed = await inspector.sql<{ name: string; error: string }>(
          'SELECT name, last_error AS error FROM job_leases WHERE last_started_at = ? AND last_error IS NOT NULL',
          now,
        );
        if (failed.length > 0) throw jobsFailed(at, failed);
      },
      async stop() {
        inspector.close();
        await stop();
      },
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** `ready` can resolve before workerd serves the bundle: wait for the first answer (bounded). */
async function untilHealthy(url: string): Promise<void> {
  const until = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/healthz`)).status === 200) return;
    } catch (e) {
      if (Date.now() > until) throw new Error(`worker at ${url} never answered /healthz`, { cause: e });
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function within<T>(ms: number, p: Promise<T>, why: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(why)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
