/**
 * createApp(deps) → the Hono app, identical on Node, on Workers and in tests; only the deps differ.
 * One sub-app per resource under /api/v1, one error path (problem+json), no `node:` imports.
 */
import { type Context, Hono } from 'hono';
import { matchedRoutes } from 'hono/route';
import { TrieRouter } from 'hono/router/trie-router';
import { secureHeaders } from 'hono/secure-headers';
import type { AppDeps } from './deps.js';
import { sessionMiddleware } from './http/auth-middleware.js';
import type { AppEnv } from './http/context.js';
import { ApiError, problemResponse } from './http/problem.js';
import { agentRoutes } from './routes/agent.js';
import { assetRoutes, complianceRoutes, equipmentStandardRoutes, supplierRoutes } from './routes/assets.js';
import { assetIoRoutes, complianceExportRoutes } from './routes/assets-io.js';
import { authRoutes } from './routes/auth.js';
import { calendarRoutes } from './routes/calendar.js';
import { deputyRoutes } from './routes/deputies.js';
import { deviceRoutes } from './routes/devices.js';
import { maintenanceWindowRoutes } from './routes/maintenance-windows.js';
import { matrixRoutes } from './routes/matrix.js';
import { notificationRoutes } from './routes/notifications.js';
import { apiDocsPage, openApiRoutes } from './routes/openapi.js';
import { opsRoutes } from './routes/ops.js';
import { policyRoutes } from './routes/policy.js';
import { reportRoutes } from './routes/reports.js';
import { ticketRoutes } from './routes/tickets.js';
import { unitRoutes } from './routes/units.js';
import { userRoutes } from './routes/users.js';
import { newId } from './security/crypto.js';
import { registerDetectionMetrics } from './services/detection-metrics.js';
import { createUiApp } from './ui/index.js';

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  registerDetectionMetrics(deps);

  app.use('*', async (c, next) => {
    c.set('deps', deps);
    c.set('requestId', c.req.header('x-request-id')?.slice(0, 64) || newId());
    const t0 = performance.now();
    await next();
    // Set on the response's own headers: `c.header()` after the handler would rebuild the Response
    // around a stream body, which on @hono/node-server costs a full web-stream round trip per request.
    c.res.headers.set('x-request-id', c.get('requestId'));
    deps.metrics.httpRequests.inc({
      group: routeGroup(new URL(c.req.url).pathname),
      code: `${Math.floor(c.res.status / 100)}xx`,
    });
    // The access log: the route's pattern (never ids or query strings), the outcome, who, how long.
    deps.logger.info('request', {
      method: c.req.method,
      route: routeOf(c),
      status: c.res.status,
      ms: Math.round((performance.now() - t0) * 10) / 10,
      requestId: c.get('requestId'),
      user: c.get('principal')?.username,
    });
  });
  app.use('*', secureHeaders({ crossOriginResourcePolicy: 'same-origin' }));

  app.route('/', opsRoutes);

  const api = new Hono<AppEnv>();
  api.use('*', sessionMiddleware());
  api.use('*', async (c, next) => {
    await next();
    // API answers are per-user: never let a shared cache keep them.
    if (!c.res.headers.has('cache-control')) c.res.headers.set('cache-control', 'no-store');
  });
  api.route('/auth', authRoutes);
  api.route('/units', unitRoutes);
  api.route('/users', userRoutes);
  api.route('/tickets', ticketRoutes);
  api.route('/matrix', matrixRoutes);
  api.route('/deputies', deputyRoutes);
  api.route('/calendar', calendarRoutes);
  api.route('/notifications', notificationRoutes);
  api.route('/units', policyRoutes);
  api.route('/agent', agentRoutes);
  api.route('/devices', deviceRoutes);
  api.route('/maintenance-windows', maintenanceWindowRoutes);
  api.route('/reports', reportRoutes);
  api.route('/assets', assetIoRoutes); // before assetRoutes: its `/:id` would take `/export`
  api.route('/assets', assetRoutes);
  api.route('/suppliers', supplierRoutes);
  api.route('/equipment-standard', equipmentStandardRoutes);
  api.route('/compliance', complianceExportRoutes);
  api.route('/compliance', complianceRoutes);
  api.route('/', openApiRoutes);
  app.route('/api/v1', api);
  app.route('/', apiDocsPage);
  app.route('/', createUiApp()); // keep last: the UI's HTML 404 answers any GET not claimed above

  const methodsOf = apiMethods(api);
  app.notFound((c) => {
    const path = new URL(c.req.url).pathname;
    // A path the API has, with another method: 405 with the methods it has (RFC 9110 §15.5.6).
    const allow = path.startsWith('/api/v1/') ? methodsOf(path.slice('/api/v1'.length)) : [];
    if (allow.length > 0) {
      const res = problemResponse(
        c,
        new ApiError('method_not_allowed', {
          vi: `${path} không nhận ${c.req.method}; dùng ${allow.join(', ')}.`,
          en: `${path} does not take ${c.req.method}; use ${allow.join(', ')}.`,
        }),
      );
      res.headers.set('allow', allow.join(', '));
      return res;
    }
    return problemResponse(
      c,
      new ApiError('not_found', {
        vi: `Không có đường dẫn ${c.req.method} ${path}.`,
        en: `No route for ${c.req.method} ${path}.`,
      }),
    );
  });

  app.onError((err, c) => {
    if (err instanceof ApiError) return problemResponse(c, err);
    // Hono's own HTTP errors (e.g. from middleware) keep their status; everything else is a 500.
    const status = (err as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return problemResponse(
        c,
        new ApiError(status === 413 ? 'payload_too_large' : 'bad_request', err.message),
      );
    }
    deps.logger.error('unhandled error', {
      requestId: c.get('requestId'),
      method: c.req.method,
      path: new URL(c.req.url).pathname,
      error: err instanceof Error ? (err.stack ?? err.message) : String(err),
      // drizzle wraps driver errors ("Failed query …"); the reason is in `cause`.
      cause: err instanceof Error && err.cause ? String(err.cause) : undefined,
    });
    return problemResponse(
      c,
      new ApiError('internal', {
        vi: `Lỗi máy chủ. Mã yêu cầu ${c.get('requestId')} giúp quản trị viên tìm nguyên nhân trong nhật ký.`,
        en: `Server error. Request id ${c.get('requestId')} lets an administrator find it in the logs.`,
      }),
    );
  });

  return app;
}

