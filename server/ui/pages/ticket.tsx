/**
 * The ticket page: what and where, its deadlines (countdowns in Vietnam time), who handles it and at
 * what cost, the actions the reader may take now (exactly those the service would accept), the
 * approval chain with its decision form, why it was routed here (rule, explanation, legal basis), the
 * readings that opened it, and the append-only timeline.
 */
import type { Child } from 'hono/jsx';
import type { TicketView } from '../../../shared/schemas/tickets.js';
import type { Action } from '../../domain/ticket-state.js';
import type { AssignCandidate, TicketLabels } from '../../services/ticket-queue.js';
import type { EventView } from '../../services/tickets.js';
import { Badge, SeverityBadge, TicketStatusBadge } from '../components/badge.js';
import { Notice } from '../components/flash.js';
import { CsrfField } from '../components/form.js';
import { Breadcrumbs, Layout, PageHead } from '../components/layout.js';
import { unitText } from '../components/tickets.js';
import { Countdown, DateTime } from '../components/time.js';
import { formatDateTime, formatVnd } from '../format.js';
import { labelOf } from '../i18n/index.js';
import type { PageCtx } from '../page-context.js';
import { Evidence, type MetricHistory } from './evidence.js';

export type ActionForm = 'status' | 'assign' | 'estimate' | 'comment' | 'approval';

/** A form on this page that was not accepted: which one, the message, and what was typed. */
export interface ActionFailure {
  form: ActionForm;
  message: string;
  fields: Record<string, string>;
  values: Record<string, string | undefined>;
}

export interface TicketPageData {
  ticket: TicketView & { events: EventView[]; evidence: unknown };
  actions: Action[];
  candidates: AssignCandidate[];
  /** The reader may decide the current approval step (or is barred by separation of duties). */
  approval?: { canDecide: boolean; selfEstimated: boolean; asDeputyOf?: string | null };
  labels: TicketLabels;
  legalBasis?: string;
  chainOk: boolean;
  device?: { id: string; hostname: string };
  /** The metric that opened an agent ticket, over time. */
  history?: MetricHistory;
  failure?: ActionFailure;
}

const STATUS_ACTIONS: Action[] = ['acknowledge', 'start', 'wait_parts', 'resolve', 'close', 'reopen'];
/** The step that usually comes next, shown as the primary button. */
const PRIMARY: Partial<Record<string, Action>> = {
  open: 'acknowledge',
  acknowledged: 'start',
  approved: 'start',
  waiting_parts: 'start',
  in_progress: 'resolve',
  rejected: 'resolve',
  resolved: 'close',
  closed: 'reopen',
};

function FormError({ f, form }: { f?: ActionFailure; form: ActionForm }) {
  if (!f || f.form !== form) return null;
  return (
    <div class="form-summary" role="alert">
      <p>
        <strong>{f.message}</strong>
      </p>
    </div>
  );
}

function FieldError({ f, form, name }: { f?: ActionFailure; form: ActionForm; name: string }) {
  const m = f?.form === form ? f.fields[name] : undefined;
  return m ? (
    <span class="error" id={`${form}-${name}-error`}>
      {m}
    </span>
  ) : null;
}

const roleName = (ctx: PageCtx, role: string) => labelOf(ctx.t.roles, role);

