/**
 * /queue, /tickets/new, /tickets/:id and its forms. Reads through the ticket services the API uses
 * (`queueTickets` / `listTickets`, `ticketDetail`, `allowedActions`, `approvalStanding`); writes
 * through `createTicket`, `actOnTicket` and `decide`, validated with the API's own zod schemas.
 */
import { Hono } from 'hono';
import { TICKET_STATUSES, type TicketStatus } from '../../../shared/enums.js';
import { zUnitCode } from '../../../shared/schemas/common.js';
import { zApprovalBody, zTicketAction, zTicketCreate } from '../../../shared/schemas/tickets.js';
import { evidenceMetric } from '../../domain/report-metrics.js';
import { allowed, grantsFor } from '../../domain/scope.js';
import type { Action } from '../../domain/ticket-state.js';
import { ApiError, fail } from '../../http/problem.js';
import { approvalStanding, decide } from '../../services/approvals.js';
import { metricHistory } from '../../services/device-history.js';
import { hostnamesOf } from '../../services/fleet.js';
import { legalBasisOf } from '../../services/matrix.js';
import { activeMatrix } from '../../services/matrix-active.js';
import { getDevicePolicy } from '../../services/policy.js';
import type { UserPrincipal } from '../../services/principal.js';
import { verifyChain } from '../../services/ticket-core.js';
import {
  assignCandidates,
  queueable,
  queueCounts,
  queueTickets,
  ticketLabels,
} from '../../services/ticket-queue.js';
import {
  actOnTicket,
  allowedActions,
  createTicket,
  listTickets,
  ticketDetail,
  visibleTicket,
} from '../../services/tickets.js';
import { pickableUnits } from '../../services/unit-directory.js';
import { ticketHref } from '../components/tickets.js';
import { setFlash } from '../flash.js';
import { type FormFailure, formFailure, text, validateForm, valuesOf } from '../forms.js';
import { parseVnd } from '../money-input.js';
import { type PageCtx, pageCtx, signedIn } from '../page-context.js';
import { metricFrame, metricLabel } from '../pages/device.js';
import { asEvidence, type MetricHistory } from '../pages/evidence.js';
import { type QueueFilters, QueuePage } from '../pages/queue.js';
import type { ActionFailure, ActionForm } from '../pages/ticket.js';
import { TicketPage } from '../pages/ticket.js';
import { TicketFormPage } from '../pages/ticket-new.js';
import { render } from '../render.js';
import { safeNext } from '../safe-next.js';
import type { UiCtx, UiEnv } from '../ui-env.js';

const PAGE = 50;
const KEY = /^[a-z][a-z0-9_]{0,31}$/;

/** The list's filters from the query string; a value that could not be a filter is dropped. */
function filtersOf(c: UiCtx): QueueFilters {
  const q = (k: string) => c.req.query(k)?.trim() || undefined;
  const unit = q('unit');
  const status = q('status');
  return {
    unit: unit && zUnitCode.safeParse(unit).success ? unit : undefined,
    category: KEY.test(q('category') ?? '') ? q('category') : undefined,
    severity: KEY.test(q('severity') ?? '') ? q('severity') : undefined,
    status:
      status === 'all' || (TICKET_STATUSES as readonly string[]).includes(status ?? '')
        ? (status as TicketStatus | 'all')
        : undefined,
    mine: q('mine') === '1',
  };
}

async function queuePage(c: UiCtx) {
  const p = signedIn(c);
  if (grantsFor(p.grants, 'ticket.read').length === 0) throw fail.forbidden();
  const deps = c.get('deps');
  const db = deps.store.read;
  const f = filtersOf(c);
  const cursor = c.req.query('cursor') || undefined;
  const status = f.status === 'all' ? undefined : f.status;
  const byUrgency = f.status !== 'all' && queueable(status);
  const q = {
    unit: f.unit,
    category: f.category,
    severity: f.severity,
    mine: f.mine ? '1' : undefined,
    status,
  };
  const [res, counts, matrix, units, ctx] = await Promise.all([
    byUrgency
      ? queueTickets(db, p, { ...q, limit: PAGE, cursor })
      : listTickets(db, p, { ...q, limit: PAGE, cursor }),
    byUrgency ? queueCounts(db, p, q, deps.clock.now()) : Promise.resolve(undefined),
    activeMatrix(db),
    pickableUnits(db, p),
    pageCtx(c),
  ]);
  const labels = await ticketLabels(db, res.items);
  return render(
    c,
    <QueuePage
      ctx={ctx}
      d={{
        filters: f,
        work: grantsFor(p.grants, 'ticket.work').length > 0,
        byUrgency,
        items: res.items,
        counts,
        cursor,
        nextCursor: res.nextCursor,
        unitNames: labels.units,
        people: labels.people,
        categories: matrix?.body.categories ?? [],
        severities: matrix?.body.severities ?? [],
        units,
        canCreate: grantsFor(p.grants, 'ticket.create').length > 0,
      }}
    />,
  );
}

