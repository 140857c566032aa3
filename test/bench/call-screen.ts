// What a resident waits for when the door rings, measured on the real parts (kamailio, the
// sandbox's door station with ffmpeg H.264, the host, the built screen in Debian's Chromium):
//   INVITE received → first frame painted: the host's Call.startedAt (its clock when the INVITE
//     arrived) to the screen's first drawImage of that call (same machine, same clock);
//   key frame received → painted: the host's receivedAt of each key access unit to its drawImage.
// The screen must be built (npm run bench builds it first). index.ts calls benchCallScreen with
// its own summary(); measureCallScreen returns the raw samples.
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { hangUpAtDoor, startCallRig, type CallRig } from '../support/call-rig.js';
import { videoStatsOf, waitForVideo } from '../support/call-screen.js';
import { callScreenArgs, launchChromium } from '../support/chromium.js';
import { writeVoiceLikeWav } from '../support/fake-microphone.js';
import { waitForState } from '../support/panel.js';
import { waitForVisible } from '../support/screen.js';
import { tempDir } from '../support/temp.js';

export interface CallScreenSamples {
  inviteToFirstPaintMs: number[];
  keyFrameToPaintMs: number[];
}

/** Key frames measured per call: the door sends one a second, so about three seconds a run. */
const KEY_FRAMES_PER_RUN = 3;

export async function measureCallScreen(runs: number): Promise<CallScreenSamples> {
  let rig: CallRig | undefined;
  let browser: Browser | undefined;
  const samples: CallScreenSamples = { inviteToFirstPaintMs: [], keyFrameToPaintMs: [] };
  try {
    // The microphone is not measured, but the screen opens it in a call as it would for real.
    const wav = writeVoiceLikeWav(join(tempDir('bench-call'), 'voice.wav'), 2);
    [rig, browser] = await Promise.all([startCallRig({ endedCallLingerMs: 60_000 }), launchChromium(callScreenArgs(wav))]);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(rig.panel.url);
    await waitForVisible(page, 'home-view', 10_000);
    for (let i = 0; i < runs; i++) {
      const doorCall = await rig.door.ring(rig.panelNumber);
      const { call } = await waitForState(rig.panel.host, (s) => s.call !== null && s.call.state !== 'ended', 5000);
      const painted = await waitForVideo(page, call!.mediaTag, (s) => s.keyFrameLatencyMs.length >= KEY_FRAMES_PER_RUN, 15_000, 'key frames painted');
      samples.inviteToFirstPaintMs.push(painted.firstPaintAt! - call!.startedAt);
      samples.keyFrameToPaintMs.push(...(await videoStatsOf(page)).keyFrameLatencyMs);
      await hangUpAtDoor(rig, doorCall, call!.id);
    }
  } finally {
    await browser?.close();
    await rig?.close();
  }
  return samples;
}

/** The two measurements in the shape of the caller's summary (e.g. median, p95 of test/bench/index.ts). */
export async function benchCallScreen<S>(summary: (name: string, samples: number[]) => S, runs: number): Promise<S[]> {
  const s = await measureCallScreen(runs);
  return [summary('INVITE → first frame painted', s.inviteToFirstPaintMs), summary('key frame → painted', s.keyFrameToPaintMs)];
}
