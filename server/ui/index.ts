/**
 * The web UI as one Hono sub-app, mounted at `/` after the JSON API (server/app.ts). Server-rendered
 * hono/jsx pages over the same services as the API; see server/ui/README.md for how a page is added.
 */
import { Hono } from 'hono';
import { compress } from 'hono/compress';
import { equipmentAssetRoutes } from './assets/equipment.js';
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
import { compliancePages } from './routes/compliance.js';
import { deputyPages } from './routes/deputies.js';
import { equipmentPages } from './routes/equipment.js';
import { faultReportPages } from './routes/equipment-report.js';
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
  ui.route('/', equipmentAssetRoutes); // its two files, then the app's
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
  // The equipment register: compliance and the standard first (`/equipment/:id` would take
  // `/equipment/standard`), then the register, then the scan-to-report form `/r/:tag`.
  ui.route('/', compliancePages);
  ui.route('/', equipmentPages);
  ui.route('/', faultReportPages);
  ui.get('*', (c, next) =>
    isUiPath(c.req.path) && !c.req.path.startsWith('/assets/') ? notFoundPage(c) : next(),
  );
  return ui;
}
