/** POST /api/v1/auth/login, /logout, /password; GET /me; the caller's own sessions (docs/api/accounts.md). */
import { Hono } from 'hono';
import { zPasswordChange } from '../../shared/schemas/accounts.js';
import { zLoginBody } from '../../shared/schemas/auth.js';
import { zListQuery } from '../../shared/schemas/common.js';
import { grantsOf, userById, userView } from '../db/repos/users.js';
import { clearSessionCookie, setSessionCookie } from '../http/auth-middleware.js';
import { type AppEnv, clientIp, requireUser } from '../http/context.js';
import { decodeCursor, encodeCursor } from '../http/pagination.js';
import { fail } from '../http/problem.js';
import { jsonBody, queryOf } from '../http/validate.js';
import {
  changeOwnPassword,
  listOwnSessions,
  revokeOtherSessions,
  revokeOwnSession,
} from '../services/accounts.js';
import { login, logout } from '../services/auth.js';

export const authRoutes = new Hono<AppEnv>()
  .post('/login', async (c) => {
    const deps = c.get('deps');
    const body = await jsonBody(c, zLoginBody, 16 * 1024);
    const res = await login(deps, body, { ip: clientIp(c), userAgent: c.req.header('user-agent') });
    setSessionCookie(c, res.token, res.expiresAt);
    return c.json(res, 200);
  })
  .post('/logout', async (c) => {
    const p = requireUser(c);
    await logout(c.get('deps'), p);
    clearSessionCookie(c);
    return c.body(null, 204);
  })
  .get('/me', async (c) => {
    const p = requireUser(c);
    const db = c.get('deps').store.read;
    const u = await userById(db, p.userId);
    if (!u) throw fail.unauthenticated();
    const grants = (await grantsOf(db, [u.id])).get(u.id) ?? [];
    return c.json({
      ...userView(u, grants),
      deputyRoles: p.grants
        .filter((g) => g.deputyOf)
        .map((g) => ({
          role: g.role,
          unitCode: g.unitCode,
          deputyOf: g.deputyOf,
          until: g.until?.toISOString(),
        })),
    });
  })
  .post('/password', async (c) => {
    const p = { ...requireUser(c), ip: clientIp(c) };
    const body = await jsonBody(c, zPasswordChange, 16 * 1024);
    await changeOwnPassword(c.get('deps'), p, body, { ip: p.ip, userAgent: c.req.header('user-agent') });
    return c.body(null, 204);
  })
  .get('/sessions', async (c) => {
    const p = requireUser(c);
    const deps = c.get('deps');
    const q = queryOf(c, zListQuery);
    const before = decodeCursor(q.cursor, 1);
    const page = await listOwnSessions(deps.store.read, p, deps.clock.now(), {
      limit: q.limit,
      beforeId: before ? String(before[0]) : undefined,
    });
    return c.json({
      items: page.items,
      nextCursor: page.nextBeforeId ? encodeCursor([page.nextBeforeId]) : null,
    });
  })
  .post('/sessions/revoke-others', async (c) => {
    const p = { ...requireUser(c), ip: clientIp(c) };
    return c.json({ revoked: await revokeOtherSessions(c.get('deps'), p) });
  })
  .delete('/sessions/:id', async (c) => {
    const p = { ...requireUser(c), ip: clientIp(c) };
    const id = c.req.param('id');
    await revokeOwnSession(c.get('deps'), p, id);
    if (id === p.sessionId) clearSessionCookie(c);
    return c.body(null, 204);
  });
