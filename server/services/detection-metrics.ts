/**
 * Gauges that describe the shared database, collected by query at scrape time: open tickets by
 * category and severity, and agents seen within the last reporting interval.
 */
import { sql } from 'drizzle-orm';
import type { AppDeps } from '../deps.js';

const registered = new WeakSet<AppDeps>();

export function registerDetectionMetrics(deps: AppDeps): void {
  if (registered.has(deps)) return;
  registered.add(deps);
  deps.metrics.addCollector(async () => {
    const rows = await deps.store.read.all<{ category: string; severity: string; n: number }>(sql`
      SELECT category, severity, count(*) AS n FROM tickets
      WHERE status NOT IN ('resolved', 'closed') GROUP BY category, severity`);
    return {
      name: 'onestop_open_tickets',
      help: 'Tickets not resolved or closed, by category and severity.',
      samples: rows.map((r) => ({
        labels: { category: r.category, severity: r.severity },
        value: Number(r.n),
      })),
    };
  });
  deps.metrics.addCollector(async () => {
    const since = deps.clock.now().getTime() - deps.config.agentIntervalSec * 1000;
    const rows = await deps.store.read.all<{ n: number }>(
      sql`SELECT count(*) AS n FROM devices WHERE revoked_at IS NULL AND last_seen_at >= ${since}`,
    );
    return {
      name: 'onestop_agents_seen',
      help: 'Enrolled agents that reported within the last AGENT_INTERVAL_SEC seconds.',
      samples: [{ labels: {}, value: Number(rows[0]?.n ?? 0) }],
    };
  });
  deps.metrics.addCollector(async () => {
    const rows = await deps.store.read.all<{ status: string; n: number }>(
      sql`SELECT status, count(*) AS n FROM devices WHERE revoked_at IS NULL GROUP BY status`,
    );
    return {
      name: 'onestop_devices',
      help: 'Enrolled devices by status (ok, degraded, silent, maintenance).',
      samples: rows.map((r) => ({ labels: { status: r.status }, value: Number(r.n) })),
    };
  });
}
