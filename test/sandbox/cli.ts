// `lintel sandbox [--port N] [--db FILE] [--sip HOST:PORT] [--door-stations]`: the sandbox community
// on its own, until SIGINT/SIGTERM. `lintel sandbox ring <houseSpaceId> [--url URL] [--door IOTID]`:
// ask a running sandbox's door station to ring that house (through the console API).
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from './index.js';

export const DEFAULT_SANDBOX_PORT = 8700;

/** The synopses, as errors print them; `lintel --help` lists the same lines. */
export const SANDBOX_USAGE = 'lintel sandbox [--port N] [--db FILE] [--sip HOST:PORT] [--door-stations]';
export const RING_USAGE = 'lintel sandbox ring <houseSpaceId> [--url URL] [--door IOTID]';

export interface SandboxCliArgs {
  port: number;
  dbFile: string;
  sip?: { host: string; port: number };
  /** Run door station simulators registered with the --sip registrar. */
  doorStations?: true;
}

export function parseSandboxArgs(args: string[], env: NodeJS.ProcessEnv = process.env): SandboxCliArgs {
  let port = DEFAULT_SANDBOX_PORT;
  let dbFile: string | undefined;
  let sip: { host: string; port: number } | undefined;
  let doorStations = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--port') {
      port = Number(value());
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be 0-65535');
    } else if (a === '--db') {
      dbFile = value();
    } else if (a === '--sip') {
      const m = /^(.+):(\d{1,5})$/.exec(value());
      if (!m?.[1] || !m[2]) throw new Error('--sip must be HOST:PORT');
      sip = { host: m[1], port: Number(m[2]) };
    } else if (a === '--door-stations') {
      doorStations = true;
    } else {
      throw new Error(`unknown option ${a}; usage: ${SANDBOX_USAGE} | ${RING_USAGE}`);
    }
  }
  if (doorStations && !sip) throw new Error('--door-stations needs --sip HOST:PORT (the registrar the doors and panels use)');
  if (!dbFile) {
    const dataDir = env['LINTEL_DATA_DIR'];
    if (dataDir) {
      mkdirSync(dataDir, { recursive: true });
      dbFile = join(dataDir, 'sandbox.sqlite');
    } else {
      dbFile = join(mkdtempSync(join(tmpdir(), 'lintel-sandbox-')), 'sandbox.sqlite');
    }
  }
  return { port, dbFile, ...(sip ? { sip } : {}), ...(doorStations ? { doorStations: true as const } : {}) };
}

export interface RingCliArgs { houseSpaceId: string; url: string; iotId?: string }

export function parseRingArgs(args: string[]): RingCliArgs {
  let url = `http://127.0.0.1:${DEFAULT_SANDBOX_PORT}`;
  let iotId: string | undefined;
  let houseSpaceId: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--url') url = value().replace(/\/+$/, '');
    else if (a === '--door') iotId = value();
    else if (a.startsWith('--') || houseSpaceId !== undefined) throw new Error(`unexpected ${a}; usage: ${RING_USAGE}`);
    else houseSpaceId = a;
  }
  if (!houseSpaceId) throw new Error(`usage: ${RING_USAGE}`);
  return { houseSpaceId, url, ...(iotId ? { iotId } : {}) };
}

interface RingReply {
  houseName: string;
  door: { iotId: string; nickName: string; sipNumber: string };
  via: 'panels' | 'group';
  calls: { target: string; state: string; endReason?: string; statusCode?: number; error?: string }[];
}

/** `lintel sandbox ring`: POST /console/api/ring on the running sandbox; prints what happened. Exit code 1 when nothing rang. */
export async function runRingCli(args: string[], out: (s: string) => void = (s) => process.stdout.write(s)): Promise<number> {
  const { houseSpaceId, url, iotId } = parseRingArgs(args);
  let res: Response;
  try {
    res = await fetch(`${url}/console/api/ring`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ houseSpaceId, ...(iotId ? { iotId } : {}) }),
    });
  } catch (err) {
    out(`cannot reach the sandbox at ${url}: ${(err as Error).message}\n`);
    return 1;
  }
  const body = (await res.json().catch(() => ({}))) as Partial<RingReply> & { error?: string };
  if (!res.ok || !body.door || !body.calls) {
    out(`ring failed: ${body.error ?? `HTTP ${res.status}`}\n`);
    return 1;
  }
  out(`${body.door.nickName} (${body.door.iotId}, SIP ${body.door.sipNumber}) rings ${body.houseName} (${houseSpaceId}) via ${body.via === 'group' ? 'its SIP group' : 'its panels'}:\n`);
  for (const c of body.calls) {
    const detail = c.error ?? c.endReason ?? '';
    out(`  ${c.target}: ${c.state}${detail ? ` (${detail})` : ''}\n`);
  }
  return body.calls.some((c) => c.state !== 'failed' && c.state !== 'ended') ? 0 : 1;
}

export async function runSandboxCli(args: string[]): Promise<void> {
  if (args[0] === 'ring') {
    process.exitCode = await runRingCli(args.slice(1));
    return;
  }
  const { doorStations, ...opts } = parseSandboxArgs(args);
  const sandbox = await startSandbox({
    ...opts,
    logger: { level: 'info' },
    ...(doorStations && opts.sip ? { doorStations: { registrar: opts.sip } } : {}),
  });
  process.stdout.write(
    `Lintel sandbox community ${sandbox.communityId}\n` +
    `  url:       ${sandbox.url}\n` +
    `  console:   ${sandbox.consoleUrl}\n` +
    `  database:  ${opts.dbFile}\n` +
    // Sandbox-only demo credentials, printed on purpose so a panel can be pointed at it.
    `  appKey:    ${sandbox.app.appKey}\n` +
    `  appSecret: ${sandbox.app.appSecret}\n` +
    (sandbox.doorStations
      ? `  doors:     ${[...sandbox.doorStations.stations.values()].map((d) => d.sipNumber).join(', ')} (registering with ${opts.sip?.host}:${opts.sip?.port})\n`
      : '') +
    'Press Ctrl-C to stop.\n',
  );
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void sandbox.close().then(resolve, resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
