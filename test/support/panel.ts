// A panel as the tests run it: the real host (SQLite file, key file, cloud client) and the real
// screen server, against a sandbox community the test started.
import type { Sandbox } from '../sandbox/index.js';
import { createHost, type Host, type HostOptions } from '../../electron/host/index.js';
import { loadConfig } from '../../electron/host/config/index.js';
import { silentLogger } from '../../electron/host/log/index.js';
import { startScreenServer, type ScreenServer } from '../../electron/host/server/index.js';
import { RENDERER_DIR } from '../../electron/kiosk.js';
import type { PanelState } from '../../electron/contract/index.js';

export interface TestPanel {
  host: Host;
  screen: ScreenServer;
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

export interface TestPanelOptions {
  sandbox: Sandbox;
  dataDir: string;
  /** Reuse a port so a restarted host is found again by the open page. */
  port?: number;
  appSecret?: string;
  now?: () => number;
  bindingTiming?: HostOptions['bindingTiming'];
  sipAccount?: HostOptions['sipAccount'];
  calls?: HostOptions['calls'];
  endedCallLingerMs?: number;
  voice?: HostOptions['voice'];
  communityTiming?: HostOptions['communityTiming'];
  /** The other systems (Akuvox, ISDP, cameras) the panel serves, e.g. `sandbox.systems.hostSettings()`. */
  systems?: HostOptions['systems'];
  /** Extra LINTEL_* settings (desk number, monitor door…). */
  env?: Record<string, string>;
}

export async function startPanel(o: TestPanelOptions): Promise<TestPanel> {
  const host = await createHost({
    config: loadConfig({ ...o.env, LINTEL_DATA_DIR: o.dataDir }),
    // Only what the test gives: the machine's own LINTEL_* (a model dir, say) must not leak in.
    env: { ...o.env },
    credentials: { endpoint: o.sandbox.url, appKey: o.sandbox.app.appKey, appSecret: o.appSecret ?? o.sandbox.app.appSecret },
    logger: silentLogger(),
    ...(o.now ? { now: o.now } : {}),
    ...(o.bindingTiming ? { bindingTiming: o.bindingTiming } : {}),
    ...(o.sipAccount ? { sipAccount: o.sipAccount } : {}),
    ...(o.calls ? { calls: o.calls } : {}),
    ...(o.endedCallLingerMs !== undefined ? { endedCallLingerMs: o.endedCallLingerMs } : {}),
    ...(o.voice ? { voice: o.voice } : {}),
    ...(o.communityTiming ? { communityTiming: o.communityTiming } : {}),
    ...(o.systems ? { systems: o.systems } : {}),
  });
  const screen = await startScreenServer({ host, rendererDir: RENDERER_DIR, port: o.port ?? 0, logger: silentLogger() });
  return {
    host,
    screen,
    url: screen.url,
    dataDir: o.dataDir,
    async stop() {
      await screen.close();
      await host.close();
    },
  };
}

/** Resolves with the first state the predicate accepts (the current one included). */
export function waitForState(host: Host, accept: (s: PanelState) => boolean, timeoutMs = 10_000): Promise<PanelState> {
  return new Promise((resolve, reject) => {
    const now = host.state();
    if (accept(now)) return resolve(now);
    const timer = setTimeout(() => {
      off();
      reject(new Error(`state not reached in ${timeoutMs} ms; last: ${JSON.stringify(host.state())}`));
    }, timeoutMs);
    const off = host.on('state', (s) => {
      if (!accept(s)) return;
      clearTimeout(timer);
      off();
      resolve(s);
    });
  });
}
