// `npm run bench [binding|sip]`: what a resident or installer waits for, measured on the real parts
// (sandbox, host, SQLite, screen server, Debian Chromium; kamailio, baresip, ffmpeg). Prints medians
// and p95 of repeated runs; both benches by default.
//   cold start → QR visible: a panel with an empty data directory starts, and the screen shows a QR.
//   bind → home: the app-side bind returns, and the screen shows the house name.
//   SIP and media (sip.ts): INVITE → 183, 183 → first access unit, unlock round trip.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildRenderer } from '../../build/renderer-build.js';
import { startSandbox } from '../sandbox/index.js';
import { bindFromApp, demoHouses } from '../support/bind.js';
import { launchChromium } from '../support/chromium.js';
import { startPanel } from '../support/panel.js';
import { waitForText, waitForVisible } from '../support/screen.js';
import { tempDir } from '../support/temp.js';
import { sipBench } from './sip.js';
import { printResults, summary } from './summary.js';

const RUNS = Number(process.env['LINTEL_BENCH_RUNS'] ?? 9);

async function bindingBench(): Promise<void> {
  await buildRenderer();
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
  printResults('binding', [summary('cold start → QR visible', coldStart), summary('bind → house name visible', bindToHome)]);
}

const only = process.argv[2];
if (only !== undefined && only !== 'binding' && only !== 'sip') throw new Error(`usage: npm run bench [binding|sip]`);
if (only !== 'sip') await bindingBench();
if (only !== 'binding') printResults('sip', await sipBench(RUNS));
