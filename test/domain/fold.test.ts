import { describe, expect, it } from 'vitest';
import { fold, matchesQuery } from '../../server/domain/fold.js';

describe('fold', () => {
  it.each([
    ['Phường Ba Đình', 'phuong ba dinh'],
    ['XÃ SÓC SƠN', 'xa soc son'],
    ['Yên Hoà', 'yen hoa'],
    ['Yên Hòa', 'yen hoa'],
    ['  Ô Chợ   Dừa ', 'o cho dua'],
  ])('%s → %s', (a, b) => expect(fold(a)).toBe(b));

  it('matches every word, in any order, with or without diacritics', () => {
    expect(matchesQuery('00004 Phường Ba Đình', 'ba dinh')).toBe(true);
    expect(matchesQuery('00004 Phường Ba Đình', 'Đình ba')).toBe(true);
    expect(matchesQuery('00004 Phường Ba Đình', '00004')).toBe(true);
    expect(matchesQuery('00004 Phường Ba Đình', 'ba vi')).toBe(false);
  });
});
