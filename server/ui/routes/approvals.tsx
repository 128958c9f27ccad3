/**
 * /approvals (what waits for my decision) and /approvals/decided (what I decided). Reads through
 * `approvalInbox` / `myDecisions`; the decision form posts to /tickets/:id/approval (routes/tickets.tsx),
 * which calls the API's own `decide`.
 */
import { Hono } from 'hono';
import { approvalInbox, approvalInboxCount, myDecisions } from '../../services/approval-inbox.js';
import { legalBasisOf } from '../../services/matrix.js';
import { ticketLabels } from '../../services/ticket-queue.js';
import { pageCtx, signedIn } from '../page-context.js';
import { ApprovalsInboxPage, DecisionsPage } from '../pages/approvals.js';
import { render } from '../render.js';
import type { UiEnv } from '../ui-env.js';

const PAGE = 20;

export const approvalPages = new Hono<UiEnv>()
  .get('/approvals', async (c) => {
    const p = signedIn(c);
    const db = c.get('deps').store.read;
    const cursor = c.req.query('cursor') || undefined;
    const [res, total, ctx] = await Promise.all([
      approvalInbox(db, p, { limit: PAGE, cursor }),
      approvalInboxCount(db, p),
      pageCtx(c),
    ]);
    const tickets = res.items.map((i) => i.ticket);
    const [labels, basis] = await Promise.all([
      ticketLabels(db, [
        ...tickets,
        ...res.items.map((i) => ({ unitCode: i.step.unitCode, handler: i.ticket.handler })),
      ]),
      legalBasisOf(
        db,
        tickets.map((x) => ({ matrixVersion: x.routing.matrixVersion, ruleId: x.routing.ruleId })),
      ),
    ]);
    return render(
      c,
      <ApprovalsInboxPage
        ctx={ctx}
        items={res.items}
        labels={labels}
        basis={basis}
        total={total}
        cursor={cursor}
        nextCursor={res.nextCursor}
      />,
    );
  })
  .get('/approvals/decided', async (c) => {
    const p = signedIn(c);
    const db = c.get('deps').store.read;
    const cursor = c.req.query('cursor') || undefined;
    const [res, ctx] = await Promise.all([myDecisions(db, p, { limit: 50, cursor }), pageCtx(c)]);
    const labels = await ticketLabels(
      db,
      res.items.map((i) => i.ticket),
    );
    return render(
      c,
      <DecisionsPage
        ctx={ctx}
        items={res.items}
        labels={labels}
        cursor={cursor}
        nextCursor={res.nextCursor}
      />,
    );
  });
