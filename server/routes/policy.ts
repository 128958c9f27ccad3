/** Check policy of a unit: `GET/PUT /api/v1/units/:code/policy` → `{own, effective}`. */
import { Hono } from 'hono';
import { zPolicyPut } from '../../shared/schemas/policy.js';
import { type AppEnv, clientIp, requireUser } from '../http/context.js';
import { jsonBody } from '../http/validate.js';
import { getPolicy, putPolicy } from '../services/policy.js';

export const policyRoutes = new Hono<AppEnv>()
  .get('/:code/policy', async (c) => {
    const p = requireUser(c);
    return c.json(await getPolicy(c.get('deps'), p, c.req.param('code')));
  })
  .put('/:code/policy', async (c) => {
    const p = { ...requireUser(c), ip: clientIp(c) };
    const deps = c.get('deps');
    const body = await jsonBody(c, zPolicyPut, deps.config.maxBodyBytes);
    return c.json(await putPolicy(deps, p, c.req.param('code'), body));
  });
