// The call screen, end to end on real parts: kamailio, the sandbox's door station simulator (and a
// real baresip with H.264), the panel's host, and the built screen in Debian's Chromium with a WAV
// as its microphone. What the resident sees and does: the door's live picture before answering,
// 接听 / 开门 / 静音 / 挂断, a reload mid-call, a missed call in 通话记录 with who was there, 查看视频
// with its countdown, and 呼叫物业.
//
// LINTEL_SCREENSHOT_DIR=<dir> also saves each call view as a PNG there (for the README and for
// judging readability); LINTEL_SCREENSHOT_VIEWPORT=1024x600 takes them on a smaller panel.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DoorCall } from '../sandbox/door-station/index.js';
import type { Call } from '../../electron/contract/index.js';
import { Baresip } from '../integration/calls/baresip.js';
import { startCallRig, type CallRig } from '../support/call-rig.js';
import { audioStatsOf, pictureStats, videoStatsOf, waitForAudio, waitForVideo } from '../support/call-screen.js';
import { expectLivePicture } from '../support/live-picture.js';
import { callScreenArgs, launchChromium } from '../support/chromium.js';
import { writeVoiceLikeWav } from '../support/fake-microphone.js';
import { waitForState } from '../support/panel.js';
import { openHome, screenshotSettings, waitForText, waitForVisible } from '../support/screen.js';
import { tempDir } from '../support/temp.js';

const MIC_WAV = writeVoiceLikeWav(join(tempDir('call-screen'), 'voice.wav'));
const { dir: SCREENSHOT_DIR, viewport: VIEWPORT } = screenshotSettings();

async function saveScreenshot(page: Page, name: string): Promise<void> {
  if (SCREENSHOT_DIR) await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}

/** What the screen's CSP refused (the worklets must load from 'self', nothing may need eval). */
const cspViolations: string[] = [];

function openScreen(browser: Browser, url: string, beforeLoad?: (page: Page) => Promise<void>): Promise<Page> {
  return openHome(browser, url, { viewport: VIEWPORT, cspViolations, ...(beforeLoad ? { beforeLoad } : {}) });
}

