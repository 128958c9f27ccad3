/** Naming a session's browser and system from its User-Agent, table-tested on real headers. */
import { describe, expect, it } from 'vitest';
import { nameUserAgent } from '../../server/ui/user-agent.js';

const CASES: [string, string | undefined, string | undefined][] = [
  [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
    'Chrome 120',
    'Windows 10/11',
  ],
  [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) coc_coc_browser/118.0.236 Chrome/112.0.5615.236 Safari/537.36',
    'Cốc Cốc 118',
    'Windows 10/11',
  ],
  [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91',
    'Edge 120',
    'Windows 10/11',
  ],
  ['Mozilla/5.0 (Windows NT 6.1; rv:115.0) Gecko/20100101 Firefox/115.0', 'Firefox 115', 'Windows 7'],
  [
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1',
    'Safari 17',
    'iOS',
  ],
  [
    'Mozilla/5.0 (Linux; Android 13; SM-A536E) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36',
    'Samsung Internet 23',
    'Android',
  ],
  [
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36',
    'Chrome 120',
    'Linux',
  ],
  ['curl/8.5.0', undefined, undefined],
];

describe('nameUserAgent', () => {
  for (const [ua, browser, os] of CASES) {
    it(`${browser ?? 'unknown'} on ${os ?? 'unknown'}`, () => {
      expect(nameUserAgent(ua)).toEqual({ browser, os });
    });
  }
  it('answers nothing for no header', () => {
    expect(nameUserAgent(null)).toEqual({});
    expect(nameUserAgent('')).toEqual({});
  });
});
