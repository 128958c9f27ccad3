/** Every scheduled job of the server, in the order a scheduler tick runs them. */
import { approvalTimeoutJob } from './approval-timeouts.js';
import { complianceJob } from './compliance.js';
import { retentionJob } from './retention.js';
import { silenceJob } from './silence.js';
import { slaEscalationJob } from './sla-escalation.js';
import type { Job } from './types.js';
import { windowsJob } from './windows.js';

export const JOBS: Job[] = [
  silenceJob,
  windowsJob,
  slaEscalationJob,
  approvalTimeoutJob,
  retentionJob,
  complianceJob,
];
