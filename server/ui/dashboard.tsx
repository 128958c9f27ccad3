/**
 * The home page's panels, as a list: each decides whether this user sees it and loads its own
 * figures. SLOTS for phase 2 — add a panel here, in this order, when its service exists:
 *   1. `queue`     (IT staff: my open tickets by SLA urgency, with the most urgent few),
 *   2. `approvals` (unit heads: what waits for my decision, with cost and rule),
 *   3. `fleet`     (health at a glance: ok / degraded / silent / maintenance devices in my units).
 * The phase-1 panels (units, people, enrollment) follow them.
 */
import type { Child } from 'hono/jsx';
import { grantsFor } from '../domain/scope.js';
import { activeTokenCount } from '../services/enrollment-list.js';
import type { UserPrincipal } from '../services/principal.js';
import { unitCountsByLevel } from '../services/unit-directory.js';
import { countUsersInScope } from '../services/user-directory.js';
import { formatNumber } from './format.js';
import { labelOf } from './i18n/index.js';
import type { PageCtx } from './page-context.js';
import type { UiCtx } from './ui-env.js';

export interface DashboardPanel {
  /** Stable id; also the panel's `data-panel` attribute (tests and phase-2 code find it by this). */
  id: string;
  visible(p: UserPrincipal): boolean;
  render(c: UiCtx, ctx: PageCtx, p: UserPrincipal): Promise<Child>;
}

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
  // phase 2: queuePanel, approvalsPanel, fleetPanel go here, first.
  unitsPanel,
  usersPanel,
  tokensPanel,
];
