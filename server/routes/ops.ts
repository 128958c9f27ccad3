/** /healthz (process up), /readyz (database answers, migrations applied), /metrics (Prometheus). */
import { Hono } from 'hono';
import type { AppEnv } from '../http/context.js';
import { ApiError } from '../http/problem.js';
import { timingSafeEqual } from '../security/crypto.js';

export const opsRoutes = new Hono<AppEnv>()
  .get('/healthz', (c) => c.json({ status: 'ok' }))
  .get('/readyz', async (c) => {
    const deps = c.get('deps');
    try {
      await deps.store.ping();
      const m = await deps.migrationStatus();
      if (m.applied < m.expected) return c.json({ status: 'migrating', migrations: m }, 503);
      return c.json({ status: 'ready', migrations: m });
    } catch (e) {
      deps.logger.warn('readyz: database not answering', { error: String(e) });
      return c.json({ status: 'unavailable', reason: 'database' }, 503);
    }
  })
  .get('/metrics', async (c) => {
    const deps = c.get('deps');
    const want = deps.config.metricsToken;
    if (want) {
      const got = c.req.header('authorization')?.replace(/^Bearer\s+/i, '') ?? '';
      if (!timingSafeEqual(got, want))
        throw new ApiError('unauthenticated', {
          vi: 'Cần METRICS_TOKEN trong tiêu đề Authorization: Bearer.',
          en: 'Send METRICS_TOKEN as Authorization: Bearer.',
        });
    }
    return c.body(await deps.metrics.render(), 200, {
      'content-type': 'text/plain; version=0.0.4; charset=utf-8',
    });
  });
