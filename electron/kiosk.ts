// Everything `npm start` runs, minus the window: the sandbox community when no cloud is configured,
// the host, and (under Node) the screen server. Electron's main.ts and the Node launcher share it.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../test/sandbox/index.js';
import { createHost, type Host, type HostOptions } from './host/index.js';
import type { HostConfig } from './host/config/index.js';
import type { Logger } from './host/log/index.js';
import { startScreenServer, type ScreenServer } from './host/server/index.js';
import { projectRoot } from './host/version.js';

export const RENDERER_DIR = join(projectRoot(), 'dist', 'renderer');

export interface Kiosk {
  host: Host;
  sandbox: Sandbox | null;
  screen: ScreenServer | null;
  stop(): Promise<void>;
}

export interface KioskOptions {
  config: HostConfig;
  logger: Logger;
  /** Serve the screen over HTTP + WebSocket (not needed inside Electron, which uses IPC). */
  serveScreen: boolean;
  hostOptions?: Omit<HostOptions, 'config' | 'logger' | 'credentials'>;
}

/** The console's address stays the same across restarts unless something else holds the port. */
export const SANDBOX_PORT = 8700;

async function startSandboxOnPreferredPort(dbFile: string): Promise<Sandbox> {
  try {
    return await startSandbox({ dbFile, port: SANDBOX_PORT, logger: false });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    return startSandbox({ dbFile, port: 0, logger: false });
  }
}

export async function startKiosk(o: KioskOptions): Promise<Kiosk> {
  let sandbox: Sandbox | null = null;
  mkdirSync(o.config.dataDir, { recursive: true, mode: 0o700 });
  if (!o.config.cloud) {
    sandbox = await startSandboxOnPreferredPort(join(o.config.dataDir, 'sandbox.sqlite'));
    o.logger.info({ url: sandbox.url }, 'no cloud configured: using the built-in sandbox community');
  }
  const host = await createHost({
    ...o.hostOptions,
    config: o.config,
    logger: o.logger,
    ...(sandbox ? { credentials: { endpoint: sandbox.url, appKey: sandbox.app.appKey, appSecret: sandbox.app.appSecret } } : {}),
  });
  let screen: ScreenServer | null = null;
  try {
    if (o.serveScreen) screen = await startScreenServer({ host, rendererDir: RENDERER_DIR, port: o.config.httpPort, logger: o.logger });
  } catch (e) {
    await host.close();
    await sandbox?.close();
    throw e;
  }
  return {
    host,
    sandbox,
    screen,
    async stop() {
      await screen?.close();
      await host.close();
      await sandbox?.close();
    },
  };
}
