// Waiting on what the resident sees, by test id, with Playwright's own auto-waiting.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';

export async function waitForText(page: Page, testId: string, text: string, timeoutMs: number): Promise<void> {
  await page.getByTestId(testId).filter({ hasText: text }).first().waitFor({ state: 'visible', timeout: timeoutMs });
}

export async function waitForVisible(page: Page, testId: string, timeoutMs: number): Promise<void> {
  await page.getByTestId(testId).first().waitFor({ state: 'visible', timeout: timeoutMs });
}

/**
 * Where the screen tests save their pictures (for the README and for judging readability):
 * LINTEL_SCREENSHOT_DIR=<dir>, none by default; LINTEL_SCREENSHOT_VIEWPORT=1024x600 takes them on a
 * smaller panel than the default 1280x800.
 */
export function screenshotSettings(): { dir: string | undefined; viewport: { width: number; height: number } } {
  const dir = process.env['LINTEL_SCREENSHOT_DIR'];
  if (dir) mkdirSync(dir, { recursive: true });
  const [width, height] = (process.env['LINTEL_SCREENSHOT_VIEWPORT'] ?? '1280x800').split('x').map(Number);
  return { dir, viewport: { width: width ?? 1280, height: height ?? 800 } };
}

// ---- the screen of a panel, as the community and desk tests open it

const { dir: SCREENSHOT_DIR, viewport: SCREEN_VIEWPORT_SETTING } = screenshotSettings();
export const SCREEN_VIEWPORT = SCREEN_VIEWPORT_SETTING;

export async function saveScreenshot(page: Page, name: string): Promise<void> {
  if (!SCREENSHOT_DIR) return;
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}

export interface OpenScreenOptions {
  /** Default SCREEN_VIEWPORT (1280×800 unless LINTEL_SCREENSHOT_VIEWPORT says otherwise). */
  viewport?: { width: number; height: number };
  /** Collects what the screen's CSP refused (the worklets must load from 'self', nothing may need eval). */
  cspViolations?: string[];
  /** Runs before the page loads (e.g. to route its media socket). */
  beforeLoad?: (page: Page) => Promise<void>;
}

/** A new page on the panel's screen, at home; page errors are printed, a stuck step fails in 5 s. */
export async function openHome(browser: Browser, url: string, o: OpenScreenOptions = {}): Promise<Page> {
  const page = await browser.newPage({ viewport: o.viewport ?? SCREEN_VIEWPORT });
  page.setDefaultTimeout(5000);
  page.on('pageerror', (e) => console.error('[page error]', e.message));
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) o.cspViolations?.push(m.text());
  });
  await o.beforeLoad?.(page);
  await page.goto(url);
  await waitForVisible(page, 'home-view', 10_000);
  return page;
}
