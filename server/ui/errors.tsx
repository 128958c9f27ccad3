/**
 * The UI's error path: the same `ApiError`s the services throw, shown as pages in the reader's
 * language instead of problem+json. Not signed in → to the sign-in page (coming back afterwards);
 * everything else → an error page with the service's own explanation and a way on.
 */
import type { ErrorHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ApiError, langOf, msgIn } from '../http/problem.js';
import { setFlash } from './flash.js';
import { dict } from './i18n/index.js';
import { type PageCtx, pageCtx } from './page-context.js';
import { ErrorPage } from './pages/error.js';
import { render } from './render.js';
import type { UiCtx, UiEnv } from './ui-env.js';

export const uiErrorHandler: ErrorHandler<UiEnv> = async (err, c) => {
  if (!c.get('t')) {
    const lang = langOf(c);
    c.set('lang', lang);
    c.set('t', dict(lang));
  }
  const t = c.get('t');
  const lang = c.get('lang');

  if (err instanceof ApiError && err.code === 'unauthenticated') {
    // Say why the sign-in page appears when a session ran out (not for a first visit).
    if (c.get('sessionExpired')) setFlash(c, 'info', 'sessionExpired');
    const back = c.req.method === 'GET' ? new URL(c.req.url) : undefined;
    const next = back ? back.pathname + back.search : '';
    return c.redirect(next && next !== '/' ? `/login?next=${encodeURIComponent(next)}` : '/login', 303);
  }

  let status: ContentfulStatusCode;
  let title: string;
  let message: string;
  const httpStatus = (err as unknown as { status?: unknown }).status;
  if (err instanceof ApiError) {
    status = err.status;
    message = err.extra.csrf ? t.errors.csrf : msgIn(err.detail, lang);
    title = err.extra.csrf ? t.errors.csrfTitle : titleFor(err, t);
    if (err.extra.retryAfterSec !== undefined)
      c.header('retry-after', String(Math.ceil(err.extra.retryAfterSec)));
  } else if (typeof httpStatus === 'number' && httpStatus >= 400 && httpStatus < 500) {
    status = httpStatus as ContentfulStatusCode;
    title = t.errors.invalidTitle;
    message = t.errors.unsupportedForm;
  } else {
    c.get('deps').logger.error('unhandled error in UI', {
      requestId: c.get('requestId'),
      method: c.req.method,
      path: new URL(c.req.url).pathname,
      error: err instanceof Error ? (err.stack ?? err.message) : String(err),
    });
    status = 500;
    title = t.errors.serverTitle;
    message = t.errors.server(c.get('requestId'));
  }
  return render(c, <ErrorPage ctx={await safeCtx(c)} title={title} message={message} />, status);
};

function titleFor(err: ApiError, t: ReturnType<typeof dict>): string {
  switch (err.code) {
    case 'not_found':
      return t.errors.notFoundTitle;
    case 'forbidden':
      return t.errors.forbiddenTitle;
    case 'conflict':
      return t.errors.conflictTitle;
    case 'rate_limited':
      return t.errors.tooManyTitle;
    case 'payload_too_large':
      return t.errors.tooLarge;
    case 'internal':
    case 'unavailable':
      return t.errors.serverTitle;
    default:
      return t.errors.invalidTitle;
  }
}

/** The page context, or a bare one when even that fails (e.g. the database is away). */
async function safeCtx(c: UiCtx): Promise<PageCtx> {
  try {
    if (c.get('csrf') === undefined) c.set('csrf', '');
    return await pageCtx(c);
  } catch {
    return {
      lang: c.get('lang'),
      t: c.get('t'),
      csrf: '',
      path: new URL(c.req.url).pathname,
      url: '/',
      now: new Date(0),
      requestId: c.get('requestId'),
      nav: [],
      adminNav: [],
      unread: 0,
    };
  }
}

/** GET for a path no UI page answers: a 404 page (the API's own 404 stays problem+json). */
export async function notFoundPage(c: UiCtx): Promise<Response> {
  const t = c.get('t');
  return render(
    c,
    <ErrorPage ctx={await safeCtx(c)} title={t.errors.notFoundTitle} message={t.errors.notFound} />,
    404,
  );
}