async function ticketPage(
  c: UiCtx,
  id: string,
  failure?: ActionFailure,
  status: 200 | 403 | 404 | 409 | 422 | 429 = 200,
) {
  const p = signedIn(c);
  const deps = c.get('deps');
  const db = deps.store.read;
  const now = deps.clock.now();
  const l = await visibleTicket(db, p, id);
  const [detail, chain, ctx] = await Promise.all([ticketDetail(db, p, id), verifyChain(db, id), pageCtx(c)]);
  const actions = allowedActions(p, l);
  const standing = approvalStanding(p, l.ticket, l.steps);
  const awaiting = l.ticket.status === 'awaiting_approval';
  const people = [
    ...detail.approvals.flatMap((a) => [a.by, a.asDeputyOf]),
    ...detail.events.map((e) => (e.actorKind === 'user' ? e.actorId : null)),
    ...detail.events.map((e) => (typeof e.data?.assigneeId === 'string' ? e.data.assigneeId : null)),
  ].filter((x): x is string => !!x && x !== 'vacancy');
  const [labels, candidates, basis] = await Promise.all([
    ticketLabels(
      db,
      [detail, ...detail.approvals.map((a) => ({ unitCode: a.unitCode, handler: detail.handler }))],
      people,
    ),
    actions.includes('assign') ? assignCandidates(db, l.ticket, now) : Promise.resolve([]),
    legalBasisOf(db, [{ matrixVersion: detail.routing.matrixVersion, ruleId: detail.routing.ruleId }]),
  ]);
  const deputyOf = standing?.grant?.deputyOf;
  const [device, history] = detail.deviceId
    ? await Promise.all([
        hostnamesOf(db, [detail.deviceId]).then((m) => m.get(detail.deviceId!)),
        evidenceHistory(c, p, detail, ctx),
      ])
    : [undefined, undefined];
  return render(
    c,
    <TicketPage
      ctx={ctx}
      d={{
        ticket: detail,
        actions,
        candidates,
        approval:
          awaiting && standing?.grant
            ? {
                canDecide: !standing.selfEstimated,
                selfEstimated: standing.selfEstimated,
                asDeputyOf:
                  deputyOf === undefined
                    ? undefined
                    : deputyOf === 'vacancy'
                      ? null
                      : (labels.people.get(deputyOf) ?? deputyOf),
              }
            : undefined,
        labels,
        legalBasis: basis.get(`${detail.routing.matrixVersion}|${detail.routing.ruleId}`),
        chainOk: chain.ok,
        device: device && detail.deviceId ? { id: detail.deviceId, hostname: device } : undefined,
        history,
        failure,
      }}
    />,
    status,
  );
}

/**
 * The metric that opened an agent ticket, charted from a day before its first bad reading to its
 * resolution (or now), with the thresholds of the device's policy and the evidence readings marked.
 */
async function evidenceHistory(
  c: UiCtx,
  p: UserPrincipal,
  detail: Awaited<ReturnType<typeof ticketDetail>>,
  ctx: PageCtx,
): Promise<MetricHistory | undefined> {
  const e = asEvidence(detail.evidence);
  const metric = e && evidenceMetric(e.check, e.subject);
  if (!e || !metric || !detail.deviceId || e.readings.length === 0) return undefined;
  const deps = c.get('deps');
  const first = Math.min(...e.readings.map((r) => Date.parse(r.at)));
  const to = detail.resolvedAt ? new Date(detail.resolvedAt) : deps.clock.now();
  const policy = await getDevicePolicy(deps, p, detail.deviceId).catch(() => undefined);
  if (!policy) return undefined;
  const points = await metricHistory(
    deps.store.read,
    detail.deviceId,
    metric,
    new Date(first - 86_400_000),
    to,
  );
  const bad = new Set(e.readings.filter((r) => r.bad).map((r) => Date.parse(r.at)));
  const frame = metricFrame(ctx, metric, policy.effective);
  return {
    title: metricLabel(ctx, metric, policy.effective),
    unit: frame.unit,
    lines: frame.lines,
    domain: frame.domain,
    points: points.map((x) => ({ ...x, bad: bad.has(x.at.getTime()) })),
  };
}

const FORM_OF: Record<Action, ActionForm> = {
  acknowledge: 'status',
  start: 'status',
  wait_parts: 'status',
  resolve: 'status',
  close: 'status',
  reopen: 'status',
  assign: 'assign',
  estimate: 'estimate',
  comment: 'comment',
};

function failureOf(
  form: ActionForm,
  ff: FormFailure,
  values: Record<string, string | undefined>,
): ActionFailure {
  return { form, message: ff.message, fields: ff.fields, values };
}

