/**
 * One counter PC: identity and status, the latest reading (disks, systems reached, machine load),
 * its hardware configuration and changes (device-inventory.tsx), peripherals seen against those
 * the policy requires, a history chart of a chosen reading, its
 * tickets and the maintenance windows that cover it, revocation for those allowed, and a link to its
 * own check policy (device-policy.tsx), with the keys it overrides.
 */
import type { Inventory } from '../../../shared/schemas/agent.js';
import type { DeviceView, PeripheralInventoryItem } from '../../../shared/schemas/devices.js';
import type { MaintenanceWindowView } from '../../../shared/schemas/maintenance.js';
import type { PolicyValues } from '../../../shared/schemas/policy.js';
import type { TicketView } from '../../../shared/schemas/tickets.js';
import { parseMetric } from '../../domain/report-metrics.js';
import type { HistoryPoint } from '../../services/device-history.js';
import type { InventoryChangeView } from '../../services/devices.js';
import type { PolicyKey } from '../../services/policy-lineage.js';
import { Badge, DeviceStatusBadge } from '../components/badge.js';
import { type ChartLine, LineChart } from '../components/chart.js';
import { Notice } from '../components/flash.js';
import { CsrfField } from '../components/form.js';
import { Breadcrumbs, Layout, PageHead } from '../components/layout.js';
import { type Column, DataTable } from '../components/table.js';
import { DateTime } from '../components/time.js';
import { formatDateTime, formatDuration, formatNumber } from '../format.js';
import { labelOf } from '../i18n/index.js';
import type { PageCtx } from '../page-context.js';
import { InventorySection } from './device-inventory.js';
import { devicePolicyHref } from './device-policy.js';
import { fleetUnitHref, TicketList } from './fleet.js';
import { FleetTabs } from './fleet-tabs.js';
import { WindowTable } from './windows.js';

export type Period = '24h' | '7d' | '30d';
export const PERIOD_MS: Record<Period, number> = {
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
};

interface LatestReport {
  collectedAt?: string;
  disks?: { mount: string; sizeBytes: number; usedBytes: number; smart?: 'ok' | 'failing' | 'unknown' }[];
  targets?: { id: string; ok: boolean; latencyMs?: number | null; error?: string }[];
  system?: { cpuLoadPct?: number; memUsedPct?: number; uptimeSec?: number };
  agent?: { version: string; spooled: number };
}

export interface DevicePageData {
  device: DeviceView & {
    latest: unknown;
    peripherals: PeripheralInventoryItem[];
    expectedPeripherals: { kind: string; label: string; present: boolean }[];
    inventory: Inventory | null;
    inventoryAt: string | null;
    inventoryChanges: InventoryChangeView[];
  };
  unitName: string;
  policy: PolicyValues;
  metrics: string[];
  metric?: string;
  period: Period;
  history: HistoryPoint[];
  tickets: TicketView[];
  windows: MaintenanceWindowView[];
  canRevoke: boolean;
  /** May read the PC's check policy page. */
  canPolicy: boolean;
  /** The policy keys set for this PC itself (overriding its unit's). */
  ownPolicy: PolicyKey[];
}

const GiB = 1024 ** 3;

/** A metric name as people read it, with target ids replaced by the policy's names. */
export function metricLabel(ctx: PageCtx, metric: string, policy: PolicyValues): string {
  const m = parseMetric(metric);
  const n = ctx.t.fleet.metricName;
  const target = (id?: string) => policy.targets.find((x) => x.id === id)?.name ?? id ?? '';
  switch (m?.kind) {
    case 'diskFree':
      return n.diskFree(m.subject ?? '');
    case 'latency':
      return n.latency(target(m.subject));
    case 'reachable':
      return n.reachable(target(m.subject));
    case 'cpu':
      return n.cpu;
    case 'memory':
      return n.memory;
    default:
      return metric;
  }
}

