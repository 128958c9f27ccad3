/** SLA clocks in working time: hours, weekends, holidays, swapped days, pauses, a ticket spanning Tết. */
import { describe, expect, it } from 'vitest';
import {
  addWorkingMinutes,
  type CalendarBody,
  compileCalendar,
  dayNumberOf,
  isWorkingDay,
  workingMinutesBetween,
} from '../../server/domain/calendar.js';
import { computedHolidays, defaultCalendar } from '../../server/domain/calendar-defaults.js';
import { activeBreach, approvalDue, computeSla, dueEscalationSteps } from '../../server/domain/sla.js';

const cal = compileCalendar(defaultCalendar());
/** Local Hanoi time (UTC+7) → UTC ms. */
const hn = (local: string) => Date.parse(`${local}:00+07:00`);
const iso = (ms: number) => new Date(ms).toISOString();
const hnIso = (local: string) => iso(hn(local));

describe('default calendar (Hanoi state agencies, 2026 official holidays)', () => {
  it.each([
    ['2026-01-01', false, 'Tết Dương lịch'],
    ['2026-01-02', false, 'bridge day, swapped'],
    ['2026-01-10', true, 'Saturday worked in lieu of 2/1'],
    ['2026-02-13', true, 'Friday before Tết'],
    ['2026-02-16', false, 'Tết'],
    ['2026-02-20', false, 'Tết'],
    ['2026-02-23', true, 'first day back'],
    ['2026-04-27', false, 'nghỉ bù Giỗ Tổ'],
    ['2026-04-30', false, '30/4'],
    ['2026-05-01', false, '1/5'],
    ['2026-08-22', true, 'Saturday worked in lieu of 31/8'],
    ['2026-08-31', false, 'Quốc khánh bridge'],
    ['2026-09-02', false, 'Quốc khánh'],
    ['2026-03-07', false, 'an ordinary Saturday'],
    ['2026-03-09', true, 'an ordinary Monday'],
  ])('%s working=%s (%s)', (date, working) => {
    expect(isWorkingDay(cal, dayNumberOf(date))).toBe(working);
  });

  it('proposes later years from the lunar converter, with compensatory days, flagged as computed', () => {
    const y2027 = computedHolidays(2027);
    const dates = y2027.map((h) => h.date);
    // Tết Đinh Mùi: mùng 1 = Sat 6/2/2027 → 5/2 … 9/2, two weekend days made up on 10/2 and 11/2.
    expect(dates).toEqual(
      expect.arrayContaining(['2027-02-05', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11']),
    );
    expect(dates).toContain('2027-04-16'); // Giỗ Tổ 10/3 Đinh Mùi
    expect(dates).toContain('2027-05-03'); // 1/5/2027 is a Saturday → nghỉ bù Monday 3/5 (vn-holidays.md §4)
    expect(y2027.find((h) => h.date === '2027-02-06')?.status).toBe('computed');
    expect(y2027.find((h) => h.date === '2027-01-01')?.status).toBe('law');
  });
});

describe('working-time arithmetic', () => {
  it.each([
    ['2026-03-02 09:00', 60, '2026-03-02 10:00', 'within a day'],
    ['2026-03-02 16:30', 60, '2026-03-03 08:30', 'across the evening'],
    ['2026-03-06 16:00', 120, '2026-03-09 09:00', 'across a weekend'],
    ['2026-03-07 10:00', 30, '2026-03-09 08:30', 'starting on a Saturday'],
    ['2026-04-29 16:00', 120, '2026-05-04 09:00', 'across 30/4 and 1/5'],
    ['2026-01-09 16:00', 120, '2026-01-10 09:00', 'onto the swapped Saturday'],
    ['2026-03-02 06:00', 0, '2026-03-02 06:00', 'zero minutes is now'],
  ])('%s + %i working minutes = %s (%s)', (start, minutes, end) => {
    expect(iso(addWorkingMinutes(cal, hn(start), minutes))).toBe(hnIso(end));
  });

  it('counts working minutes between two instants, inverse of adding', () => {
    expect(workingMinutesBetween(cal, hn('2026-03-06 16:00'), hn('2026-03-09 09:00'))).toBe(120);
    expect(workingMinutesBetween(cal, hn('2026-03-09 09:00'), hn('2026-03-06 16:00'))).toBe(0);
    for (const m of [1, 59, 540, 541, 5000]) {
      const s = hn('2026-02-12 13:17');
      expect(workingMinutesBetween(cal, s, addWorkingMinutes(cal, s, m))).toBeCloseTo(m, 6);
    }
  });

  it('honours a lunch break and Saturday-morning openings when the data says so', () => {
    const body: CalendarBody = {
      ...defaultCalendar(),
      breaks: [{ from: '12:00', to: '13:00' }],
      weeklyOpenings: [{ weekday: 6, hours: [{ from: '08:00', to: '12:00' }] }],
    };
    const c = compileCalendar(body);
    expect(iso(addWorkingMinutes(c, hn('2026-03-02 11:30'), 60))).toBe(hnIso('2026-03-02 13:30'));
    expect(iso(addWorkingMinutes(c, hn('2026-03-06 16:30'), 60))).toBe(hnIso('2026-03-07 08:30'));
    expect(workingMinutesBetween(c, hn('2026-03-02 00:00'), hn('2026-03-03 00:00'))).toBe(480);
  });
});

describe('computeSla (replayed from the status history)', () => {
  const minutes = { respondMinutes: 240, resolveMinutes: 1440, approveMinutes: 480 };

  it('a ticket opened before Tết 2026 resolves after it: nine days off are not counted', () => {
    // Opened Thu 12/2 at 14:00: 3 h that day, 9 h on Fri 13/2 → 720 min left after Tết → Mon 23/2 + Tue 24/2.
    const s = computeSla(cal, { createdAt: hn('2026-02-12 14:00'), minutes, changes: [] });
    expect(iso(s.respondBy)).toBe(hnIso('2026-02-13 09:00'));
    expect(iso(s.resolveBy)).toBe(hnIso('2026-02-24 11:00'));
    expect(s.clock).toBe('running');
  });

  it('pauses while awaiting approval and waiting for parts, and resumes with the time left', () => {
    const createdAt = hn('2026-03-02 08:00');
    const changes = [
      { at: hn('2026-03-02 09:00'), to: 'acknowledged' as const },
      { at: hn('2026-03-02 10:00'), to: 'in_progress' as const },
      { at: hn('2026-03-02 12:00'), to: 'awaiting_approval' as const }, // 4 h used
      { at: hn('2026-03-03 12:00'), to: 'approved' as const }, // 9 working hours paused
      { at: hn('2026-03-03 14:00'), to: 'waiting_parts' as const }, // 6 h used
      { at: hn('2026-03-05 14:00'), to: 'in_progress' as const }, // 18 h paused
    ];
    const s = computeSla(cal, { createdAt, minutes, changes });
    expect(s.usedMinutes).toBe(360);
    expect(s.pausedMinutes).toBe(27 * 60);
    // 1080 min left from Thu 5/3 14:00 → 3 h Thu + 9 h Fri + 6 h Mon 9/3 → 14:00.
    expect(iso(s.resolveBy)).toBe(hnIso('2026-03-09 14:00'));
    const paused = computeSla(cal, { createdAt, minutes, changes: changes.slice(0, 5) });
    expect(paused.clock).toBe('paused');
    // Projected from where it paused (Tue 14:00, 1080 min left): 3 h Tue + 9 h Wed + 6 h Thu → 14:00.
    expect(iso(paused.resolveBy)).toBe(hnIso('2026-03-05 14:00'));
  });

  it('stops when resolved and resumes when reopened', () => {
    const createdAt = hn('2026-03-02 08:00');
    const s = computeSla(cal, {
      createdAt,
      minutes,
      changes: [
        { at: hn('2026-03-02 10:00'), to: 'in_progress' },
        { at: hn('2026-03-02 12:00'), to: 'resolved' },
        { at: hn('2026-03-04 12:00'), to: 'open' },
      ],
    });
    expect(s.clock).toBe('running');
    expect(s.usedMinutes).toBe(240);
    // 1200 min left from Wed 12:00: 5 h Wed + 9 h Thu + 6 h Fri → Fri 14:00.
    expect(iso(s.resolveBy)).toBe(hnIso('2026-03-06 14:00'));
  });

  it('recomputes from creation when the rule changes: a shorter target can already be past', () => {
    const createdAt = hn('2026-03-02 08:00');
    const changes = [{ at: hn('2026-03-02 09:00'), to: 'in_progress' as const }];
    const before = computeSla(cal, { createdAt, minutes, changes });
    const after = computeSla(cal, { createdAt, minutes: { ...minutes, resolveMinutes: 120 }, changes });
    expect(iso(before.resolveBy)).toBe(hnIso('2026-03-04 14:00'));
    expect(iso(after.resolveBy)).toBe(hnIso('2026-03-02 10:00'));
  });

  it('finds the active breach and the escalation steps due, in working time', () => {
    const b = activeBreach({
      now: hn('2026-03-03 09:00'),
      respondBy: hn('2026-03-02 12:00'),
      respondedAt: null,
      resolveBy: hn('2026-03-04 12:00'),
      clock: 'running',
    });
    expect(b).toEqual({ kind: 'respond', at: hn('2026-03-02 12:00') });
    expect(
      activeBreach({
        now: hn('2026-03-03 09:00'),
        respondBy: 0,
        respondedAt: 1,
        resolveBy: hn('2026-03-04 12:00'),
        clock: 'running',
      }),
    ).toBeUndefined();
    expect(
      activeBreach({
        now: hn('2026-03-09 09:00'),
        respondBy: 0,
        respondedAt: 1,
        resolveBy: 0,
        clock: 'paused',
      }),
    ).toBeUndefined();
    const steps = [{ afterMinutes: 0 }, { afterMinutes: 240 }, { afterMinutes: 960 }];
    // 12:00 Mon → 09:00 Tue is 5 + 1 = 6 working hours.
    expect(dueEscalationSteps(cal, steps, hn('2026-03-02 12:00'), hn('2026-03-03 09:00'), 0)).toEqual([0, 1]);
    expect(dueEscalationSteps(cal, steps, hn('2026-03-02 12:00'), hn('2026-03-03 09:00'), 2)).toEqual([]);
    expect(dueEscalationSteps(cal, steps, hn('2026-03-06 16:00'), hn('2026-03-07 16:00'), 0)).toEqual([0]); // weekend
  });

  it('approval step deadlines skip Tết', () => {
    expect(iso(approvalDue(cal, hn('2026-02-13 16:00'), 480))).toBe(hnIso('2026-02-23 15:00'));
  });
});
