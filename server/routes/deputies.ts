/** Deputies: delegate a role at a unit for a date range (admin, or the principal for their own role). */
import { Hono } from 'hono';
import { zDeputyCreate, zDeputyListQuery } from '../../shared/schemas/deputies.js';
import { type AppEnv, clientIp, requireUser } from '../http/context.js';
import { jsonBody, queryOf } from '../http/validate.js';
import { createDeputy, listDeputies, revokeDeputy } from '../services/deputies.js';

export const deputyRoutes = new Hono<AppEnv>()
  .get('/', async (c) =>
    c.json(await listDeputies(c.get('deps'), requireUser(c), queryOf(c, zDeputyListQuery))),
  )
  .post('/', async (c) => {
    const p = { ...requireUser(c), ip: clientIp(c) };
    const deps = c.get('deps');
    const body = await jsonBody(c, zDeputyCreate, deps.config.maxBodyBytes);
    return c.json(await createDeputy(deps, p, body), 201);
  })
  .delete('/:id', async (c) => {
    const p = { ...requireUser(c), ip: clientIp(c) };
    return c.json(await revokeDeputy(c.get('deps'), p, c.req.param('id')));
  });
