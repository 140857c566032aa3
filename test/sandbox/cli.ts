// `lintel sandbox [--port N] [--db FILE]`: the sandbox community on its own, until SIGINT/SIGTERM.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from './index.js';

export const DEFAULT_SANDBOX_PORT = 8700;

export interface SandboxCliArgs { port: number; dbFile: string; sip?: { host: string; port: number } }

export function parseSandboxArgs(args: string[], env: NodeJS.ProcessEnv = process.env): SandboxCliArgs {
  let port = DEFAULT_SANDBOX_PORT;
  let dbFile: string | undefined;
  let sip: { host: string; port: number } | undefined;
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
    } else {
      throw new Error(`unknown option ${a}; usage: lintel sandbox [--port N] [--db FILE] [--sip HOST:PORT]`);
    }
  }
  if (!dbFile) {
    const dataDir = env['LINTEL_DATA_DIR'];
    if (dataDir) {
      mkdirSync(dataDir, { recursive: true });
      dbFile = join(dataDir, 'sandbox.sqlite');
    } else {
      dbFile = join(mkdtempSync(join(tmpdir(), 'lintel-sandbox-')), 'sandbox.sqlite');
    }
  }
  return { port, dbFile, ...(sip ? { sip } : {}) };
}

export async function runSandboxCli(args: string[]): Promise<void> {
  const opts = parseSandboxArgs(args);
  const sandbox = await startSandbox({ ...opts, logger: { level: 'info' } });
  process.stdout.write(
    `Lintel sandbox community ${sandbox.communityId}\n` +
    `  url:       ${sandbox.url}\n` +
    `  console:   ${sandbox.consoleUrl}\n` +
    `  database:  ${opts.dbFile}\n` +
    // Sandbox-only demo credentials, printed on purpose so a panel can be pointed at it.
    `  appKey:    ${sandbox.app.appKey}\n` +
    `  appSecret: ${sandbox.app.appSecret}\n` +
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