export const ticketPages = new Hono<UiEnv>()
  .get('/queue', (c) => queuePage(c))
  .get('/tickets', (c) => {
    signedIn(c);
    const q = new URL(c.req.url).search;
    return c.redirect(`/queue${q}`, 302);
  })
  .get('/tickets/new', async (c) => {
    const p = signedIn(c);
    if (grantsFor(p.grants, 'ticket.create').length === 0) throw fail.forbidden();
    return newTicketForm(c, {
      unitCode: c.req.query('unit')?.slice(0, 32),
      deviceId: c.req.query('device')?.slice(0, 64),
    });
  })
  .post('/tickets', async (c) => {
    const p = signedIn(c);
    const deps = c.get('deps');
    const lang = c.get('lang');
    const t = c.get('t');
    const form = c.get('form')!;
    const values = valuesOf(form, ['unitCode', 'category', 'severity', 'title', 'description', 'deviceId']);
    try {
      const input = validateForm(
        zTicketCreate,
        {
          unitCode: text(form, 'unitCode') ?? '',
          category: text(form, 'category') ?? '',
          severity: text(form, 'severity') ?? '',
          title: text(form, 'title') ?? '',
          description: text(form, 'description'),
          deviceId: text(form, 'deviceId'),
        },
        t,
        lang,
      );
      const ticket = await createTicket(deps, p, input);
      setFlash(c, 'success', 'ticketCreated', [String(ticket.number)]);
      return c.redirect(ticketHref(ticket.id), 303);
    } catch (e) {
      const ff = formFailure(e, t, lang, { inputCodes: ['forbidden'], field: 'unitCode' });
      if (!ff) throw e;
      return newTicketForm(c, values, ff);
    }
  })
  .get('/tickets/:id', (c) => ticketPage(c, c.req.param('id')))
  .post('/tickets/:id/actions', async (c) => {
    const p = signedIn(c);
    const deps = c.get('deps');
    const lang = c.get('lang');
    const t = c.get('t');
    const form = c.get('form')!;
    const id = c.req.param('id');
    const raw = text(form, 'action');
    const action = (raw && raw in FORM_OF ? raw : 'comment') as Action;
    const which = FORM_OF[action];
    const values = valuesOf(form, ['note', 'cost', 'assigneeId']);
    try {
      const costText = text(form, 'cost');
      const cost = costText === undefined ? undefined : parseVnd(costText);
      if (action === 'estimate' && (cost === undefined || Number.isNaN(cost)))
        throw new ApiError('validation_failed', t.common.formHasErrors, {
          errors: [
            {
              path: 'costEstimateVnd',
              message: cost === undefined ? t.forms.required : t.ticket.estimateBad,
            },
          ],
          localised: true,
        });
      const body = validateForm(
        zTicketAction,
        {
          action: raw,
          note: text(form, 'note'),
          costEstimateVnd: cost,
          assigneeId: text(form, 'assigneeId'),
        },
        t,
        lang,
      );
      await actOnTicket(deps, p, id, body);
      setFlash(c, 'success', 'ticketAction', [body.action]);
      return c.redirect(ticketHref(id), 303);
    } catch (e) {
      const ff = formFailure(e, t, lang);
      if (!ff) throw e;
      return ticketPage(c, id, failureOf(which, ff, values), ff.status);
    }
  })
  .post('/tickets/:id/approval', async (c) => {
    const p = signedIn(c);
    const deps = c.get('deps');
    const lang = c.get('lang');
    const t = c.get('t');
    const form = c.get('form')!;
    const id = c.req.param('id');
    try {
      const body = validateForm(
        zApprovalBody,
        { decision: text(form, 'decision'), note: text(form, 'note') ?? '' },
        t,
        lang,
      );
      const ticket = await decide(deps, p, id, body);
      setFlash(c, 'success', body.decision === 'approve' ? 'approved' : 'rejected', [String(ticket.number)]);
      const back = form.get('back');
      return c.redirect(back ? safeNext(back) : ticketHref(id), 303);
    } catch (e) {
      const ff = formFailure(e, t, lang);
      if (!ff) throw e;
      return ticketPage(c, id, failureOf('approval', ff, valuesOf(form, ['note'])), ff.status);
    }
  });

async function newTicketForm(c: UiCtx, values: Record<string, string | undefined>, failure?: FormFailure) {
  const p = signedIn(c);
  const db = c.get('deps').store.read;
  const [matrix, units, ctx] = await Promise.all([activeMatrix(db), pickableUnits(db, p), pageCtx(c)]);
  return render(
    c,
    <TicketFormPage
      ctx={ctx}
      state={{ values, errors: failure?.fields ?? {} }}
      message={failure?.message}
      categories={matrix?.body.categories ?? []}
      severities={matrix?.body.severities ?? []}
      units={units.filter((u) => allowed(p.grants, 'ticket.create', u))}
    />,
    failure?.status ?? 200,
  );
}
