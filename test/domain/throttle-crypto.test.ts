import { describe, expect, it } from 'vitest';
import { afterFailure, retryAfterSec, USER_THROTTLE } from '../../server/domain/throttle.js';
import {
  hashPassword,
  newId,
  passwordIterations,
  timingSafeEqual,
  verifyPassword,
} from '../../server/security/crypto.js';

describe('throttle', () => {
  const t0 = new Date('2026-01-05T01:00:00Z');
  const at = (min: number) => new Date(t0.getTime() + min * 60_000);

  it('blocks at the fifth failure inside the window and not before', () => {
    let s = afterFailure(undefined, t0, USER_THROTTLE);
    for (let i = 1; i < 4; i++) s = afterFailure(s, at(i), USER_THROTTLE);
    expect(s.failures).toBe(4);
    expect(retryAfterSec(s, at(4))).toBe(0);
    s = afterFailure(s, at(4), USER_THROTTLE);
    expect(retryAfterSec(s, at(4))).toBe(15 * 60);
    expect(retryAfterSec(s, at(19))).toBe(0);
  });

  it('starts a new window after the old one passes', () => {
    let s = afterFailure(undefined, t0, USER_THROTTLE);
    for (let i = 1; i < 4; i++) s = afterFailure(s, at(i), USER_THROTTLE);
    s = afterFailure(s, at(15), USER_THROTTLE);
    expect(s.failures).toBe(1);
    expect(s.blockedUntil).toBeNull();
  });
});

describe('passwords and ids', () => {
  it('verifies the right password only, with parameters stored in the hash', async () => {
    const h = await hashPassword('Mật khẩu có dấu', 2000);
    expect(h).toMatch(/^pbkdf2-sha256\$2000\$/);
    expect(passwordIterations(h)).toBe(2000);
    expect(await verifyPassword('Mật khẩu có dấu', h)).toBe(true);
    expect(await verifyPassword('Mat khau co dau', h)).toBe(false);
    expect(await verifyPassword('x', 'md5$abc')).toBe(false);
  });

  it('normalises Unicode so NFD and NFC spellings of a Vietnamese password match', async () => {
    const h = await hashPassword('Hòa Bình', 1000);
    expect(await verifyPassword('Hòa Bình'.normalize('NFD'), h)).toBe(true);
  });

  it('makes time-sortable unique ids', () => {
    const a = newId(1_000_000);
    const b = newId(2_000_000);
    expect(a < b).toBe(true);
    expect(new Set(Array.from({ length: 1000 }, () => newId())).size).toBe(1000);
  });

  it('compares secrets without early exit semantics', () => {
    expect(timingSafeEqual('abc', 'abc')).toBe(true);
    expect(timingSafeEqual('abc', 'abd')).toBe(false);
    expect(timingSafeEqual('abc', 'abcd')).toBe(false);
  });
});
