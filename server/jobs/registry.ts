/** Every scheduled job of the server, in the order a scheduler tick runs them. */
import type { Job } from './types.js';

export const JOBS: Job[] = [];
