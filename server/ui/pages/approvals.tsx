/**
 * The approvals inbox: each estimate waiting for my decision as a card — the ticket, the cost, the
 * step of the chain, its deadline, the rule it was routed by and its legal basis, "as deputy of" when
 * I stand in for someone — with approve/reject and a note right there. And the decisions I took.
 */
import type { DecisionItem, InboxItem } from '../../services/approval-inbox.js';
import type { TicketLabels } from '../../services/ticket-queue.js';
import { Badge, SeverityBadge } from '../components/badge.js';
import { EmptyState, Notice } from '../components/flash.js';
import { CsrfField } from '../components/form.js';
import { Layout, PageHead, Tabs } from '../components/layout.js';
import { type Column, DataTable, Pager } from '../components/table.js';
import { ticketHref, unitText } from '../components/tickets.js';
import { Countdown, DateTime } from '../components/time.js';
import { formatVnd } from '../format.js';
import { labelOf } from '../i18n/index.js';
import type { PageCtx } from '../page-context.js';

export function ApprovalTabs({ ctx, current, count }: { ctx: PageCtx; current: string; count?: number }) {
  const { t } = ctx;
  return (
    <Tabs
      label={t.nav.approvalsSection}
      current={current}
      tabs={[
        { id: 'inbox', href: '/approvals', label: count ? t.approvals.inboxCount(count) : t.approvals.inbox },
        { id: 'decided', href: '/approvals/decided', label: t.approvals.decided },
        { id: 'deputies', href: '/deputies', label: t.nav.deputies },
      ]}
    />
  );
}

function InboxCard({
  ctx,
  item,
  labels,
  basis,
}: {
  ctx: PageCtx;
  item: InboxItem;
  labels: TicketLabels;
  basis?: string;
}) {
  const { t, lang } = ctx;
  const x = item.ticket;
  const explanation =
    typeof x.routing.explanation === 'string' ? x.routing.explanation : x.routing.explanation[lang];
  return (
    <article class="card inbox-item" data-ticket={x.id} aria-labelledby={`inbox-${x.id}`}>
      <div class="inbox-head">
        <h2 id={`inbox-${x.id}`}>
          <a href={ticketHref(x.id)}>
            <span class="mono">{`#${x.number}`}</span> {x.title}
          </a>
        </h2>
        <div class="inbox-cost">
          <span class="label">{t.approvals.cost}</span>
          <strong class="money">
            {x.costEstimateVnd !== undefined ? formatVnd(x.costEstimateVnd, lang) : '—'}
          </strong>
        </div>
      </div>
      <p class="badges">
        <SeverityBadge t={t} severity={x.severity} />
        <Badge tone="neutral" label={labelOf(t.category, x.category)} />
        <span class="muted">{unitText(x.unitCode, labels.units)}</span>
      </p>
      <dl class="facts facts-tight">
        <dt>{t.approvals.step}</dt>
        <dd>
          {`${t.ticket.step(item.step.step, item.step.of)} · ${labelOf(t.roles, item.step.role)} · ${unitText(item.step.unitCode, labels.units)}`}
        </dd>
        <dt>{t.approvals.due}</dt>
        <dd>
          {item.step.dueAt ? <Countdown due={new Date(item.step.dueAt)} now={ctx.now} lang={lang} /> : '—'}
        </dd>
        <dt>{t.approvals.rule}</dt>
        <dd>
          <a
            class="mono"
            href={`/matrix/rules?version=${x.routing.matrixVersion}#rule-${encodeURIComponent(x.routing.ruleId)}`}
          >
            {x.routing.ruleId}
          </a>
        </dd>
        <dt>{t.approvals.legalBasis}</dt>
        <dd>{basis ?? <span class="muted">{t.ticket.noLegalBasis}</span>}</dd>
      </dl>
      <details class="explain">
        <summary>{t.ticket.routingTitle}</summary>
        <p>{explanation}</p>
      </details>
      {item.asDeputyOf && (
        <Notice kind="info">
          {item.asDeputyOf.name === null
            ? t.approvals.asActing
            : t.approvals.asDeputyOf(item.asDeputyOf.name)}
        </Notice>
      )}
      {item.selfEstimated ? (
        <Notice kind="warn">{t.ticket.selfEstimated}</Notice>
      ) : (
        <form method="post" action={`/tickets/${encodeURIComponent(x.id)}/approval`} class="stack decide">
          <CsrfField ctx={ctx} />
          <input type="hidden" name="back" value="/approvals" />
          <div class="field">
            <label for={`note-${x.id}`}>{t.approvals.note}</label>
            <span class="hint" id={`note-${x.id}-hint`}>
              {t.approvals.noteHint}
            </span>
            <textarea
              id={`note-${x.id}`}
              name="note"
              rows={2}
              maxlength={2000}
              aria-describedby={`note-${x.id}-hint`}
            />
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
    </article>
  );
}

export function ApprovalsInboxPage(props: {
  ctx: PageCtx;
  items: InboxItem[];
  labels: TicketLabels;
  basis: Map<string, string | undefined>;
  total: number;
  cursor?: string;
  nextCursor: string | null;
}) {
  const { ctx } = props;
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t.approvals.title}>
      <ApprovalTabs ctx={ctx} current="inbox" count={props.total} />
      <PageHead title={t.approvals.inbox} lead={t.approvals.lead} />
      {props.items.length === 0 && !props.cursor ? (
        <EmptyState message={t.approvals.empty} />
      ) : (
        <>
          <div class="inbox" data-testid="inbox">
            {props.items.map((item) => (
              <InboxCard
                ctx={ctx}
                item={item}
                labels={props.labels}
                basis={props.basis.get(`${item.ticket.routing.matrixVersion}|${item.ticket.routing.ruleId}`)}
              />
            ))}
          </div>
          {(props.cursor || props.nextCursor) && (
            <div class="table-wrap">
              <Pager
                ctx={ctx}
                base="/approvals"
                cursor={props.cursor}
                nextCursor={props.nextCursor}
                count={props.items.length}
              />
            </div>
          )}
        </>
      )}
    </Layout>
  );
}

