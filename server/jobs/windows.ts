/**
 * Every 30 s: faults still bad when their maintenance window ended open tickets now (and so do faults
 * whose ticket could not be opened at the time, e.g. a routing failure).
 */
import { openDeferredFaults } from '../services/detection-deferred.js';
import type { Job } from './types.js';

export const windowsJob: Job = {
  name: 'maintenance-windows',
  cron: '5,35 * * * * *',
  async run(deps, now) {
    const r = await openDeferredFaults(deps, now);
    return {
      summary: `${r.ticketsOpened} deferred tickets opened, ${r.statusChanged} statuses changed`,
      ...r,
    };
  },
};
