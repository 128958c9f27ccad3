/**
 * A real browser for the journeys: Debian's chromium (`/usr/bin/chromium`, installed by apt; never a
 * downloaded one) driven by playwright-core, headless, with the flags STACK.md lists. Playwright's
 * `launch` gives every browser a fresh temporary profile (its own --user-data-dir), so no state leaks
 * between runs. Screenshots go to test-results/screenshots/ (gitignored) for people to look at.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(process.cwd(), 'test-results', 'screenshots');

export const DESKTOP = { width: 1366, height: 768 };
export const PHONE = { width: 390, height: 844 };

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** A fresh context (own cookies) as a person in Vietnam would have it: vi locale, Vietnam time. */
export async function newContext(
  browser: Browser,
  opts: { viewport?: { width: number; height: number }; locale?: string } = {},
): Promise<BrowserContext> {
  const phone = opts.viewport?.width === PHONE.width;
  return browser.newContext({
    viewport: opts.viewport ?? DESKTOP,
    locale: opts.locale ?? 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    deviceScaleFactor: 1,
    isMobile: phone,
    hasTouch: phone,
  });
}

/** Collects dialogs (alert/confirm/prompt) and page errors: an XSS would show up here. */
export function watch(page: Page): { dialogs: string[]; errors: string[] } {
  const seen = { dialogs: [] as string[], errors: [] as string[] };
  page.on('dialog', async (d) => {
    seen.dialogs.push(`${d.type()}: ${d.message()}`);
    await d.dismiss();
  });
  page.on('pageerror', (e) => seen.errors.push(String(e)));
  return seen;
}

export async function signIn(page: Page, base: string, username: string, password: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await Promise.all([
    page.waitForURL((u) => u.pathname !== '/login'),
    page.click('form[action="/login"] button[type=submit]'),
  ]);
}

/**
 * Saves the whole page as `<name>.png`; a page much taller than the screen also gets `<name>-top.png`,
 * what a person sees first without scrolling (a full-page image of a long list is unreadable scaled).
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  const tall = await page.evaluate<boolean>(
    'document.documentElement.scrollHeight > 2.5 * window.innerHeight',
  );
  if (tall) await page.screenshot({ path: join(SCREENSHOTS, `${name}-top.png`) });
  return path;
}

/**
 * True when the page is wider than the screen it was opened on (a layout bug at that width). Measured
 * against the configured viewport, not `innerWidth`: a phone browser zooms out to fit wide content,
 * which widens `innerWidth` and would hide the very overflow we look for.
 */
export async function overflowsHorizontally(page: Page): Promise<boolean> {
  const width = page.viewportSize()?.width ?? 0;
  // A string, not a function: the test program is typed without the DOM library.
  const scroll = await page.evaluate<number>('document.documentElement.scrollWidth');
  return scroll > width + 1;
}