function Sla({ ctx, x }: { ctx: PageCtx; x: TicketView }) {
  const { t, lang } = ctx;
  const live = x.status !== 'resolved' && x.status !== 'closed';
  return (
    <section class="card" aria-labelledby="sla-h">
      <h2 id="sla-h">{t.ticket.sla}</h2>
      <dl class="facts facts-tight">
        <dt>{t.ticket.respondBy}</dt>
        <dd>
          {x.sla.respondedAt ? (
            <span class="muted">
              {t.ticket.respondedAt(formatDateTime(new Date(x.sla.respondedAt), lang))}
            </span>
          ) : (
            <>
              <Countdown due={new Date(x.sla.respondBy)} now={ctx.now} lang={lang} />
              <div class="muted small">{formatDateTime(new Date(x.sla.respondBy), lang)}</div>
            </>
          )}
        </dd>
        <dt>{t.ticket.resolveBy}</dt>
        <dd>
          {!live ? (
            <span class="muted">
              {t.ticket.resolvedAt(formatDateTime(new Date(x.resolvedAt ?? x.closedAt ?? x.updatedAt), lang))}
            </span>
          ) : x.sla.clock === 'paused' ? (
            <>
              <Badge tone="neutral" label={t.queue.paused} />
              <div class="muted small">{formatDateTime(new Date(x.sla.resolveBy), lang)}</div>
            </>
          ) : (
            <>
              <Countdown due={new Date(x.sla.resolveBy)} now={ctx.now} lang={lang} />
              <div class="muted small">{formatDateTime(new Date(x.sla.resolveBy), lang)}</div>
            </>
          )}
        </dd>
      </dl>
      {x.sla.clock === 'paused' && live && <p class="small muted">{t.ticket.clockPaused}</p>}
      {(x.sla.breached?.respond || x.sla.breached?.resolve || x.escalationLevel > 0) && (
        <p class="badges">
          {x.sla.breached?.respond && <Badge tone="danger" label={t.ticket.breachedRespond} />}
          {x.sla.breached?.resolve && <Badge tone="danger" label={t.ticket.breachedResolve} />}
          {x.escalationLevel > 0 && <Badge tone="warn" label={t.ticket.escalationLevel(x.escalationLevel)} />}
        </p>
      )}
      <p class="small muted">{t.ticket.workingTimeNote}</p>
    </section>
  );
}

function Handling({ ctx, d }: { ctx: PageCtx; d: TicketPageData }) {
  const { t, lang } = ctx;
  const x = d.ticket;
  return (
    <section class="card" aria-labelledby="handling-h">
      <h2 id="handling-h">{t.ticket.handling}</h2>
      <dl class="facts facts-tight">
        <dt>{t.ticket.unit}</dt>
        <dd>{unitText(x.unitCode, d.labels.units)}</dd>
        {d.device && (
          <>
            <dt>{t.ticket.device}</dt>
            <dd>
              <a href={`/fleet/devices/${encodeURIComponent(d.device.id)}`}>{d.device.hostname}</a>
            </dd>
          </>
        )}
        <dt>{t.ticket.handlerQueue}</dt>
        <dd>{`${roleName(ctx, x.handler.role)} · ${unitText(x.handler.unitCode, d.labels.units)}`}</dd>
        <dt>{t.ticket.assignee}</dt>
        <dd>
          {x.assigneeId ? (
            (d.labels.people.get(x.assigneeId) ?? x.assigneeId)
          ) : (
            <span class="muted">{t.ticket.unassigned}</span>
          )}
        </dd>
        <dt>{t.ticket.cost}</dt>
        <dd>
          {x.costEstimateVnd !== undefined ? (
            <strong class="money">{formatVnd(x.costEstimateVnd, lang)}</strong>
          ) : (
            <span class="muted">{t.ticket.noCost}</span>
          )}
        </dd>
        <dt>{t.ticket.createdAt}</dt>
        <dd>
          <DateTime at={new Date(x.createdAt)} lang={lang} />
        </dd>
      </dl>
    </section>
  );
}

