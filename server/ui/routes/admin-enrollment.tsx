/**
 * /admin/enrollment — creating enrollment tokens (the API's own `createEnrollmentToken`) and showing a
 * new token exactly once. The post seals the token into a short-lived HttpOnly cookie bound to the
 * session and redirects; the next GET shows it and deletes the cookie, so a reload, the back button or
 * another person at the same PC later cannot show it again (ADR 0602).
 */
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { zUnitCode } from '../../../shared/schemas/common.js';
import { zEnrollmentTokenCreate } from '../../../shared/schemas/enrollment.js';
import { allowed, grantsFor } from '../../domain/scope.js';
import { decodeCursor, encodeCursor } from '../../http/pagination.js';
import { fail } from '../../http/problem.js';
import { createEnrollmentToken } from '../../services/enrollment.js';
import { listEnrollmentTokens } from '../../services/enrollment-list.js';
import { pickableUnits } from '../../services/unit-directory.js';
import { unitForCaller } from '../../services/units.js';
import { type FormFailure, formFailure, num, text, validateForm, valuesOf } from '../forms.js';
import { pageCtx, signedIn } from '../page-context.js';
import { EnrollmentPage, enrollmentDefaults, type RevealedToken } from '../pages/enrollment.js';
import { render } from '../render.js';
import { seal, unseal } from '../sealed.js';
import { uiKeys } from '../secrets.js';
import type { UiCtx, UiEnv } from '../ui-env.js';

const PAGE = 50;

/** The API's body for a token, plus the unit the API takes from the URL. */
const zEnrollmentForm = zEnrollmentTokenCreate.extend({ unitCode: zUnitCode });
const REVEAL_COOKIE = 'onestop_reveal';
const REVEAL_PATH = '/admin/enrollment';
const revealBinding = (sessionId: string) => `enrollment-reveal:${sessionId}`;

async function page(
  c: UiCtx,
  opts: { values?: Record<string, string | undefined>; failure?: FormFailure; reveal?: RevealedToken } = {},
) {
  const p = signedIn(c);
  if (grantsFor(p.grants, 'enrollment.create').length === 0) throw fail.forbidden();
  const db = c.get('deps').store.read;
  const ctx = await pageCtx(c);
  const unitCode = c.req.query('unit')?.slice(0, 32) || undefined;
  const unit = unitCode ? await unitForCaller(db, p, unitCode, 'enrollment.create') : undefined;
  const cursor = c.req.query('cursor') || undefined;
  const before = decodeCursor(cursor, 2);
  const [list, units] = await Promise.all([
    listEnrollmentTokens(db, p, {
      limit: PAGE,
      unit,
      before: before ? { at: Number(before[0]), id: String(before[1]) } : undefined,
    }),
    pickableUnits(db, p),
  ]);
  return render(
    c,
    <EnrollmentPage
      ctx={ctx}
      reveal={opts.reveal}
      state={{
        values: opts.values ?? enrollmentDefaults(ctx.lang, unit?.code),
        errors: opts.failure?.fields ?? {},
      }}
      message={opts.failure?.message}
      units={units.filter((u) => allowed(p.grants, 'enrollment.create', u))}
      tokens={list.items}
      unitFilter={unit ? { code: unit.code, name: unit.name } : undefined}
      cursor={cursor}
      nextCursor={list.next ? encodeCursor([list.next.at, list.next.id]) : null}
    />,
    opts.failure?.status ?? 200,
  );
}

export const enrollmentPages = new Hono<UiEnv>()
  .get('/admin/enrollment', async (c) => {
    const p = signedIn(c);
    let reveal: RevealedToken | undefined;
    const sealed = getCookie(c, REVEAL_COOKIE);
    if (sealed) {
      deleteCookie(c, REVEAL_COOKIE, { path: REVEAL_PATH });
      const keys = await uiKeys(c.get('deps').store);
      reveal = await unseal<RevealedToken>(keys.seal, sealed, revealBinding(p.sessionId));
    }
    return page(c, { reveal });
  })
  .post('/admin/enrollment', async (c) => {
    const p = signedIn(c);
    const deps = c.get('deps');
    const lang = c.get('lang');
    const t = c.get('t');
    const form = c.get('form')!;
    try {
      const { unitCode, ...input } = validateForm(
        zEnrollmentForm,
        {
          unitCode: text(form, 'unitCode'),
          expiresInHours: num(form, 'expiresInHours'),
          maxUses: num(form, 'maxUses'),
        },
        t,
        lang,
      );
      const created = await createEnrollmentToken(deps, p, unitCode, input);
      const unit = await unitForCaller(deps.store.read, p, created.unitCode, 'enrollment.create');
      const reveal: RevealedToken = {
        token: created.token,
        unitCode: created.unitCode,
        unitName: unit.name,
        expiresAt: created.expiresAt,
        maxUses: created.maxUses,
        server: new URL(c.req.url).origin,
      };
      const keys = await uiKeys(deps.store);
      setCookie(c, REVEAL_COOKIE, await seal(keys.seal, reveal, revealBinding(p.sessionId)), {
        httpOnly: true,
        sameSite: 'Strict',
        path: REVEAL_PATH,
        maxAge: 300,
        secure: new URL(c.req.url).protocol === 'https:',
      });
      return c.redirect(`${REVEAL_PATH}?unit=${encodeURIComponent(created.unitCode)}`, 303);
    } catch (e) {
      const ff = formFailure(e, t, lang, { inputCodes: ['not_found', 'forbidden'], field: 'unitCode' });
      if (!ff) throw e;
      return page(c, { values: valuesOf(form, ['unitCode', 'expiresInHours', 'maxUses']), failure: ff });
    }
  });
