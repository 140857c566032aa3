// `npm run bench [part]`: what a resident or installer waits for, measured on the real parts
// (sandbox, host, SQLite, screen server, Debian Chromium; kamailio, baresip, ffmpeg). Prints medians
// and p95 of repeated runs (LINTEL_BENCH_RUNS, default 9); every part by default, in this order:
//   binding: cold start → QR visible (a panel with an empty data directory starts, and the screen
//     shows a QR); bind → home (the app-side bind returns, and the screen shows the house name).
//   sip (sip.ts): INVITE → 183, 183 → first access unit, unlock round trip.
//   call-screen (call-screen.ts): INVITE received → first frame painted, key frame → painted.
//   services (services.ts): notice published → alert, elevator call → first status (host state).
//   house-panels (house-panels.ts): door INVITE → first frame painted on each of two panels.
//   voice (voice.ts): heard "接听" → the door has the 200 OK; capture frame → recognizer.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildRenderer } from '../../build/renderer-build.js';
import { startSandbox } from '../sandbox/index.js';
import { bindFromApp, demoHouses } from '../support/bind.js';
import { launchChromium } from '../support/chromium.js';
import { startPanel } from '../support/panel.js';
import { waitForText, waitForVisible } from '../support/screen.js';
import { tempDir } from '../support/temp.js';
import { benchCallScreen } from './call-screen.js';
import { benchHousePanels } from './house-panels.js';
import { benchVoice } from './voice.js';
import { benchServices } from './services.js';
import { sipBench } from './sip.js';
import { printResults, summary, type BenchResult } from './summary.js';

const RUNS = Number(process.env['LINTEL_BENCH_RUNS'] ?? 9);

async function bindingBench(): Promise<BenchResult[]> {
  const sandbox = await startSandbox({ dbFile: join(tempDir('bench-sandbox'), 'sandbox.sqlite'), logger: false });
  const browser = await launchChromium();
  const houses = (await demoHouses(sandbox)).filter((h) => h.kind === 'house');
  const coldStart: number[] = [];
  const bindToHome: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const t0 = performance.now();
      const panel = await startPanel({ sandbox, dataDir: tempDir('bench-panel') });
      await page.goto(panel.url);
      await waitForVisible(page, 'bind-qr', 10_000);
      coldStart.push(performance.now() - t0);

      const state = panel.host.state();
      const house = houses[i % houses.length];
      if (state.binding.status !== 'unbound' || !state.binding.qr || !house) throw new Error('panel has no QR');
      const t1 = performance.now();
      await bindFromApp(sandbox, state.binding.qr.qrCode, house.houseSpaceId);
      await waitForText(page, 'house-name', house.houseName, 10_000);
      bindToHome.push(performance.now() - t1);

      await page.close();
      // Free the house for the next round: the panel unbinds itself, as a resident would.
      await panel.host.api['binding.unbind']({});
      await panel.stop();
    }
  } finally {
    await browser.close();
    await sandbox.close();
  }
  return [summary('cold start → QR visible', coldStart), summary('bind → house name visible', bindToHome)];
}

async function servicesBench(): Promise<BenchResult[]> {
  const s = await benchServices({ runs: RUNS });
  const note = "the panel's state (host level, no screen)";
  return [summary('notice published → alert', s.noticeToAlertMs, note), summary('elevator call → first status', s.elevatorCallToFirstStatusMs, note)];
}

/** A figure with more samples than calls (key frames: several a call) says so. */
function perCall(name: string, samples: number[]): BenchResult {
  return summary(name, samples, samples.length !== RUNS ? `${samples.length} samples over ${RUNS} calls` : undefined);
}

const PARTS: Record<string, { screen: boolean; run: () => Promise<BenchResult[]> }> = {
  binding: { screen: true, run: bindingBench },
  sip: { screen: false, run: () => sipBench(RUNS) },
  'call-screen': { screen: true, run: () => benchCallScreen(perCall, RUNS) },
  services: { screen: false, run: servicesBench },
  'house-panels': { screen: true, run: () => benchHousePanels(RUNS) },
  voice: { screen: true, run: () => benchVoice(perCall, RUNS) },
};

const only = process.argv[2];
if (only !== undefined && !Object.hasOwn(PARTS, only)) throw new Error(`usage: npm run bench [${Object.keys(PARTS).join('|')}]`);
const parts = Object.entries(PARTS).filter(([name]) => only === undefined || name === only);
// The parts with a screen serve the built bundle: build it once, first.
if (parts.some(([, p]) => p.screen)) await buildRenderer();
for (const [name, part] of parts) printResults(name, await part.run());
