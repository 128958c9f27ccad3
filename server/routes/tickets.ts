/** Tickets: list, read (with timeline and evidence), open manually, act, decide approvals, verify the chain. */
import { Hono } from 'hono';
import {
  zApprovalBody,
  zTicketAction,
  zTicketCreate,
  zTicketListQuery,
} from '../../shared/schemas/tickets.js';
import { type AppEnv, clientIp, requireUser } from '../http/context.js';
import { jsonBody, queryOf } from '../http/validate.js';
import { decide } from '../services/approvals.js';
import { verifyChain } from '../services/ticket-core.js';
import { queueable, queueTickets } from '../services/ticket-queue.js';
import { actOnTicket, createTicket, listTickets, ticketDetail, visibleTicket } from '../services/tickets.js';

export const ticketRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const p = requireUser(c);
    const q = queryOf(c, zTicketListQuery);
    const db = c.get('deps').store.read;
    // `sort=urgency` is the work queue (live tickets by next deadline); a closed status has no deadline.
    if (q.sort === 'urgency' && queueable(q.status)) return c.json(await queueTickets(db, p, q));
    return c.json(await listTickets(db, p, q));
  })
  .post('/', async (c) => {
    const p = { ...requireUser(c), ip: clientIp(c) };
    const deps = c.get('deps');
    const body = await jsonBody(c, zTicketCreate, deps.config.maxBodyBytes);
    const t = await createTicket(deps, p, body);
    c.header('location', `/api/v1/tickets/${encodeURIComponent(t.id)}`);
    return c.json(t, 201);
  })
  .get('/:id', async (c) => {
    const p = requireUser(c);
    return c.json(await ticketDetail(c.get('deps').store.read, p, c.req.param('id')));
  })
  .get('/:id/verify', async (c) => {
    const p = requireUser(c);
    const db = c.get('deps').store.read;
    await visibleTicket(db, p, c.req.param('id'));
    return c.json(await verifyChain(db, c.req.param('id')));
  })
  .post('/:id/actions', async (c) => {
    const p = { ...requireUser(c), ip: clientIp(c) };
    const deps = c.get('deps');
    const body = await jsonBody(c, zTicketAction, deps.config.maxBodyBytes);
    return c.json(await actOnTicket(deps, p, c.req.param('id'), body));
  })
  .post('/:id/approval', async (c) => {
    const p = { ...requireUser(c), ip: clientIp(c) };
    const deps = c.get('deps');
    const body = await jsonBody(c, zApprovalBody, deps.config.maxBodyBytes);
    return c.json(await decide(deps, p, c.req.param('id'), body));
  });
