// The property desk's screen, end to end: kamailio, the sandbox community with its door station
// simulators, three real hosts (the desk bound to the property office and two residents' panels
// whose 呼叫物业 rings it), and the desk's built screen in Debian's Chromium with a WAV as its
// microphone. Two residents call at once: the screen shows one call and the other waiting with its
// house; the desk picks the waiting one from the queue, is told to finish the current call before
// taking another, and answers the rest in turn. A door calling the property is answered and opened
// from the desk's screen. (The host-level version: test/integration/calls/property-desk.test.ts.)
//
// LINTEL_SCREENSHOT_DIR / LINTEL_SCREENSHOT_VIEWPORT: see test/support/screen.ts.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROPERTY_OFFICE } from '../sandbox/index.js';
import { addRigPanel, startCallRig, type CallRig, type RigPanel } from '../support/call-rig.js';
import { callScreenArgs, launchChromium } from '../support/chromium.js';
import { writeVoiceLikeWav } from '../support/fake-microphone.js';
import { waitForState } from '../support/panel.js';
import { openHome, saveScreenshot, waitForText, waitForVisible } from '../support/screen.js';
import { tempDir } from '../support/temp.js';

const MIC_WAV = writeVoiceLikeWav(join(tempDir('property-desk'), 'voice.wav'));
const HOUSE_A = '1幢1单元1201';
const HOUSE_B = '1幢1单元1202';

let rig: CallRig;
let desk: RigPanel;
let residentA: RigPanel;
let residentB: RigPanel;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  // No panel in the house: the desk first, then the residents, who call its number.
  [rig, browser] = await Promise.all([startCallRig({ panels: 0 }), launchChromium(callScreenArgs(MIC_WAV))]);
  desk = await addRigPanel(rig, PROPERTY_OFFICE.spaceId, { endedCallLingerMs: 0 });
  const env = { LINTEL_DESK_NUMBER: desk.number };
  residentA = await addRigPanel(rig, 'sp-house-1-1-1201', { env, endedCallLingerMs: 0 });
  residentB = await addRigPanel(rig, 'sp-house-1-1-1202', { env, endedCallLingerMs: 0 });
  page = await openHome(browser, desk.panel.url);
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await rig?.close();
});

const queued = (house: string) => page.getByTestId('queued-call').filter({ hasText: house });

describe('the property desk\'s screen', () => {
  it('is the property centre, with its (empty) queue', async () => {
    await waitForText(page, 'desk-badge', '物业中心', 2000);
    await waitForVisible(page, 'call-queue-empty', 1000);
    // A desk calls no desk and has no floor.
    await expect(page.getByTestId('call-desk').count()).resolves.toBe(0);
    await expect(page.getByTestId('call-elevator').count()).resolves.toBe(0);
    await saveScreenshot(page, 'home-desk');
  });

  it('two residents call at once: one on screen, one queued with its house; the desk picks the queued one, then the other in turn', async () => {
    await residentA.panel.host.api['call.desk']({});
    await waitForText(page, 'call-name', HOUSE_A, 5000);
    await residentB.panel.host.api['call.desk']({});
    await queued(HOUSE_B).waitFor({ timeout: 5000 });
    await expect(page.getByTestId('call-view').getAttribute('data-mode')).resolves.toBe('incoming');
    await expect(page.getByTestId('queued-call').count()).resolves.toBe(1);
    await expect(queued(HOUSE_B).textContent()).resolves.toMatch(/住户 · 等待 \d\d:\d\d/);
    await saveScreenshot(page, 'desk-queue');

    // B is picked from the queue while A still rings: B is answered; A waits in the queue.
    await queued(HOUSE_B).click();
    await waitForState(residentB.panel.host, (s) => s.call?.state === 'active', 3000);
    await waitForText(page, 'call-name', HOUSE_B, 3000);
    await waitForVisible(page, 'call-timer', 3000);
    await queued(HOUSE_A).waitFor({ timeout: 3000 });
    expect(residentA.panel.host.state().call?.state).toMatch(/^(calling|early)$/);

    // Talking to B, the desk cannot take A too: the host says why, A keeps waiting (not busy).
    await queued(HOUSE_A).click();
    await waitForText(page, 'toast', '请先结束当前通话', 3000);
    expect(residentA.panel.host.state().call?.state).toMatch(/^(calling|early)$/);
    await saveScreenshot(page, 'desk-queue-busy');
    await page.getByTestId('toast').click();

    // B done: A is the call on screen, ringing, and 接听 answers it.
    await page.getByTestId('hangup').click();
    await waitForState(residentB.panel.host, (s) => s.call === null || s.call.state === 'ended', 3000);
    await waitForText(page, 'call-name', HOUSE_A, 3000);
    await expect(page.getByTestId('call-queue').count()).resolves.toBe(0);
    await page.getByTestId('answer').click();
    await waitForState(residentA.panel.host, (s) => s.call?.state === 'active', 3000);
    await page.getByTestId('hangup').click();
    await waitForVisible(page, 'home-view', 5000);
    await waitForState(residentA.panel.host, (s) => s.call === null, 3000);
  }, 30_000);

  it('a door calling the property rings the desk\'s screen with the door\'s name; the desk answers and opens it', async () => {
    const ring = await rig.sandbox.doorStations!.ring(PROPERTY_OFFICE.spaceId);
    const doorCall = [...rig.sandbox.doorStations!.stations.values()].flatMap((d) => d.activeCalls()).find((c) => c.target === desk.number);
    if (!doorCall) throw new Error('no door is calling the desk');
    await waitForText(page, 'call-name', ring.door.nickName, 5000);
    await expect(page.getByTestId('call-status').textContent()).resolves.toBe('门口有访客');
    await page.getByTestId('answer').click();
    await doorCall.waitFor('answered', 3000);
    await page.getByTestId('unlock').click();
    await waitForText(page, 'unlock-status', '门已打开', 5000);
    expect(doorCall.unlocks).toEqual([expect.objectContaining({ method: 'info', from: desk.number })]);
    await page.getByTestId('hangup').click();
    await doorCall.waitFor('ended', 3000);
    await waitForVisible(page, 'home-view', 5000);
  }, 30_000);
});
