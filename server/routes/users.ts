/** Users (admin): create, list and read. Never returns password material. */
import { Hono } from 'hono';
import { zListQuery } from '../../shared/schemas/common.js';
import { zUserCreate } from '../../shared/schemas/users.js';
import { grantsOf, userById, userView } from '../db/repos/users.js';
import { inScope, scopeOf } from '../domain/scope.js';
import { type AppEnv, clientIp, requireUser } from '../http/context.js';
import { decodeCursor, encodeCursor } from '../http/pagination.js';
import { fail } from '../http/problem.js';
import { jsonBody, queryOf } from '../http/validate.js';
import { listUsersInScope } from '../services/user-directory.js';
import { createUser } from '../services/users.js';

export const userRoutes = new Hono<AppEnv>()
  .post('/', async (c) => {
    const p = { ...requireUser(c), ip: clientIp(c) };
    const deps = c.get('deps');
    const body = await jsonBody(c, zUserCreate, deps.config.maxBodyBytes);
    return c.json(await createUser(deps, p, body), 201);
  })
  .get('/', async (c) => {
    const p = requireUser(c);
    const db = c.get('deps').store.read;
    const q = queryOf(c, zListQuery);
    const after = decodeCursor(q.cursor, 1);
    const page = await listUsersInScope(db, p, {
      limit: q.limit,
      afterUsername: after ? String(after[0]) : undefined,
    });
    return c.json({
      items: page.items,
      nextCursor: page.nextUsername === null ? null : encodeCursor([page.nextUsername]),
    });
  })
  .get('/:id', async (c) => {
    const p = requireUser(c);
    const db = c.get('deps').store.read;
    const u = await userById(db, c.req.param('id'));
    const gs = u ? ((await grantsOf(db, [u.id])).get(u.id) ?? []) : [];
    const scope = scopeOf(p.grants, 'user.read');
    const self = u?.id === p.userId;
    if (!u || (!self && !gs.some((g) => inScope(scope, { id: g.unitId, path: g.unitPath }))))
      throw fail.notFound({ vi: 'Không tìm thấy người dùng.', en: 'User not found.' });
    return c.json(userView(u, gs));
  });
