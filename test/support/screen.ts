// Waiting on what the resident sees, by test id, with Playwright's own auto-waiting.
import type { Page } from 'playwright-core';

export async function waitForText(page: Page, testId: string, text: string, timeoutMs: number): Promise<void> {
  await page.getByTestId(testId).filter({ hasText: text }).first().waitFor({ state: 'visible', timeout: timeoutMs });
}

export async function waitForVisible(page: Page, testId: string, timeoutMs: number): Promise<void> {
  await page.getByTestId(testId).first().waitFor({ state: 'visible', timeout: timeoutMs });
}
