/**
 * A session's User-Agent header as a person would name it ("Cốc Cốc 120 on Windows"), for the
 * sessions page. Pure and deliberately small: the browsers and systems found on counter PCs and
 * staff phones in Vietnam; anything else falls back to the raw header, shortened.
 */

export interface UserAgentName {
  browser?: string;
  os?: string;
}

/** Most specific first: Edge, Opera and Cốc Cốc also say "Chrome", and every Chromium says "Safari". */
const BROWSERS: [RegExp, string][] = [
  [/coc_coc_browser\/(\d+)/i, 'Cốc Cốc'],
  [/Edg(?:e|A|iOS)?\/(\d+)/, 'Edge'],
  [/OPR\/(\d+)/, 'Opera'],
  [/SamsungBrowser\/(\d+)/, 'Samsung Internet'],
  [/Zalo\/?(\d+)?/i, 'Zalo'],
  [/Firefox\/(\d+)/, 'Firefox'],
  [/FxiOS\/(\d+)/, 'Firefox'],
  [/CriOS\/(\d+)/, 'Chrome'],
  [/Chrom(?:e|ium)\/(\d+)/, 'Chrome'],
  [/Version\/(\d+)[\d.]* (?:Mobile\/\S+ )?Safari\//, 'Safari'],
];

const SYSTEMS: [RegExp, string][] = [
  [/Windows NT 10/, 'Windows 10/11'],
  [/Windows NT 6\.3/, 'Windows 8.1'],
  [/Windows NT 6\.1/, 'Windows 7'],
  [/Windows/, 'Windows'],
  [/Android/, 'Android'],
  [/iPhone|iPad|iPod/, 'iOS'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/CrOS/, 'ChromeOS'],
  [/Linux/, 'Linux'],
];

export function nameUserAgent(ua: string | null | undefined): UserAgentName {
  if (!ua) return {};
  let browser: string | undefined;
  for (const [re, name] of BROWSERS) {
    const m = re.exec(ua);
    if (m) {
      browser = m[1] ? `${name} ${m[1]}` : name;
      break;
    }
  }
  const os = SYSTEMS.find(([re]) => re.test(ua))?.[1];
  return { browser, os };
}
