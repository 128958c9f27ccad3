/**
 * Fingerprints: the identity of one problem, `(device, check, subject)`, e.g. `(PC-17, disk_free, C:)`.
 * The tickets table holds at most one open ticket per fingerprint (a partial unique index), so the
 * string must be stable: it is built here and nowhere else.
 */

/** Checks of DETECTION.md; `site_down` and `upstream` are the grouping causes. */
export const CHECKS = [
  'disk_free',
  'disk_health',
  'target',
  'target_latency',
  'peripheral',
  'silence',
  'site_down',
  'upstream',
] as const;
export type Check = (typeof CHECKS)[number];

/** A device-level problem. */
export function fingerprint(deviceId: string, check: Check, subject: string): string {
  return `${deviceId}|${check}|${subject}`;
}

/** "Every device of this unit is silent." */
export function siteDownFingerprint(unitId: string): string {
  return `unit:${unitId}|site_down|*`;
}

/** "This target fails from many units": one per target, at the root. */
export function upstreamFingerprint(targetId: string): string {
  return `root|upstream|${targetId}`;
}
