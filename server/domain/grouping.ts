/**
 * Grouping by cause (DETECTION.md): when one cause explains many faults, one ticket is opened for the
 * cause and the faults hang under it as children. Pure decisions; the detection service applies them.
 */

/**
 * Site down: every enrolled device of the unit is silent. A unit with a single device is not a
 * "site" signal (its silence is already one ticket), so at least two devices are required.
 */
export const SITE_MIN_DEVICES = 2;

export function isSiteDown(devices: readonly { silent: boolean }[]): boolean {
  return devices.length >= SITE_MIN_DEVICES && devices.every((d) => d.silent);
}

/** Upstream outage: failing from at least this many units … */
export const UPSTREAM_MIN_UNITS = 3;

/**
 * … and from at least half of the units that reported the target recently.
 * `units` lists each unit that reported the target in the window, with whether it is failing there.
 */
export function isUpstreamOutage(units: readonly { failing: boolean }[]): boolean {
  const failing = units.filter((u) => u.failing).length;
  return failing >= UPSTREAM_MIN_UNITS && failing * 2 >= units.length;
}
