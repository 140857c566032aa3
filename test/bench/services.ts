// Bench of the community services, at host level on the real parts (sandbox, host, SQLite, the
// change push): what a resident waits for, as raw samples (ms) for the caller to summarise.
//   notice published → alert: the console publishes to the house; PanelState shows "有新公告" naming it.
//   elevator call → first status: elevator.call is issued; PanelState shows the car's floor.
// The panel runs with its shipped timings; the sandbox's cars move at their default speed.
// Run alone: `npx tsx test/bench/services.ts` (LINTEL_BENCH_RUNS, default 9).
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { PanelState } from '../../electron/contract/index.js';
import { startSandbox } from '../sandbox/index.js';
import { FAST_BINDING } from '../support/community.js';
import { bindFromApp } from '../support/bind.js';
import { startPanel, waitForState } from '../support/panel.js';
import { tempDir } from '../support/temp.js';

export interface ServiceBenchSamples {
  /** Console publish → PanelState.notices.alert names the notice. */
  noticeToAlertMs: number[];
  /** elevator.call issued → PanelState.elevator has the car's floor. */
  elevatorCallToFirstStatusMs: number[];
}

const HOUSE = 'sp-house-1-1-1201';
const LIFT = 'iot-lift-1-1-a';

export async function benchServices(opts: { runs?: number } = {}): Promise<ServiceBenchSamples> {
  const runs = opts.runs ?? Number(process.env['LINTEL_BENCH_RUNS'] ?? 9);
  const sandbox = await startSandbox({ dbFile: join(tempDir('bench-services-sandbox'), 'sandbox.sqlite'), logger: false });
  const panel = await startPanel({ sandbox, dataDir: tempDir('bench-services-panel'), bindingTiming: FAST_BINDING });
  const samples: ServiceBenchSamples = { noticeToAlertMs: [], elevatorCallToFirstStatusMs: [] };
  try {
    const unbound = await waitForState(panel.host, (s) => s.binding.status === 'unbound' && s.binding.qr !== null);
    if (unbound.binding.status !== 'unbound' || !unbound.binding.qr) throw new Error('no QR');
    await bindFromApp(sandbox, unbound.binding.qr.qrCode, HOUSE);
    await waitForState(panel.host, (s) => s.notices.delivery === 'push' && s.notices.syncedAt !== null, 15_000);

    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const n = sandbox.console.publishNotice({ title: `测试公告${i}`, text: '测量公告送达时间。', houseSpaceId: HOUSE });
      await waitForState(panel.host, (s) => s.notices.alert?.messageId === n.messageId, 10_000);
      samples.noticeToAlertMs.push(performance.now() - t0);
      await panel.host.api['notices.markRead']({ all: true });
    }

    await panel.host.api['elevator.floor.set']({ floor: '12' });
    for (let i = 0; i < runs; i++) {
      // Alternate the floor so every call sends the car somewhere it is not.
      await panel.host.api['elevator.floor.set']({ floor: i % 2 === 0 ? '12' : '2' });
      const hasFloor = (s: PanelState): boolean => s.elevator !== null && s.elevator.carFloor !== null;
      const t0 = performance.now();
      const first = waitForState(panel.host, hasFloor, 10_000);
      const out = await panel.host.api['elevator.call']({ iotId: LIFT, via: 'touch' });
      if (out.status !== 'calling') throw new Error(`elevator call: ${out.message}`);
      await first;
      samples.elevatorCallToFirstStatusMs.push(performance.now() - t0);
      await panel.host.api['elevator.dismiss']({});
    }
  } finally {
    await panel.stop();
    await sandbox.close();
  }
  return samples;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)] ?? NaN;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const s = await benchServices();
  process.stdout.write(`notice published → alert        median ${median(s.noticeToAlertMs).toFixed(1)} ms (${s.noticeToAlertMs.length} runs)\n`);
  process.stdout.write(`elevator call → first status    median ${median(s.elevatorCallToFirstStatusMs).toFixed(1)} ms (${s.elevatorCallToFirstStatusMs.length} runs)\n`);
  process.stdout.write(JSON.stringify({ bench: 'services', samples: s }) + '\n');
}
