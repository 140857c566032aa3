// The community services on the screen, by touch, end to end: the sandbox community (its console
// publishes notices, its doors and simulated elevator cars), a bound panel's real host, and the
// built screen in Debian's Chromium. A notice published from the console raises "有新公告" within
// 5 s; 不要 dismisses it; reading marks it read and the badge drops; 开门 with several doors asks
// which and opens the chosen one; the first 呼叫电梯 asks the floor on a keypad, calls the car there
// and shows it coming floor by floor until it arrives; a car the controller cannot reach (code 4)
// says so.
//
// LINTEL_SCREENSHOT_DIR / LINTEL_SCREENSHOT_VIEWPORT: see test/support/screen.ts.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { launchChromium } from '../support/chromium.js';
import { startBoundPanel } from '../support/community.js';
import { consolePost } from '../support/console.js';
import { waitForState, type TestPanel } from '../support/panel.js';
import { openHome, saveScreenshot, waitForText, waitForVisible } from '../support/screen.js';

const HOUSE = 'sp-house-1-1-1201';
const GARAGE = { iotId: 'iot-door-1-1-b1', name: '1幢1单元地库门' };
const LIFT_1 = { iotId: 'iot-lift-1-1-a', name: '1幢1单元1号梯' };
const LIFT_2 = { iotId: 'iot-lift-1-1-b', name: '1幢1单元2号梯' };

let sandbox: Sandbox;
let panel: TestPanel;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  // Cars slow enough that the screen shows them between floors, quick enough for a test.
  [sandbox, browser] = await Promise.all([startSandbox({ logger: false, elevator: { floorMs: 400, dwellMs: 500 } }), launchChromium()]);
  panel = await startBoundPanel(sandbox, HOUSE, { communityTiming: { devicesTtlMs: 0, doorRepeatGuardMs: 200 } });
  // The notices already published when the panel came are not news: no alert, no badge.
  await waitForState(panel.host, (s) => s.notices.delivery === 'push' && s.notices.syncedAt !== null, 10_000);
  page = await openHome(browser, panel.url);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await panel?.stop();
  await sandbox?.close();
});

/** The property clerk publishes a notice to the house from the console (its HTTP API). */
async function publish(title: string, text: string, type = 1): Promise<number> {
  const notice = await consolePost<{ messageId: number }>(sandbox, 'notices', { title, text, type, houseSpaceId: HOUSE });
  return notice.messageId;
}

/** Back to home with ‹ 返回, from however deep the last step left the screen. */
async function backHome(): Promise<void> {
  for (let i = 0; i < 3 && !(await page.getByTestId('home-view').isVisible()); i++) {
    await page.locator('[data-testid^="close-"]').first().click();
  }
  await waitForVisible(page, 'home-view', 2000);
}