export function DecisionsPage(props: {
  ctx: PageCtx;
  items: DecisionItem[];
  labels: TicketLabels;
  cursor?: string;
  nextCursor: string | null;
}) {
  const { ctx } = props;
  const { t, lang } = ctx;
  const cols: Column<DecisionItem>[] = [
    {
      header: t.queue.ticket,
      class: 'primary wrap',
      cell: (d) => (
        <>
          <a href={ticketHref(d.ticket.id)}>
            <span class="mono">{`#${d.ticket.number}`}</span> {d.ticket.title}
          </a>
          <div class="muted small">{unitText(d.ticket.unitCode, props.labels.units)}</div>
        </>
      ),
    },
    {
      header: t.approvals.cost,
      class: 'num',
      cell: (d) => (d.ticket.costEstimateVnd !== undefined ? formatVnd(d.ticket.costEstimateVnd, lang) : '—'),
    },
    {
      header: t.approvals.decision,
      cell: (d) => (
        <Badge tone={d.decision === 'approve' ? 'ok' : 'danger'} label={t.ticket.decision[d.decision]} />
      ),
    },
    { header: t.approvals.note, class: 'wrap', cell: (d) => d.note ?? '' },
    { header: t.approvals.decidedAt, cell: (d) => <DateTime at={new Date(d.at)} lang={lang} /> },
  ];
  return (
    <Layout ctx={ctx} title={t.approvals.decided}>
      <ApprovalTabs ctx={ctx} current="decided" />
      <PageHead title={t.approvals.decided} lead={t.approvals.decidedLead} />
      {props.items.length === 0 && !props.cursor ? (
        <EmptyState message={t.approvals.emptyDecided} />
      ) : (
        <DataTable
          ctx={ctx}
          columns={cols}
          rows={props.items}
          page={{ base: '/approvals/decided', cursor: props.cursor, nextCursor: props.nextCursor }}
        />
      )}
    </Layout>
  );
}
