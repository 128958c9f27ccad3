/**
 * The agent half of the contract: enroll, config (ETag / If-None-Match → 304) and report batches.
 * Every route but enroll takes `Authorization: Bearer <agentToken>`; the device always comes from the
 * token, never from the body.
 */
import { Hono } from 'hono';
import { zEnrollBody, zReportBatch } from '../../shared/schemas/agent.js';
import { etagMatches } from '../domain/policy.js';
import { type AppEnv, clientIp } from '../http/context.js';
import { ApiError, langOf, problemResponse } from '../http/problem.js';
import { jsonBody, jsonValue, parseWith } from '../http/validate.js';
import { authenticateAgent, enroll } from '../services/agent-enroll.js';
import { ingestReports } from '../services/ingest.js';
import { fastReportBatch } from '../services/ingest-validate.js';
import { agentConfig, devicePolicy } from '../services/policy.js';

/** PROTOCOL.md: a report batch body is at most 1 MiB. */
export const REPORT_BODY_LIMIT = 1024 * 1024;

function rejectionReason(e: unknown): string {
  if (!(e instanceof ApiError)) return 'error';
  switch (e.code) {
    case 'unauthenticated':
      return 'auth';
    case 'payload_too_large':
      return 'too_large';
    case 'malformed_json':
    case 'unsupported_media_type':
      return 'malformed';
    case 'validation_failed':
      return 'invalid';
    default:
      return 'error';
  }
}

export const agentRoutes = new Hono<AppEnv>()
  .post('/enroll', async (c) => {
    const deps = c.get('deps');
    const body = await jsonBody(c, zEnrollBody, 16 * 1024);
    const res = await enroll(deps, body, clientIp(c));
    c.header('location', `/api/v1/devices/${encodeURIComponent(res.deviceId)}`);
    return c.json(res, 201);
  })
  .get('/config', async (c) => {
    const deps = c.get('deps');
    const agent = await authenticateAgent(deps, c.req.header('authorization'), { fresh: true });
    const config = await agentConfig(await devicePolicy(deps, agent));
    c.header('etag', `"${config.etag}"`);
    c.header('cache-control', 'no-cache');
    if (etagMatches(c.req.header('if-none-match'), config.etag)) return c.body(null, 304);
    return c.json(config);
  })
  .post('/reports', async (c) => {
    const deps = c.get('deps');
    const t0 = performance.now();
    try {
      const agent = await authenticateAgent(deps, c.req.header('authorization'));
      const value = await jsonValue(c, REPORT_BODY_LIMIT);
      // The hand-written fast path accepts only what is certainly valid; zod decides everything else.
      const body = fastReportBatch(value) ?? parseWith(zReportBatch, value, langOf(c));
      const res = await ingestReports(deps, agent, body.reports);
      deps.metrics.ingestSeconds.observe((performance.now() - t0) / 1000);
      return c.json(res);
    } catch (e) {
      deps.metrics.batchesRejected.inc({ reason: rejectionReason(e) });
      if (e instanceof ApiError && e.code === 'payload_too_large') {
        // The rest of the body was never read: close the connection rather than reuse a socket
        // that still carries it.
        const res = problemResponse(c, e);
        res.headers.set('connection', 'close');
        return res;
      }
      throw e;
    }
  });