/** API resources by name, the rest as `ops` or `ui`: a fixed, small label set (never raw paths). */
const API_GROUPS = new Set([
  'auth',
  'units',
  'users',
  'tickets',
  'matrix',
  'deputies',
  'calendar',
  'notifications',
  'agent',
  'devices',
  'maintenance-windows',
]);

export function routeGroup(path: string): string {
  if (path.startsWith('/api/v1/')) {
    const seg = path.slice(8).split('/', 1)[0]!;
    return API_GROUPS.has(seg) ? seg : 'api_other';
  }
  if (path === '/healthz' || path === '/readyz' || path === '/metrics') return 'ops';
  return 'ui';
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** The methods the API's own routes (not its middleware) answer for a path, from one router built once. */
function apiMethods(api: Hono<AppEnv>): (path: string) => string[] {
  const router = new TrieRouter<true>();
  for (const r of api.routes) if (r.method !== 'ALL') router.add(r.method, r.path, true);
  return (path) => METHODS.filter((m) => router.match(m, path)[0].length > 0);
}

/**
 * The pattern of the route that answered (the first registered one for this method that is not a
 * catch-all), for the access log: `/api/v1/tickets/:id`, never the ids themselves.
 */
function routeOf(c: Context<AppEnv>): string {
  const m = c.req.method === 'HEAD' ? 'GET' : c.req.method;
  return matchedRoutes(c).find((r) => r.method === m && !r.path.endsWith('*'))?.path ?? '*';
}
