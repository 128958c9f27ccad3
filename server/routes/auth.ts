/** POST /api/v1/auth/login, /logout and GET /me. */
import { Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { zLoginBody } from '../../shared/schemas/auth.js';
import { grantsOf, userById, userView } from '../db/repos/users.js';
import { SESSION_COOKIE } from '../http/auth-middleware.js';
import { type AppEnv, clientIp, requireUser } from '../http/context.js';
import { fail } from '../http/problem.js';
import { jsonBody } from '../http/validate.js';
import { login, logout } from '../services/auth.js';

export const authRoutes = new Hono<AppEnv>()
  .post('/login', async (c) => {
    const deps = c.get('deps');
    const body = await jsonBody(c, zLoginBody, 16 * 1024);
    const res = await login(deps, body, { ip: clientIp(c), userAgent: c.req.header('user-agent') });
    setCookie(c, SESSION_COOKIE, res.token, {
      httpOnly: true,
      sameSite: 'Lax',
      secure: new URL(c.req.url).protocol === 'https:',
      path: '/',
      expires: new Date(res.expiresAt),
    });
    return c.json(res, 200);
  })
  .post('/logout', async (c) => {
    const p = requireUser(c);
    await logout(c.get('deps'), p);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
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
  });
