/** Every scheduled job of the server, in the order a scheduler tick runs them. */
import { retentionJob } from './retention.js';
import { silenceJob } from './silence.js';
import type { Job } from './types.js';
import { windowsJob } from './windows.js';

export const JOBS: Job[] = [silenceJob, windowsJob, retentionJob];