/** Threshold lines and axis range for a metric's chart, from the device's effective policy. */
export function metricFrame(
  ctx: PageCtx,
  metric: string,
  policy: PolicyValues,
): { lines: ChartLine[]; domain?: [number, number]; unit?: string } {
  const m = parseMetric(metric);
  const { t } = ctx;
  if (m?.kind === 'diskFree')
    return {
      lines: [
        { value: policy.disk.warnFreePct, label: t.fleet.warnLine, tone: 'warn' },
        { value: policy.disk.critFreePct, label: t.fleet.critLine, tone: 'danger' },
      ],
      // From 0 to a little above the warning line (the data widen it): a filling disk shows its slope.
      domain: [0, Math.min(100, policy.disk.warnFreePct * 2)],
      unit: ' %',
    };
  if (m?.kind === 'latency') {
    const tg = policy.targets.find((x) => x.id === m.subject);
    return {
      lines: tg
        ? [
            { value: tg.warnMs, label: t.fleet.warnLine, tone: 'warn' },
            { value: tg.critMs, label: t.fleet.critLine, tone: 'danger' },
          ]
        : [],
      domain: [0, tg ? tg.critMs * 1.2 : 1],
      unit: ' ms',
    };
  }
  if (m?.kind === 'reachable') return { lines: [], domain: [0, 1] };
  return { lines: [], domain: [0, 100], unit: ' %' };
}

function Latest({ ctx, d }: { ctx: PageCtx; d: DevicePageData }) {
  const { t, lang } = ctx;
  const r = (d.device.latest ?? undefined) as LatestReport | undefined;
  if (!r) return <p class="muted">{t.fleet.noLatest}</p>;
  const targetName = (id: string) => d.policy.targets.find((x) => x.id === id)?.name ?? id;
  type Disk = NonNullable<LatestReport['disks']>[number];
  type Target = NonNullable<LatestReport['targets']>[number];
  const diskCols: Column<Disk>[] = [
    { header: t.fleet.mount, class: 'primary', cell: (x) => <span class="mono">{x.mount}</span> },
    {
      header: t.fleet.free,
      cell: (x) => {
        const free = x.sizeBytes > 0 ? ((x.sizeBytes - x.usedBytes) * 100) / x.sizeBytes : null;
        if (free === null) return '—';
        const tone =
          free < d.policy.disk.critFreePct ? 'danger' : free < d.policy.disk.warnFreePct ? 'warn' : 'ok';
        return <Badge tone={tone} label={`${formatNumber(Math.round(free * 10) / 10, lang)} %`} />;
      },
    },
    {
      header: t.fleet.size,
      cell: (x) => `${formatNumber(Math.round((x.sizeBytes / GiB) * 10) / 10, lang)} GiB`,
    },
    {
      header: t.fleet.smart,
      cell: (x) =>
        x.smart ? (
          <Badge
            tone={x.smart === 'failing' ? 'danger' : x.smart === 'ok' ? 'ok' : 'neutral'}
            label={t.fleet.smartState[x.smart]}
          />
        ) : (
          '—'
        ),
    },
  ];
  const targetCols: Column<Target>[] = [
    { header: t.fleet.target, class: 'primary wrap', cell: (x) => targetName(x.id) },
    {
      header: t.fleet.reachable,
      cell: (x) => (
        <>
          <Badge tone={x.ok ? 'ok' : 'danger'} label={x.ok ? t.fleet.reachableYes : t.fleet.reachableNo} />
          {x.error && <span class="muted small">{` ${x.error}`}</span>}
        </>
      ),
    },
    {
      header: t.fleet.latency,
      class: 'num',
      cell: (x) =>
        typeof x.latencyMs === 'number' ? `${formatNumber(Math.round(x.latencyMs), lang)} ms` : '—',
    },
  ];
  return (
    <>
      {r.collectedAt && (
        <p class="muted small">{t.fleet.latestAt(formatDateTime(new Date(r.collectedAt), lang))}</p>
      )}
      <div class="readings">
        <div>
          <h3>{t.fleet.disks}</h3>
          <DataTable ctx={ctx} columns={diskCols} rows={r.disks ?? []} />
        </div>
        <div>
          <h3>{t.fleet.targets}</h3>
          <DataTable ctx={ctx} columns={targetCols} rows={r.targets ?? []} />
        </div>
      </div>
      <dl class="facts facts-tight">
        {typeof r.system?.cpuLoadPct === 'number' && (
          <>
            <dt>{t.fleet.cpu}</dt>
            <dd>{`${formatNumber(Math.round(r.system.cpuLoadPct), lang)} %`}</dd>
          </>
        )}
        {typeof r.system?.memUsedPct === 'number' && (
          <>
            <dt>{t.fleet.memory}</dt>
            <dd>{`${formatNumber(Math.round(r.system.memUsedPct), lang)} %`}</dd>
          </>
        )}
        {typeof r.system?.uptimeSec === 'number' && (
          <>
            <dt>{t.fleet.uptime}</dt>
            <dd>{formatDuration(r.system.uptimeSec * 1000, lang)}</dd>
          </>
        )}
        {r.agent && (
          <>
            <dt>{t.fleet.spooled}</dt>
            <dd>{formatNumber(r.agent.spooled, lang)}</dd>
          </>
        )}
      </dl>
    </>
  );
}

