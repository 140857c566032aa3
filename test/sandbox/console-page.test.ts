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

  it('publishes a notice to a house, makes an elevator fail to reach its car, and switches the change push', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    await page.goto(h.sandbox.consoleUrl);
    await expect.poll(() => page.locator('#notice-target option').count()).toBeGreaterThan(1);
    await page.locator('#notice-title').fill('快递到了');
    await page.locator('#notice-text').fill('请到物业服务中心领取。');
    await page.locator('#notice-type').selectOption('8');
    await page.locator('#notice-target').selectOption('sp-house-1-1-1201');
    await page.getByRole('button', { name: '发布公告' }).click();
    await expect.poll(() => page.locator('#notice-result').textContent()).toBe('已发布：快递到了（1幢1单元1201）');
    expect(h.sandbox.console.notices()[0]).toMatchObject({ title: '快递到了', type: 8, publishRange: 1, spaceIds: ['sp-house-1-1-1201'], publishType: 4 });
    await expect.poll(() => page.locator('#notices').textContent()).toContain('物业服务');

    const row = page.locator('#devices tr', { hasText: '1幢1单元2号梯' });
    await row.getByRole('button', { name: '发送到设备失败' }).click();
    await expect.poll(() => row.locator('td').nth(2).textContent()).toBe('发送到设备失败');
    expect(h.sandbox.console.elevators().find((e) => e.iotId === 'iot-lift-1-1-b')?.state).toBe('send-fail');

    await page.getByRole('button', { name: '关闭推送' }).click();
    await expect.poll(() => h.sandbox.console.push().down).toBe(true);
    await page.getByRole('button', { name: '恢复推送' }).click();
    await expect.poll(() => h.sandbox.console.push().down).toBe(false);
    expect(problems, problems.join('\n')).toEqual([]);
    await page.close();
  });
});
