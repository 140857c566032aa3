// The console page in a real Chromium, under its CSP: bind a waiting panel and unbind it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.js';
import { harness, P, type Harness } from './fixture.js';

let h: Harness;
let browser: Browser;
beforeAll(async () => {
  // The page formats times with the real clock; only the sandbox's QR expiry uses this one.
  h = await harness({}, { t: Date.now() });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe('console page', () => {
  it('binds a pending panel to a house from the form, then unbinds it', async () => {
    const qrCode = await h.qr('PANEL-WEB');
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(h.sandbox.consoleUrl);

    await page.getByRole('button', { name: '使用此码' }).click();
    expect(await page.locator('#qr').inputValue()).toBe(qrCode);
    await page.locator('#house').selectOption('sp-house-2-1-1202');
    await page.locator('#nick').fill('书房');
    await page.getByRole('button', { name: '绑定', exact: true }).click();
    await expect.poll(() => page.locator('#bind-result').textContent()).toContain('绑定成功');
    expect(await h.ok(P.statusGet, '1.0.1', { deviceId: 'PANEL-WEB' })).toMatchObject({ bindStatus: true, houseName: '2幢1单元1202' });
    await expect.poll(() => page.locator('#houses').textContent()).toContain('书房');

    page.once('dialog', (d) => { void d.accept(); });
    await page.getByRole('button', { name: '解绑' }).click();
    await expect.poll(async () => (await h.ok(P.statusGet, '1.0.1', { deviceId: 'PANEL-WEB' }))['bindStatus']).toBe(false);
    expect(problems, problems.join("\n")).toEqual([]);
    await page.close();
  });
});
