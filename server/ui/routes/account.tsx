/**
 * /account/password and /account/sessions — every signed-in person's own account, through the API's
 * own `changeOwnPassword`, `listOwnSessions`, `revokeOwnSession` and `revokeOtherSessions`. Also the
 * middleware that sends a person whose password an administrator reset to the change page first.
 */
import { Hono, type MiddlewareHandler } from 'hono';
import { zPasswordChange } from '../../../shared/schemas/accounts.js';
import { clearSessionCookie } from '../../http/auth-middleware.js';
import { decodeCursor, encodeCursor } from '../../http/pagination.js';
import { ApiError } from '../../http/problem.js';
import {
  changeOwnPassword,
  listOwnSessions,
  revokeOtherSessions,
  revokeOwnSession,
} from '../../services/accounts.js';
import { setFlash } from '../flash.js';
import { formFailure, validateForm } from '../forms.js';
import { isUiPath } from '../middleware.js';
import { pageCtx, signedIn } from '../page-context.js';
import { PasswordPage, SessionsPage } from '../pages/account.js';
import { render } from '../render.js';
import { safeNext } from '../safe-next.js';
import { ipOf, type UiCtx, type UiEnv } from '../ui-env.js';

const PAGE = 50;

/** What a person who must change their password may still reach: the change itself, signing out, the language. */
const WHILE_FORCED = new Set(['/account/password', '/logout', '/lang', '/login']);

/**
 * After an administrator's reset every other page redirects to the change page (remembering where
 * the person was going). The JSON API is not affected (docs/adr/0701-forced-password-change.md).
 */
export function forcePasswordChange(): MiddlewareHandler<UiEnv> {
  return async (c, next) => {
    const p = c.get('principal');
    const path = c.req.path;
    if (!p?.mustChangePassword || !isUiPath(path) || path.startsWith('/assets/') || WHILE_FORCED.has(path))
      return next();
    const url = new URL(c.req.url);
    const back = c.req.method === 'GET' ? safeNext(url.pathname + url.search) : '/';
    return c.redirect(`/account/password${back === '/' ? '' : `?next=${encodeURIComponent(back)}`}`, 303);
  };
}

async function passwordPage(
  c: UiCtx,
  next: string,
  failure?: { status: 401 | 403 | 404 | 409 | 422 | 429; message?: string; fields?: Record<string, string> },
) {
  const p = signedIn(c);
  return render(
    c,
    <PasswordPage
      ctx={await pageCtx(c)}
      state={{ values: {}, errors: failure?.fields ?? {} }}
      forced={!!p.mustChangePassword}
      next={next}
      message={failure?.message}
    />,
    failure?.status ?? 200,
  );
}

export const accountPages = new Hono<UiEnv>()
  .get('/account', (c) => {
    signedIn(c);
    return c.redirect('/account/password', 302);
  })
  .get('/account/password', (c) => passwordPage(c, safeNext(c.req.query('next'))))
  .post('/account/password', async (c) => {
    const p = signedIn(c);
    const t = c.get('t');
    const lang = c.get('lang');
    const form = c.get('form')!;
    const next = safeNext(form.get('next'));
    const input = {
      currentPassword: form.get('currentPassword') ?? '',
      newPassword: form.get('newPassword') ?? '',
    };
    try {
      const body = validateForm(zPasswordChange, input, t, lang);
      if (body.newPassword !== (form.get('confirmPassword') ?? ''))
        return passwordPage(c, next, {
          status: 422,
          message: t.common.formHasErrors,
          fields: { confirmPassword: t.account.mismatch },
        });
      await changeOwnPassword(c.get('deps'), p, body, { ip: ipOf(c), userAgent: c.req.header('user-agent') });
    } catch (e) {
      if (e instanceof ApiError && e.code === 'rate_limited') {
        const sec = Math.ceil(Number(e.extra.retryAfterSec ?? 60));
        c.header('retry-after', String(sec));
        return passwordPage(c, next, {
          status: 429,
          message: t.account.throttled(Math.max(1, Math.ceil(sec / 60))),
        });
      }
      const ff = formFailure(e, t, lang);
      if (!ff) throw e;
      // The service names the one field it refuses (wrong current password, same as before): say it there.
      const fields = Object.fromEntries(
        Object.entries(ff.fields).map(([k, v]) => [k, v === t.forms.seeSummary ? ff.message : v]),
      );
      return passwordPage(c, next, { status: ff.status, message: ff.message, fields });
    }
    setFlash(c, 'success', 'passwordChanged');
    return c.redirect(next, 303);
  })
  .get('/account/sessions', async (c) => {
    const p = signedIn(c);
    const deps = c.get('deps');
    const cursor = c.req.query('cursor') || undefined;
    const before = decodeCursor(cursor, 1);
    const res = await listOwnSessions(deps.store.read, p, deps.clock.now(), {
      limit: PAGE,
      beforeId: before ? String(before[0]) : undefined,
    });
    return render(
      c,
      <SessionsPage
        ctx={await pageCtx(c)}
        sessions={res.items}
        cursor={cursor}
        nextCursor={res.nextBeforeId ? encodeCursor([res.nextBeforeId]) : null}
      />,
    );
  })
  .post('/account/sessions/revoke-others', async (c) => {
    const p = signedIn(c);
    const n = await revokeOtherSessions(c.get('deps'), p);
    setFlash(c, 'success', 'sessionsRevoked', [String(n)]);
    return c.redirect('/account/sessions', 303);
  })
  .post('/account/sessions/:id/revoke', async (c) => {
    const p = signedIn(c);
    const id = c.req.param('id');
    await revokeOwnSession(c.get('deps'), p, id);
    if (id === p.sessionId) {
      // Ending the session in use is signing out.
      clearSessionCookie(c);
      setFlash(c, 'success', 'signedOut');
      return c.redirect('/login', 303);
    }
    setFlash(c, 'success', 'sessionRevoked');
    return c.redirect('/account/sessions', 303);
  });
