// Everything `npm start` runs, minus the window: the sandbox community when no cloud is configured,
// the host, and (under Node) the screen server. Electron's main.ts and the Node launcher share it.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PROPERTY_OFFICE, startSandbox, type Sandbox } from '../test/sandbox/index.js';
import { KAMAILIO, startKamailio, type Kamailio } from '../test/sandbox/kamailio.js';
import { createHost, type Host, type HostOptions } from './host/index.js';
import type { HostConfig } from './host/config/index.js';
import type { SystemsSettings } from './host/systems/index.js';
import type { Logger } from './host/log/index.js';
import { startScreenServer, type ScreenServer } from './host/server/index.js';
import { projectRoot } from './host/version.js';

export const RENDERER_DIR = join(projectRoot(), 'dist', 'renderer');

export interface Kiosk {
  host: Host;
  sandbox: Sandbox | null;
  /** The sandbox community's SIP server (kamailio), when it is installed. */
  registrar: Kamailio | null;
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
/** The sandbox's SIP server listens here when the port is free (as a community server would). */
export const SANDBOX_SIP_PORT = 5060;

async function startSandboxOnPreferredPort(dbFile: string, registrar: Kamailio | null): Promise<Sandbox> {
  const sip = registrar ? { registrar, doorStations: { registrar: { host: registrar.host, port: registrar.port } } } : {};
  try {
    return await startSandbox({ dbFile, port: SANDBOX_PORT, logger: false, ...sip });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    return startSandbox({ dbFile, port: 0, logger: false, ...sip });
  }
}

/**
 * The sandbox community's SIP server: kamailio from Debian, on 5060 when free. Without it the
 * panel binds and shows everything but its intercom line stays offline, and the door stations
 * cannot ring.
 */
async function startSandboxRegistrar(logger: Logger): Promise<Kamailio | null> {
  if (!existsSync(KAMAILIO)) {
    logger.warn({ expected: KAMAILIO }, 'kamailio is not installed: the sandbox has no SIP server, so the intercom line stays offline (apt-get install kamailio)');
    return null;
  }
  for (const port of [SANDBOX_SIP_PORT, undefined]) {
    try {
      return await startKamailio({ users: {}, ...(port ? { port } : {}), minExpires: 10 });
    } catch (e) {
      logger.warn({ err: e instanceof Error ? e.message.split('\n')[0] : String(e), port: port ?? 'random' }, 'the sandbox SIP server did not start on this port');
    }
  }
  return null;
}

/** In the sandbox, 呼叫物业 rings whichever panel is bound to the property office. */
function sandboxDesk(sandbox: Sandbox): () => string | null {
  return () => sandbox.console.bindings().find((b) => b.houseSpaceId === PROPERTY_OFFICE.spaceId)?.sipNumber ?? null;
}

/**
 * Against the sandbox the panel also serves the sandbox's Akuvox residence, ISDP field devices and
 * cameras, so every screen can be tried; LINTEL_SANDBOX_SYSTEMS (a comma list of akuvox, isdp,
 * iot-video, or "none") narrows that.
 */
export function sandboxSystems(sandbox: Sandbox, env: NodeJS.ProcessEnv): SystemsSettings {
  const all = sandbox.systems.hostSettings();
  const wanted = env['LINTEL_SANDBOX_SYSTEMS'];
  if (wanted === undefined || wanted === '') return all;
  const names = new Set(wanted.split(',').map((n) => n.trim()));
  return { akuvox: names.has('akuvox') ? all.akuvox : null, isdp: names.has('isdp') ? all.isdp : null, iotVideo: names.has('iot-video') ? all.iotVideo : null };
}

export async function startKiosk(o: KioskOptions): Promise<Kiosk> {
  let sandbox: Sandbox | null = null;
  let registrar: Kamailio | null = null;
  mkdirSync(o.config.dataDir, { recursive: true, mode: 0o700 });
  if (!o.config.cloud) {
    registrar = await startSandboxRegistrar(o.logger);
    try {
      sandbox = await startSandboxOnPreferredPort(join(o.config.dataDir, 'sandbox.sqlite'), registrar);
    } catch (e) {
      await registrar?.dispose();
      throw e;
    }
    o.logger.info({ url: sandbox.url, sip: registrar ? `${registrar.host}:${registrar.port}` : null }, 'no cloud configured: using the built-in sandbox community');
  }
  const host = await createHost({
    ...o.hostOptions,
    config: o.config,
    logger: o.logger,
    ...(sandbox
      ? {
          credentials: { endpoint: sandbox.url, appKey: sandbox.app.appKey, appSecret: sandbox.app.appSecret },
          deskNumber: sandboxDesk(sandbox),
          systems: sandboxSystems(sandbox, process.env),
        }
      : {}),
  });
  let screen: ScreenServer | null = null;
  try {
    if (o.serveScreen) screen = await startScreenServer({ host, rendererDir: RENDERER_DIR, port: o.config.httpPort, logger: o.logger });
  } catch (e) {
    await host.close();
    await sandbox?.close();
    await registrar?.dispose();
    throw e;
  }
  return {
    host,
    sandbox,
    registrar,
    screen,
    async stop() {
      await screen?.close();
      await host.close();
      await sandbox?.close();
      await registrar?.dispose();
    },
  };
}
