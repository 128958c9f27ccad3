/**
 * My notifications, newest first: what each is about in a sentence, unread ones marked, "open" (which
 * marks it read and goes to the ticket) and "mark all read". Texts come from the dictionary by kind;
 * the data fields are the ones the services write (number, title, cost, decision, by).
 */
import type { NotificationView } from '../../services/notifications.js';
import { Badge } from '../components/badge.js';
import { EmptyState } from '../components/flash.js';
import { CsrfField } from '../components/form.js';
import { Layout, PageHead, Tabs } from '../components/layout.js';
import { Pager } from '../components/table.js';
import { DateTime } from '../components/time.js';
import { formatVnd } from '../format.js';
import type { PageCtx } from '../page-context.js';

function sentence(ctx: PageCtx, n: NotificationView): string {
  const { t, lang } = ctx;
  const d = (n.data ?? {}) as Record<string, unknown>;
  const num = String(d.number ?? '');
  const title = String(d.title ?? '');
  const k = t.notifications.kind;
  switch (n.kind) {
    case 'assigned':
      return k.assigned(num, title, String(d.by ?? ''));
    case 'approval_requested':
      return k.approval_requested(
        num,
        title,
        typeof d.costEstimateVnd === 'number' ? formatVnd(d.costEstimateVnd, lang) : '—',
      );
    case 'approval_overdue':
      return k.approval_overdue(num, title);
    case 'approval_decided':
      return k.approval_decided(
        num,
        title,
        d.decision === 'reject' ? t.ticket.decision.reject : t.ticket.decision.approve,
        String(d.by ?? ''),
      );
    case 'sla_escalated':
      return k.sla_escalated(num, title);
    default:
      return k.other(n.kind);
  }
}

export function NotificationsPage(props: {
  ctx: PageCtx;
  items: NotificationView[];
  unreadOnly: boolean;
  unread: number;
  cursor?: string;
  nextCursor: string | null;
}) {
  const { ctx } = props;
  const { t, lang } = ctx;
  const markAll = props.unread > 0 && (
    <form method="post" action="/notifications/read-all" class="inline-form">
      <CsrfField ctx={ctx} />
      <button type="submit" class="btn btn-secondary">
        {t.notifications.markAll}
      </button>
    </form>
  );
  return (
    <Layout ctx={ctx} title={t.notifications.title}>
      <PageHead title={t.notifications.title} lead={t.notifications.lead} actions={markAll} />
      <Tabs
        label={t.notifications.title}
        current={props.unreadOnly ? 'unread' : 'all'}
        tabs={[
          { id: 'all', href: '/notifications', label: t.notifications.all },
          { id: 'unread', href: '/notifications?unread=1', label: t.notifications.unreadOnly },
        ]}
      />
      {props.items.length === 0 && !props.cursor ? (
        <EmptyState message={t.notifications.empty} />
      ) : (
        <div class="table-wrap">
          <ul class="notes" data-testid="notifications">
            {props.items.map((n) => (
              <li class={n.readAt ? 'note' : 'note note-unread'}>
                <div class="note-text">
                  {!n.readAt && <Badge tone="warn" label={t.notifications.unread} />} {sentence(ctx, n)}
                  <div class="muted small">
                    <DateTime at={new Date(n.at)} lang={lang} />
                  </div>
                </div>
                {n.ticketId && (
                  <form
                    method="post"
                    action={`/notifications/${encodeURIComponent(n.id)}/open`}
                    class="inline-form"
                  >
                    <CsrfField ctx={ctx} />
                    <button type="submit" class="btn btn-secondary btn-small">
                      {t.notifications.open}
                    </button>
                  </form>
                )}
              </li>
            ))}
          </ul>
          <Pager
            ctx={ctx}
            base="/notifications"
            params={{ unread: props.unreadOnly ? '1' : undefined }}
            cursor={props.cursor}
            nextCursor={props.nextCursor}
            count={props.items.length}
          />
        </div>
      )}
    </Layout>
  );
}
