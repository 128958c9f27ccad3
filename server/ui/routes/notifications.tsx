/**
 * /notifications — my notifications (the API's `listNotifications`), opening one (marks it read with
 * `markRead`, then goes to its ticket) and marking all read. A person only ever reaches their own.
 */
import { Hono } from 'hono';
import { fail } from '../../http/problem.js';
import { listNotifications, markRead, notificationTarget } from '../../services/notifications.js';
import { ticketHref } from '../components/tickets.js';
import { setFlash } from '../flash.js';
import { pageCtx, signedIn } from '../page-context.js';
import { NotificationsPage } from '../pages/notifications.js';
import { render } from '../render.js';
import type { UiEnv } from '../ui-env.js';

export const notificationPages = new Hono<UiEnv>()
  .get('/notifications', async (c) => {
    const p = signedIn(c);
    const unreadOnly = c.req.query('unread') === '1';
    const cursor = c.req.query('cursor') || undefined;
    const [res, ctx] = await Promise.all([
      listNotifications(c.get('deps').store.read, p.userId, { unread: unreadOnly, limit: 50, cursor }),
      pageCtx(c),
    ]);
    return render(
      c,
      <NotificationsPage
        ctx={ctx}
        items={res.items}
        unreadOnly={unreadOnly}
        unread={res.unread}
        cursor={cursor}
        nextCursor={res.nextCursor}
      />,
    );
  })
  .post('/notifications/read-all', async (c) => {
    const p = signedIn(c);
    const deps = c.get('deps');
    const n = await markRead(deps.store, p.userId, deps.clock.now(), 'all');
    setFlash(c, 'success', 'notificationsRead', [String(n)]);
    return c.redirect('/notifications', 303);
  })
  .post('/notifications/:id/open', async (c) => {
    const p = signedIn(c);
    const deps = c.get('deps');
    const id = c.req.param('id');
    const row = await notificationTarget(deps.store.read, p.userId, id);
    if (!row) throw fail.notFound({ vi: 'Không tìm thấy thông báo.', en: 'Notification not found.' });
    await markRead(deps.store, p.userId, deps.clock.now(), [id]);
    return c.redirect(row.ticketId ? ticketHref(row.ticketId) : '/notifications', 303);
  });
