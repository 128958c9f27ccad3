/**
 * The home page's panels, as a list: each decides whether this user sees it and loads its own
 * figures, in this order: `queue` (open tickets by SLA urgency, the most urgent few), `approvals`
 * (what waits for my decision), `fleet` (ok / degraded / silent / maintenance devices in my units),
 * then the administration panels (units, people, enrollment tokens).
 */
import type { Child } from 'hono/jsx';
import { grantsFor } from '../domain/scope.js';
import { approvalInboxCount } from '../services/approval-inbox.js';
import { activeTokenCount } from '../services/enrollment-list.js';
import { fleetTotals } from '../services/fleet.js';
import type { UserPrincipal } from '../services/principal.js';
import { queueCounts, queueTickets } from '../services/ticket-queue.js';
import { unitCountsByLevel } from '../services/unit-directory.js';
import { countUsersInScope } from '../services/user-directory.js';
import { NextDeadline, ticketHref } from './components/tickets.js';
import { formatNumber } from './format.js';
import { labelOf } from './i18n/index.js';
import type { PageCtx } from './page-context.js';
import type { UiCtx } from './ui-env.js';

export interface DashboardPanel {
  /** Stable id; also the panel's `data-panel` attribute (tests find it by this). */
  id: string;
  visible(p: UserPrincipal): boolean;
  render(c: UiCtx, ctx: PageCtx, p: UserPrincipal): Promise<Child>;
}

/** Open tickets I can see (my work queue for IT staff), the overdue ones, and the most urgent three. */
const queuePanel: DashboardPanel = {
  id: 'queue',
  visible: (p) => grantsFor(p.grants, 'ticket.read').length > 0,
  async render(c, ctx, p) {
    const { t, lang } = ctx;
    const db = c.get('deps').store.read;
    const [counts, top] = await Promise.all([
      queueCounts(db, p, {}, ctx.now),
      queueTickets(db, p, { limit: 3 }),
    ]);
    const work = grantsFor(p.grants, 'ticket.work').length > 0;
    return (
      <div class="card stat">
        <span class="label">{work ? t.queue.titleWork : t.queue.titleRead}</span>
        <span class="value">{formatNumber(counts.live, lang)}</span>
        <span class={counts.overdue > 0 ? 'countdown-overdue' : 'muted'}>
          {`${t.queue.overdueCount}: ${formatNumber(counts.overdue, lang)}`}
        </span>
        {top.items.length > 0 && (
          <ul class="plain small">
            {top.items.map((x) => (
              <li>
                <a href={ticketHref(x.id)}>{`#${x.number} ${x.title}`}</a>{' '}
                <NextDeadline ctx={ctx} ticket={x} />
              </li>
            ))}
          </ul>
        )}
        <a href="/queue">{t.nav.queue}</a>
      </div>
    );
  },
};

/** Estimates waiting for my decision (unit heads, and anyone standing in for one). */
const approvalsPanel: DashboardPanel = {
  id: 'approvals',
  visible: (p) => p.grants.some((g) => g.role === 'unit_head'),
  async render(c, ctx, p) {
    const n = await approvalInboxCount(c.get('deps').store.read, p);
    return (
      <div class={n > 0 ? 'card stat stat-attention' : 'card stat'}>
        <span class="label">{ctx.t.approvals.inbox}</span>
        <span class="value">{formatNumber(n, ctx.lang)}</span>
        <a href="/approvals">{ctx.t.approvals.title}</a>
      </div>
    );
  },
};

/** Counter PCs in my scope by health. */
const fleetPanel: DashboardPanel = {
  id: 'fleet',
  visible: (p) => grantsFor(p.grants, 'device.read').length > 0,
  async render(c, ctx, p) {
    const { t, lang } = ctx;
    const h = await fleetTotals(c.get('deps').store.read, p);
    const bad = h.silent + h.degraded;
    return (
      <div class={bad > 0 ? 'card stat stat-attention' : 'card stat'}>
        <span class="label">{t.fleet.title}</span>
        <span class="value">{formatNumber(h.devices, lang)}</span>
        <ul>
          {(['silent', 'degraded', 'maintenance', 'ok'] as const).map((s) => (
            <li>{`${t.deviceStatus[s]}: ${formatNumber(h[s], lang)}`}</li>
          ))}
        </ul>
        <a href="/fleet">{t.nav.fleet}</a>
      </div>
    );
  },
};

const unitsPanel: DashboardPanel = {
  id: 'units',
  visible: (p) => grantsFor(p.grants, 'unit.read').length > 0,
  async render(c, ctx, p) {
    const { t, lang } = ctx;
    const counts = await unitCountsByLevel(c.get('deps').store.read, p);
    const total = counts.reduce((s, r) => s + r.n, 0);
    return (
      <div class="card stat">
        <span class="label">{t.home.unitsInScope}</span>
        <span class="value">{formatNumber(total, lang)}</span>
        <ul>
          {counts.map((r) => (
            <li>{`${labelOf(t.levels, r.level)}: ${formatNumber(r.n, lang)}`}</li>
          ))}
        </ul>
        <a href="/admin/units">{t.home.actionBrowseUnits}</a>
      </div>
    );
  },
};

const usersPanel: DashboardPanel = {
  id: 'users',
  visible: (p) => grantsFor(p.grants, 'user.read').length > 0,
  async render(c, ctx, p) {
    const n = await countUsersInScope(c.get('deps').store.read, p);
    return (
      <div class="card stat">
        <span class="label">{ctx.t.home.usersInScope}</span>
        <span class="value">{formatNumber(n, ctx.lang)}</span>
        <a href="/admin/users">{ctx.t.nav.users}</a>
      </div>
    );
  },
};

const tokensPanel: DashboardPanel = {
  id: 'enrollment',
  visible: (p) => grantsFor(p.grants, 'enrollment.create').length > 0,
  async render(c, ctx, p) {
    const n = await activeTokenCount(c.get('deps').store.read, p, ctx.now);
    return (
      <div class="card stat">
        <span class="label">{ctx.t.home.activeTokens}</span>
        <span class="value">{formatNumber(n, ctx.lang)}</span>
        <a href="/admin/enrollment">{ctx.t.home.actionCreateToken}</a>
      </div>
    );
  },
};

export const DASHBOARD_PANELS: readonly DashboardPanel[] = [
  queuePanel,
  approvalsPanel,
  fleetPanel,
  unitsPanel,
  usersPanel,
  tokensPanel,
];