async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('the call screen with the door station simulator', () => {
  let rig: CallRig;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    [rig, browser] = await Promise.all([startCallRig({ endedCallLingerMs: 60_000 }), launchChromium(callScreenArgs(MIC_WAV))]);
    page = await openScreen(browser, rig.panel.url);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await rig?.close();
  });

  /** The door rings the panel; resolves once the screen shows it ringing with the door's name. */
  async function ring(): Promise<{ doorCall: DoorCall; call: Call }> {
    const doorCall = await rig.door.ring(rig.panelNumber);
    const { call } = await waitForState(rig.panel.host, (s) => s.call?.state === 'early', 5000);
    await waitForText(page, 'call-name', '1幢1单元门口机', 3000);
    await expect(page.getByTestId('call-view').getAttribute('data-mode')).resolves.toBe('incoming');
    return { doorCall, call: call! };
  }

  /** Back to the home view, whatever the last test left. */
  async function home(): Promise<void> {
    await waitForVisible(page, 'call-ended', 5000);
    await page.getByTestId('call-ended').click();
    await waitForVisible(page, 'home-view', 3000);
  }

  it('a ringing door shows its live picture before the answer, with the ringtone', async () => {
    const { doorCall, call } = await ring();
    await expectLivePicture(page, rig.panel.host, call, { minChangedPixels: 200 });
    const stats = await videoStatsOf(page);
    expect(stats.codec).toMatch(/^avc1\.42/); // the simulator's constrained baseline, read from its SPS
    expect(stats.decoderErrors).toBe(0);
    expect((await audioStatsOf(page)).ringing).toBe(true);
    expect(doorCall.state).toBe('early');
    await saveScreenshot(page, 'incoming-call');

    await page.getByTestId('hangup').click();
    await doorCall.waitFor('ended', 5000);
    await waitForText(page, 'call-end-reason', '已拒接', 3000);
    expect((await audioStatsOf(page)).ringing).toBe(false);
    await home();
  }, 30_000);

  it('接听 answers at the door, which hears the microphone; 开门 opens it; a reload keeps the call; 挂断 ends it', async () => {
    const { doorCall, call } = await ring();
    await page.getByTestId('answer').click();
    await doorCall.waitFor('answered', 3000);
    await waitForVisible(page, 'call-timer', 3000);
    await waitForAudio(page, (a) => !a.ringing && a.microphoneActive, 5000, 'the ringtone off and the microphone on');

    // The fake microphone's voice reaches the door as RTP loud enough to be speech, not silence.
    const heardBefore = doorCall.stats().audioFramesHeard;
    await waitUntil(() => doorCall.stats().audioFramesHeard >= heardBefore + 25, 10_000, 'the door hearing the panel');
    // And the door's own audio plays on the panel.
    await waitForAudio(page, (a) => a.farFramesPlayed >= 25, 5000, 'the far end playing');

    await page.getByTestId('unlock').click();
    await waitForText(page, 'unlock-status', '门已打开', 5000);
    expect(doorCall.unlocks).toEqual([expect.objectContaining({ method: 'info', from: rig.panelNumber })]);
    await saveScreenshot(page, 'in-call');

    // 静音: the host sends silence in place of the microphone; the door hears nothing more.
    await page.getByTestId('mute').click();
    await waitForState(rig.panel.host, (s) => s.call?.muted === true, 3000);
    // The screen follows the host's state event, which may arrive a moment after the host changed.
    await expect.poll(() => page.getByTestId('mute').getAttribute('aria-pressed'), { timeout: 2000 }).toBe('true');
    const heardMuted = doorCall.stats().audioFramesHeard;
    const packets = doorCall.stats().audioPacketsReceived;
    await waitUntil(() => doorCall.stats().audioPacketsReceived >= packets + 25, 3000, 'muted packets at the door');
    expect(doorCall.stats().audioFramesHeard - heardMuted).toBeLessThanOrEqual(2); // at most what was in flight
    await page.getByTestId('mute').click();
    await waitForState(rig.panel.host, (s) => s.call?.muted === false, 3000);

    // Reload mid-call: the call is back on screen within 2 s, the door never noticed.
    const reloadAt = Date.now();
    await page.reload();
    await waitForVisible(page, 'call-timer', 2000);
    expect(Date.now() - reloadAt).toBeLessThan(2000);
    expect(doorCall.state).toBe('answered');
    expect(rig.panel.host.state().call).toMatchObject({ id: call.id, state: 'active' });
    // The picture resumes from a key frame, and the microphone opens again.
    await waitForVideo(page, call.mediaTag, (s) => s.framesPainted >= 2, 5000, 'the picture after the reload');
    const heardAfterReload = doorCall.stats().audioFramesHeard;
    await waitUntil(() => doorCall.stats().audioFramesHeard >= heardAfterReload + 10, 10_000, 'the door hearing the panel after the reload');

    await page.getByTestId('hangup').click();
    await doorCall.waitFor('ended', 3000);
    await waitForText(page, 'call-end-reason', '通话已结束', 3000);
    await saveScreenshot(page, 'call-ended');
    await waitForAudio(page, (a) => !a.microphoneActive, 3000, 'the microphone closed');
    await home();
  }, 45_000);

  it('a picture that stops is covered with 画面中断 after a second, and is live again when frames return', async () => {
    // A second screen whose media socket the test can cut: frames from the host pass only while
    // `flowing`, and resume at a key frame as the host's own send path does after a drop.
    let flowing = true;
    let resumed = false;
    const watcher = await openScreen(browser, rig.panel.url, (p) =>
      p.routeWebSocket(/\/media$/, (ws) => {
        const server = ws.connectToServer();
        server.onMessage((m) => {
          const key = typeof m !== 'string' && m[0] === 1 && ((m[1] ?? 0) & 1) === 1;
          if (flowing && (resumed || key)) {
            resumed = true;
            ws.send(m);
          }
        });
        ws.onMessage((m) => server.send(m));
      }),
    );
    try {
      const { doorCall, call } = await ring();
      await waitForVideo(watcher, call.mediaTag, (s) => s.framesPainted >= 3, 10_000, 'the preview painted');
      await expect(watcher.getByTestId('video-stalled').count()).resolves.toBe(0);
      flowing = false;
      resumed = false;
      const cutAt = Date.now();
      // Within a few seconds (a loaded test machine delays timers and Playwright's polling alike)…
      await waitForVisible(watcher, 'video-stalled', 5000);
      // …but never before a second without frames (the last one may have been in flight).
      expect(Date.now() - cutAt).toBeGreaterThanOrEqual(900);
      await saveScreenshot(watcher, 'video-stalled');
      const paintedBefore = (await videoStatsOf(watcher)).framesPainted;
      flowing = true;
      await watcher.getByTestId('video-stalled').waitFor({ state: 'detached', timeout: 3000 });
      expect((await videoStatsOf(watcher)).framesPainted).toBeGreaterThan(paintedBefore);
      expect((await videoStatsOf(watcher)).decoderErrors).toBe(0);
      await doorCall.hangup();
      await home();
    } finally {
      await watcher.close();
    }
  }, 30_000);

  it('a missed call is in 通话记录 with the snapshot of who was at the door', async () => {
    const { doorCall, call } = await ring();
    await waitForVideo(page, call.mediaTag, (s) => s.framesPainted >= 3, 10_000, 'the preview painted');
    // The screen stores its snapshot by itself; wait for the host to have it.
    const deadline = Date.now() + 5000;
    while ((await rig.panel.host.api['calls.snapshot']({ callId: call.id })).image === null) {
      if (Date.now() > deadline) throw new Error('the screen sent no snapshot');
      await new Promise((r) => setTimeout(r, 50));
    }
    await doorCall.hangup();
    await waitForText(page, 'call-end-reason', '对方已取消呼叫', 3000);
    await home();

    await page.getByTestId('open-history').click();
    const first = page.getByTestId('history-item').first();
    await first.waitFor({ timeout: 3000 });
    await expect(first.getAttribute('data-missed')).resolves.toBe('true');
    await expect(first.getByTestId('history-missed').textContent()).resolves.toContain('未接');
    await expect(first.textContent()).resolves.toContain('1幢1单元门口机');
    const snapshot = first.getByTestId('history-snapshot');
    await snapshot.waitFor({ timeout: 3000 });
    const size = await snapshot.evaluate((img) => {
      const i = img as unknown as { naturalWidth: number; naturalHeight: number };
      return { width: i.naturalWidth, height: i.naturalHeight };
    });
    expect(size.width).toBeGreaterThan(300);
    expect(size.width).toBeLessThanOrEqual(640);
    const thumb = pictureStats(await snapshot.screenshot());
    expect(thumb.lumaSpread).toBeGreaterThan(20); // the door's picture, not a grey box
    await saveScreenshot(page, 'history');
    await page.getByTestId('close-history').click();
    await waitForVisible(page, 'home-view', 3000);
  }, 30_000);

  it('查看视频 shows the door with a countdown from 60 s; 结束 ends it', async () => {
    await page.getByTestId('open-monitor').click();
    const { call } = await waitForState(rig.panel.host, (s) => s.call?.kind === 'monitor' && s.call.state === 'active', 5000);
    await waitForText(page, 'call-status', '正在查看门口', 3000);
    const countdown = Number((await page.getByTestId('monitor-countdown').textContent())?.match(/\d+/)?.[0]);
    expect(countdown).toBeGreaterThanOrEqual(57);
    expect(countdown).toBeLessThanOrEqual(60);
    await waitForVideo(page, call!.mediaTag, (s) => s.framesPainted >= 3, 10_000, 'the monitor picture');
    await saveScreenshot(page, 'monitor');
    const watching = rig.door.monitor;
    if (!watching) throw new Error('the door has no viewer');
    await page.getByTestId('hangup').click();
    await watching.waitFor('ended', 3000);
    await home();
  }, 30_000);

  it('呼叫物业 without a desk number says so in a toast', async () => {
    await page.getByTestId('call-desk').click();
    await waitForText(page, 'toast', '未配置物业中心号码', 3000);
    await saveScreenshot(page, 'toast');
    await page.getByTestId('toast').click();
    await page.getByTestId('toast').waitFor({ state: 'detached', timeout: 2000 });
    // By now the worklets, WebCodecs and the snapshot have all run under the served CSP.
    expect((await audioStatsOf(page)).contextState).toBe('running');
    expect(cspViolations).toEqual([]);
  });
});

