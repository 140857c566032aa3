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

// ---- the screen of a panel, as the community and desk tests open it

/**
 * LINTEL_SCREENSHOT_DIR=<dir> saves each view a test names as <dir>/<name>.png (for the README and
 * for judging readability); LINTEL_SCREENSHOT_VIEWPORT=1024x600 takes them on the smaller panel.
 */
const SCREENSHOT_DIR = process.env['LINTEL_SCREENSHOT_DIR'];
const [VIEW_WIDTH, VIEW_HEIGHT] = (process.env['LINTEL_SCREENSHOT_VIEWPORT'] ?? '1280x800').split('x').map(Number);
export const SCREEN_VIEWPORT = { width: VIEW_WIDTH || 1280, height: VIEW_HEIGHT || 800 };

export async function saveScreenshot(page: Page, name: string): Promise<void> {
  if (!SCREENSHOT_DIR) return;
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}

/** A new page on the panel's screen, at home; page errors are printed, a stuck step fails in 5 s. */
export async function openHome(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: SCREEN_VIEWPORT });
  page.setDefaultTimeout(5000);
  page.on('pageerror', (e) => console.error('[page error]', e.message));
  await page.goto(url);
  await waitForVisible(page, 'home-view', 10_000);
  return page;
}
