/** The root unit's working calendar: read (any role), replace (admin at the root). */
import { Hono } from 'hono';
import { zCalendar } from '../../shared/schemas/calendar.js';
import { rootUnit } from '../db/repos/units.js';
import { grantsFor } from '../domain/scope.js';
import { type AppEnv, clientIp, requireUser } from '../http/context.js';
import { fail } from '../http/problem.js';
import { jsonBody } from '../http/validate.js';
import { calendarView, loadCalendar, putCalendar } from '../services/calendar.js';
import { replayAllLive } from '../services/ticket-core.js';

export const calendarRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const p = requireUser(c);
    if (grantsFor(p.grants, 'calendar.read').length === 0) throw fail.forbidden();
    const db = c.get('deps').store.read;
    const root = (await rootUnit(db))!;
    return c.json(calendarView(await loadCalendar(db, root.id), root.code));
  })
  .put('/', async (c) => {
    const p = { ...requireUser(c), ip: clientIp(c) };
    const body = await jsonBody(c, zCalendar, 1024 * 1024);
    return c.json(await putCalendar(c.get('deps'), p, body, replayAllLive));
  });
