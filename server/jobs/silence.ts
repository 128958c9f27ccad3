/**
 * Every 15 s: agents silent for 3 × interval, and whole sites offline (DETECTION.md). Often enough
 * that a short AGENT_INTERVAL_SEC is honoured; cheap (one scan of the devices table).
 */
import { runSilenceCheck } from '../services/detection-silence.js';
import type { Job } from './types.js';

export const silenceJob: Job = {
  name: 'agent-silence',
  cron: '*/15 * * * * *',
  async run(deps, now) {
    const r = await runSilenceCheck(deps, now);
    return {
      summary: `${r.silent} silent, ${r.ticketsOpened} tickets opened, ${r.sitesDown} sites down, ${r.sitesRecovered} sites back`,
      ...r,
    };
  },
};
