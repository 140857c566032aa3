// The `lintel` command, for installers and diagnostics, and `npm start`.
import { createInterface } from 'node:readline';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError, loadConfig } from '../host/config/index.js';
import type { SystemSecretName } from '../host/config/systems.js';
import { createLogger } from '../host/log/index.js';
import { DATABASE_FILE, KEY_FILE } from '../host/index.js';
import { keyFileCipher, openStore } from '../host/store/index.js';
import { startKiosk } from '../kiosk.js';
import { electronBinary, launchChromium, launchElectron } from './open-screen.js';
import { readStatus } from './status.js';

const USAGE = `lintel — indoor voice intercom terminal

  lintel start                 run the kiosk (the sandbox community when no cloud is configured)
  lintel status                the panel's state as JSON (never a secret)
  lintel sandbox [--port N] [--db FILE] [--sip HOST:PORT] [--door-stations]
                               run the sandbox community alone; with --door-stations, its door
                               station simulators register with the SIP registrar at --sip
  lintel sandbox ring <houseSpaceId> [--url URL] [--door IOTID]
                               make a running sandbox's door station ring that house's panels
                               (default URL http://127.0.0.1:8700; default door: the house's unit door)
  lintel intent "<text>" [--context <ctx>] [--vocabulary <words.txt>]
                               what a heard sentence means in a dialog context, as JSON
  lintel configure --endpoint URL --app-key KEY [--community-id N] [--device-id ID] --app-secret-stdin
                               point the panel at a real cloud; the appSecret is read from stdin and sealed
  lintel seal akuvox-token|isdp-password|iot-video-secret
                               read one of the other systems' secrets from stdin and seal it (their
                               settings are in config.json: "akuvox", "isdp", "iotVideo")

Environment: LINTEL_DATA_DIR, LINTEL_CONFIG, LINTEL_CLOUD_ENDPOINT, LINTEL_APP_KEY, LINTEL_APP_SECRET,
LINTEL_COMMUNITY_ID, LINTEL_DEVICE_ID, LINTEL_DEVICE_TYPE, LINTEL_HTTP_PORT, LINTEL_NO_BROWSER=1, LINTEL_KIOSK=1,
LINTEL_AKUVOX_TOKEN, LINTEL_ISDP_PASSWORD, LINTEL_IOT_VIDEO_ACCESS_KEY_SECRET (sealed once), LINTEL_SANDBOX_SYSTEMS`;

async function main(argv: string[]): Promise<number> {
  const [command = 'help', ...args] = argv;
  switch (command) {
    case 'start':
      return start();
    case 'status':
      process.stdout.write(JSON.stringify(readStatus(loadConfig()), null, 2) + '\n');
      return 0;
    case 'sandbox': {
      const { runSandboxCli } = await import('../../test/sandbox/cli.js');
      await runSandboxCli(args);
      return 0;
    }
    case 'configure':
      return configure(args);
    case 'seal':
      return seal(args);
    case 'intent': {
      const { runIntentCli } = await import('../../grammar/index.js');
      return runIntentCli(args);
    }
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE + '\n');
      return 0;
    default:
      process.stderr.write(`unknown command "${command}"\n\n${USAGE}\n`);
      return 2;
  }
}

async function start(): Promise<number> {
  const config = loadConfig();
  const logger = createLogger();
  if (!process.env['LINTEL_NO_BROWSER'] && electronBinary()) {
    const child = await launchElectron(process.env);
    return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 0)));
  }
  const kiosk = await startKiosk({ config, logger, serveScreen: true });
  const url = kiosk.screen?.url ?? '';
  process.stdout.write(`Lintel ${kiosk.host.deviceId}\n  screen:  ${url}\n`);
  if (kiosk.sandbox) process.stdout.write(`  sandbox: ${kiosk.sandbox.url}\n  console: ${kiosk.sandbox.consoleUrl}\n`);
  if (kiosk.sandbox) {
    process.stdout.write(
      kiosk.registrar
        ? `  sip:     ${kiosk.registrar.host}:${kiosk.registrar.port} (kamailio; the console's 门口机呼叫 rings this panel)\n`
        : '  sip:     none (kamailio is not installed: the intercom line stays offline)\n',
    );
  }
  const browser = process.env['LINTEL_NO_BROWSER'] ? null : launchChromium(url, join(config.dataDir, 'chromium-profile'), process.env);
  if (!browser) process.stdout.write('  (no browser opened: open the screen URL in Chromium)\n');
  process.stdout.write('Press Ctrl-C to stop.\n');
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      browser?.kill('SIGTERM');
      void kiosk.stop().then(() => resolve(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    browser?.on('exit', () => logger.info('browser closed; the host keeps running'));
  });
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function configure(args: string[]): Promise<number> {
  const config = loadConfig();
  const endpoint = option(args, '--endpoint');
  const appKey = option(args, '--app-key');
  if (!endpoint || !appKey || !args.includes('--app-secret-stdin')) {
    process.stderr.write('configure needs --endpoint, --app-key and --app-secret-stdin\n');
    return 2;
  }
  const communityId = option(args, '--community-id');
  const deviceId = option(args, '--device-id');
  const appSecret = await readLine();
  if (!appSecret) {
    process.stderr.write('no appSecret on stdin\n');
    return 2;
  }
  const existing = existsSync(config.configFile) ? (JSON.parse(readFileSync(config.configFile, 'utf8')) as Record<string, unknown>) : {};
  const next = {
    ...existing,
    cloud: { endpoint, appKey, ...(communityId ? { communityId: Number(communityId) } : {}) },
    ...(deviceId ? { device: { ...(existing['device'] as object | undefined), deviceId } } : {}),
  };
  mkdirSync(dirname(config.configFile), { recursive: true });
  writeFileSync(config.configFile, JSON.stringify(next, null, 2) + '\n', { mode: 0o600 });
  const store = openStore(join(config.dataDir, DATABASE_FILE), keyFileCipher(join(config.dataDir, KEY_FILE)));
  store.secrets.set('appSecret', appSecret);
  store.close();
  process.stdout.write(`configured ${endpoint} (appKey ${appKey}); appSecret sealed in ${join(config.dataDir, DATABASE_FILE)}\n`);
  return 0;
}

const SEALABLE: Record<string, SystemSecretName> = { 'akuvox-token': 'akuvoxToken', 'isdp-password': 'isdpPassword', 'iot-video-secret': 'iotVideoAccessKeySecret' };

async function seal(args: string[]): Promise<number> {
  const name = SEALABLE[args[0] ?? ''];
  if (!name) {
    process.stderr.write(`seal needs one of: ${Object.keys(SEALABLE).join(', ')}\n`);
    return 2;
  }
  const value = await readLine();
  if (!value) {
    process.stderr.write(`no ${args[0]} on stdin\n`);
    return 2;
  }
  const config = loadConfig();
  const store = openStore(join(config.dataDir, DATABASE_FILE), keyFileCipher(join(config.dataDir, KEY_FILE)));
  store.secrets.set(name, value);
  store.close();
  process.stdout.write(`${args[0]} sealed in ${join(config.dataDir, DATABASE_FILE)}\n`);
  return 0;
}

function readLine(): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin });
    let first: string | null = null;
    rl.on('line', (line) => {
      first ??= line.trim();
      rl.close();
    });
    rl.on('close', () => resolve(first ?? ''));
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`lintel: ${e instanceof ConfigError ? 'configuration: ' : ''}${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
