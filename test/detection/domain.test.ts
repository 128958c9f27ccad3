/** Table tests of the pure detection domain: the check table, hysteresis, grouping, windows, policy. */
import { describe, expect, it } from 'vitest';
import {
  evaluateReport,
  freePct,
  isSilent,
  pushEvidence,
  type Streak,
  stepFault,
  trailing,
} from '../../server/domain/detection.js';
import { isSiteDown, isUpstreamOutage } from '../../server/domain/grouping.js';
import {
  applyPolicyPut,
  canonicalJson,
  defaultPolicy,
  effectivePolicy,
  etagMatches,
} from '../../server/domain/policy.js';
import { occurrenceAt, vnWeekday } from '../../server/domain/windows.js';
import type { Report } from '../../shared/schemas/agent.js';

const policy = {
  ...defaultPolicy(60),
  targets: [
    {
      id: 'motcua',
      name: 'Một cửa',
      kind: 'tcp' as const,
      host: 'h',
      port: 443,
      warnMs: 500,
      critMs: 2000,
      timeoutMs: 5000,
    },
  ],
  peripherals: {
    expected: [
      { kind: 'scanner' as const, label: 'Máy quét', match: { vendorId: '04a9', productId: '1905' } },
      { kind: 'printer' as const, label: 'Máy in', match: { nameIncludes: 'laserjet' } },
    ],
  },
};

const G = 1024 ** 3;
function rep(p: Partial<Report> = {}): Report {
  return {
    seq: 1,
    collectedAt: '2026-03-02T02:00:00Z',
    disks: [{ mount: 'C:', sizeBytes: 100 * G, usedBytes: 50 * G, smart: 'ok' }],
    targets: [{ id: 'motcua', ok: true, latencyMs: 100 }],
    peripherals: [
      { kind: 'scanner', name: 'Canon DR-C225', vendorId: '04A9', productId: '1905', connected: true },
      { kind: 'printer', name: 'HP LaserJet Pro M404', connected: true },
    ],
    ...p,
  };
}

const find = (r: Report, check: string, subject: string) =>
  evaluateReport(r, policy).find((o) => o.check === check && o.subject === subject);

describe('check table (DETECTION.md)', () => {
  const disk = (usedPct: number, smart?: 'ok' | 'failing' | 'unknown') =>
    rep({
      disks: [{ mount: 'C:', sizeBytes: 100 * G, usedBytes: usedPct * G, ...(smart ? { smart } : {}) }],
    });
  it.each([
    // [case, report, check, subject, bad, severity, category]
    ['disk 50% free', disk(50), 'disk_free', 'C:', false, 'minor', 'hardware'],
    ['disk exactly 10% free', disk(90), 'disk_free', 'C:', false, 'minor', 'hardware'],
    ['disk 9% free → warn', disk(91), 'disk_free', 'C:', true, 'minor', 'hardware'],
    ['disk exactly 5% free → warn only', disk(95), 'disk_free', 'C:', true, 'minor', 'hardware'],
    ['disk 4% free → crit', disk(96), 'disk_free', 'C:', true, 'major', 'hardware'],
    ['SMART failing', disk(10, 'failing'), 'disk_health', 'C:', true, 'critical', 'hardware'],
    ['SMART ok', disk(10, 'ok'), 'disk_health', 'C:', false, 'critical', 'hardware'],
    [
      'target down',
      rep({ targets: [{ id: 'motcua', ok: false, latencyMs: null }] }),
      'target',
      'motcua',
      true,
      'major',
      'network',
    ],
    ['target up', rep(), 'target', 'motcua', false, 'major', 'network'],
    [
      'latency above critMs',
      rep({ targets: [{ id: 'motcua', ok: true, latencyMs: 2001 }] }),
      'target_latency',
      'motcua',
      true,
      'minor',
      'network',
    ],
    [
      'latency at critMs',
      rep({ targets: [{ id: 'motcua', ok: true, latencyMs: 2000 }] }),
      'target_latency',
      'motcua',
      false,
      'minor',
      'network',
    ],
    ['scanner present (hex case-insensitive)', rep(), 'peripheral', 'Máy quét', false, 'major', 'peripheral'],
    [
      'scanner unplugged',
      rep({
        peripherals: [
          { kind: 'scanner', name: 'Canon', vendorId: '04a9', productId: '1905', connected: false },
        ],
      }),
      'peripheral',
      'Máy quét',
      true,
      'major',
      'peripheral',
    ],
    ['printer missing', rep({ peripherals: [] }), 'peripheral', 'Máy in', true, 'major', 'peripheral'],
  ] as const)('%s', (_n, r, check, subject, bad, severity, category) => {
    const o = find(r, check, subject);
    expect(o).toBeDefined();
    expect(o!.bad).toBe(bad);
    if (bad) expect(o!.severity).toBe(severity);
    expect(o!.category).toBe(category);
  });

  it('yields nothing where there is no reading', () => {
    expect(
      find(
        rep({ disks: [{ mount: 'C:', sizeBytes: 100, usedBytes: 1, smart: 'unknown' }] }),
        'disk_health',
        'C:',
      ),
    ).toBeUndefined();
    expect(
      find(rep({ disks: [{ mount: 'C:', sizeBytes: 0, usedBytes: 0 }] }), 'disk_free', 'C:'),
    ).toBeUndefined();
    // A failing target has no latency verdict; an unconfigured target is ignored.
    expect(find(rep({ targets: [{ id: 'motcua', ok: false }] }), 'target_latency', 'motcua')).toBeUndefined();
    expect(find(rep({ targets: [{ id: 'other', ok: false }] }), 'target', 'other')).toBeUndefined();
    expect(find(rep({ targets: [] }), 'target', 'motcua')).toBeUndefined();
    expect(freePct(0, 0)).toBeNull();
  });

  it('silence is 3 × interval without a report', () => {
    const t0 = Date.parse('2026-03-02T02:00:00Z');
    expect(isSilent(t0, 60, t0 + 180_000)).toBe(false);
    expect(isSilent(t0, 60, t0 + 180_001)).toBe(true);
  });
});

