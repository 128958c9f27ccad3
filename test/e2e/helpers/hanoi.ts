/**
 * Hanoi's 126 commune-level units of 2025, for realistic trees in journeys and benches. The data is the
 * repository's copy of the reference file (agent/simulate/data, with its source), shared with the demo.
 */
import { loadHanoiUnits } from '../../../agent/simulate/hanoi-units.js';

export interface HanoiUnit {
  code: string;
  name: string;
  type: 'phuong' | 'xa';
}

let cached: HanoiUnit[] | undefined;

export function hanoiUnits(): HanoiUnit[] {
  cached ??= loadHanoiUnits().map(({ code, name, type }) => ({ code, name, type }));
  return cached;
}
