/** Every 10 minutes: hourly rollups, then deletion of what has outlived its retention period. */
import { runRetention } from '../services/retention.js';
import type { Job } from './types.js';

export const retentionJob: Job = {
  name: 'retention',
  cron: '0 */10 * * * *',
  async run(deps, now) {
    const r = await runRetention(deps, now);
    return {
      summary: `${r.reportsDeleted} reports, ${r.rollupsDeleted} rollups, ${r.faultsDeleted} fault rows deleted`,
      ...r,
    };
  },
};
