/**
 * /r/:tag — the address a QR label encodes. Not signed in: to the sign-in page and back here (the
 * UI's `next`). Then the short fault form, `reportAssetFault` (the API's service: one ticket, the
 * asset set broken), and the ticket's number; a live ticket already open for the asset is shown as
 * such (the service's 409 with `ticketId`/`number`), not as an error. An unknown label — or one
 * outside the reader's scope, which must look the same — is a friendly 404.
 */
import { Hono } from 'hono';
import { type AssetDetail, zAssetFaultReport } from '../../../shared/schemas/assets.js';
import { assetByTag } from '../../db/repos/assets.js';
import { unitByCode } from '../../db/repos/units.js';
import { allowed } from '../../domain/scope.js';
import { ApiError, msgIn } from '../../http/problem.js';
import { getAsset, reportAssetFault } from '../../services/assets.js';
import type { UserPrincipal } from '../../services/principal.js';
import { reportHref } from '../components/equipment.js';
import { emptyFieldState } from '../components/form.js';
import { formFailure, text, validateForm, valuesOf } from '../forms.js';
import { pageCtx, signedIn } from '../page-context.js';
import { ReportPage, type ReportState, UnknownTagPage } from '../pages/equipment-report.js';
import { render } from '../render.js';
import type { UiCtx, UiEnv } from '../ui-env.js';

const CLOSED = new Set(['resolved', 'closed']);

/** The asset behind a label, as the reader may see it; undefined when unknown or out of scope. */
async function assetOfTag(c: UiCtx, p: UserPrincipal, tag: string): Promise<AssetDetail | undefined> {
  const deps = c.get('deps');
  const row = tag.length <= 40 ? await assetByTag(deps.store.read, tag) : undefined;
  if (!row) return undefined;
  try {
    return await getAsset(deps, p, row.id);
  } catch (e) {
    if (e instanceof ApiError && e.code === 'not_found') return undefined;
    throw e;
  }
}

async function unknown(c: UiCtx, tag: string) {
  return render(c, <UnknownTagPage ctx={await pageCtx(c)} tag={tag.slice(0, 40)} />, 404);
}

/** What the page shows before any report: the form, or why there is none. */
async function startState(c: UiCtx, p: UserPrincipal, a: AssetDetail): Promise<[ReportState, 200 | 403]> {
  const t = c.get('t');
  const shown = c.req.query('ticket');
  const made = shown ? a.tickets.find((x) => x.id === shown) : undefined;
  if (made) return [{ kind: 'reported', ticketId: made.id, number: made.number }, 200];
  if (a.status === 'retired') return [{ kind: 'cannot', message: t.equipment.retired }, 200];
  const unit = await unitByCode(c.get('deps').store.read, a.unitCode);
  if (!unit || !allowed(p.grants, 'asset.report', unit))
    return [{ kind: 'cannot', message: t.equipment.cannotReport }, 403];
  // Without a PC behind it, the asset's tickets are exactly those the service counts as live ones.
  const live = a.deviceId ? undefined : a.tickets.find((x) => !CLOSED.has(x.status));
  if (live) return [{ kind: 'already', ticketId: live.id, number: live.number }, 200];
  return [{ kind: 'form', state: emptyFieldState({ severity: 'major' }) }, 200];
}

export const faultReportPages = new Hono<UiEnv>()
  .get('/r/:tag', async (c) => {
    const p = signedIn(c);
    const tag = c.req.param('tag');
    const a = await assetOfTag(c, p, tag);
    if (!a) return unknown(c, tag);
    const [state, status] = await startState(c, p, a);
    return render(c, <ReportPage ctx={await pageCtx(c)} asset={a} s={state} />, status);
  })
  .post('/r/:tag', async (c) => {
    const p = signedIn(c);
    const deps = c.get('deps');
    const t = c.get('t');
    const lang = c.get('lang');
    const form = c.get('form')!;
    const tag = c.req.param('tag');
    const a = await assetOfTag(c, p, tag);
    if (!a) return unknown(c, tag);
    const values = valuesOf(form, ['description', 'severity']);
    try {
      const input = validateForm(
        zAssetFaultReport,
        { description: text(form, 'description') ?? '', severity: text(form, 'severity') ?? 'major' },
        t,
        lang,
      );
      const ticket = await reportAssetFault(deps, p, a.id, input);
      return c.redirect(`${reportHref(a.assetTag)}?ticket=${encodeURIComponent(ticket.id)}`, 303);
    } catch (e) {
      const ctx = () => pageCtx(c);
      if (e instanceof ApiError && e.code === 'conflict') {
        const ticketId = e.extra.ticketId;
        const number = e.extra.number;
        if (typeof ticketId === 'string' && typeof number === 'number')
          return render(
            c,
            <ReportPage ctx={await ctx()} asset={a} s={{ kind: 'already', ticketId, number }} />,
            409,
          );
      }
      if (e instanceof ApiError && (e.code === 'conflict' || e.code === 'forbidden')) {
        // Retired meanwhile, or the role does not allow it: say so (the service's own words).
        const message = e.code === 'forbidden' ? t.equipment.cannotReport : msgIn(e.detail, lang);
        return render(
          c,
          <ReportPage ctx={await ctx()} asset={a} s={{ kind: 'cannot', message }} />,
          e.status as 403 | 409,
        );
      }
      const ff = formFailure(e, t, lang);
      if (!ff) throw e;
      return render(
        c,
        <ReportPage
          ctx={await ctx()}
          asset={a}
          s={{ kind: 'form', state: { values, errors: ff.fields }, message: ff.message }}
        />,
        ff.status,
      );
    }
  });
