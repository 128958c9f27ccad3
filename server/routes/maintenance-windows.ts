/** Maintenance windows: declare, list, read, cancel (`DELETE` keeps the record, cancelled). */
import { Hono } from 'hono';
import { zMaintenanceWindowCreate, zMaintenanceWindowQuery } from '../../shared/schemas/maintenance.js';
import { type AppEnv, clientIp, requireUser } from '../http/context.js';
import { jsonBody, queryOf } from '../http/validate.js';
import { cancelWindow, createWindow, getWindow, listWindows } from '../services/windows.js';

export const maintenanceWindowRoutes = new Hono<AppEnv>()
  .post('/', async (c) => {
    const p = { ...requireUser(c), ip: clientIp(c) };
    const deps = c.get('deps');
    const body = await jsonBody(c, zMaintenanceWindowCreate, 16 * 1024);
    const w = await createWindow(deps, p, body);
    c.header('location', `/api/v1/maintenance-windows/${encodeURIComponent(w.id)}`);
    return c.json(w, 201);
  })
  .get('/', async (c) => {
    const p = requireUser(c);
    return c.json(await listWindows(c.get('deps'), p, queryOf(c, zMaintenanceWindowQuery)));
  })
  .get('/:id', async (c) => {
    const p = requireUser(c);
    return c.json(await getWindow(c.get('deps'), p, c.req.param('id')));
  })
  .delete('/:id', async (c) => {
    const p = { ...requireUser(c), ip: clientIp(c) };
    return c.json(await cancelWindow(c.get('deps'), p, c.req.param('id')));
  });
