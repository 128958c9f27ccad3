/**
 * The ticket list: for IT staff their work queue (open tickets by nearest deadline), for everyone
 * else the tickets of their units; filters by unit, category, severity and status; resolved and
 * closed tickets newest first. Every row links to the ticket page.
 */
import type { TicketStatus } from '../../../shared/enums.js';
import { TICKET_STATUSES } from '../../../shared/enums.js';
import type { TicketView } from '../../../shared/schemas/tickets.js';
import type { QueueCounts } from '../../services/ticket-queue.js';
import { SeverityBadge, TicketStatusBadge } from '../components/badge.js';
import { EmptyState } from '../components/flash.js';
import { UnitDatalist } from '../components/form.js';
import { Layout, PageHead } from '../components/layout.js';
import { type Column, DataTable } from '../components/table.js';
import { NextDeadline, ticketHref, unitText } from '../components/tickets.js';
import { formatNumber } from '../format.js';
import { labelOf } from '../i18n/index.js';
import type { PageCtx } from '../page-context.js';

export interface QueueFilters {
  unit?: string;
  category?: string;
  severity?: string;
  /** A status, `all`, or absent for every open status. */
  status?: TicketStatus | 'all';
  mine?: boolean;
}

export interface QueuePageData {
  filters: QueueFilters;
  /** Work queue (IT staff) or a list to read (unit heads, viewers). */
  work: boolean;
  /** Ordered by urgency (open tickets) rather than newest first. */
  byUrgency: boolean;
  items: TicketView[];
  counts?: QueueCounts;
  cursor?: string;
  nextCursor: string | null;
  unitNames: Map<string, string>;
  people: Map<string, string>;
  categories: string[];
  severities: string[];
  units: { code: string; name: string }[];
  canCreate: boolean;
}

export function filterParams(f: QueueFilters): Record<string, string | undefined> {
  return {
    unit: f.unit,
    category: f.category,
    severity: f.severity,
    status: f.status,
    mine: f.mine ? '1' : undefined,
  };
}

function Filters({ ctx, d }: { ctx: PageCtx; d: QueuePageData }) {
  const { t } = ctx;
  const f = d.filters;
  const active = !!(f.unit || f.category || f.severity || f.status || f.mine);
  return (
    <form method="get" action="/queue" class="filters card" aria-label={t.queue.filters}>
      <div class="field">
        <label for="q-unit">{t.queue.unit}</label>
        <input
          type="search"
          id="q-unit"
          name="unit"
          value={f.unit ?? ''}
          list="q-units"
          maxlength={32}
          spellcheck={false}
          title={t.queue.unitHint}
        />
        <UnitDatalist id="q-units" units={d.units} />
      </div>
      <div class="field">
        <label for="q-category">{t.queue.category}</label>
        <select id="q-category" name="category">
          <option value="">{t.queue.any}</option>
          {d.categories.map((c) => (
            <option value={c} selected={c === f.category}>
              {labelOf(t.category, c)}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="q-severity">{t.queue.severity}</label>
        <select id="q-severity" name="severity">
          <option value="">{t.queue.any}</option>
          {d.severities.map((s) => (
            <option value={s} selected={s === f.severity}>
              {labelOf(t.severity, s)}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="q-status">{t.queue.status}</label>
        <select id="q-status" name="status">
          <option value="">{t.queue.live}</option>
          {TICKET_STATUSES.map((s) => (
            <option value={s} selected={s === f.status}>
              {t.ticketStatus[s]}
            </option>
          ))}
          <option value="all" selected={f.status === 'all'}>
            {t.queue.allStatuses}
          </option>
        </select>
      </div>
      <div class="field check">
        <label>
          <input type="checkbox" name="mine" value="1" checked={!!f.mine} /> {t.queue.mine}
        </label>
      </div>
      <div class="form-actions">
        <button type="submit" class="btn btn-secondary">
          {t.queue.filter}
        </button>
        {active && <a href="/queue">{t.queue.clearFilters}</a>}
      </div>
    </form>
  );
}

export function QueuePage({ ctx, d }: { ctx: PageCtx; d: QueuePageData }) {
  const { t, lang } = ctx;
  const title = d.work ? t.queue.titleWork : t.queue.titleRead;
  const lead = d.byUrgency ? (d.work ? t.queue.leadWork : t.queue.leadRead) : t.queue.leadHistory;
  const cols: Column<TicketView>[] = [
    {
      header: t.queue.ticket,
      class: 'primary wrap',
      cell: (x) => (
        <>
          <a href={ticketHref(x.id)}>
            <span class="mono">{`#${x.number}`}</span> {x.title}
          </a>
          <div class="muted small">{unitText(x.unitCode, d.unitNames)}</div>
        </>
      ),
    },
    { header: t.queue.severity, cell: (x) => <SeverityBadge t={t} severity={x.severity} /> },
    { header: t.queue.category, cell: (x) => labelOf(t.category, x.category) },
    { header: t.queue.status, cell: (x) => <TicketStatusBadge t={t} status={x.status} /> },
    { header: t.queue.nextDeadline, cell: (x) => <NextDeadline ctx={ctx} ticket={x} /> },
    {
      header: t.queue.assignee,
      class: 'wrap',
      cell: (x) =>
        x.assigneeId ? (
          (d.people.get(x.assigneeId) ?? x.assigneeId)
        ) : (
          <span class="muted">{t.queue.unassigned}</span>
        ),
    },
  ];
  const filtered = !!(d.filters.unit || d.filters.category || d.filters.severity || d.filters.mine);
  const create = d.canCreate && (
    <a class="btn" href="/tickets/new">
      {t.queue.create}
    </a>
  );
  return (
    <Layout ctx={ctx} title={title}>
      <PageHead title={title} lead={lead} actions={create} />
      {d.counts && (
        <div class="stats" data-testid="queue-counts">
          <div class="stat-inline">
            <span class="value">{formatNumber(d.counts.live, lang)}</span>
            <span class="label">{t.queue.liveCount}</span>
          </div>
          <div class={d.counts.overdue > 0 ? 'stat-inline stat-danger' : 'stat-inline'}>
            <span class="value">{formatNumber(d.counts.overdue, lang)}</span>
            <span class="label">{t.queue.overdueCount}</span>
          </div>
          <div class="stat-inline">
            <span class="value">{formatNumber(d.counts.unassigned, lang)}</span>
            <span class="label">{t.queue.unassignedCount}</span>
          </div>
        </div>
      )}
      <Filters ctx={ctx} d={d} />
      {d.items.length === 0 && !d.cursor ? (
        <EmptyState message={filtered || d.filters.status ? t.queue.empty : t.queue.emptyQueue} />
      ) : (
        <DataTable
          ctx={ctx}
          columns={cols}
          rows={d.items}
          id="queue"
          page={{
            base: '/queue',
            params: filterParams(d.filters),
            cursor: d.cursor,
            nextCursor: d.nextCursor,
          }}
        />
      )}
    </Layout>
  );
}