function Peripherals({ ctx, d }: { ctx: PageCtx; d: DevicePageData }) {
  const { t } = ctx;
  const cols: Column<PeripheralInventoryItem>[] = [
    {
      header: t.fleet.name,
      class: 'primary wrap',
      cell: (x) => (
        <>
          {x.name}
          {x.serial && <div class="muted small mono">{`${t.fleet.serial}: ${x.serial}`}</div>}
        </>
      ),
    },
    { header: t.fleet.kind, cell: (x) => labelOf(t.peripheralKind, x.kind) },
    {
      header: t.fleet.ids,
      cell: (x) => <span class="mono small">{x.vendorId ? `${x.vendorId}:${x.productId ?? ''}` : '—'}</span>,
    },
    {
      header: t.common.status,
      cell: (x) => (
        <Badge
          tone={x.connected ? 'ok' : 'neutral'}
          label={x.connected ? t.fleet.connected : t.fleet.disconnected}
        />
      ),
    },
    { header: t.fleet.expectedAs, class: 'wrap', cell: (x) => x.expectedAs ?? '' },
  ];
  return (
    <section class="card" aria-labelledby="periph-h" data-testid="peripherals">
      <h2 id="periph-h">{t.fleet.peripherals}</h2>
      <h3>{t.fleet.expected}</h3>
      {d.device.expectedPeripherals.length === 0 ? (
        <p class="muted">{t.fleet.noExpected}</p>
      ) : (
        <ul class="plain expected">
          {d.device.expectedPeripherals.map((e) => (
            <li class={e.present ? 'exp-present' : 'exp-missing'}>
              <Badge
                tone={e.present ? 'ok' : 'danger'}
                label={e.present ? t.fleet.present : t.fleet.missing}
              />{' '}
              <strong>{e.label}</strong> <span class="muted">{`(${labelOf(t.peripheralKind, e.kind)})`}</span>
            </li>
          ))}
        </ul>
      )}
      <h3>{t.fleet.seen}</h3>
      {d.device.peripherals.length === 0 ? (
        <p class="muted">{t.fleet.noneSeen}</p>
      ) : (
        <DataTable ctx={ctx} columns={cols} rows={d.device.peripherals} />
      )}
    </section>
  );
}

