import { describe, expect, it } from 'vitest';
import { safeNext } from '../../server/ui/safe-next.js';

describe('safeNext: only same-site paths', () => {
  it.each([
    ['/admin/units/00004', '/admin/units/00004'],
    ['/admin/units?q=ba%20dinh&cursor=x', '/admin/units?q=ba%20dinh&cursor=x'],
    ['/', '/'],
    [undefined, '/'],
    ['', '/'],
    ['//evil.example/x', '/'],
    ['/\\evil.example', '/'],
    ['\\\\evil.example', '/'],
    ['https://evil.example/', '/'],
    ['javascript:alert(1)', '/'],
    ['/\t/evil.example', '/'],
    ['/%0d%0aSet-Cookie:x', '/%0d%0aSet-Cookie:x'],
    ['admin', '/'],
    ['/login', '/'],
    ['/logout', '/'],
    [`/${'a'.repeat(3000)}`, '/'],
  ])('%s → %s', (raw, want) => {
    expect(safeNext(raw)).toBe(want);
  });

  it('lets the language switch return to the sign-in page', () => {
    expect(safeNext('/login?next=%2Fadmin', { allowAuthPages: true })).toBe('/login?next=%2Fadmin');
  });
});
