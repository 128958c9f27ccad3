/**
 * The web UI as one Hono sub-app, mounted at `/` after the JSON API (server/app.ts). Server-rendered
 * hono/jsx pages over the same services as the API; see server/ui/README.md for how a page is added.
 */
import { Hono } from 'hono';
import { compress } from 'hono/compress';
import { assetRoutes } from './assets/index.js';
import { notFoundPage, uiErrorHandler } from './errors.js';
import { isUiPath, uiContext } from './middleware.js';
import { accountPages, forcePasswordChange } from './routes/account.js';
import { enrollmentPages } from './routes/admin-enrollment.js';
import { unitPages } from './routes/admin-units.js';
import { userPages } from './routes/admin-users.js';
import { approvalPages } from './routes/approvals.js';
import { authPages } from './routes/auth.js';
import { calendarPages } from './routes/calendar.js';
import { deputyPages } from './routes/deputies.js';
import { fleetPages } from './routes/fleet.js';
import { homePages } from './routes/home.js';
import { matrixPages } from './routes/matrix.js';
import { notificationPages } from './routes/notifications.js';
import { policyPages } from './routes/policy.js';
import { reportPages } from './routes/reports.js';
import { ticketPages } from './routes/tickets.js';
import type { UiEnv } from './ui-env.js';

export function createUiApp(): Hono<UiEnv> {
  const ui = new Hono<UiEnv>();
  ui.onError(uiErrorHandler);
  // Pages and assets are text: compress them for slow links (the API's JSON is left as it was).
  const gzip = compress();
  ui.use('*', async (c, next) => (isUiPath(c.req.path) ? gzip(c, next) : next()));
  ui.use('*', uiContext());
  ui.use('*', forcePasswordChange());
  ui.route('/', assetRoutes);
  ui.route('/', authPages);
  ui.route('/', accountPages);
  ui.route('/', homePages);
  ui.route('/', unitPages);
  ui.route('/', userPages);
  ui.route('/', enrollmentPages);
  ui.route('/', ticketPages);
  ui.route('/', approvalPages);
  ui.route('/', deputyPages);
  ui.route('/', notificationPages);
  ui.route('/', matrixPages);
  ui.route('/', calendarPages);
  ui.route('/', fleetPages);
  ui.route('/', policyPages);
  ui.route('/', reportPages);
  ui.get('*', (c, next) =>
    isUiPath(c.req.path) && !c.req.path.startsWith('/assets/') ? notFoundPage(c) : next(),
  );
  return ui;
}