function Actions({ ctx, d }: { ctx: PageCtx; d: TicketPageData }) {
  const { t } = ctx;
  const x = d.ticket;
  const f = d.failure;
  const action = `/tickets/${encodeURIComponent(x.id)}/actions`;
  const statusActions = STATUS_ACTIONS.filter((a) => d.actions.includes(a));
  const can = (a: Action) => d.actions.includes(a);
  const me = ctx.user?.id;
  const inQueue = d.candidates.some((c) => c.id === me);
  const val = (form: ActionForm, name: string) => (f?.form === form ? (f.values[name] ?? '') : '');
  if (d.actions.length === 0)
    return (
      <section class="card" aria-labelledby="actions-h">
        <h2 id="actions-h">{t.ticket.actions}</h2>
        <p class="muted">{t.ticket.noActions}</p>
      </section>
    );
  return (
    <section class="card actions-card" aria-labelledby="actions-h">
      <h2 id="actions-h">{t.ticket.actions}</h2>
      {statusActions.length > 0 && (
        <form method="post" action={action} class="stack action-form" data-form="status">
          <CsrfField ctx={ctx} />
          <h3>{t.ticket.statusActions}</h3>
          <FormError f={f} form="status" />
          <div class="field">
            <label for="status-note">
              {t.ticket.note} <span class="opt">({t.common.optional})</span>
            </label>
            <textarea id="status-note" name="note" rows={2} maxlength={5000}>
              {val('status', 'note')}
            </textarea>
          </div>
          <div class="form-actions">
            {statusActions.map((a) => (
              <button
                type="submit"
                name="action"
                value={a}
                class={PRIMARY[x.status] === a ? 'btn' : 'btn btn-secondary'}
              >
                {t.ticket.action[a]}
              </button>
            ))}
          </div>
        </form>
      )}
      {can('assign') && (
        <div class="action-form" data-form="assign">
          <h3>{t.ticket.assignTitle}</h3>
          <FormError f={f} form="assign" />
          <div class="assign-row">
            {inQueue && x.assigneeId !== me && (
              <form method="post" action={action} class="inline-form">
                <CsrfField ctx={ctx} />
                <input type="hidden" name="action" value="assign" />
                <button type="submit" class="btn">
                  {t.ticket.take}
                </button>
              </form>
            )}
            {d.candidates.length > 0 && (
              <form method="post" action={action} class="row assign-form">
                <CsrfField ctx={ctx} />
                <input type="hidden" name="action" value="assign" />
                <div class="field">
                  <label for="assignee">{t.ticket.assignTo}</label>
                  <select id="assignee" name="assigneeId">
                    {d.candidates.map((c) => (
                      <option value={c.id} selected={c.id === (val('assign', 'assigneeId') || x.assigneeId)}>
                        {c.deputy ? `${c.displayName} (${t.ticket.deputyMark})` : c.displayName}
                      </option>
                    ))}
                  </select>
                </div>
                <button type="submit" class="btn btn-secondary">
                  {t.ticket.assignSubmit}
                </button>
              </form>
            )}
          </div>
        </div>
      )}
      {can('estimate') && (
        <form method="post" action={action} class="stack action-form" data-form="estimate">
          <CsrfField ctx={ctx} />
          <input type="hidden" name="action" value="estimate" />
          <h3>{t.ticket.estimateTitle}</h3>
          <FormError f={f} form="estimate" />
          <div class="field">
            <label for="cost">{t.ticket.estimateLabel}</label>
            <span class="hint" id="cost-hint">
              {t.ticket.estimateHint}
            </span>
            <input
              type="text"
              id="cost"
              name="cost"
              inputmode="decimal"
              autocomplete="off"
              maxlength={32}
              required
              value={val('estimate', 'cost')}
              aria-invalid={f?.form === 'estimate' && f.fields.costEstimateVnd ? 'true' : undefined}
              aria-describedby="cost-hint"
            />
            <FieldError f={f} form="estimate" name="costEstimateVnd" />
          </div>
          <div class="field">
            <label for="estimate-note">
              {t.ticket.note} <span class="opt">({t.common.optional})</span>
            </label>
            <input
              type="text"
              id="estimate-note"
              name="note"
              maxlength={5000}
              value={val('estimate', 'note')}
            />
          </div>
          <div class="form-actions">
            <button type="submit" class="btn btn-secondary">
              {t.ticket.estimateSubmit}
            </button>
          </div>
        </form>
      )}
      {can('comment') && (
        <form method="post" action={action} class="stack action-form" data-form="comment">
          <CsrfField ctx={ctx} />
          <input type="hidden" name="action" value="comment" />
          <h3>{t.ticket.commentTitle}</h3>
          <FormError f={f} form="comment" />
          <div class="field">
            <label for="comment-note">{t.ticket.commentLabel}</label>
            <textarea
              id="comment-note"
              name="note"
              rows={3}
              maxlength={5000}
              required
              aria-invalid={f?.form === 'comment' && f.fields.note ? 'true' : undefined}
            >
              {val('comment', 'note')}
            </textarea>
            <FieldError f={f} form="comment" name="note" />
          </div>
          <div class="form-actions">
            <button type="submit" class="btn btn-secondary">
              {t.ticket.commentSubmit}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

function Approvals({ ctx, d }: { ctx: PageCtx; d: TicketPageData }) {
  const { t, lang } = ctx;
  const x = d.ticket;
  const f = d.failure;
  if (x.approvals.length === 0) {
    if (x.costEstimateVnd === undefined) return null;
    return (
      <section class="card" aria-labelledby="approval-h">
        <h2 id="approval-h">{t.ticket.approvalTitle}</h2>
        <p class="muted">{t.ticket.approvalNone}</p>
      </section>
    );
  }
  const current = x.status === 'awaiting_approval' ? x.approvals.find((a) => !a.decision) : undefined;
  return (
    <section class="card" aria-labelledby="approval-h" data-testid="approval-chain">
      <h2 id="approval-h">{t.ticket.approvalTitle}</h2>
      <ol class="chain">
        {x.approvals.map((a) => {
          const who = a.by ? (d.labels.people.get(a.by) ?? a.byName ?? a.by) : undefined;
          const deputy =
            a.asDeputyOf === 'vacancy'
              ? t.ticket.asActing
              : a.asDeputyOf
                ? t.ticket.asDeputyOf(d.labels.people.get(a.asDeputyOf) ?? a.asDeputyOfName ?? a.asDeputyOf)
                : undefined;
          return (
            <li class={a.decision ? `chain-${a.decision}` : a === current ? 'chain-current' : 'chain-later'}>
              <div class="chain-head">
                <strong>{t.ticket.step(a.step, x.approvals.length)}</strong>{' '}
                <span>{`${roleName(ctx, a.role)} · ${unitText(a.unitCode, d.labels.units)}`}</span>
              </div>
              {a.decision ? (
                <div>
                  <Badge
                    tone={a.decision === 'approve' ? 'ok' : 'danger'}
                    label={t.ticket.decision[a.decision]}
                  />{' '}
                  <span>
                    {t.ticket.decidedBy(who ?? '', a.at ? formatDateTime(new Date(a.at), lang) : '')}
                  </span>
                  {deputy && <span class="muted">{` (${deputy})`}</span>}
                  {a.note && <blockquote>{a.note}</blockquote>}
                </div>
              ) : a === current ? (
                <div>
                  <Badge tone="warn" label={t.ticket.stepWaiting} />
                  {a.dueAt && (
                    <>
                      {' '}
                      <span class="muted">{`${t.ticket.stepDue}: `}</span>
                      <Countdown due={new Date(a.dueAt)} now={ctx.now} lang={lang} />
                    </>
                  )}
                </div>
              ) : (
                <span class="muted">{t.ticket.stepPending}</span>
              )}
            </li>
          );
        })}
      </ol>
      {current && d.approval?.selfEstimated && <Notice kind="info">{t.ticket.selfEstimated}</Notice>}
      {current && d.approval?.canDecide && (
        <form
          method="post"
          action={`/tickets/${encodeURIComponent(x.id)}/approval`}
          class="stack"
          data-form="approval"
        >
          <CsrfField ctx={ctx} />
          <FormError f={f} form="approval" />
          {d.approval.asDeputyOf !== undefined && (
            <Notice kind="info">
              {d.approval.asDeputyOf === null
                ? t.approvals.asActing
                : t.approvals.asDeputyOf(d.approval.asDeputyOf)}
            </Notice>
          )}
          <div class="field">
            <label for="approval-note">{t.approvals.note}</label>
            <span class="hint" id="approval-note-hint">
              {t.approvals.noteHint}
            </span>
            <textarea
              id="approval-note"
              name="note"
              rows={2}
              maxlength={2000}
              aria-describedby="approval-note-hint"
              aria-invalid={f?.form === 'approval' && f.fields.note ? 'true' : undefined}
            >
              {f?.form === 'approval' ? (f.values.note ?? '') : ''}
            </textarea>
            <FieldError f={f} form="approval" name="note" />
          </div>
          <div class="form-actions">
            <button type="submit" name="decision" value="approve" class="btn">
              {t.approvals.approve}
            </button>
            <button type="submit" name="decision" value="reject" class="btn btn-danger">
              {t.approvals.reject}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

function Routing({ ctx, d }: { ctx: PageCtx; d: TicketPageData }) {
  const { t, lang } = ctx;
  const r = d.ticket.routing;
  const text = typeof r.explanation === 'string' ? r.explanation : r.explanation[lang];
  return (
    <section class="card" aria-labelledby="routing-h" data-testid="routing">
      <h2 id="routing-h">{t.ticket.routingTitle}</h2>
      <p>{text}</p>
      <dl class="facts facts-tight">
        <dt>{t.ticket.rule}</dt>
        <dd>
          <a
            class="mono"
            href={`/matrix/rules?version=${r.matrixVersion}#rule-${encodeURIComponent(r.ruleId)}`}
          >
            {r.ruleId}
          </a>{' '}
          <span class="muted">{`· ${t.ticket.matrixVersion(r.matrixVersion)}`}</span>
        </dd>
        <dt>{t.ticket.legalBasis}</dt>
        <dd>{d.legalBasis ?? <span class="muted">{t.ticket.noLegalBasis}</span>}</dd>
      </dl>
    </section>
  );
}

function eventDetails(ctx: PageCtx, d: TicketPageData, e: EventView): Child[] {
  const { t, lang } = ctx;
  const data = (e.data ?? {}) as Record<string, unknown>;
  const out: Child[] = [];
  const status = data.status as { from?: string; to?: string } | undefined;
  if (status?.to)
    out.push(
      status.from
        ? t.ticket.statusChange(labelOf(t.ticketStatus, status.from), labelOf(t.ticketStatus, status.to))
        : labelOf(t.ticketStatus, status.to),
    );
  if (typeof data.costEstimateVnd === 'number')
    out.push(t.ticket.costSet(formatVnd(data.costEstimateVnd, lang)));
  if (data.rerouted && typeof (data.routing as { ruleId?: unknown })?.ruleId === 'string')
    out.push(t.ticket.rerouted((data.routing as { ruleId: string }).ruleId));
  if (e.type === 'assign' && typeof data.assigneeId === 'string')
    out.push(
      t.ticket.assignedTo(d.labels.people.get(data.assigneeId) ?? String(data.assignee ?? data.assigneeId)),
    );
  if (e.type === 'approval' && (data.decision === 'approve' || data.decision === 'reject')) {
    const step = typeof data.step === 'number' ? `${t.approvals.step} ${data.step} · ` : '';
    out.push(`${step}${t.ticket.decision[data.decision]}`);
    if (typeof data.asDeputyOf === 'string')
      out.push(
        data.asDeputyOf === 'vacancy'
          ? t.ticket.asActing
          : t.ticket.asDeputyOf(d.labels.people.get(data.asDeputyOf) ?? String(data.asDeputyOfName ?? '')),
      );
  }
  if (e.type === 'severity_observed' && typeof data.severity === 'string')
    out.push(labelOf(t.severity, data.severity));
  if (e.type === 'sla_breached' && (data.kind === 'respond' || data.kind === 'resolve'))
    out.push(t.ticket.breachKind[data.kind]);
  if (e.type === 'escalated') {
    const n = data.notify as { role?: string; unitCode?: string | null } | undefined;
    if (n?.role)
      out.push(t.ticket.escalatedTo(roleName(ctx, n.role), n.unitCode ?? '—', Number(data.notified ?? 0)));
  }
  if (e.type === 'approval_overdue') {
    const to = data.escalatedTo as { role?: string; unitCode?: string; notified?: number } | undefined;
    if (to?.role)
      out.push(t.ticket.escalatedTo(roleName(ctx, to.role), to.unitCode ?? '—', Number(to.notified ?? 0)));
  }
  return out;
}

function Timeline({ ctx, d }: { ctx: PageCtx; d: TicketPageData }) {
  const { t, lang } = ctx;
  return (
    <section class="card" aria-labelledby="timeline-h">
      <h2 id="timeline-h">{t.ticket.timeline}</h2>
      <ol class="timeline" data-testid="timeline">
        {d.ticket.events.map((e) => {
          const details = eventDetails(ctx, d, e);
          const note = typeof e.data?.note === 'string' ? e.data.note : undefined;
          const who =
            e.actorKind === 'user' && e.actorId ? (d.labels.people.get(e.actorId) ?? e.actor) : e.actor;
          return (
            <li data-event={e.type}>
              <div class="tl-head">
                <strong>{labelOf(t.ticket.event, e.type)}</strong>
                <span class="muted">{` · ${e.actorKind === 'system' ? `${t.ticket.system} (${who})` : who}`}</span>
                <span class="tl-time">
                  <DateTime at={new Date(e.at)} lang={lang} />
                </span>
              </div>
              {details.length > 0 && (
                <div class="tl-details">{details.map((x, i) => (i > 0 ? <> · {x}</> : x))}</div>
              )}
              {note && <blockquote>{note}</blockquote>}
            </li>
          );
        })}
      </ol>
      <p class="small muted">
        {d.chainOk ? (
          <Badge tone="ok" label={t.ticket.chainOk} />
        ) : (
          <Badge tone="danger" label={t.ticket.chainBroken} />
        )}{' '}
        {t.ticket.timelineNote}
      </p>
    </section>
  );
}

/** Is the form that failed on the page as it is now? (After a 409 the ticket moved on, and may not offer it.) */
function formShown(d: TicketPageData, form: ActionForm): boolean {
  switch (form) {
    case 'status':
      return STATUS_ACTIONS.some((a) => d.actions.includes(a));
    case 'approval':
      return !!d.approval?.canDecide;
    default:
      return d.actions.includes(form);
  }
}

export function TicketPage({ ctx, d }: { ctx: PageCtx; d: TicketPageData }) {
  const { t } = ctx;
  const x = d.ticket;
  return (
    <Layout ctx={ctx} title={t.ticket.number(x.number)}>
      <PageHead
        crumbs={
          <Breadcrumbs
            ctx={ctx}
            items={[{ label: ctx.t.nav.queue, href: '/queue' }, { label: t.ticket.number(x.number) }]}
          />
        }
        title={t.ticket.title(x.number, x.title)}
        lead={
          <span class="badges">
            <TicketStatusBadge t={t} status={x.status} />
            <SeverityBadge t={t} severity={x.severity} />
            <Badge tone="neutral" label={labelOf(t.category, x.category)} />
            <Badge tone="neutral" label={labelOf(t.ticket.source, x.source)} />
          </span>
        }
      />
      {d.failure && !formShown(d, d.failure.form) && (
        <div class="form-summary" role="alert">
          <p>
            <strong>{d.failure.message}</strong>
          </p>
        </div>
      )}
      {x.recovered && x.status !== 'closed' && <Notice kind="info">{t.ticket.recovered}</Notice>}
      <div class="ticket-layout">
        <aside class="ticket-side">
          <Sla ctx={ctx} x={x} />
          <Handling ctx={ctx} d={d} />
        </aside>
        <div class="ticket-main">
          {x.description && (
            <section class="card" aria-labelledby="desc-h">
              <h2 id="desc-h">{t.ticket.description}</h2>
              <p class="pre">{x.description}</p>
            </section>
          )}
          {/* For an agent ticket the readings are what happened: shown before what to do about it. */}
          {x.source === 'agent' && <Evidence ctx={ctx} evidence={x.evidence} history={d.history} />}
          <Actions ctx={ctx} d={d} />
          <Approvals ctx={ctx} d={d} />
          <Routing ctx={ctx} d={d} />
          <Timeline ctx={ctx} d={d} />
        </div>
      </div>
    </Layout>
  );
}
