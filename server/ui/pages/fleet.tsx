/**
 * Fleet health: a unit's counter PCs at a glance (ok / degraded / silent / maintenance, open tickets)
 * for the unit and each sub-unit, worst first; on a unit with devices of its own, the devices, the
 * open tickets and the maintenance windows that apply there.
 */
import type { DeviceStatus } from '../../../shared/enums.js';
import type { DeviceView } from '../../../shared/schemas/devices.js';
import type { MaintenanceWindowView } from '../../../shared/schemas/maintenance.js';
import type { TicketView } from '../../../shared/schemas/tickets.js';
import type { UnitRow } from '../../db/repos/units.js';
import type { Health, UnitHealth } from '../../services/fleet.js';
import { Badge, DeviceStatusBadge, SeverityBadge, TicketStatusBadge } from '../components/badge.js';
import { EmptyState } from '../components/flash.js';
import { Breadcrumbs, Layout, PageHead } from '../components/layout.js';
import { type Column, DataTable } from '../components/table.js';
import { NextDeadline, ticketHref } from '../components/tickets.js';
import { formatDateTime, formatDuration, formatNumber } from '../format.js';
import type { PageCtx } from '../page-context.js';
import { FleetTabs } from './fleet-tabs.js';
import { WindowTable } from './windows.js';

export const fleetUnitHref = (code: string) => `/fleet/units/${encodeURIComponent(code)}`;
export const deviceHref = (id: string) => `/fleet/devices/${encodeURIComponent(id)}`;

const STATUSES: DeviceStatus[] = ['silent', 'degraded', 'maintenance', 'ok'];

/** `3 Mất liên lạc · 1 Suy giảm · 12 Bình thường`: counts that are zero are left out (but "0 ok" shows). */
export function HealthBadges({ ctx, h }: { ctx: PageCtx; h: Health }) {
  const { t, lang } = ctx;
  if (h.devices === 0) return <span class="muted">—</span>;
  return (
    <span class="badges health">
      {STATUSES.filter((s) => h[s] > 0 || (s === 'ok' && h.devices > 0)).map((s) => (
        <span class={`hb hb-${s}`} title={t.deviceStatus[s]}>
          <strong>{formatNumber(h[s], lang)}</strong> {t.deviceStatus[s]}
        </span>
      ))}
    </span>
  );
}

function Totals({ ctx, h }: { ctx: PageCtx; h: Health }) {
  const { t, lang } = ctx;
  return (
    <div class="stats" data-testid="fleet-totals">
      <div class="stat-inline">
        <span class="value">{formatNumber(h.devices, lang)}</span>
        <span class="label">{t.fleet.devices}</span>
      </div>
      {STATUSES.map((s) => (
        <div class={`stat-inline stat-${s}`}>
          <span class="value">{formatNumber(h[s], lang)}</span>
          <span class="label">{t.deviceStatus[s]}</span>
        </div>
      ))}
      <div class="stat-inline">
        <span class="value">{formatNumber(h.openTickets, lang)}</span>
        <span class="label">{t.fleet.openTickets}</span>
      </div>
    </div>
  );
}

export interface FleetUnitData {
  unit: UnitRow;
  ancestors: UnitRow[];
  total: Health;
  children: UnitHealth[];
  childPage: { offset: number; nextCursor: string | null; cursor?: string };
  problemsOnly: boolean;
  devices?: { items: DeviceView[]; cursor?: string; nextCursor: string | null };
  tickets?: TicketView[];
  windows?: MaintenanceWindowView[];
  hostnames: Map<string, string>;
  canPolicy: boolean;
}

