import { describe, expect, it } from 'vitest';
import { parseVnd } from '../../server/ui/money-input.js';

describe('parseVnd', () => {
  it.each([
    ['1500000', 1_500_000],
    ['1.500.000', 1_500_000],
    ['1,500,000', 1_500_000],
    ['1 500 000', 1_500_000],
    ['1.500.000 ₫', 1_500_000],
    ['1.500.000đ', 1_500_000],
    ['1500000 VND', 1_500_000],
    ['1,5 triệu', 1_500_000],
    ['1.5tr', 1_500_000],
    ['2 triệu', 2_000_000],
    ['25 TRIỆU', 25_000_000],
    ['500 nghìn', 500_000],
    ['500k', 500_000],
    ['1,2 tỷ', 1_200_000_000],
    ['0', 0],
    ['  750000  ', 750_000],
  ])('%s → %d', (input, want) => {
    expect(parseVnd(input)).toBe(want);
  });

  it.each([
    ['', 'empty'],
    ['abc', 'words'],
    ['1.5', 'a decimal without a unit'],
    ['1,50,000', 'bad grouping'],
    ['-5', 'negative'],
    ['5 bò', 'unknown unit'],
    ['1.2.3 triệu', 'two separators'],
  ])('%s is not an amount (%s)', (input) => {
    expect(parseVnd(input)).toBeNaN();
  });
});
