// `lintel sandbox`: argument parsing, `lintel --help` listing it, and a real child process that
// serves until SIGTERM.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SANDBOX_PORT, RING_USAGE, SANDBOX_USAGE, parseSandboxArgs } from './cli.js';

describe('parseSandboxArgs', () => {
  it('defaults to port 8700 and $LINTEL_DATA_DIR/sandbox.sqlite', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lintel-cli-'));
    expect(parseSandboxArgs([], { LINTEL_DATA_DIR: dir })).toEqual({ port: DEFAULT_SANDBOX_PORT, dbFile: join(dir, 'sandbox.sqlite') });
    expect(DEFAULT_SANDBOX_PORT).toBe(8700);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads --port, --db and --sip; refuses junk', () => {
    expect(parseSandboxArgs(['--port', '0', '--db', '/tmp/x.sqlite', '--sip', '127.0.0.1:5070'], {}))
      .toEqual({ port: 0, dbFile: '/tmp/x.sqlite', sip: { host: '127.0.0.1', port: 5070 } });
    const fallback = parseSandboxArgs([], {}).dbFile;
    expect(fallback).toMatch(/sandbox\.sqlite$/);
    rmSync(dirname(fallback), { recursive: true, force: true });
    expect(() => parseSandboxArgs(['--port', 'x'], {})).toThrow(/--port/);
    expect(() => parseSandboxArgs(['--bogus'], {})).toThrow(/unknown option/);
  });
});

describe('lintel --help', () => {
  it('lists the sandbox with every option it takes, and `lintel sandbox ring <houseSpaceId>`', async () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['build/bin/lintel.mjs', '--help'], { cwd: root, timeout: 20_000 });
    expect(stdout).toContain(SANDBOX_USAGE);
    expect(stdout).toContain(RING_USAGE);
  });
});

describe('runSandboxCli', () => {
  it('prints url, console, appKey and appSecret, serves, and exits on SIGTERM', async () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), 'lintel-cli-'));
    const script = "import { runSandboxCli } from './test/sandbox/cli.ts'; await runSandboxCli(process.argv.slice(1));";
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, '--', '--port', '0', '--db', join(dir, 's.sqlite')], {
      cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => { out += c.toString('utf8'); });
    child.stderr.on('data', (c: Buffer) => { out += c.toString('utf8'); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 20_000;
      while (!/appSecret: \S+/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const url = /url:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      expect(url, out).toBeTruthy();
      expect(out).toMatch(/console:\s+http:\/\/127\.0\.0\.1:\d+\/console\//);
      expect(out).toMatch(/appKey:\s+\S+/);
      const houses = await fetch(`${url}/console/api/houses`);
      expect(houses.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });
});