export function FleetUnitPage({ ctx, d }: { ctx: PageCtx; d: FleetUnitData }) {
  const { t, lang } = ctx;
  const u = d.unit;
  const childCols: Column<UnitHealth>[] = [
    {
      header: t.fleet.unit,
      class: 'primary wrap',
      cell: (r) => (
        <>
          <a href={fleetUnitHref(r.unit.code)}>{r.unit.name}</a>{' '}
          <span class="muted small mono">{r.unit.code}</span>
        </>
      ),
    },
    { header: t.fleet.devices, class: 'num', cell: (r) => formatNumber(r.health.devices, lang) },
    { header: t.common.status, class: 'wrap', cell: (r) => <HealthBadges ctx={ctx} h={r.health} /> },
    {
      header: t.fleet.openTickets,
      class: 'num',
      cell: (r) =>
        r.health.openTickets > 0 ? (
          <a href={`/queue?unit=${encodeURIComponent(r.unit.code)}`}>
            {formatNumber(r.health.openTickets, lang)}
          </a>
        ) : (
          '0'
        ),
    },
  ];
  const deviceCols: Column<DeviceView>[] = [
    {
      header: t.fleet.hostname,
      class: 'primary wrap',
      cell: (x) => <a href={deviceHref(x.id)}>{x.hostname}</a>,
    },
    {
      header: t.common.status,
      cell: (x) =>
        x.revokedAt ? (
          <Badge tone="neutral" label={t.fleet.revoked} />
        ) : (
          <DeviceStatusBadge t={t} status={x.status} />
        ),
    },
    {
      header: t.fleet.lastSeen,
      cell: (x) =>
        x.lastSeenAt ? (
          <span title={formatDateTime(new Date(x.lastSeenAt), lang)}>
            {t.fleet.agoSuffix(formatDuration(ctx.now.getTime() - Date.parse(x.lastSeenAt), lang))}
          </span>
        ) : (
          <span class="muted">{t.fleet.never}</span>
        ),
    },
    { header: t.fleet.openTickets, class: 'num', cell: (x) => formatNumber(x.openTickets, lang) },
    { header: t.fleet.agentVersion, cell: (x) => <span class="mono small">{x.agentVersion}</span> },
  ];
  const crumbs = [
    { label: t.fleet.title, href: '/fleet' },
    ...d.ancestors.map((a) => ({ label: a.name, href: fleetUnitHref(a.code) })),
    { label: u.name },
  ];
  const base = fleetUnitHref(u.code);
  return (
    <Layout ctx={ctx} title={`${t.fleet.title} · ${u.name}`}>
      <FleetTabs ctx={ctx} current="health" />
      <PageHead
        crumbs={<Breadcrumbs ctx={ctx} items={crumbs} />}
        title={u.name}
        lead={t.fleet.lead}
        actions={
          d.canPolicy && (
            <a class="btn btn-secondary" href={`/admin/policy/${encodeURIComponent(u.code)}`}>
              {t.fleet.policyLink}
            </a>
          )
        }
      />
      <Totals ctx={ctx} h={d.total} />
      {(d.children.length > 0 || d.problemsOnly || d.childPage.cursor) && (
        <section aria-labelledby="sub-h">
          <div class="section-head">
            <h2 id="sub-h">{t.fleet.subUnits}</h2>
            <a href={d.problemsOnly ? base : `${base}?problems=1`}>
              {d.problemsOnly ? t.fleet.showAll : t.fleet.problemsOnly}
            </a>
          </div>
          {d.children.length === 0 ? (
            <EmptyState message={t.fleet.noProblems} />
          ) : (
            <DataTable
              ctx={ctx}
              columns={childCols}
              rows={d.children}
              id="fleet-units"
              page={{
                base,
                params: { problems: d.problemsOnly ? '1' : undefined },
                cursor: d.childPage.cursor,
                nextCursor: d.childPage.nextCursor,
              }}
            />
          )}
        </section>
      )}
      {d.devices && (
        <section aria-labelledby="dev-h">
          <h2 id="dev-h">{t.fleet.devicesHere}</h2>
          {d.devices.items.length === 0 && !d.devices.cursor ? (
            <EmptyState message={t.fleet.noDevices} />
          ) : (
            <DataTable
              ctx={ctx}
              columns={deviceCols}
              rows={d.devices.items}
              id="fleet-devices"
              page={{ base, param: 'dcursor', cursor: d.devices.cursor, nextCursor: d.devices.nextCursor }}
            />
          )}
        </section>
      )}
      {d.tickets && (
        <section aria-labelledby="open-h">
          <h2 id="open-h">{t.fleet.openHere}</h2>
          <TicketList ctx={ctx} tickets={d.tickets} empty={t.queue.emptyQueue} />
          <p>
            <a href={`/queue?unit=${encodeURIComponent(u.code)}`}>{t.fleet.allOpen}</a>
          </p>
        </section>
      )}
      {d.windows && (
        <section aria-labelledby="win-h">
          <h2 id="win-h">{t.fleet.windowsHere}</h2>
          <WindowTable ctx={ctx} items={d.windows} hostnames={d.hostnames} canCancel={false} />
        </section>
      )}
    </Layout>
  );
}

/** A short list of tickets (device and unit pages). */
export function TicketList({ ctx, tickets, empty }: { ctx: PageCtx; tickets: TicketView[]; empty: string }) {
  const { t } = ctx;
  if (tickets.length === 0) return <p class="muted">{empty}</p>;
  const cols: Column<TicketView>[] = [
    {
      header: t.queue.ticket,
      class: 'primary wrap',
      cell: (x) => (
        <a href={ticketHref(x.id)}>
          <span class="mono">{`#${x.number}`}</span> {x.title}
        </a>
      ),
    },
    { header: t.queue.severity, cell: (x) => <SeverityBadge t={t} severity={x.severity} /> },
    { header: t.queue.status, cell: (x) => <TicketStatusBadge t={t} status={x.status} /> },
    { header: t.queue.nextDeadline, cell: (x) => <NextDeadline ctx={ctx} ticket={x} /> },
  ];
  return <DataTable ctx={ctx} columns={cols} rows={tickets} />;
}
