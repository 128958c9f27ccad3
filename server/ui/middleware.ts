/**
 * The one middleware in front of every UI route: language, the signed-in user (from the same session
 * cookie and `authenticate` as the API), the CSRF token for this page, and — for every POST — the
 * cross-site check plus the synchronizer-token check (ADR 0601). A POST that fails either never
 * reaches a handler.
 */
import type { MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { clearSessionCookie, crossSite, SESSION_COOKIE } from '../http/auth-middleware.js';
import { ApiError, langOf } from '../http/problem.js';
import { randomBytes, toBase64Url } from '../security/crypto.js';
import { authenticate } from '../services/auth.js';
import {
  CSRF_FIELD,
  CSRF_HEADER,
  csrfToken,
  csrfValid,
  PRE_SESSION_COOKIE,
  plausibleNonce,
  preSessionBinding,
  sessionBinding,
} from './csrf.js';
import { readForm } from './forms.js';
import { dict } from './i18n/index.js';
import { uiKeys } from './secrets.js';
import { ipOf, type UiCtx, type UiEnv } from './ui-env.js';

/** Paths the UI never answers (the JSON API keeps its own error shapes). */
export function isUiPath(path: string): boolean {
  return !(path === '/api' || path.startsWith('/api/'));
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Raised when a form post lacks a valid token or comes from another site; rendered as a 403 page. */
export function csrfError(): ApiError {
  return new ApiError(
    'forbidden',
    {
      vi: 'Biểu mẫu đã hết hạn hoặc không được gửi từ trang này. Hãy quay lại, tải lại trang rồi gửi lại.',
      en: 'The form has expired or was not sent from this site. Go back, reload the page and send it again.',
    },
    { csrf: true },
  );
}

export function uiContext(): MiddlewareHandler<UiEnv> {
  return async (c, next) => {
    if (!isUiPath(c.req.path) || c.req.path.startsWith('/assets/')) return next();
    const deps = c.get('deps');
    const lang = langOf(c);
    c.set('lang', lang);
    c.set('t', dict(lang));
    c.set('form', undefined);
    c.set('sessionExpired', false);

    const secure = new URL(c.req.url).protocol === 'https:';
    const cookie = getCookie(c, SESSION_COOKIE);
    let principal = cookie ? await authenticate(deps, cookie, 'cookie') : undefined;
    if (cookie && !principal) {
      clearSessionCookie(c);
      c.set('sessionExpired', true);
    }
    if (principal) principal = { ...principal, ip: ipOf(c) };
    c.set('principal', principal);

    const keys = await uiKeys(deps.store);
    let binding: string;
    if (principal) {
      binding = sessionBinding(principal.sessionId);
    } else {
      let nonce = getCookie(c, PRE_SESSION_COOKIE);
      if (!plausibleNonce(nonce)) {
        nonce = toBase64Url(randomBytes(18));
        setCookie(c, PRE_SESSION_COOKIE, nonce, { httpOnly: true, sameSite: 'Lax', path: '/', secure });
      }
      binding = preSessionBinding(nonce);
    }
    c.set('csrf', await csrfToken(keys.csrf, binding));

    if (!SAFE.has(c.req.method)) await checkPost(c, keys.csrf, binding);
    await next();
  };
}

async function checkPost(c: UiCtx, key: Parameters<typeof csrfValid>[0], binding: string): Promise<void> {
  if (crossSite(c.req.raw)) throw csrfError();
  const form = await readForm(c);
  c.set('form', form);
  const presented = form.get(CSRF_FIELD) ?? c.req.header(CSRF_HEADER);
  if (await csrfValid(key, binding, presented)) return;
  // The form was made for a session that has since expired: ask to sign in again, not "forbidden".
  if (c.get('sessionExpired')) throw new ApiError('unauthenticated', 'session expired');
  throw csrfError();
}
