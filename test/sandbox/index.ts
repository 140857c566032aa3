// The sandbox community: a faithful stand-in for the community cloud (seeds 000/001) on
// 127.0.0.1, with its state in a SQLite file. Used by the tests and by `npm start` when no
// real cloud is configured.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import pino, { type DestinationStream, type LoggerOptions } from 'pino';
import * as communityApi from '../../electron/host/platform/community-api.js';
import { createConsole, type SandboxConsole } from './console/service.js';
import type { SandboxContext } from './context.js';
import { openDb } from './db.js';
import { DEMO_APP, DEMO_COMMUNITY_ID, seedDemoCommunity } from './demo-community.js';
import { startDoorStations, type DoorStationHub, type DoorStationsOptions } from './door-station/sandbox-hub.js';
import { FaultBoard } from './faults.js';
import { Gateway } from './gateway.js';
import { appSideRoutes, deviceSideRoutes } from './handlers/binding.js';
import { sipProvisioningRoutes } from './handlers/sip-provisioning.js';
import { noticeRoutes } from './handlers/notices.js';
import { thingRoutes } from './handlers/things.js';
import { tokenRoutes } from './handlers/token.js';
import { ChangeFeed } from './change-feed.js';
import { ElevatorSimulation, type ElevatorTiming } from './elevator-sim.js';
import type { PushHub } from './push.js';
import type { Route } from './route.js';
import { buildServer } from './server.js';
import { registerOtherSystems, type SystemsSandbox } from './systems/index.js';

export interface SandboxOptions {
  /** SQLite file; default: a fresh file in a new temp dir, removed on close. */
  dbFile?: string;
  /** Default 0 (random); the host is always 127.0.0.1. */
  port?: number;
  /** Clock (ms), default Date.now. */
  now?: () => number;
  /** What channel/get and sip/add report; default 127.0.0.1:5060 (or the registrar's address). */
  sip?: { host: string; port: number };
  /**
   * A SIP registrar the sandbox keeps in step with its accounts (every account it has or creates
   * is added), so panels it provisions can register: what the platform's own SIP server does.
   */
  registrar?: SandboxRegistrar;
  /** Default 5 min. */
  qrLifetimeMs?: number;
  /** Default 2 h. */
  tokenLifetimeMs?: number;
  /** Per appKey; default 50, code 429 beyond it. */
  rateLimitPerSecond?: number;
  /** Default `{ level: 'warn' }`. Secrets are redacted whatever the options. */
  logger?: false | LoggerOptions;
  /** Where log lines go (default stdout); tests use it to check that no secret is logged. */
  logStream?: DestinationStream;
  /**
   * Opt-in: run door station simulators (test/sandbox/door-station) for the demo community's
   * entrance devices, registered with this SIP registrar using the sandbox's own door accounts.
   * Enables the console's ring button / `POST /console/api/ring`.
   */
  doorStations?: DoorStationsOptions;
  /** Elevator car speed: travel per floor and the stop at each floor (default 1500 ms, 4000 ms). */
  elevator?: Partial<ElevatorTiming>;
  /** Ping interval of the change push (default 15 s). */
  pushHeartbeatMs?: number;
  /** ISDP access-token lifetime in seconds (default 1199, as ISDP's sample). */
  isdpTokenLifetimeSec?: number;
}

export interface SandboxRegistrar {
  host: string;
  port: number;
  addUser(sipNumber: string, sipPassword: string): Promise<void>;
}

export interface Sandbox {
  /** http://127.0.0.1:PORT */
  url: string;
  /** The demo app credentials it accepts. */
  app: { appKey: string; appSecret: string };
  communityId: number;
  /** url + '/console/' */
  consoleUrl: string;
  /** The console's operations as functions, for tests. */
  console: SandboxConsole;
  /** The SQLite file in use (pass your own dbFile to restart on the same state). */
  dbFile: string;
  /** The running door station simulators, when `doorStations` was given. */
  doorStations: DoorStationHub | undefined;
  /** The other intercom systems (Akuvox, ISDP, IoT video): see systems/index.ts. */
  systems: SystemsSandbox;
  close(): Promise<void>;
}

/** Anything named like these never reaches a log line. */
const REDACT = [
  'appSecret', 'cloudToken', 'sipPassword', 'password',
  '*.appSecret', '*.cloudToken', '*.sipPassword', '*.password',
  'req.headers["x-ca-signature"]',
  // The other systems (issue 7): Bearer tokens, ISDP application tokens, AccessKey secrets.
  'req.headers.authorization', 'token', 'access_token', 'accessKeySecret', '*.token', '*.access_token',
];

function makeLogger(opts: SandboxOptions): pino.Logger {
  const base: LoggerOptions = opts.logger === false ? { enabled: false } : { level: 'warn', ...opts.logger };
  const options: LoggerOptions = { ...base, name: 'lintel-sandbox', redact: { paths: REDACT, censor: '[redacted]' } };
  return opts.logStream ? pino(options, opts.logStream) : pino(options);
}

