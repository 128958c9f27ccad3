/**
 * Cloudflare Workers entry (wrangler.toml `main`): `fetch` serves the same app as Node, `scheduled`
 * runs the job runner on the cron triggers. See docs/workers.md and docs/adr/0201-workers-entry.md.
 *
 * Per isolate, on first use (never at module load: no top-level await, and Workers forbid I/O and
 * randomness outside a request): parse the vars/secrets with the same zod schema as Node, open the
 * store (D1 when the `DB` binding exists, else a remote libSQL DATABASE_URL), build the app. Before
 * the first API request it checks that the migrations wrangler applied match those bundled here
 * and, on an empty database, runs the usual bootstrap — which requires the ADMIN_PASSWORD secret,
 * because a generated password could only be "shown" in the logs.
 */
import { count } from 'drizzle-orm';
import type { Hono } from 'hono';
import journal from '../migrations/meta/_journal.json' with { type: 'json' };
import { createApp } from './app.js';
import { type D1DatabaseLike, d1MigrationStatus, openD1Store } from './db/d1.js';
import { libsqlMigrationStatus, openLibsqlWebStore } from './db/libsql-web.js';
import { units } from './db/schema.js';
import type { Store } from './db/store.js';
import { type AppDeps, type Clock, type Logger, systemClock } from './deps.js';
import { configFromEnv, parseEnv } from './env.js';
import type { AppEnv } from './http/context.js';
import { type ErrorCode, type Msg, problemBody } from './http/problem.js';
import { runDueJobs } from './jobs/runner.js';
import { jsonLogger } from './logger.js';
import { Metrics } from './metrics.js';
import { timingSafeEqual } from './security/crypto.js';
import { bootstrap } from './services/bootstrap.js';

/** Bindings: `DB` (D1) and every var/secret as a string. */
export interface WorkerEnv {
  DB?: D1DatabaseLike;
  [name: string]: unknown;
}

export interface ExecutionContextLike {
  waitUntil(promise: Promise<unknown>): void;
}

export interface ScheduledControllerLike {
  scheduledTime: number;
  cron: string;
}

type Readiness = 'ready' | 'migrating' | 'needs-admin-password';

interface Isolate {
  deps: AppDeps;
  app: Hono<AppEnv>;
  ready: boolean;
  preparing?: Promise<Readiness>;
  testClock?: TestClock;
}

/**
 * TEST SEAM — only when the `TEST_CLOCK_TOKEN` var is bound (never in wrangler.toml; the black-box
 * suites in test/targets pass it as a binding): the isolate's clock stands still at the instant set by
 * `PUT /__test/clock` (`Authorization: Bearer <token>`, JSON `{"at": "<ISO>"}` → 204), like the Node
 * tests' ManualClock, and the cron handler runs at that instant. Before the first PUT it is the system
 * clock. Without the var the route does not exist (404 like any unknown path) and nothing changes.
 */
class TestClock implements Clock {
  at?: number;
  constructor(readonly token: string) {}
  now(): Date {
    return this.at === undefined ? new Date() : new Date(this.at);
  }
}

async function setTestClock(req: Request, c: TestClock): Promise<Response> {
  if (req.method !== 'PUT') return new Response(null, { status: 405, headers: { allow: 'PUT' } });
  if (!timingSafeEqual(req.headers.get('authorization') ?? '', `Bearer ${c.token}`))
    return new Response(null, { status: 401 });
  const at = Date.parse(((await req.json().catch(() => ({}))) as { at?: unknown }).at as string);
  if (Number.isNaN(at)) return new Response('body: {"at": "<ISO instant>"}', { status: 400 });
  c.at = at;
  return new Response(null, { status: 204 });
}

let isolate: Isolate | undefined;

/**
 * JSON lines like Node's logger, but through the console method of each level, so Workers Logs and
 * `wrangler tail` show info as info (Node writes everything to stderr).
 */
