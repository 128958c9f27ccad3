/** The maintenance matrix: active version, past versions, activation, validation and simulation. */
import { Hono } from 'hono';
import { z } from 'zod';
import { zListQuery } from '../../shared/schemas/common.js';
import { zMatrix, zSimulate } from '../../shared/schemas/matrix.js';
import { type AppEnv, clientIp, requireUser } from '../http/context.js';
import { langOf } from '../http/problem.js';
import { jsonBody, parseWith, queryOf } from '../http/validate.js';
import {
  getActiveMatrix,
  getMatrixVersion,
  listMatrixVersions,
  putMatrix,
  simulate,
  validateCandidate,
} from '../services/matrix.js';

// A large matrix (hundreds of rules) is still far below this.
const MAX_MATRIX_BYTES = 1024 * 1024;

export const matrixRoutes = new Hono<AppEnv>()
  .get('/', async (c) => c.json(await getActiveMatrix(c.get('deps').store.read, requireUser(c))))
  .put('/', async (c) => {
    const p = { ...requireUser(c), ip: clientIp(c) };
    const body = await jsonBody(c, zMatrix, MAX_MATRIX_BYTES);
    return c.json(await putMatrix(c.get('deps'), p, body));
  })
  .get('/versions', async (c) => {
    const p = requireUser(c);
    const q = queryOf(c, zListQuery);
    return c.json(await listMatrixVersions(c.get('deps').store.read, p, q));
  })
  .get('/versions/:version', async (c) => {
    const p = requireUser(c);
    const { version } = parseWith(
      z.object({ version: z.coerce.number().int().min(1).max(1_000_000_000) }),
      { version: c.req.param('version') },
      langOf(c),
    );
    return c.json(await getMatrixVersion(c.get('deps').store.read, p, version));
  })
  .post('/validate', async (c) => {
    const p = requireUser(c);
    const body = await jsonBody(c, zMatrix, MAX_MATRIX_BYTES);
    return c.json(await validateCandidate(c.get('deps'), p, body));
  })
  .post('/simulate', async (c) => {
    const p = requireUser(c);
    const deps = c.get('deps');
    const body = await jsonBody(c, zSimulate, deps.config.maxBodyBytes);
    return c.json(await simulate(deps, p, body));
  });
