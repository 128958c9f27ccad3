/** A clock tests move by hand: no sleeping to wait for time to pass. */
import type { Clock } from '../../server/deps.js';

export class ManualClock implements Clock {
  private t: number;
  constructor(start: string | Date = '2026-03-02T02:00:00Z') {
    this.t = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.t);
  }
  set(at: string | Date): void {
    this.t = new Date(at).getTime();
  }
  advance(ms: number): Date {
    this.t += ms;
    return this.now();
  }
  advanceMinutes(m: number): Date {
    return this.advance(m * 60_000);
  }
}