function consoleLogger(min: 'debug' | 'info' | 'warn' | 'error'): Logger {
  const out = { debug: console.debug, info: console.info, warn: console.warn, error: console.error };
  const at = (lv: keyof typeof out) => jsonLogger(min, (line) => out[lv](line))[lv];
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

function build(env: WorkerEnv): Isolate {
  const strings: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (typeof v === 'string') strings[k] = v;
  const parsed = parseEnv(strings);
  const config = configFromEnv(parsed, 'workers');
  const logger = consoleLogger(parsed.LOG_LEVEL);
  let store: Store;
  let migrationStatus: AppDeps['migrationStatus'];
  if (env.DB) {
    const db = env.DB;
    store = openD1Store(db, { logger });
    migrationStatus = () => d1MigrationStatus(db, journal);
  } else if (strings.DATABASE_URL) {
    const s = openLibsqlWebStore({ url: parsed.DATABASE_URL, authToken: parsed.DATABASE_AUTH_TOKEN });
    store = s;
    migrationStatus = () => libsqlMigrationStatus(s.client, journal);
  } else {
    throw new Error(
      'Invalid configuration:\n  DB: bind a D1 database as DB in wrangler.toml, or set DATABASE_URL to a remote libSQL server',
    );
  }
  const testClock = strings.TEST_CLOCK_TOKEN ? new TestClock(strings.TEST_CLOCK_TOKEN) : undefined;
  const deps: AppDeps = {
    store,
    clock: testClock ?? systemClock,
    config,
    logger,
    metrics: new Metrics(),
    migrationStatus,
  };
  return { deps, app: createApp(deps), ready: false, testClock };
}

/** Migrations applied and the database initialised; checked once per isolate, through the database. */
async function prepare(s: Isolate): Promise<Readiness> {
  if (s.ready) return 'ready';
  s.preparing ??= (async (): Promise<Readiness> => {
    const { deps } = s;
    const m = await deps.migrationStatus();
    if (m.applied < m.expected) return 'migrating';
    if (!deps.config.adminPassword) {
      const [row] = await deps.store.read.select({ n: count() }).from(units);
      return (row?.n ?? 0) > 0 ? 'ready' : 'needs-admin-password';
    }
    // Race-safe across isolates: bootstrap re-checks inside its write, and a second isolate's
    // commit fails on the unique root code and re-runs to find the database initialised.
    const boot = await bootstrap(deps);
    if (boot.created)
      deps.logger.info('new database initialised', {
        rootUnit: deps.config.rootUnitCode,
        orgLevels: deps.config.orgLevels,
      });
    return 'ready';
  })().finally(() => {
    s.preparing = undefined;
  });
  const r = await s.preparing;
  if (r === 'ready') s.ready = true;
  return r;
}

function problem(req: Request, code: ErrorCode, detail: Msg, retryAfterSec?: number): Response {
  const lang = (req.headers.get('accept-language') ?? '').toLowerCase().startsWith('en') ? 'en' : 'vi';
  const headers: Record<string, string> = { 'content-type': 'application/problem+json; charset=utf-8' };
  if (retryAfterSec) headers['retry-after'] = String(retryAfterSec);
  return new Response(JSON.stringify(problemBody(code, detail, lang)), {
    status: code === 'internal' ? 500 : 503,
    headers,
  });
}

const NOT_MIGRATED_LIBSQL: Msg = {
  vi: 'Cơ sở dữ liệu chưa được cập nhật cấu trúc. Quản trị viên cần khởi động máy chủ Node một lần với cùng DATABASE_URL để áp dụng migrations.',
  en: 'The database schema is not up to date. An administrator must start the Node server once with the same DATABASE_URL to apply the migrations.',
};
const NOT_MIGRATED: Msg = {
  vi: 'Cơ sở dữ liệu chưa được cập nhật cấu trúc. Quản trị viên cần chạy: wrangler d1 migrations apply DB (--remote cho bản triển khai)',
  en: 'The database schema is not up to date. An administrator must run: wrangler d1 migrations apply DB (--remote for a deployment)',
};
const NO_ADMIN_PASSWORD: Msg = {
  vi: 'Cơ sở dữ liệu mới chưa được khởi tạo. Quản trị viên cần đặt mật khẩu: wrangler secret put ADMIN_PASSWORD',
  en: 'The new database is not initialised. An administrator must set: wrangler secret put ADMIN_PASSWORD',
};

function isolateOr500(env: WorkerEnv): Isolate | Error {
  if (isolate) return isolate;
  try {
    isolate = build(env);
    return isolate;
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    console.error(JSON.stringify({ level: 'error', msg: 'worker configuration', error: err.message }));
    return err;
  }
}

export default {
  async fetch(req: Request, env: WorkerEnv, ctx: ExecutionContextLike): Promise<Response> {
    const s = isolateOr500(env);
    if (s instanceof Error)
      return problem(req, 'internal', {
        vi: 'Cấu hình máy chủ không hợp lệ; quản trị viên xem chi tiết trong nhật ký của Worker.',
        en: 'The server is misconfigured; an administrator finds the details in the Worker logs.',
      });
    const path = new URL(req.url).pathname;
    if (s.testClock && path === '/__test/clock') return setTestClock(req, s.testClock);
    if (path !== '/healthz') {
      let state: Readiness | 'error';
      try {
        state = await prepare(s);
      } catch (e) {
        // The database is not answering: let the app answer (/readyz says so, the API gives 500s).
        s.deps.logger.error('worker: readiness check failed', { error: String(e) });
        state = 'error';
      }
      if (state === 'needs-admin-password' && path === '/readyz')
        return Response.json({ status: 'uninitialised', reason: 'ADMIN_PASSWORD' }, { status: 503 });
      if (state === 'migrating' && path !== '/readyz' && path !== '/metrics')
        return problem(
          req,
          'unavailable',
          s.deps.store.kind === 'd1' ? NOT_MIGRATED : NOT_MIGRATED_LIBSQL,
          30,
        );
      if (state === 'needs-admin-password' && path !== '/metrics')
        return problem(req, 'unavailable', NO_ADMIN_PASSWORD, 60);
    }
    return s.app.fetch(req, env, ctx as never);
  },

  async scheduled(
    controller: ScheduledControllerLike,
    env: WorkerEnv,
    ctx: ExecutionContextLike,
  ): Promise<void> {
    const s = isolateOr500(env);
    if (s instanceof Error) throw s;
    const run = async () => {
      if ((await prepare(s)) !== 'ready') {
        s.deps.logger.warn('scheduled: database not ready, jobs skipped', { cron: controller.cron });
        return;
      }
      // The trigger's time, or the test clock's instant when the test seam is on (see TestClock).
      const now = s.testClock ? s.testClock.now() : new Date(controller.scheduledTime);
      const outcomes = await runDueJobs(s.deps, now);
      s.deps.logger.debug('scheduled: tick done', {
        cron: controller.cron,
        jobs: outcomes.length,
        ran: outcomes.filter((o) => o.ran).length,
        failed: outcomes.filter((o) => o.error !== undefined).length,
      });
    };
    const p = run();
    ctx.waitUntil(p);
    await p;
  },
};
