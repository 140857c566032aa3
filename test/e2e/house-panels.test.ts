// Issue 8 in Chromium: two panels of one house (two hosts, each with its own SIP account at
// kamailio, each with its screen in its own page), and the sandbox's door station simulator
// ringing the house. What the household sees: both screens show the door's live picture before
// anyone answers; the panel that taps 接听 talks to the door, and the other stops ringing at once
// with 已在其他设备接听, which its 通话记录 keeps as such, not as 未接; while one panel is in a call,
// another door's call rings only the other panel, and the busy one's screen does not change.
// The three tests are one story, in order: each starts where the previous one left the panels.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Call } from '../../electron/contract/index.js';
import type { Host } from '../../electron/host/index.js';
import type { DoorCall } from '../sandbox/door-station/index.js';
import { until } from '../integration/calls/helpers.js';
import { RIG_HOUSE, startCallRig, type CallRig } from '../support/call-rig.js';
import { audioStatsOf, videoStatsOf, waitForAudio, waitForVideo } from '../support/call-screen.js';
import { expectLivePicture } from '../support/live-picture.js';
import { callScreenArgs, launchChromium } from '../support/chromium.js';
import { writeVoiceLikeWav } from '../support/fake-microphone.js';
import { waitForState } from '../support/panel.js';
import { openHome, waitForText, waitForVisible } from '../support/screen.js';
import { tempDir } from '../support/temp.js';

const MIC_WAV = writeVoiceLikeWav(join(tempDir('house-panels'), 'voice.wav'));
const UNIT_DOOR = '1幢1单元门口机';
const WALL_STATION = 'iot-wall-east';

/** One panel of the house as the test sees it: its host, its SIP number and its screen. */
interface Screen {
  host: Host;
  number: string;
  page: Page;
}

