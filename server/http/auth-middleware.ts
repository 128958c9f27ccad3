/**
 * Resolves the caller from `Authorization: Bearer` or the session cookie, and protects cookie-based
 * state changes against cross-site requests (an Origin / Sec-Fetch-Site check; forms also carry a
 * token, see the UI). Bearer callers are not exposed to CSRF: browsers never add that header themselves.
 */

import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { authenticate } from '../services/auth.js';
import type { UserPrincipal } from '../services/principal.js';
import type { AppEnv } from './context.js';
import { ApiError } from './problem.js';

export const SESSION_COOKIE = 'onestop_session';

/**
 * The session cookie, set the same way by the API's login and the UI's sign-in: HttpOnly (no script
 * reads it), SameSite=Lax (no cross-site form post carries it), Secure on https, ending with the session.
 */
export function setSessionCookie(c: Context, token: string, expiresAt: string | Date): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: new URL(c.req.url).protocol === 'https:',
    path: '/',
    expires: new Date(expiresAt),
  });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/' });
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export function sessionMiddleware(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const deps = c.get('deps');
    const auth = c.req.header('authorization');
    let principal: UserPrincipal | undefined;
    if (auth?.toLowerCase().startsWith('bearer ')) {
      principal = await authenticate(deps, auth.slice(7).trim(), 'bearer');
    } else {
      const cookie = getCookie(c, SESSION_COOKIE);
      if (cookie) {
        principal = await authenticate(deps, cookie, 'cookie');
        if (principal && !SAFE.has(c.req.method) && crossSite(c.req.raw)) {
          throw new ApiError('forbidden', {
            vi: 'Yêu cầu đến từ trang web khác đã bị chặn (bảo vệ CSRF).',
            en: 'Cross-site request blocked (CSRF protection).',
          });
        }
      }
    }
    c.set('principal', principal);
    await next();
  };
}

/** True when a browser tells us the request comes from another site. */
export function crossSite(req: Request): boolean {
  const site = req.headers.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return true;
  const origin = req.headers.get('origin');
  if (origin) {
    const url = new URL(req.url);
    const host = req.headers.get('host') ?? url.host;
    try {
      return new URL(origin).host !== host;
    } catch {
      return true;
    }
  }
  return false;
}
