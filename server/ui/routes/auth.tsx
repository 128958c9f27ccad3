/**
 * Sign in, sign out, language. Sign-in uses the API's own `login` service and sets the very same
 * HttpOnly, SameSite=Lax session cookie as POST /api/v1/auth/login; sign-out uses `logout`.
 */
import { Hono } from 'hono';
import { setCookie } from 'hono/cookie';
import { zLoginBody } from '../../../shared/schemas/auth.js';
import { clearSessionCookie, setSessionCookie } from '../../http/auth-middleware.js';
import { ApiError } from '../../http/problem.js';
import { login, logout } from '../../services/auth.js';
import { emptyFieldState } from '../components/form.js';
import { setFlash } from '../flash.js';
import { formFailure, text, validateForm } from '../forms.js';
import { isLang, LANG_COOKIE } from '../i18n/index.js';
import { pageCtx } from '../page-context.js';
import { SignInPage } from '../pages/sign-in.js';
import { render } from '../render.js';
import { safeNext } from '../safe-next.js';
import { ipOf, type UiEnv } from '../ui-env.js';

const YEAR_SEC = 365 * 24 * 3600;

export const authPages = new Hono<UiEnv>()
  .get('/login', async (c) => {
    const next = safeNext(c.req.query('next'));
    if (c.get('principal')) return c.redirect(next, 303);
    const ctx = await pageCtx(c);
    return render(c, <SignInPage ctx={ctx} state={emptyFieldState()} next={next} />);
  })
  .post('/login', async (c) => {
    const deps = c.get('deps');
    const lang = c.get('lang');
    const t = c.get('t');
    const form = c.get('form')!;
    const next = safeNext(form.get('next'));
    const values = { username: text(form, 'username') };
    const again = async (
      status: 401 | 422 | 429,
      error: string | undefined,
      errors: Record<string, string> = {},
    ) =>
      render(
        c,
        <SignInPage ctx={await pageCtx(c)} state={{ values, errors }} next={next} error={error} />,
        status,
      );

    let res: Awaited<ReturnType<typeof login>>;
    try {
      const body = validateForm(
        zLoginBody,
        { username: values.username ?? '', password: form.get('password') ?? '' },
        t,
        lang,
      );
      res = await login(deps, body, { ip: ipOf(c), userAgent: c.req.header('user-agent') });
    } catch (e) {
      const ff = formFailure(e, t, lang);
      if (ff) return again(422, undefined, ff.fields);
      if (e instanceof ApiError && e.code === 'unauthenticated') return again(401, t.auth.wrongCredentials);
      if (e instanceof ApiError && e.code === 'rate_limited') {
        const sec = Math.ceil(Number(e.extra.retryAfterSec ?? 60));
        c.header('retry-after', String(sec));
        return again(429, t.auth.throttled(Math.max(1, Math.ceil(sec / 60))));
      }
      throw e;
    }
    // Signing in over an existing session (another account on a shared counter PC) ends that one.
    const previous = c.get('principal');
    if (previous) await logout(deps, previous);
    setSessionCookie(c, res.token, res.expiresAt);
    return c.redirect(next, 303);
  })
  .post('/logout', async (c) => {
    const p = c.get('principal');
    if (p) await logout(c.get('deps'), p);
    clearSessionCookie(c);
    setFlash(c, 'success', 'signedOut');
    return c.redirect('/login', 303);
  })
  .post('/lang', async (c) => {
    const form = c.get('form')!;
    const lang = form.get('lang');
    if (isLang(lang)) {
      setCookie(c, LANG_COOKIE, lang, {
        sameSite: 'Lax',
        path: '/',
        maxAge: YEAR_SEC,
        secure: new URL(c.req.url).protocol === 'https:',
        httpOnly: true,
      });
    }
    return c.redirect(safeNext(form.get('back'), { allowAuthPages: true }), 303);
  });
