/** Units: create (admin), list and read within the caller's scope, update/move, archive, enrollment tokens. */
import { Hono } from 'hono';
import { zListQuery } from '../../shared/schemas/common.js';
import { zEnrollmentTokenCreate } from '../../shared/schemas/enrollment.js';
import { zUnitCreate, zUnitUpdate } from '../../shared/schemas/units.js';
import { listUnitsInScope } from '../db/repos/units.js';
import { scopeOf } from '../domain/scope.js';
import { type AppEnv, clientIp, requireUser } from '../http/context.js';
import { decodeCursor, encodeCursor } from '../http/pagination.js';
import { jsonBody, queryOf } from '../http/validate.js';
import { createEnrollmentToken } from '../services/enrollment.js';
import { archiveUnit, createUnit, unitForCaller, unitViews, updateUnit } from '../services/units.js';

export const unitRoutes = new Hono<AppEnv>()
  .post('/', async (c) => {
    const p = { ...requireUser(c), ip: clientIp(c) };
    const deps = c.get('deps');
    const body = await jsonBody(c, zUnitCreate, deps.config.maxBodyBytes);
    const u = await createUnit(deps, p, body);
    c.header('location', `/api/v1/units/${encodeURIComponent(u.code)}`);
    return c.json(u, 201);
  })
  .get('/', async (c) => {
    const p = requireUser(c);
    const db = c.get('deps').store.read;
    const q = queryOf(c, zListQuery);
    const after = decodeCursor(q.cursor, 1);
    const rows = await listUnitsInScope(db, scopeOf(p.grants, 'unit.read'), {
      limit: q.limit + 1,
      afterCode: after ? String(after[0]) : undefined,
    });
    const more = rows.length > q.limit;
    const slice = more ? rows.slice(0, q.limit) : rows;
    return c.json({
      items: await unitViews(db, slice),
      nextCursor: more ? encodeCursor([slice[slice.length - 1]!.code]) : null,
    });
  })
  .get('/:code', async (c) => {
    const p = requireUser(c);
    const db = c.get('deps').store.read;
    const u = await unitForCaller(db, p, c.req.param('code'), 'unit.read');
    return c.json((await unitViews(db, [u]))[0]);
  })
  .patch('/:code', async (c) => {
    const p = { ...requireUser(c), ip: clientIp(c) };
    const deps = c.get('deps');
    const body = await jsonBody(c, zUnitUpdate, deps.config.maxBodyBytes);
    return c.json(await updateUnit(deps, p, c.req.param('code'), body));
  })
  .post('/:code/archive', async (c) => {
    const p = { ...requireUser(c), ip: clientIp(c) };
    return c.json(await archiveUnit(c.get('deps'), p, c.req.param('code')));
  })
  .post('/:code/enrollment-tokens', async (c) => {
    const p = { ...requireUser(c), ip: clientIp(c) };
    const deps = c.get('deps');
    // An empty body means "all defaults"; a body, when sent, must be JSON.
    const hasBody = Number(c.req.header('content-length') ?? '0') > 0 || c.req.header('transfer-encoding');
    const body = hasBody ? await jsonBody(c, zEnrollmentTokenCreate, 4096) : zEnrollmentTokenCreate.parse({});
    return c.json(await createEnrollmentToken(deps, p, c.req.param('code'), body), 201);
  });

export type UnitRoutes = typeof unitRoutes;
