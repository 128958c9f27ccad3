/**
 * Every 10 minutes: compliance tickets follow the register and the standard in force (a standard whose
 * activation date has come takes effect here). Register changes through the API re-evaluate their unit
 * at once; this catches everything else (a scheduled standard, a failed immediate run).
 */
import { runComplianceTickets } from '../services/compliance.js';
import type { Job } from './types.js';

export const complianceJob: Job = {
  name: 'compliance-tickets',
  cron: '0 */10 * * * *',
  async run(deps, now) {
    const r = await runComplianceTickets(deps, now);
    return {
      summary: `${r.shortfalls} shortfalls, ${r.opened} tickets opened, ${r.resolved} resolved`,
      ...r,
    };
  },
};
