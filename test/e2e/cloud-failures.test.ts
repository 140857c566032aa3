// Every way the cloud can refuse or fail shows a clear Chinese message on the panel, an actionable
// last error for the installer, retries only where retrying helps, and never loses the binding.
import type { Browser, Page } from 'playwright-core';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ProblemCode } from '../../electron/contract/index.js';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { bindFromApp, demoHouses } from '../support/bind.js';
import { launchChromium } from '../support/chromium.js';
import { consolePost } from '../support/console.js';
import { startPanel, waitForState, type TestPanel } from '../support/panel.js';
import { waitForText, waitForVisible } from '../support/screen.js';
import { tempDir } from '../support/temp.js';

const FAST_RETRY = { backoffBaseMs: 100, backoffMaxMs: 400, pollUnboundMs: 200, pollBoundMs: 300 };
const STATUS_PATH = '/solution/community/intercom/device/status/get';
const QR_PATH = '/solution/community/intercom/device/qrcode/get';
const HOUR = 3_600_000;

describe('the panel when the cloud fails', () => {
  let sandbox: Sandbox;
  let sandboxDb: string;
  let browser: Browser;
  let page: Page;
  let panel: TestPanel | null = null;

  beforeAll(async () => {
    sandboxDb = join(tempDir('sandbox'), 'sandbox.sqlite');
    sandbox = await startSandbox({ dbFile: sandboxDb, logger: false });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  });
  afterEach(async () => {
    await panel?.stop();
    panel = null;
    await fetch(`${sandbox.url}/console/api/faults`, { method: 'DELETE' });
  });
  afterAll(async () => {
    await browser?.close();
    await sandbox?.close();
  });

  async function showProblem(code: ProblemCode, text: string, options: { appSecret?: string; now?: () => number } = {}): Promise<TestPanel> {
    panel = await startPanel({ sandbox, dataDir: tempDir('panel'), bindingTiming: FAST_RETRY, ...options });
    const problem = waitForState(panel.host, (s) => s.problem?.code === code);
    await page.goto(panel.url);
    const state = await problem;
    await waitForText(page, 'problem', text, 5000);
    expect(state.problem?.message).toContain(text);
    return panel;
  }

  it('says the app secret is wrong, and does not hammer the cloud with it', async () => {
    const p = await showProblem('bad-app-secret', '应用密钥', { appSecret: 'not-the-secret' });
    expect(p.host.state().problem?.retryAt).toBeNull();
    expect(p.host.state().problem?.detail).toMatch(/403/);
  });

  it('says the clock is off when the panel is more than the allowed skew away', async () => {
    const p = await showProblem('clock-skew', '本机时间与云平台相差过大', { now: () => Date.now() + 2 * HOUR });
    expect(p.host.state().problem?.detail).toMatch(/timestamp/i);
  });

  it('names a rejected bind signature', async () => {
    await consolePost(sandbox, 'faults', { path: QR_PATH, code: 460, message: 'sign mismatch', times: 1 });
    await showProblem('bad-sign', '签名校验失败');
  });

  for (const [code, fault, text] of [
    ['rate-limited', { code: 429 }, '繁忙'],
    ['server-error', { code: 500 }, '暂时故障'],
    ['bad-reply', { malformed: true }, '无法识别'],
  ] as const) {
    it(`shows "${text}" on ${code}, retries with backoff and recovers by itself`, async () => {
      // The fault lasts until the test lifts it, so the message cannot come and go unseen.
      await consolePost(sandbox, 'faults', { path: STATUS_PATH, times: 1000, ...fault });
      const p = await showProblem(code, text);
      expect(p.host.state().problem?.retryAt).not.toBeNull();
      await fetch(`${sandbox.url}/console/api/faults`, { method: 'DELETE' });
      await waitForVisible(page, 'bind-qr', 5000);
      await waitForState(p.host, (s) => s.problem === null);
    });
  }

  it('keeps the binding through a cloud outage and clears the message when the cloud returns', async () => {
    panel = await startPanel({ sandbox, dataDir: tempDir('panel'), bindingTiming: FAST_RETRY });
    await page.goto(panel.url);
    const unbound = await waitForState(panel.host, (s) => s.binding.status === 'unbound' && s.binding.qr !== null);
    const house = (await demoHouses(sandbox)).find((h) => h.kind === 'house');
    if (!house || unbound.binding.status !== 'unbound' || !unbound.binding.qr) throw new Error('no house or no QR');
    await bindFromApp(sandbox, unbound.binding.qr.qrCode, house.houseSpaceId);
    await waitForState(panel.host, (s) => s.binding.status === 'bound' && s.binding.channelReady);

    const port = Number(new URL(sandbox.url).port);
    await sandbox.close();
    await waitForState(panel.host, (s) => s.problem?.code === 'cloud-unreachable');
    await waitForText(page, 'problem', '无法连接社区云平台', 5000);
    await waitForText(page, 'house-name', house.houseName, 1000);
    expect(panel.host.state().binding).toMatchObject({ status: 'bound', channelReady: true });

    sandbox = await startSandbox({ dbFile: sandboxDb, port, logger: false });
    await waitForState(panel.host, (s) => s.problem === null && s.binding.status === 'bound');
    await page.getByTestId('problem').waitFor({ state: 'hidden', timeout: 5000 });
  });
});
