/** Users (admin): create, list and read. Never returns password material. */
import { Hono } from 'hono';
import { zListQuery } from '../../shared/schemas/common.js';
import { zUserCreate } from '../../shared/schemas/users.js';
import { grantsOf, listUsers, userById, userView } from '../db/repos/users.js';
import { grantsFor, inScope, scopeOf } from '../domain/scope.js';
import { type AppEnv, clientIp, requireUser } from '../http/context.js';
import { decodeCursor, encodeCursor } from '../http/pagination.js';
import { fail } from '../http/problem.js';
import { jsonBody, queryOf } from '../http/validate.js';
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
    if (grantsFor(p.grants, 'user.read').length === 0) throw fail.forbidden();
    const db = c.get('deps').store.read;
    const q = queryOf(c, zListQuery);
    const scope = scopeOf(p.grants, 'user.read');
    const after = decodeCursor(q.cursor, 1);
    // Users are few (hundreds); scope filtering by their grants is done here rather than in SQL.
    const items = [];
    let cursor = after ? String(after[0]) : undefined;
    let next: string | null = null;
    while (items.length < q.limit) {
      const rows = await listUsers(db, { limit: 200, afterUsername: cursor });
      if (rows.length === 0) break;
      const grants = await grantsOf(
        db,
        rows.map((r) => r.id),
      );
      for (const r of rows) {
        cursor = r.username;
        const gs = grants.get(r.id) ?? [];
        const visible = gs.length === 0 || gs.some((g) => inScope(scope, { id: g.unitId, path: g.unitPath }));
        if (visible) items.push(userView(r, gs));
        if (items.length === q.limit) {
          next = encodeCursor([r.username]);
          break;
        }
      }
      if (rows.length < 200) break;
    }
    return c.json({ items, nextCursor: next });
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
