/**
 * Reads of tickets and faults straight from the test server's database (the tickets API belongs to
 * another work stream), and the one "human" move detection tests need: a technician starting a ticket.
 */
import { sql } from 'drizzle-orm';
import type { TestServer } from '../helpers/server.js';

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

export async function tickets(s: TestServer, where = sql`1`): Promise<TicketRow[]> {
  return s.deps.store.read.all<TicketRow>(sql`
    SELECT id, title, unit_id AS unitId, device_id AS deviceId, category, severity, source, status,
      fingerprint, parent_id AS parentId, recovered_at AS recoveredAt
    FROM tickets WHERE ${where} ORDER BY number`);
}

export async function ticketsOf(s: TestServer, deviceId: string): Promise<TicketRow[]> {
  return tickets(s, sql`device_id = ${deviceId}`);
}

export async function events(s: TestServer, ticketId: string) {
  const rows = await s.deps.store.read.all<{ type: string; data: string | null }>(
    sql`SELECT type, data FROM ticket_events WHERE ticket_id = ${ticketId} ORDER BY seq`,
  );
  return rows.map((r) => ({ type: r.type, data: r.data ? JSON.parse(r.data) : null }));
}

export async function setTicketStatus(s: TestServer, id: string, status: string): Promise<void> {
  await s.deps.store.write((tx) => tx.run(sql`UPDATE tickets SET status = ${status} WHERE id = ${id}`));
}

export async function deviceStatus(s: TestServer, deviceId: string): Promise<string> {
  const r = await s.admin.get(`/api/v1/devices/${deviceId}`);
  return r.body.status;
}

export async function unitId(s: TestServer, code: string): Promise<string> {
  return (await s.admin.get(`/api/v1/units/${code}`)).body.id;
}
