/** Devices: scoped list, one device with its latest reading and inventory, revocation. */
import { Hono } from 'hono';
import { zDeviceListQuery } from '../../shared/schemas/devices.js';
import { type AppEnv, clientIp, requireUser } from '../http/context.js';
import { queryOf } from '../http/validate.js';
import { deviceDetail, listDeviceViews, revokeDevice } from '../services/devices.js';

export const deviceRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const p = requireUser(c);
    return c.json(await listDeviceViews(c.get('deps'), p, queryOf(c, zDeviceListQuery)));
  })
  .get('/:id', async (c) => {
    const p = requireUser(c);
    return c.json(await deviceDetail(c.get('deps'), p, c.req.param('id')));
  })
  .post('/:id/revoke', async (c) => {
    const p = { ...requireUser(c), ip: clientIp(c) };
    return c.json(await revokeDevice(c.get('deps'), p, c.req.param('id')));
  });