function History({ ctx, d }: { ctx: PageCtx; d: DevicePageData }) {
  const { t, lang } = ctx;
  const frame = d.metric ? metricFrame(ctx, d.metric, d.policy) : undefined;
  return (
    <section class="card" aria-labelledby="hist-h" data-testid="history">
      <h2 id="hist-h">{t.fleet.history}</h2>
      <form method="get" action={`/fleet/devices/${encodeURIComponent(d.device.id)}`} class="search">
        <div class="field">
          <label for="h-metric">{t.fleet.metric}</label>
          <select id="h-metric" name="metric">
            {d.metrics.map((m) => (
              <option value={m} selected={m === d.metric}>
                {metricLabel(ctx, m, d.policy)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="h-period">{t.fleet.period}</label>
          <select id="h-period" name="period">
            {(['24h', '7d', '30d'] as const).map((p) => (
              <option value={p} selected={p === d.period}>
                {t.fleet.periods[p]}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="btn btn-secondary">
          {t.fleet.show}
        </button>
      </form>
      {d.metric && d.history.length > 0 && frame ? (
        <>
          <LineChart
            points={d.history}
            lang={lang}
            title={metricLabel(ctx, d.metric, d.policy)}
            unit={frame.unit}
            lines={frame.lines}
            domain={frame.domain}
          />
          <p class="small muted">{t.fleet.historyNote}</p>
        </>
      ) : (
        <p class="muted">{t.fleet.noHistory}</p>
      )}
    </section>
  );
}

export function DevicePage({ ctx, d }: { ctx: PageCtx; d: DevicePageData }) {
  const { t, lang } = ctx;
  const x = d.device;
  return (
    <Layout ctx={ctx} title={x.hostname}>
      <FleetTabs ctx={ctx} current="health" />
      <PageHead
        crumbs={
          <Breadcrumbs
            ctx={ctx}
            items={[
              { label: t.fleet.title, href: '/fleet' },
              { label: d.unitName, href: fleetUnitHref(x.unitCode) },
              { label: x.hostname },
            ]}
          />
        }
        title={x.hostname}
        lead={
          <span class="badges">
            {x.revokedAt ? (
              <Badge tone="neutral" label={t.fleet.revoked} />
            ) : (
              <DeviceStatusBadge t={t} status={x.status} />
            )}
            <span>{`${d.unitName} (${x.unitCode})`}</span>
          </span>
        }
        actions={
          d.canPolicy && (
            <a class="btn btn-secondary" href={devicePolicyHref(x.id)}>
              {t.devicePolicy.link}
            </a>
          )
        }
      />
      {d.canPolicy && d.ownPolicy.length > 0 && (
        <Notice kind="info">
          <span data-testid="own-policy">
            {t.devicePolicy.hasOverrides(d.ownPolicy.map((k) => t.policy.keys[k]).join('; '))}
          </span>{' '}
          <a href={devicePolicyHref(x.id)}>{t.devicePolicy.link}</a>
        </Notice>
      )}
      {x.revokedAt && (
        <Notice kind="warn">{t.fleet.revokedAt(formatDateTime(new Date(x.revokedAt), lang))}</Notice>
      )}
      <div class="ticket-layout">
        <aside class="ticket-side">
          <section class="card" aria-labelledby="facts-h">
            <h2 id="facts-h">{t.fleet.facts}</h2>
            <dl class="facts facts-tight">
              <dt>{t.fleet.lastSeen}</dt>
              <dd>
                {x.lastSeenAt ? (
                  <>
                    {t.fleet.agoSuffix(formatDuration(ctx.now.getTime() - Date.parse(x.lastSeenAt), lang))}
                    <div class="muted small">{formatDateTime(new Date(x.lastSeenAt), lang)}</div>
                  </>
                ) : (
                  <span class="muted">{t.fleet.never}</span>
                )}
              </dd>
              <dt>{t.fleet.os}</dt>
              <dd>{`${x.os.platform} ${x.os.release} (${x.os.arch})`}</dd>
              <dt>{t.fleet.agentVersion}</dt>
              <dd class="mono">{x.agentVersion}</dd>
              <dt>{t.fleet.enrolledAt}</dt>
              <dd>
                <DateTime at={new Date(x.enrolledAt)} lang={lang} />
              </dd>
              <dt>{t.fleet.reportsReceived}</dt>
              <dd>{formatNumber(x.reportsReceived, lang)}</dd>
              <dt>{t.fleet.lastSeq}</dt>
              <dd>{formatNumber(x.lastSeq, lang)}</dd>
              <dt>{t.ticket.device}</dt>
              <dd class="mono small">{x.id}</dd>
            </dl>
            <p>
              <a
                href={`/tickets/new?unit=${encodeURIComponent(x.unitCode)}&device=${encodeURIComponent(x.id)}`}
              >
                {t.queue.create}
              </a>
            </p>
          </section>
          {d.canRevoke && !x.revokedAt && (
            <section class="card">
              <form method="post" action={`/fleet/devices/${encodeURIComponent(x.id)}/revoke`} class="stack">
                <CsrfField ctx={ctx} />
                <p class="small muted">{t.fleet.revokeHint}</p>
                <button type="submit" class="btn btn-danger">
                  {t.fleet.revoke}
                </button>
              </form>
            </section>
          )}
        </aside>
        <div class="ticket-main">
          <section class="card" aria-labelledby="latest-h" data-testid="latest">
            <h2 id="latest-h">{t.fleet.latest}</h2>
            <Latest ctx={ctx} d={d} />
          </section>
          <InventorySection
            ctx={ctx}
            inventory={x.inventory}
            inventoryAt={x.inventoryAt}
            changes={x.inventoryChanges}
          />
          <Peripherals ctx={ctx} d={d} />
          <History ctx={ctx} d={d} />
          <section class="card" aria-labelledby="dt-h">
            <h2 id="dt-h">{t.fleet.ticketsOfDevice}</h2>
            <TicketList ctx={ctx} tickets={d.tickets} empty={t.fleet.noTickets} />
          </section>
          <section class="card" aria-labelledby="dw-h">
            <h2 id="dw-h">{t.fleet.windows}</h2>
            <WindowTable
              ctx={ctx}
              items={d.windows}
              hostnames={new Map([[x.id, x.hostname]])}
              canCancel={false}
            />
          </section>
        </div>
      </div>
    </Layout>
  );
}
