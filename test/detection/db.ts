/**
 * Reads of tickets and faults straight from the server's database (read-only SQL, on either test
 * target or on a plain Node TestServer), and the "human" moves detection tests need: staff working a
 * ticket through the tickets API.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { ApiClient } from '../helpers/http.js';
import type { TestServer } from '../helpers/server.js';
import type { SqlArg, Target } from '../targets/index.js';

/** A test target (test/targets) or a Node test server (test/helpers/server.ts). */
export type Probe = Pick<Target, 'sql' | 'admin'> | TestServer;

/** `?` placeholders bound in order, as drizzle SQL for the Node server's read path. */
function bind(query: string, args: SqlArg[]): SQL {
  const parts = query.split('?');
  if (parts.length !== args.length + 1) throw new Error(`${args.length} arguments for: ${query}`);
  const chunks: SQL[] = [sql.raw(parts[0]!)];
  for (const [i, a] of args.entries()) chunks.push(sql`${a}`, sql.raw(parts[i + 1]!));
  return sql.join(chunks);
}

async function query<T>(s: Probe, q: string, args: SqlArg[]): Promise<T[]> {
  if ('sql' in s) return s.sql<T>(q, ...args);
  return s.deps.store.read.all<T>(bind(q, args));
}

export interface TicketRow {
  id: string;
  title: string;
  unitId: string;
  deviceId: string | null;
  category: string;
  severity: string;
  source: string;
  status: string;
  fingerprint: string | null;
  parentId: string | null;
  recoveredAt: number | null;
}

/** Tickets matching `where` (SQL with `?` placeholders for `args`), oldest first. */
export async function tickets(s: Probe, where = '1', ...args: SqlArg[]): Promise<TicketRow[]> {
  return query<TicketRow>(
    s,
    `SELECT id, title, unit_id AS unitId, device_id AS deviceId, category, severity, source, status,
      fingerprint, parent_id AS parentId, recovered_at AS recoveredAt
    FROM tickets WHERE ${where} ORDER BY number`,
    args,
  );
}

export async function ticketsOf(s: Probe, deviceId: string): Promise<TicketRow[]> {
  return tickets(s, 'device_id = ?', deviceId);
}

export async function events(s: Probe, ticketId: string) {
  const rows = await query<{ type: string; data: string | null }>(
    s,
    'SELECT type, data FROM ticket_events WHERE ticket_id = ? ORDER BY seq',
    [ticketId],
  );
  return rows.map((r) => ({ type: r.type, data: r.data ? JSON.parse(r.data) : null }));
}

/** Staff who work agent tickets: IT staff of the handling unit, and the head of the ticket's unit. */
export interface Staff {
  it: ApiClient;
  head: ApiClient;
}

export type WorkedStatus = 'in_progress' | 'awaiting_approval' | 'approved' | 'waiting_parts';

/**
 * Brings an open ticket to `status` the way people do: IT staff acknowledge and start it; an estimate
 * in the first cost band above zero (5–20 M VND: the unit head approves) asks for approval; the unit
 * head approves; or IT staff wait for parts.
 */
export async function workTicket(staff: Staff, id: string, status: WorkedStatus): Promise<void> {
  const steps: [ApiClient, string, Record<string, unknown>][] = [
    [staff.it, 'actions', { action: 'acknowledge' }],
    [staff.it, 'actions', { action: 'start' }],
  ];
  if (status === 'awaiting_approval' || status === 'approved')
    steps.push([staff.it, 'actions', { action: 'estimate', costEstimateVnd: 6_000_000 }]);
  if (status === 'approved') steps.push([staff.head, 'approval', { decision: 'approve', note: 'Đồng ý' }]);
  if (status === 'waiting_parts')
    steps.push([staff.it, 'actions', { action: 'wait_parts', note: 'Chờ ổ đĩa' }]);
  let last: { status?: string } = {};
  for (const [c, path, body] of steps) {
    const r = await c.post(`/api/v1/tickets/${id}/${path}`, body);
    if (r.status !== 200) throw new Error(`${path} ${JSON.stringify(body)}: ${r.status} ${r.text}`);
    last = r.body;
  }
  if (last.status !== status) throw new Error(`ticket ${id} is ${last.status}, not ${status}`);
}

export async function deviceStatus(s: Probe, deviceId: string): Promise<string> {
  const r = await s.admin.get(`/api/v1/devices/${deviceId}`);
  return r.body.status;
}

export async function unitId(s: Probe, code: string): Promise<string> {
  return (await s.admin.get(`/api/v1/units/${code}`)).body.id;
}
