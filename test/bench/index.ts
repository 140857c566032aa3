// `npm run bench`: what a resident or installer waits for, measured on the real parts (sandbox,
// host, SQLite, screen server, Debian Chromium). Prints medians and p95 of repeated runs.
//   cold start → QR visible: a panel with an empty data directory starts, and the screen shows a QR.
//   bind → home: the app-side bind returns, and the screen shows the house name.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildRenderer } from '../../build/renderer-build.js';
import { startSandbox } from '../sandbox/index.js';
import { bindFromApp, demoHouses } from '../support/bind.js';
import { launchChromium } from '../support/chromium.js';
import { startPanel } from '../support/panel.js';
import { waitForText, waitForVisible } from '../support/screen.js';
import { tempDir } from '../support/temp.js';

const RUNS = Number(process.env['LINTEL_BENCH_RUNS'] ?? 9);

function quantile(sorted: number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] ?? NaN;
}

function summary(name: string, samples: number[]): { name: string; runs: number; median_ms: number; p95_ms: number; min_ms: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { name, runs: s.length, median_ms: round(quantile(s, 0.5)), p95_ms: round(quantile(s, 0.95)), min_ms: round(s[0] ?? NaN) };
}

const round = (x: number): number => Math.round(x * 10) / 10;

async function main(): Promise<void> {
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
  const results = [summary('cold start → QR visible', coldStart), summary('bind → house name visible', bindToHome)];
  for (const r of results) process.stdout.write(`${r.name.padEnd(28)} median ${String(r.median_ms).padStart(7)} ms   p95 ${String(r.p95_ms).padStart(7)} ms   min ${String(r.min_ms).padStart(7)} ms   (${r.runs} runs)\n`);
  process.stdout.write(JSON.stringify({ bench: 'binding', results }) + '\n');
}

await main();
