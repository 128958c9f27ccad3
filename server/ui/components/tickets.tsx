/**
 * Pieces every ticket page shares: the ticket's link and title, its next deadline as a countdown,
 * the handler queue and a unit as people read them (name, then code).
 */
import type { TicketView } from '../../../shared/schemas/tickets.js';
import { nextDeadline } from '../../services/ticket-queue.js';
import { formatDateTime } from '../format.js';
import type { PageCtx } from '../page-context.js';
import { Badge } from './badge.js';
import { Countdown } from './time.js';

export const ticketHref = (id: string) => `/tickets/${encodeURIComponent(id)}`;

/** `Phường Ba Đình (00004)`; just the code when the name is unknown. */
export function unitText(code: string, names: Map<string, string>): string {
  const name = names.get(code);
  return name ? `${name} (${code})` : code;
}

/** The next deadline as a countdown with what it is for; paused and finished tickets say so. */
export function NextDeadline({ ctx, ticket }: { ctx: PageCtx; ticket: TicketView }) {
  const { t, lang } = ctx;
  const d = nextDeadline(ticket);
  if (!d) {
    const at = ticket.resolvedAt ?? ticket.closedAt;
    return (
      <span class="muted">
        {at ? `${t.queue.done} · ${formatDateTime(new Date(at), lang)}` : t.queue.done}
      </span>
    );
  }
  if (d.paused)
    return (
      <span class="deadline">
        <Badge tone="neutral" label={t.queue.paused} title={t.ticket.clockPaused} />
        <span class="muted small">{`${t.queue.resolveDue} · ${formatDateTime(d.at, lang)}`}</span>
      </span>
    );
  return (
    <span class="deadline">
      <Countdown due={d.at} now={ctx.now} lang={lang} />
      <span class="muted small">{d.kind === 'respond' ? t.queue.respondDue : t.queue.resolveDue}</span>
    </span>
  );
}
