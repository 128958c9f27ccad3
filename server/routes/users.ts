/** Users (admin): create, list, read and edit (docs/api/accounts.md). Never returns password material. */
import { Hono } from 'hono';
import { zUserUpdate } from '../../shared/schemas/accounts.js';
import { zListQuery } from '../../shared/schemas/common.js';
import { zUserCreate } from '../../shared/schemas/users.js';
import { userView } from '../db/repos/users.js';
import { type AppEnv, clientIp, requireUser } from '../http/context.js';
import { decodeCursor, encodeCursor } from '../http/pagination.js';
import { jsonBody, queryOf } from '../http/validate.js';
import { updateUser, userForCaller } from '../services/accounts.js';
import { listUsersInScope } from '../services/user-directory.js';
import { createUser } from '../services/users.js';

export const userRoutes = new Hono<AppEnv>()
  .post('/', async (c) => {
    const p = { ...requireUser(c), ip: clientIp(c) };
    const deps = c.get('deps');
    const body = await jsonBody(c, zUserCreate, deps.config.maxBodyBytes);
    const u = await createUser(deps, p, body);
    c.header('location', `/api/v1/users/${encodeURIComponent(u.id)}`);
    return c.json(u, 201);
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
    const t = await userForCaller(c.get('deps').store.read, p, c.req.param('id'));
    return c.json(userView(t.user, t.grants));
  })
  .patch('/:id', async (c) => {
    const p = { ...requireUser(c), ip: clientIp(c) };
    const deps = c.get('deps');
    const body = await jsonBody(c, zUserUpdate, deps.config.maxBodyBytes);
    return c.json(await updateUser(deps, p, c.req.param('id'), body));
  });
