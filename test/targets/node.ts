/** The node target: the real Node server in this process (startTestServer) driven by a ManualClock. */
import { runDueJobs } from '../../server/jobs/runner.js';
import { ManualClock } from '../helpers/clock.js';
import { startTestServer } from '../helpers/server.js';
import { jobsFailed, type Target } from './index.js';
import { openInspector } from './inspect.js';

export async function startNodeTarget(o: { start: string; env: Record<string, string> }): Promise<Target> {
  const clock = new ManualClock(o.start);
  const server = await startTestServer({ clock, env: o.env });
  const inspector = await openInspector(server.dbPath);
  return {
    kind: 'node',
    url: server.url,
    admin: server.admin,
    anon: server.anon,
    clock: {
      now: () => clock.now(),
      set: async (at) => clock.set(at),
      advance: async (ms) => clock.advance(ms),
      advanceMinutes: async (m) => clock.advanceMinutes(m),
    },
    sql: inspector.sql,
    db: inspector.db,
    async runJobs() {
      // What Workers' scheduled() and test/tickets/jobs.test.ts do: every registered job, due or not.
      const now = clock.now();
      const failed = (await runDueJobs(server.deps, now)).filter((r) => r.error !== undefined);
      if (failed.length > 0) throw jobsFailed(now, failed);
    },
    node: server,
    async stop() {
      inspector.close();
      await server.stop();
    },
  };
}