const ROUTES: Route[] = [...tokenRoutes, ...deviceSideRoutes, ...appSideRoutes, ...sipProvisioningRoutes, ...noticeRoutes, ...thingRoutes];

/** The binding/token routes must cover every spec community-api.ts declares. */
function routeTable(): Map<string, Route> {
  const table = new Map(ROUTES.map((r) => [r.spec.path, r]));
  for (const value of Object.values(communityApi)) {
    if (typeof value === 'object' && value !== null && 'path' in value && typeof value.path === 'string' && !table.has(value.path)) {
      throw new Error(`sandbox has no handler for ${value.path}`);
    }
  }
  return table;
}

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  // A temp dir the sandbox made itself is removed on close; a given dbFile is never touched.
  const ownDir = opts.dbFile === undefined ? mkdtempSync(join(tmpdir(), 'lintel-sandbox-')) : undefined;
  const dbFile = opts.dbFile ?? join(ownDir ?? '', 'sandbox.sqlite');
  const log = makeLogger(opts);
  const db = openDb(dbFile);
  const cleanup = () => {
    db.close();
    if (ownDir) rmSync(ownDir, { recursive: true, force: true });
  };
  const now = opts.now ?? Date.now;
  const ctx: SandboxContext = {
    db,
    now,
    sip: opts.sip ?? (opts.registrar ? { host: opts.registrar.host, port: opts.registrar.port } : { host: '127.0.0.1', port: 5060 }),
    qrLifetimeMs: opts.qrLifetimeMs ?? 5 * 60 * 1000,
    tokenLifetimeMs: opts.tokenLifetimeMs ?? 2 * 60 * 60 * 1000,
    app: { ...DEMO_APP },
    log,
    changes: new ChangeFeed(),
    elevators: new ElevatorSimulation(now, opts.elevator),
  };
  try {
    seedDemoCommunity(ctx);
    const registrar = opts.registrar;
    if (registrar) {
      const accounts = ctx.db.prepare('SELECT sip_number, sip_password FROM sip_accounts').all() as { sip_number: string; sip_password: string }[];
      for (const a of accounts) await registrar.addUser(a.sip_number, a.sip_password);
      ctx.onSipAccount = (n, p) => {
        registrar.addUser(n, p).catch((e: unknown) => log.error({ err: e instanceof Error ? e.message : String(e), sipNumber: n }, 'sandbox: the registrar did not take an account'));
      };
    }
  } catch (err) {
    cleanup();
    throw err;
  }
  const faults = new FaultBoard();
  const gateway = new Gateway(new Map([[ctx.app.appKey, ctx.app.appSecret]]), ctx.now, opts.rateLimitPerSecond ?? 50);
  let doors: DoorStationHub | undefined;
  let pushHub: PushHub | undefined;
  const svc = createConsole(ctx, faults, () => doors, () => pushHub);
  const { app, push } = buildServer({ ctx, gateway, faults, routes: routeTable() }, svc, log,
    opts.pushHeartbeatMs !== undefined ? { pushHeartbeatMs: opts.pushHeartbeatMs } : {});
  pushHub = push;
  let url = '';
  const systems = registerOtherSystems(app, { db, now: ctx.now, log }, () => url,
    opts.isdpTokenLifetimeSec !== undefined ? { isdp: { tokenLifetimeSec: opts.isdpTokenLifetimeSec } } : {});
  try {
    await app.listen({ host: '127.0.0.1', port: opts.port ?? 0 });
  } catch (err) {
    push.close();
    cleanup();
    throw err;
  }
  if (opts.doorStations) {
    try {
      doors = await startDoorStations(ctx, opts.doorStations, log);
    } catch (err) {
      push.close();
      await app.close();
      cleanup();
      throw err;
    }
  }
  const { port } = app.server.address() as AddressInfo;
  url = `http://127.0.0.1:${port}`;
  let closed = false;
  return {
    url,
    app: { ...ctx.app },
    communityId: DEMO_COMMUNITY_ID,
    consoleUrl: `${url}/console/`,
    console: svc,
    dbFile,
    doorStations: doors,
    systems,
    async close() {
      if (closed) return;
      closed = true;
      await doors?.close();
      push.close();
      await app.close();
      cleanup();
    },
  };
}

export {
  DEMO_APP, DEMO_COMMUNITY_ID, DOOR_STATIONS, ELEVATORS, EXTRA_ENTRANCES, PROPERTY_OFFICE, houseName, houseSpaceId, houseGroupId, unitSpaceId,
} from './demo-community.js';
export type { SandboxConsole, HouseView, ConsoleBindInput } from './console/service.js';
export type { FaultInput } from './faults.js';
export { AKUVOX_DEMO, ISDP_DEMO, IOT_VIDEO_DEMO, type SystemsSandbox, type SystemFaultInput } from './systems/index.js';
export type { DoorStationHub, DoorStationsOptions, RingHouseResult } from './door-station/sandbox-hub.js';
