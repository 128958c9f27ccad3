/**
 * Check policy: what a counter must reach and have plugged in, and how readings become faults.
 * A unit's own policy holds only the keys it overrides; `null` in a PUT means "inherit again".
 */
import { z } from 'zod';
import { zDiskThresholds, zExpectedPeripheral, zTarget } from './agent.js';

export const zPolicyValues = z.object({
  intervalSec: z.number().int().min(1).max(3600),
  disk: zDiskThresholds,
  targets: z.array(zTarget).max(64),
  peripherals: z.object({ expected: z.array(zExpectedPeripheral).max(64) }),
  openAfter: z.number().int().min(1).max(100),
  recoverAfter: z.number().int().min(1).max(100),
});
export type PolicyValues = z.infer<typeof zPolicyValues>;
export type PolicyOverrides = Partial<PolicyValues>;

export const zPolicyPut = z
  .object({
    intervalSec: zPolicyValues.shape.intervalSec.nullable(),
    disk: zDiskThresholds.nullable(),
    targets: zPolicyValues.shape.targets.nullable(),
    peripherals: zPolicyValues.shape.peripherals.nullable(),
    openAfter: zPolicyValues.shape.openAfter.nullable(),
    recoverAfter: zPolicyValues.shape.recoverAfter.nullable(),
  })
  .partial()
  .strict();
export type PolicyPut = z.infer<typeof zPolicyPut>;