describe('hysteresis', () => {
  const T = { openAfter: 3, recoverAfter: 3 };
  const run = (seq: string, t = T) => {
    let s: Streak = { state: 'ok', badStreak: 0, goodStreak: 0, severity: 'minor' };
    const actions: string[] = [];
    for (const ch of seq) {
      const r = stepFault(s, ch === 'B' || ch === 'C', ch === 'C' ? 'major' : 'minor', t);
      s = r.next;
      actions.push(r.action === 'none' ? '.' : r.action[0]!);
    }
    return { state: s.state, actions: actions.join(''), severity: s.severity };
  };
  it.each([
    ['BB', 'pending', '..'],
    ['BBB', 'open', '..o'],
    ['BBGBB', 'pending', '.....'],
    ['BBBBBB', 'open', '..o...'],
    ['BBBG', 'recovering', '..o.'],
    ['BBBGGB', 'open', '..o...'],
    ['BBBGGG', 'ok', '..o..r'],
    ['BBBGGGBB', 'pending', '..o..r..'],
    ['BBBGGGBBB', 'open', '..o..r..o'],
    ['BBBC', 'open', '..ow'],
    ['BCB', 'open', '..o'],
  ])('%s → %s', (seq, state, actions) => {
    const r = run(seq);
    expect(r.state).toBe(state);
    expect(r.actions).toBe(actions);
  });
  it('openAfter 1 and recoverAfter 1 act on the first reading', () => {
    const t = { openAfter: 1, recoverAfter: 1 };
    expect(run('B', t).actions).toBe('o');
    expect(run('BG', t).actions).toBe('or');
  });
  it('keeps the severity of the worst reading of a pending streak', () => {
    expect(run('CBB').severity).toBe('major');
  });
  it('keeps bounded evidence and finds the deciding streak', () => {
    let ev = pushEvidence([], { seq: 1, at: 'a', bad: true, value: 1 }, 3);
    for (let i = 2; i <= 6; i++) ev = pushEvidence(ev, { seq: i, at: 'a', bad: i < 5, value: i }, 3);
    expect(ev.map((e) => e.seq)).toEqual([4, 5, 6]);
    expect(trailing(ev, false).map((e) => e.seq)).toEqual([5, 6]);
  });
});

