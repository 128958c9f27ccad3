/** Devices: scoped list, one device with its latest reading and inventory, its own check policy, revocation. */
import { Hono } from 'hono';
import { zDeviceListQuery } from '../../shared/schemas/devices.js';
import { zPolicyPut } from '../../shared/schemas/policy.js';
import { type AppEnv, clientIp, requireUser } from '../http/context.js';
import { jsonBody, queryOf } from '../http/validate.js';
import { deviceDetail, listDeviceViews, revokeDevice, updateDevicePolicy } from '../services/devices.js';
import { getDevicePolicy } from '../services/policy.js';

export const deviceRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const p = requireUser(c);
    return c.json(await listDeviceViews(c.get('deps'), p, queryOf(c, zDeviceListQuery)));
  })
  .get('/:id', async (c) => {
    const p = requireUser(c);
    return c.json(await deviceDetail(c.get('deps'), p, c.req.param('id')));
  })
  .get('/:id/policy', async (c) => {
    const p = requireUser(c);
    return c.json(await getDevicePolicy(c.get('deps'), p, c.req.param('id')));
  })
  .put('/:id/policy', async (c) => {
    const p = { ...requireUser(c), ip: clientIp(c) };
    const deps = c.get('deps');
    const body = await jsonBody(c, zPolicyPut, deps.config.maxBodyBytes);
    return c.json(await updateDevicePolicy(deps, p, c.req.param('id'), body));
  })
  .post('/:id/revoke', async (c) => {
    const p = { ...requireUser(c), ip: clientIp(c) };
    return c.json(await revokeDevice(c.get('deps'), p, c.req.param('id')));
  });
