// The installer's first job, end to end: the panel shows a QR, a phone scans it off the screen,
// the app side binds it to a house, and the panel shows the house; the binding survives a host
// restart; an unbind from the property console brings the QR back.
import type { Browser, Page } from 'playwright-core';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { launchChromium } from '../support/chromium.js';
import { startPanel, waitForState, type TestPanel } from '../support/panel.js';
import { decodeQrFromPng } from '../support/qr.js';
import { tempDir } from '../support/temp.js';
import { bindFromApp, demoHouses } from '../support/bind.js';
import { consoleGet, consolePost } from '../support/console.js';
import { waitForText, waitForVisible } from '../support/screen.js';

interface BindingRow { bindId: string; deviceId: string; houseName: string }

describe('binding a panel to a house by QR', () => {
  let sandbox: Sandbox;
  let browser: Browser;
  let panel: TestPanel;
  let page: Page;
  const dataDir = tempDir('panel');

  beforeAll(async () => {
    sandbox = await startSandbox({ dbFile: join(tempDir('sandbox'), 'sandbox.sqlite'), logger: false });
    browser = await launchChromium();
    panel = await startPanel({ sandbox, dataDir });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  });

  afterAll(async () => {
    await browser?.close();
    await panel?.stop();
    await sandbox?.close();
  });

  it('binds from a QR read off the screen, keeps it over a restart, and unbinds from the console', async () => {
    await page.goto(panel.url);
    // The canvas is painted as it mounts, so once visible a phone camera can read it.
    await waitForVisible(page, 'bind-qr', 10_000);
    const qrText = decodeQrFromPng(await page.screenshot());
    const state = panel.host.state();
    expect(qrText).not.toBeNull();
    expect(state.binding.status === 'unbound' && state.binding.qr?.qrCode).toBe(qrText);

    const house = (await demoHouses(sandbox)).find((h) => h.kind === 'house');
    if (!house) throw new Error('the demo community has no house');

    // The resident's app: a correctly signed app-side bind with the community cloudToken.
    const boundAt = Date.now();
    await bindFromApp(sandbox, qrText ?? '', house.houseSpaceId);
    await waitForText(page, 'house-name', house.houseName, 2000);
    expect(Date.now() - boundAt).toBeLessThan(2000);
    await waitForState(panel.host, (s) => s.binding.status === 'bound' && s.binding.channelReady);

    // Restart the host on the same port: the open screen reconnects and the binding is still there.
    const port = panel.screen.port;
    await panel.stop();
    await waitForVisible(page, 'connecting', 5000);
    panel = await startPanel({ sandbox, dataDir, port });
    expect(panel.host.state().binding).toMatchObject({ status: 'bound', houseName: house.houseName, channelReady: true });
    await waitForText(page, 'house-name', house.houseName, 5000);

    // The property clerk unbinds it from the console: within 5 s the panel shows the QR again.
    const binding = (await consoleGet<BindingRow[]>(sandbox, 'bindings')).find((b) => b.deviceId === panel.host.deviceId);
    if (!binding) throw new Error('the console does not list the panel as bound');
    await consolePost(sandbox, 'unbind', { bindId: binding.bindId });
    await waitForVisible(page, 'bind-qr', 5000);
    expect(panel.host.state().binding.status).toBe('unbound');
  });
});

describe('the panel side of binding', () => {
  let sandbox: Sandbox;
  let browser: Browser;
  let panel: TestPanel | null = null;

  beforeAll(async () => {
    // A short QR lifetime so renewal happens within the test.
    sandbox = await startSandbox({ dbFile: join(tempDir('sandbox'), 'sandbox.sqlite'), logger: false, qrLifetimeMs: 3000 });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await panel?.stop();
    await sandbox?.close();
  });

  it('renews the QR before it expires, so the code on screen always binds', async () => {
    panel = await startPanel({ sandbox, dataDir: tempDir('panel'), bindingTiming: { qrRenewLeadMs: 1800, pollUnboundMs: 200 } });
    const first = await waitForState(panel.host, (s) => s.binding.status === 'unbound' && s.binding.qr !== null);
    if (first.binding.status !== 'unbound' || !first.binding.qr) throw new Error('no QR');
    const firstQr = first.binding.qr;
    const renewed = await waitForState(panel.host, (s) => s.binding.status === 'unbound' && s.binding.qr !== null && s.binding.qr.qrCode !== firstQr.qrCode, 5000);
    expect(Date.now()).toBeLessThan(firstQr.expiresAt);
    if (renewed.binding.status !== 'unbound' || !renewed.binding.qr) throw new Error('no QR');
    const house = (await demoHouses(sandbox)).find((h) => h.kind === 'house');
    if (!house) throw new Error('no house');
    await bindFromApp(sandbox, renewed.binding.qr.qrCode, house.houseSpaceId);
    await waitForState(panel.host, (s) => s.binding.status === 'bound');
    await panel.stop();
    panel = null;
  });

  it('paces QR renewal by the lifetime of each QR when it is shorter than the renewal lead', async () => {
    // Default timing renews 30 s before expiry; this cloud's QRs live 3 s. No tight loop.
    panel = await startPanel({ sandbox, dataDir: tempDir('panel') });
    const seen: number[] = [];
    let last = '';
    await new Promise<void>((resolve) => {
      const off = panel?.host.on('state', (s) => {
        if (s.binding.status !== 'unbound' || !s.binding.qr || s.binding.qr.qrCode === last) return;
        last = s.binding.qr.qrCode;
        seen.push(Date.now());
        if (seen.length === 3) {
          off?.();
          resolve();
        }
      });
    });
    const gaps = seen.slice(1).map((t, i) => t - (seen[i] ?? t));
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(1400);
    await panel.stop();
    panel = null;
  });

  it('unbinds from the panel after confirmation, and the cloud forgets it too', async () => {
    panel = await startPanel({ sandbox, dataDir: tempDir('panel') });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(panel.url);
    const unbound = await waitForState(panel.host, (s) => s.binding.status === 'unbound' && s.binding.qr !== null);
    const office = (await demoHouses(sandbox)).find((h) => h.kind === 'office');
    if (!office || unbound.binding.status !== 'unbound' || !unbound.binding.qr) throw new Error('no office or no QR');
    await bindFromApp(sandbox, unbound.binding.qr.qrCode, office.houseSpaceId, '物业前台');
    // Bound to the property office: the panel is a desk.
    await waitForText(page, 'house-name', office.houseName, 2000);
    await waitForVisible(page, 'desk-badge', 1000);

    await page.getByTestId('open-settings').click();
    await page.getByTestId('unbind').click();
    await waitForVisible(page, 'confirm-dialog', 1000);
    await page.getByTestId('confirm-cancel').click();
    expect(panel.host.state().binding.status).toBe('bound');

    await page.getByTestId('unbind').click();
    await page.getByTestId('confirm-unbind').click();
    await waitForVisible(page, 'bind-qr', 5000);
    const bindings = await consoleGet<BindingRow[]>(sandbox, 'bindings');
    expect(bindings.some((b) => b.deviceId === panel?.host.deviceId)).toBe(false);
    await page.close();
  });
});
