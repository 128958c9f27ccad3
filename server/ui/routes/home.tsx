/** GET / — the dashboard. */
import { Hono } from 'hono';
import { grantsFor } from '../../domain/scope.js';
import { DASHBOARD_PANELS } from '../dashboard.js';
import { pageCtx, signedIn } from '../page-context.js';
import { HomePage } from '../pages/home.js';
import { render } from '../render.js';
import type { UiEnv } from '../ui-env.js';

export const homePages = new Hono<UiEnv>().get('/', async (c) => {
  const p = signedIn(c);
  const ctx = await pageCtx(c);
  const visible = DASHBOARD_PANELS.filter((panel) => panel.visible(p));
  const panels = await Promise.all(
    visible.map(async (panel) => ({ id: panel.id, body: await panel.render(c, ctx, p) })),
  );
  const can = {
    createUnit: grantsFor(p.grants, 'unit.write').length > 0,
    createUser: grantsFor(p.grants, 'user.write').length > 0,
    createToken: grantsFor(p.grants, 'enrollment.create').length > 0,
    createTicket: grantsFor(p.grants, 'ticket.create').length > 0,
    delegate: p.grants.some((g) => !g.deputyOf && (g.role === 'unit_head' || g.role === 'it_staff')),
  };
  return render(c, <HomePage ctx={ctx} panels={panels} can={can} />);
});