describe('the call screen with baresip (H.264 by avcodec) as the door and the property desk', () => {
  // Not all digits: kamcmd would pass a numeric user to htable.sets as an integer.
  const BARESIP = { user: 'baresip1', password: 'baresip-pw' };
  let rig: CallRig;
  let browser: Browser;
  let page: Page;
  let baresip: Baresip;

  beforeAll(async () => {
    [rig, browser] = await Promise.all([
      startCallRig({ endedCallLingerMs: 60_000, env: { LINTEL_DESK_NUMBER: BARESIP.user } }),
      launchChromium(callScreenArgs(MIC_WAV)),
    ]);
    await rig.kamailio.addUser(BARESIP.user, BARESIP.password);
    baresip = new Baresip(BARESIP.user, BARESIP.password, rig.kamailio.port);
    await baresip.start();
    const deadline = Date.now() + 10_000;
    while ((await rig.kamailio.contactsOf(BARESIP.user)).length === 0) {
      if (Date.now() > deadline) throw new Error(`baresip did not register:\n${baresip.log.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    page = await openScreen(browser, rig.panel.url);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await baresip?.stop();
    await rig?.close();
  });

  it('baresip calls the panel: its H.264 picture is live on the screen before the answer', async () => {
    baresip.command('dial', `sip:${rig.panelNumber}@127.0.0.1:${rig.kamailio.port}`);
    const { call } = await waitForState(rig.panel.host, (s) => s.call?.state === 'early', 10_000);
    await waitForVisible(page, 'answer', 3000);
    // baresip's fakevideo camera is a still picture (three vertical bars, red, green and blue):
    // here the check is that it is there and that frame after frame keeps being painted.
    await expectLivePicture(page, rig.panel.host, call!, 'static');
    const stats = await videoStatsOf(page);
    expect(stats.decoderErrors).toBe(0);
    expect(stats.codec).toMatch(/^avc1\./);
    await saveScreenshot(page, 'incoming-baresip');
    const closedCalls = (): number => baresip.events.filter((e) => e.type === 'CALL_CLOSED').length;
    const closed = closedCalls();
    await page.getByTestId('hangup').click();
    await waitUntil(() => closedCalls() > closed, 5000, 'baresip to close the call');
    await waitForVisible(page, 'call-ended', 3000);
    await page.getByTestId('call-ended').click();
    await waitForVisible(page, 'home-view', 3000);
  }, 30_000);

  it('呼叫物业 rings the desk and shows 呼叫物业中… until 取消; answered, it is a call with the desk', async () => {
    const count = (type: string): number => baresip.events.filter((e) => e.type === type).length;
    const incoming = count('CALL_INCOMING');
    await page.getByTestId('call-desk').click();
    await waitForText(page, 'call-status', '呼叫物业中', 3000);
    await expect(page.getByTestId('call-name').textContent()).resolves.toBe('物业中心');
    await waitUntil(() => count('CALL_INCOMING') > incoming, 5000, 'the desk ringing');
    await saveScreenshot(page, 'calling-desk');
    let closed = count('CALL_CLOSED');
    await page.getByTestId('hangup').click();
    await waitUntil(() => count('CALL_CLOSED') > closed, 5000, 'the desk to stop ringing');
    await waitForVisible(page, 'call-ended', 3000);
    await page.getByTestId('call-ended').click();
    await waitForVisible(page, 'home-view', 3000);

    // Again, and the desk answers: the timer runs, there is no 开门 (the desk has no door).
    const again = count('CALL_INCOMING');
    await page.getByTestId('call-desk').click();
    await waitUntil(() => count('CALL_INCOMING') > again, 5000, 'the desk ringing again');
    baresip.command('accept');
    await waitForVisible(page, 'call-timer', 5000);
    await expect(page.getByTestId('unlock').count()).resolves.toBe(0);
    await waitForAudio(page, (a) => a.microphoneActive, 5000, 'the microphone on');
    await saveScreenshot(page, 'desk-call');
    closed = count('CALL_CLOSED');
    await page.getByTestId('hangup').click();
    await waitUntil(() => count('CALL_CLOSED') > closed, 5000, 'the desk call to close');
    await waitForVisible(page, 'call-ended', 3000);
  }, 30_000);
});