describe('notices on the screen', () => {
  it('a notice published from the console raises 有新公告 within 5 s; 不要 dismisses it and it stays unread', async () => {
    await expect(page.getByTestId('notices-badge').count()).resolves.toBe(0);
    const publishedAt = Date.now();
    const messageId = await publish('快递到了', '您有一个快递放在物业服务中心，请及时领取。', 8);
    await waitForText(page, 'notice-alert-title', '快递到了', 5000);
    expect(Date.now() - publishedAt).toBeLessThan(5000);
    await expect(page.getByTestId('notice-alert').textContent()).resolves.toContain('物业服务');
    await saveScreenshot(page, 'notices-alert');

    await page.getByTestId('notice-dismiss').click();
    await page.getByTestId('notice-alert').waitFor({ state: 'detached', timeout: 3000 });
    expect(panel.host.state().notices).toMatchObject({ alert: null, unread: 1 });
    await waitForText(page, 'notices-badge', '1', 2000);
    // Still unread in the list.
    await page.getByTestId('open-notices').click();
    await expect(page.locator(`[data-testid="notice-item"][data-id="${messageId}"]`).getAttribute('data-read')).resolves.toBe('false');
    await backHome();
  });

  it('播放 opens the notice and marks it read; the list shows pinned first with type labels; reading the rest clears the badge', async () => {
    const messageId = await publish('电梯年检', '本周三上午电梯年检，请走楼梯。', 6);
    await waitForText(page, 'notice-alert-title', '电梯年检', 5000);
    await waitForText(page, 'notices-badge', '2', 2000);
    await page.getByTestId('notice-play').click();
    await waitForText(page, 'notice-title', '电梯年检', 3000);
    await expect(page.getByTestId('notice-text').textContent()).resolves.toContain('本周三上午电梯年检');
    await waitForState(panel.host, (s) => s.notices.unread === 1 && s.notices.alert === null, 3000);
    await expect(page.getByTestId('notice-alert').count()).resolves.toBe(0);
    await saveScreenshot(page, 'notice-detail');

    // The list: the demo's pinned notice first, each with its type; the one just read is read.
    await page.getByTestId('close-notice').click();
    await waitForVisible(page, 'notices-view', 2000);
    const items = page.getByTestId('notice-item');
    await expect.poll(() => items.count(), { timeout: 3000 }).toBeGreaterThanOrEqual(4);
    await expect(items.first().getByTestId('notice-pinned').isVisible()).resolves.toBe(true);
    await expect(items.first().textContent()).resolves.toContain('物业服务');
    await expect(page.locator(`[data-testid="notice-item"][data-id="${messageId}"]`).getAttribute('data-read')).resolves.toBe('true');
    await saveScreenshot(page, 'notices-list');

    // The other unread one (快递到了), opened from the list: the badge goes.
    await page.locator('[data-testid="notice-item"][data-read="false"]').first().click();
    await waitForText(page, 'notice-title', '快递到了', 3000);
    await waitForState(panel.host, (s) => s.notices.unread === 0, 3000);
    await backHome();
    await page.getByTestId('notices-badge').waitFor({ state: 'detached', timeout: 2000 });

    // Both are in the history's 公告 tab.
    await page.getByTestId('open-history').click();
    await page.locator('[data-testid="tab"][data-value="notices"]').click();
    await waitForText(page, 'notice-read-item', '电梯年检', 3000);
    await waitForText(page, 'notice-read-item', '快递到了', 1000);
    await saveScreenshot(page, 'history-notices');
    await backHome();
  });
});

describe('开门 at home', () => {
  it('with the house\'s three doors, asks which; the chosen door opens (the sandbox sees it) and the history has it', async () => {
    const before = sandbox.console.doorEvents().length;
    await page.getByTestId('open-door').click();
    await waitForVisible(page, 'door-chooser', 3000);
    const choices = page.getByTestId('door-chooser').getByTestId('choice');
    await expect(choices.allTextContents()).resolves.toEqual(['1幢1单元门口机', '1幢1单元地库门', '小区东门围墙机'].map((n) => expect.stringContaining(n)));
    expect(sandbox.console.doorEvents()).toHaveLength(before);
    await saveScreenshot(page, 'door-chooser');

    await page.locator(`[data-testid="choice"][data-id="${GARAGE.iotId}"]`).click();
    await waitForText(page, 'result-message', `${GARAGE.name}已打开`, 5000);
    await expect(page.getByTestId('flow-result').locator('[data-ok]').getAttribute('data-ok')).resolves.toBe('true');
    expect(sandbox.console.doorEvents()[0]?.detail).toMatchObject({ source: 'cloud', api: 'unitdoor/open', iotId: GARAGE.iotId, houseName: '1幢1单元1201' });
    await saveScreenshot(page, 'door-opened');
    await page.getByTestId('result-close').click();

    await page.getByTestId('open-history').click();
    await page.locator('[data-testid="tab"][data-value="unlocks"]').click();
    await waitForText(page, 'unlock-item', GARAGE.name, 3000);
    await expect(page.getByTestId('unlock-item').first().textContent()).resolves.toMatch(/在家开门.*触摸.*已开门/);
    await saveScreenshot(page, 'history-unlocks');
    await backHome();
  });

  it('an offline door says why, in the host\'s words', async () => {
    sandbox.console.setDeviceState('iot-wall-east', 'offline');
    try {
      await page.getByTestId('open-door').click();
      await page.locator('[data-testid="choice"][data-id="iot-wall-east"]').click();
      await waitForText(page, 'result-message', '门禁设备离线', 5000);
      await expect(page.getByTestId('flow-result').locator('[data-ok]').getAttribute('data-ok')).resolves.toBe('false');
      await page.getByTestId('result-close').click();
    } finally {
      sandbox.console.setDeviceState('iot-wall-east', 'online');
    }
  });
});

