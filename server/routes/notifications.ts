/** The signed-in user's notifications: list (newest first, `?unread=1`), mark read. */
import { Hono } from 'hono';
import { z } from 'zod';
import { zId } from '../../shared/schemas/common.js';
import { type AppEnv, requireUser } from '../http/context.js';
import { jsonBody, queryOf } from '../http/validate.js';
import { listNotifications, markRead } from '../services/notifications.js';

export const zNotificationQuery = z.object({
  unread: z.enum(['0', '1', 'true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(512).optional(),
});
export const zMarkRead = z.union([
  z.object({ ids: z.array(zId).min(1).max(500) }),
  z.object({ all: z.literal(true) }),
]);

export const notificationRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const p = requireUser(c);
    const q = queryOf(c, zNotificationQuery);
    return c.json(
      await listNotifications(c.get('deps').store.read, p.userId, {
        unread: q.unread === '1' || q.unread === 'true',
        limit: q.limit,
        cursor: q.cursor,
      }),
    );
  })
  .post('/read', async (c) => {
    const p = requireUser(c);
    const deps = c.get('deps');
    const body = await jsonBody(c, zMarkRead, 64 * 1024);
    const marked = await markRead(deps.store, p.userId, deps.clock.now(), 'all' in body ? 'all' : body.ids);
    return c.json({ marked });
  })
  .post('/:id/read', async (c) => {
    const p = requireUser(c);
    const deps = c.get('deps');
    const marked = await markRead(deps.store, p.userId, deps.clock.now(), [c.req.param('id')]);
    return c.json({ marked });
  });
