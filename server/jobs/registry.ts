/** Every scheduled job of the server, in the order a scheduler tick runs them. */
import { approvalTimeoutJob } from './approval-timeouts.js';
import { slaEscalationJob } from './sla-escalation.js';
import type { Job } from './types.js';

export const JOBS: Job[] = [slaEscalationJob, approvalTimeoutJob];
