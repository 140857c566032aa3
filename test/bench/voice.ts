// What a resident waits for when speaking to the panel, measured on the real parts (kamailio, the
// sandbox's door station, the host, the built screen in Debian's Chromium with a WAV microphone):
//   heard → action at the door: a final result entering the screen's pipeline ("接听" from the
//     scripted recognizer, as vosk-browser would report it) to the ringing door receiving the
//     200 OK (voice.heard, the host's dialog, the SIP answer; same machine, same clock);
//   capture latency per frame: a 20 ms frame of 16 kHz audio leaving the voice worklet (its
//     context time after the last sample) to being handed to the recognizer on the page.
// The recognition itself is not in it: no Mandarin model can be installed here. The screen must be
// built (npm run bench builds it first). Call benchVoice with the caller's summary(); measureVoice
// returns the raw samples.
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { hangUpAtDoor, startCallRig, type CallRig } from '../support/call-rig.js';
import { voiceStatsOf, waitForVoice } from '../support/call-screen.js';
import { callScreenArgs, launchChromium } from '../support/chromium.js';
import { writeVoiceLikeWav } from '../support/fake-microphone.js';
import { waitForState } from '../support/panel.js';
import { waitForVisible } from '../support/screen.js';
import { tempDir } from '../support/temp.js';
import { openDebugPanel, say, waitForGrammar } from '../support/voice-screen.js';

export interface VoiceSamples {
  heardToAnsweredMs: number[];
  captureFrameLatencyMs: number[];
}

export async function measureVoice(runs: number): Promise<VoiceSamples> {
  let rig: CallRig | undefined;
  let browser: Browser | undefined;
  const samples: VoiceSamples = { heardToAnsweredMs: [], captureFrameLatencyMs: [] };
  try {
    const wav = writeVoiceLikeWav(join(tempDir('bench-voice'), 'voice.wav'), 2);
    [rig, browser] = await Promise.all([startCallRig({ endedCallLingerMs: 60_000 }), launchChromium(callScreenArgs(wav))]);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(rig.panel.url);
    await waitForVisible(page, 'home-view', 10_000);
    await openDebugPanel(page);
    for (let i = 0; i < runs; i++) {
      const doorCall = await rig.door.ring(rig.panelNumber);
      const { call } = await waitForState(rig.panel.host, (s) => s.call?.state === 'early', 5000);
      await waitForGrammar(page, 'ringing', 5000);
      await say(page, '接听');
      await doorCall.waitFor('answered', 5000);
      const heard = (await voiceStatsOf(page)).recognizer.lastResult;
      if (!heard || heard.text !== '接听' || doorCall.answeredAt === undefined) throw new Error('接听 was not the sentence that answered');
      samples.heardToAnsweredMs.push(doorCall.answeredAt - heard.at);
      await hangUpAtDoor(rig, doorCall, call!.id);
      await waitForGrammar(page, 'home', 5000);
    }
    // The screen keeps the latest 500 frames' latencies: ten seconds of listening.
    const stats = await waitForVoice(page, (s) => s.capture.latencyMs.length >= 500, 15_000, 'ten seconds of microphone frames');
    samples.captureFrameLatencyMs.push(...stats.capture.latencyMs);
  } finally {
    await browser?.close();
    await rig?.close();
  }
  return samples;
}

/** The two measurements in the shape of the caller's summary (e.g. median, p95 of test/bench/index.ts). */
export async function benchVoice<S>(summary: (name: string, samples: number[]) => S, runs: number): Promise<S[]> {
  const s = await measureVoice(runs);
  return [summary('heard "接听" → door has 200 OK', s.heardToAnsweredMs), summary('capture frame → recognizer', s.captureFrameLatencyMs)];
}
