// Two panels of one house (issue 8, acceptance 4), on the real parts: kamailio, the sandbox's unit
// door station simulator (ffmpeg H.264) ringing the house, two hosts each with its own SIP account,
// and each panel's built screen in its own page of Debian's Chromium.
//   door INVITE → first frame painted, per panel: the door's call to that panel starts (DoorCall
//     .startedAt, its Date.now just before the INVITE leaves) to that screen's first drawImage of
//     the call (VideoStats.firstPaintAt, Date.now in the page; same machine, same clock);
//   ... on both panels: the later of the two, per ring (when the whole household sees the door);
//   door INVITE → INVITE received: to the host's Call.startedAt, the signalling part of the above
//     (kamailio's digest challenge included), both panels' samples together.
// Every ring is cancelled by the door once both have painted (no one answers). The screen must be
// built (npm run bench builds it first).
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Host } from '../../electron/host/index.js';
import { RIG_HOUSE, startCallRig, type CallRig } from '../support/call-rig.js';
import { waitForVideo } from '../support/call-screen.js';
import { openHome } from '../support/screen.js';
import { callScreenArgs, launchChromium } from '../support/chromium.js';
import { writeVoiceLikeWav } from '../support/fake-microphone.js';
import { waitForState } from '../support/panel.js';
import { tempDir } from '../support/temp.js';
import { summary, type BenchResult } from './summary.js';

interface BenchPanel {
  host: Host;
  number: string;
  page: Page;
  inviteToFirstPaintMs: number[];
}

export async function benchHousePanels(runs: number): Promise<BenchResult[]> {
  let rig: CallRig | undefined;
  let browser: Browser | undefined;
  const both: number[] = [];
  const received: number[] = [];
  let panels: BenchPanel[] = [];
  try {
    // Not answered, so the microphone stays closed; the flags are the kiosk's all the same.
    const wav = writeVoiceLikeWav(join(tempDir('bench-house'), 'voice.wav'), 2);
    const [startedRig, chromium] = await Promise.all([startCallRig({ panels: 2, endedCallLingerMs: 60_000 }), launchChromium(callScreenArgs(wav))]);
    [rig, browser] = [startedRig, chromium];
    panels = await Promise.all(rig.panels.map(async ({ panel, number }) => ({ host: panel.host, number, page: await openHome(chromium, panel.url), inviteToFirstPaintMs: [] })));
    for (let i = 0; i < runs; i++) {
      const ring = await rig.sandbox.doorStations!.ring(RIG_HOUSE);
      if (ring.calls.length !== panels.length) throw new Error(`bench: the door rang ${ring.calls.length} panels, not ${panels.length}`);
      const doorCalls = rig.door.activeCalls();
      const painted = await Promise.all(panels.map(async (p) => {
        const doorCall = doorCalls.find((c) => c.target === p.number);
        if (!doorCall) throw new Error(`bench: the door is not calling ${p.number}`);
        const { call } = await waitForState(p.host, (s) => s.call?.state === 'early', 5000);
        const stats = await waitForVideo(p.page, call!.mediaTag, (s) => s.firstPaintAt !== null, 15_000, `the first frame painted on ${p.number}`);
        const ms = stats.firstPaintAt! - doorCall.startedAt;
        p.inviteToFirstPaintMs.push(ms);
        received.push(call!.startedAt - doorCall.startedAt);
        return { ms, callId: call!.id };
      }));
      both.push(Math.max(...painted.map((x) => x.ms)));
      await Promise.all(doorCalls.map(async (c) => {
        await c.hangup();
        await c.closed;
      }));
      await Promise.all(panels.map(async (p, k) => {
        await waitForState(p.host, (s) => s.call?.state === 'ended', 5000);
        await p.host.api['call.dismiss']({ callId: painted[k]!.callId });
      }));
    }
  } finally {
    await browser?.close();
    await rig?.close();
  }
  const note = `${panels.length} panels, one Chromium page each`;
  return [
    ...panels.map((p, k) => summary(`door INVITE → first frame painted: panel ${String.fromCharCode(65 + k)}`, p.inviteToFirstPaintMs, note)),
    summary('door INVITE → painted on both panels', both, 'the later panel of each ring'),
    summary('door INVITE → INVITE received', received, `both panels' samples; the rest of the above is media`),
  ];
}