describe('grouping rules', () => {
  it.each([
    [[true], false],
    [[true, true], true],
    [[true, false, true], false],
    [[], false],
  ])('site down %j → %s', (silent, down) => {
    expect(isSiteDown(silent.map((s) => ({ silent: s })))).toBe(down);
  });
  it.each([
    [2, 2, false], // fewer than 3 units
    [3, 3, true],
    [3, 6, true], // exactly half
    [3, 7, false], // less than half
    [10, 12, true],
  ])('upstream: %i failing of %i reporting → %s', (failing, total, outage) => {
    const units = Array.from({ length: total }, (_, i) => ({ failing: i < failing }));
    expect(isUpstreamOutage(units)).toBe(outage);
  });
});

describe('maintenance windows in Vietnam time', () => {
  const at = (s: string) => new Date(s);
  it('one-off covers [start, end)', () => {
    const w = { startsAt: at('2026-03-07T00:00:00Z'), endsAt: at('2026-03-07T04:00:00Z'), recurrence: null };
    expect(occurrenceAt(w, at('2026-03-06T23:59:59Z'))).toBeNull();
    expect(occurrenceAt(w, at('2026-03-07T00:00:00Z'))).not.toBeNull();
    expect(occurrenceAt(w, at('2026-03-07T04:00:00Z'))).toBeNull();
  });
  it('weekly on Saturday 07:00–11:00 local, until a date; cancelled stops it', () => {
    // 2026-03-07 is a Saturday; 07:00 in Hanoi is 00:00 UTC.
    expect(vnWeekday(Date.parse('2026-03-07T00:00:00Z'))).toBe(6);
    const w = {
      startsAt: at('2026-03-07T00:00:00Z'),
      endsAt: at('2026-03-07T04:00:00Z'),
      recurrence: { freq: 'weekly' as const, byWeekday: [6], until: '2026-03-21T00:00:00Z' },
    };
    expect(occurrenceAt(w, at('2026-03-14T01:00:00Z'))?.start.toISOString()).toBe('2026-03-14T00:00:00.000Z');
    expect(occurrenceAt(w, at('2026-03-15T01:00:00Z'))).toBeNull(); // Sunday
    expect(occurrenceAt(w, at('2026-03-21T03:59:00Z'))).not.toBeNull(); // last one, starts at `until`
    expect(occurrenceAt(w, at('2026-03-28T01:00:00Z'))).toBeNull(); // after until
    expect(
      occurrenceAt({ ...w, cancelledAt: at('2026-03-10T00:00:00Z') }, at('2026-03-14T01:00:00Z')),
    ).toBeNull();
  });
  it('daily across midnight local', () => {
    // 22:00–02:00 Hanoi = 15:00–19:00 UTC
    const w = {
      startsAt: at('2026-03-02T15:00:00Z'),
      endsAt: at('2026-03-02T19:00:00Z'),
      recurrence: { freq: 'daily' as const },
    };
    expect(occurrenceAt(w, at('2026-03-05T18:30:00Z'))).not.toBeNull();
    expect(occurrenceAt(w, at('2026-03-05T19:30:00Z'))).toBeNull();
  });
});

describe('policy', () => {
  it('inherits key by key and PUT null resets', () => {
    const base = defaultPolicy(60);
    const eff = effectivePolicy(base, [{ openAfter: 5 }, { disk: { warnFreePct: 20, critFreePct: 8 } }, {}]);
    expect(eff.openAfter).toBe(5);
    expect(eff.disk.warnFreePct).toBe(20);
    expect(eff.targets).toBe(base.targets);
    expect(applyPolicyPut({ openAfter: 5, recoverAfter: 2 }, { openAfter: null, intervalSec: 30 })).toEqual({
      recoverAfter: 2,
      intervalSec: 30,
    });
  });
  it('default names the national and Hanoi portals', () => {
    const urls = defaultPolicy(60).targets.map((t) => t.url ?? t.host);
    expect(urls).toContain('https://dichvucong.gov.vn/');
    expect(urls).toContain('https://dichvucong.hanoi.gov.vn/');
  });
  it('canonical JSON and ETag matching', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 1 }] })).toBe('{"a":[{"c":1,"d":2}],"b":1}');
    expect(etagMatches('"abc"', 'abc')).toBe(true);
    expect(etagMatches('W/"abc", "x"', 'abc')).toBe(true);
    expect(etagMatches('"abd"', 'abc')).toBe(false);
    expect(etagMatches(undefined, 'abc')).toBe(false);
  });
});
