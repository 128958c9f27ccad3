/** The Vietnamese (UTC+7) lunar converter against known Tết and Giỗ Tổ dates. */
import { describe, expect, it } from 'vitest';
import { jdFromDate, jdToDate, lunarToIso, lunarToSolar, solarToLunar } from '../../server/domain/lunar.js';

describe('lunar calendar (Hồ Ngọc Đức, UTC+7)', () => {
  // Tết (1/1 lunar) as observed in Vietnam; 1985 and 2007 are the years it differs from China's UTC+8 date.
  it.each([
    [1985, '1985-01-21'],
    [2007, '2007-02-17'],
    [2020, '2020-01-25'],
    [2021, '2021-02-12'],
    [2022, '2022-02-01'],
    [2023, '2023-01-22'],
    [2024, '2024-02-10'],
    [2025, '2025-01-29'],
    [2026, '2026-02-17'], // vn-holidays.md: mùng 1 Tết Bính Ngọ = Tue 17/2/2026
  ])('Tết %i falls on %s', (year, date) => {
    expect(lunarToIso(1, 1, year)).toBe(date);
  });

  it.each([
    [2020, '2020-04-02'],
    [2023, '2023-04-29'],
    [2024, '2024-04-18'],
    [2025, '2025-04-07'],
    [2026, '2026-04-26'], // vn-holidays.md: Giỗ Tổ 2026 is Sunday 26/4
  ])('Giỗ Tổ Hùng Vương (10/3 lunar) %i falls on %s', (year, date) => {
    expect(lunarToIso(10, 3, year)).toBe(date);
  });

  it('converts solar to lunar (the day before Tết 2026 is the last day of the old year)', () => {
    expect(solarToLunar(17, 2, 2026)).toEqual({ day: 1, month: 1, year: 2026, leap: false });
    expect(solarToLunar(16, 2, 2026)).toMatchObject({ month: 12, year: 2025 });
    expect(solarToLunar(14, 2, 2026)).toMatchObject({ day: 27, month: 12, year: 2025 }); // "27 Chạp Ất Tỵ"
    expect(solarToLunar(22, 2, 2026)).toMatchObject({ day: 6, month: 1, year: 2026 }); // "mùng 6 Giêng"
  });

  it('round-trips every day of 2020–2031 through the lunar calendar', () => {
    const start = jdFromDate(1, 1, 2020);
    const end = jdFromDate(31, 12, 2031);
    for (let jd = start; jd <= end; jd++) {
      const [d, m, y] = jdToDate(jd);
      const l = solarToLunar(d, m, y);
      expect(lunarToSolar(l.day, l.month, l.year, l.leap)).toEqual([d, m, y]);
    }
  });

  it('knows the leap month of 2023 (leap 2nd month) and rejects a leap month a year lacks', () => {
    expect(lunarToSolar(1, 2, 2023, true)).toEqual([22, 3, 2023]);
    expect(lunarToSolar(1, 5, 2026, true)).toBeUndefined();
  });
});
