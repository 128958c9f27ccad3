import { describe, expect, it } from 'vitest';
import {
  countdown,
  countdownWords,
  formatDate,
  formatDateTime,
  formatDuration,
  formatVnd,
} from '../../server/ui/format.js';
import { dict } from '../../server/ui/i18n/index.js';

const NBSP = '\u00a0';

describe('money', () => {
  it.each([
    [0, 'vi', `0${NBSP}₫`],
    [1_500_000, 'vi', `1.500.000${NBSP}₫`],
    [20_000_000, 'vi', `20.000.000${NBSP}₫`],
    [1_500_000, 'en', `1,500,000${NBSP}VND`],
    [999, 'en', `999${NBSP}VND`],
  ] as const)('%d in %s → %s', (n, lang, want) => {
    expect(formatVnd(n, lang)).toBe(want);
  });
});

describe('times in Asia/Ho_Chi_Minh whatever the server zone', () => {
  it('shows 17:30 UTC as 00:30 the next day in Vietnam', () => {
    const d = new Date('2026-03-01T17:30:00Z');
    expect(formatDateTime(d, 'vi')).toBe('02/03/2026 00:30');
    expect(formatDateTime(d, 'en')).toBe('2 Mar 2026, 00:30');
    expect(formatDate(d, 'vi')).toBe('02/03/2026');
    expect(formatDate(d, 'en')).toBe('2 Mar 2026');
  });

  it('agrees with Intl in Asia/Ho_Chi_Minh across a year of instants', () => {
    const intl = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Asia/Ho_Chi_Minh',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    for (let t = Date.UTC(2026, 0, 1, 0, 7); t < Date.UTC(2027, 0, 1); t += 37 * 3_600_000 + 13 * 60_000) {
      const p = Object.fromEntries(intl.formatToParts(t).map((x) => [x.type, x.value]));
      expect(formatDateTime(new Date(t), 'vi')).toBe(`${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`);
    }
  });
});

describe('durations and countdowns', () => {
  const now = new Date('2026-03-02T02:00:00Z');
  const at = (min: number) => new Date(now.getTime() + min * 60_000);

  it.each([
    [0.5, 'vi', 'dưới 1 phút'],
    [45, 'vi', '45 phút'],
    [135, 'vi', '2 giờ 15 phút'],
    [60 * 24 * 2 + 180 + 7, 'vi', '2 ngày 3 giờ'],
    [135, 'en', '2 h 15 min'],
    [60 * 24, 'en', '1 d'],
  ] as const)('%d minutes in %s → %s', (min, lang, want) => {
    expect(formatDuration(min * 60_000, lang)).toBe(want);
  });

  it('says how long is left, and colours the last hour and the overdue', () => {
    expect(countdown(at(135), now, 'vi')).toMatchObject({ urgency: 'ok', text: 'còn 2 giờ 15 phút' });
    expect(countdown(at(30), now, 'vi')).toMatchObject({ urgency: 'soon', text: 'còn 30 phút' });
    expect(countdown(at(-35), now, 'vi')).toMatchObject({ urgency: 'overdue', text: 'quá hạn 35 phút' });
    expect(countdown(at(-35), now, 'en')).toMatchObject({ urgency: 'overdue', text: '35 min overdue' });
    expect(countdown(at(90), now, 'en').text).toBe('1 h 30 min left');
  });
});

describe('countdown words for the page script', () => {
  it('gives templates that say exactly what the dictionary says, for every number a countdown uses', () => {
    for (const lang of ['vi', 'en'] as const) {
      const w = countdownWords(lang);
      const t = dict(lang).time;
      const fill = (tpl: string, key: string, v: string | number) => tpl.split(key).join(String(v));
      for (let n = 0; n <= 400; n++) expect(fill(w.days, '{n}', n)).toBe(t.days(n));
      for (let n = 0; n < 24; n++) expect(fill(w.hours, '{n}', n)).toBe(t.hours(n));
      for (let n = 0; n < 60; n++) expect(fill(w.minutes, '{n}', n)).toBe(t.minutes(n));
      expect(w.lessThanMinute).toBe(t.lessThanMinute);
      for (const d of ['45 phút', '2 h 15 min', t.lessThanMinute]) {
        expect(fill(w.remaining, '{d}', d)).toBe(t.remaining(d));
        expect(fill(w.overdue, '{d}', d)).toBe(t.overdue(d));
      }
    }
    expect(countdownWords('vi')).toMatchObject({
      hours: '{n} giờ',
      remaining: 'còn {d}',
      overdue: 'quá hạn {d}',
    });
    expect(countdownWords('en')).toMatchObject({ minutes: '{n} min', remaining: '{d} left' });
  });
});