describe('two panels of one house in Chromium (issue 8)', () => {
  let rig: CallRig;
  let browser: Browser;
  let a: Screen;
  let b: Screen;
  /** The unit door's call to each panel, from the first ring. */
  let toA: DoorCall;
  let toB: DoorCall;
  /** The call each panel rang with. */
  let callOfA: Call;
  let callOfB: Call;

  beforeAll(async () => {
    [rig, browser] = await Promise.all([startCallRig({ panels: 2, endedCallLingerMs: 60_000 }), launchChromium(callScreenArgs(MIC_WAV))]);
    [a, b] = await Promise.all(
      rig.panels.map(async ({ panel, number }) => ({ host: panel.host, number, page: await openHome(browser, panel.url) })),
    ) as [Screen, Screen];
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await rig?.close();
  });

  /** The panel's screen rings with `doorName`; resolves with the call its host shows. */
  async function ringingOn(s: Screen, doorName: string): Promise<Call> {
    const { call } = await waitForState(s.host, (st) => st.call?.state === 'early' && st.call.remote.name === doorName, 5000);
    await waitForText(s.page, 'call-name', doorName, 3000);
    await expect(s.page.getByTestId('call-view').getAttribute('data-mode')).resolves.toBe('incoming');
    return call!;
  }

  it('the door rings the house: both screens show its live picture, changing, before anyone answers', async () => {
    const ring = await rig.sandbox.doorStations!.ring(RIG_HOUSE);
    expect(ring.via).toBe('panels');
    expect(ring.calls.map((c) => c.target).sort()).toEqual([a.number, b.number].sort());
    [callOfA, callOfB] = await Promise.all([ringingOn(a, UNIT_DOOR), ringingOn(b, UNIT_DOOR)]);
    const byTarget = new Map(rig.door.activeCalls().map((c) => [c.target, c]));
    const [doorToA, doorToB] = [byTarget.get(a.number), byTarget.get(b.number)];
    if (!doorToA || !doorToB) throw new Error(`the door is not calling both panels: ${[...byTarget.keys()].join(', ')}`);
    [toA, toB] = [doorToA, doorToB];

    // Both at once: each screen paints the door's moving picture while the other does.
    await Promise.all([
      expectLivePicture(a.page, a.host, callOfA, { minChangedPixels: 200 }),
      expectLivePicture(b.page, b.host, callOfB, { minChangedPixels: 200 }),
    ]);
    for (const s of [a, b]) {
      expect((await videoStatsOf(s.page)).decoderErrors).toBe(0);
      expect((await audioStatsOf(s.page)).ringing).toBe(true);
    }
    expect([toA.state, toB.state]).toEqual(['early', 'early']);
  }, 30_000);

  it('A taps 接听: the door talks to A; B stops ringing within 1 s with 已在其他设备接听, and its 通话记录 says so, not 未接', async () => {
    const tappedAt = Date.now();
    await a.page.getByTestId('answer').click();
    // B: the call screen gives way to the reason, the ringtone stops, 接听 is gone.
    await waitForText(b.page, 'call-end-reason', '已在其他设备接听', 1000);
    await waitForAudio(b.page, (s) => !s.ringing, Math.max(0, 1000 - (Date.now() - tappedAt)), "B's ringtone to stop");
    expect(Date.now() - tappedAt).toBeLessThan(1000);
    await expect(b.page.getByTestId('answer').count()).resolves.toBe(0);

    // The door's call to A is the one answered, and they hear each other.
    await toA.waitFor('answered', 3000);
    await toB.waitFor('ended', 2000);
    expect(toB.endReason).toBe('answered elsewhere');
    expect(rig.door.activeCalls().map((c) => c.target)).toEqual([a.number]);
    await waitForVisible(a.page, 'call-timer', 3000);
    await waitForAudio(a.page, (s) => !s.ringing && s.microphoneActive, 5000, "A's ringtone off and its microphone on");
    const heard = toA.stats().audioFramesHeard;
    await until(() => toA.stats().audioFramesHeard >= heard + 25, 10_000, 'the door hearing panel A');
    await waitForAudio(a.page, (s) => s.farFramesPlayed >= 25, 5000, 'the door heard on panel A');
    expect(a.host.state().call).toMatchObject({ id: callOfA.id, state: 'active' });

    // B's resident taps back to the home view and opens 通话记录.
    await b.page.getByTestId('call-ended').click();
    await waitForVisible(b.page, 'home-view', 3000);
    await b.page.getByTestId('open-history').click();
    const first = b.page.getByTestId('history-item').first();
    await first.waitFor({ timeout: 3000 });
    await expect(first.textContent()).resolves.toContain(UNIT_DOOR);
    await expect(first.textContent()).resolves.toContain('已在其他设备接听');
    await expect(first.getAttribute('data-missed')).resolves.toBe('false');
    await expect(first.getByTestId('history-missed').count()).resolves.toBe(0);
    await b.page.getByTestId('close-history').click();
    await waitForVisible(b.page, 'home-view', 3000);
  }, 30_000);

  it('with A busy in that call, the wall station rings only B; A answers 486 and its screen stays on the call', async () => {
    const wallStation = rig.sandbox.doorStations!.stations.get(WALL_STATION);
    if (!wallStation) throw new Error(`the sandbox runs no ${WALL_STATION}`);
    const wall = await rig.sandbox.doorStations!.ring(RIG_HOUSE, { iotId: WALL_STATION });
    const byTarget = new Map(wall.calls.map((c) => [c.target, c]));
    expect(byTarget.get(a.number)).toMatchObject({ state: 'ended', statusCode: 486 });

    const ringing = await ringingOn(b, wall.door.nickName);
    expect(ringing.remote.number).toBe(wall.door.sipNumber);
    await waitForVideo(b.page, ringing.mediaTag, (s) => s.framesPainted >= 3, 10_000, "the wall station's picture on B");
    expect((await audioStatsOf(b.page)).ringing).toBe(true);

    // A: still in the first call, with the unit door, no ringtone, no 接听, the same picture.
    expect(a.host.state().call).toMatchObject({ id: callOfA.id, state: 'active' });
    await expect(a.page.getByTestId('call-view').getAttribute('data-mode')).resolves.toBe('active');
    await expect(a.page.getByTestId('call-name').textContent()).resolves.toBe(UNIT_DOOR);
    await expect(a.page.getByTestId('answer').count()).resolves.toBe(0);
    await waitForVisible(a.page, 'call-timer', 1000);
    expect((await audioStatsOf(a.page)).ringing).toBe(false);
    expect((await videoStatsOf(a.page)).mediaTag).toBe(callOfA.mediaTag);
    expect(toA.state).toBe('answered');

    // Both hang up; the doors see their calls end.
    const toWall = wallStation.activeCalls().find((c) => c.target === b.number);
    await b.page.getByTestId('hangup').click();
    await a.page.getByTestId('hangup').click();
    await Promise.all([toWall?.waitFor('ended', 3000), toA.waitFor('ended', 3000)]);
    await Promise.all([waitForVisible(a.page, 'call-ended', 3000), waitForVisible(b.page, 'call-ended', 3000)]);
  }, 30_000);
});