describe('呼叫电梯', () => {
  it('the first call asks the floor on the keypad; the car is called there and its floor shows live until it arrives', async () => {
    await page.getByTestId('call-elevator').click();
    await waitForVisible(page, 'floor-keypad', 3000);
    // The room number's floor is typed in already.
    await expect(page.getByTestId('floor-display').getAttribute('data-floor')).resolves.toBe('12');
    await saveScreenshot(page, 'floor-keypad');
    // The resident lives on 9 (a duplex, say): clear it and type 9.
    await page.getByTestId('floor-key-back').click();
    await page.getByTestId('floor-key-back').click();
    await page.getByTestId('floor-key-9').click();
    await waitForText(page, 'floor-display', '9层', 1000);
    await page.getByTestId('floor-ok').click();

    // Two elevators serve the unit: which one?
    await waitForVisible(page, 'elevator-chooser', 3000);
    expect(sandbox.console.elevatorEvents()).toHaveLength(0);
    await page.locator(`[data-testid="choice"][data-id="${LIFT_1.iotId}"]`).click();
    await waitForVisible(page, 'elevator-panel', 3000);
    expect(sandbox.console.elevatorEvents()[0]?.detail).toMatchObject({ api: 'elevator/call', iotId: LIFT_1.iotId, startFloor: '9' });
    expect(panel.host.state().elevator).toMatchObject({ iotId: LIFT_1.iotId, floor: '9' });

    // On its way: a floor below 9, going up, as the screen shows it.
    const coming = page.locator('[data-testid="elevator-panel"] [data-state="coming"]');
    await coming.waitFor({ timeout: 5000 });
    await page.locator('[data-testid="elevator-direction"][data-direction="up"]').waitFor({ timeout: 5000 });
    const floorShown = Number(await page.getByTestId('elevator-car-floor').getAttribute('data-floor'));
    expect(floorShown).toBeGreaterThanOrEqual(1);
    expect(floorShown).toBeLessThan(9);
    await saveScreenshot(page, 'elevator');

    await waitForText(page, 'elevator-heading', '电梯已到达', 10_000);
    await expect(page.getByTestId('elevator-car-floor').getAttribute('data-floor')).resolves.toBe('9');
    await expect(page.getByTestId('elevator-message').textContent()).resolves.toBe(`${LIFT_1.name}已到达9层`);
    await saveScreenshot(page, 'elevator-arrived');
    await page.getByTestId('elevator-dismiss').click();
    await page.getByTestId('elevator-panel').waitFor({ state: 'detached', timeout: 3000 });
    expect(panel.host.state().elevator).toBeNull();
  }, 30_000);

  it('a controller that cannot reach its car (code 4) says so clearly, once', async () => {
    sandbox.console.setDeviceState(LIFT_2.iotId, 'send-fail');
    try {
      await page.getByTestId('call-elevator').click();
      // The floor is stored now: straight to the choice of car.
      await waitForVisible(page, 'elevator-chooser', 3000);
      await page.locator(`[data-testid="choice"][data-id="${LIFT_2.iotId}"]`).click();
      await waitForText(page, 'elevator-message', '电梯控制器没有收到指令（发送到设备失败）', 5000);
      await expect(page.getByTestId('elevator-heading').textContent()).resolves.toBe('呼叫电梯失败');
      // The live panel says it; no second dialog repeats it.
      await expect(page.getByTestId('flow-result').count()).resolves.toBe(0);
      await saveScreenshot(page, 'elevator-failed');
      await page.getByTestId('elevator-dismiss').click();
      await page.getByTestId('elevator-panel').waitFor({ state: 'detached', timeout: 3000 });
    } finally {
      sandbox.console.setDeviceState(LIFT_2.iotId, 'online');
    }
  });

  it('home, with the unread badge, for the record', async () => {
    await publish('停车场施工', '地库B区施工，请绕行。', 6);
    await waitForVisible(page, 'notice-alert', 5000);
    await page.getByTestId('notice-dismiss').click();
    await waitForText(page, 'notices-badge', '1', 3000);
    await saveScreenshot(page, 'home-resident');
  });
});
