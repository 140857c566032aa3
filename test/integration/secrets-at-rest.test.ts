// Secrets stay sealed: after binding against a configured cloud, neither the appSecret nor the SIP
// password is anywhere in the panel's SQLite files, `lintel status` reports the binding without
// them, and a restart without the secret in the environment still reaches the cloud.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHost, DATABASE_FILE, type Host } from '../../electron/host/index.js';
import { loadConfig } from '../../electron/host/config/index.js';
import { silentLogger } from '../../electron/host/log/index.js';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { bindFromApp, demoHouses } from '../support/bind.js';
import { consoleGet } from '../support/console.js';
import { waitForState } from '../support/panel.js';
import { tempDir } from '../support/temp.js';

const run = promisify(execFile);
const LINTEL = join(import.meta.dirname, '..', '..', 'build', 'bin', 'lintel.mjs');

describe('secrets at rest', () => {
  let sandbox: Sandbox;
  let host: Host | null = null;
  const dataDir = tempDir('secrets');
  const cloudEnv = (): NodeJS.ProcessEnv => ({ LINTEL_DATA_DIR: dataDir, LINTEL_CLOUD_ENDPOINT: sandbox.url, LINTEL_APP_KEY: sandbox.app.appKey });

  beforeAll(async () => {
    sandbox = await startSandbox({ dbFile: join(tempDir('sandbox'), 'sandbox.sqlite'), logger: false });
  });
  afterAll(async () => {
    await host?.close();
    await sandbox?.close();
  });

  it('keeps the appSecret and SIP password out of the database file and out of `lintel status`', async () => {
    host = await createHost({ config: loadConfig({ ...cloudEnv(), LINTEL_APP_SECRET: sandbox.app.appSecret }), logger: silentLogger() });
    const unbound = await waitForState(host, (s) => s.binding.status === 'unbound' && s.binding.qr !== null);
    const house = (await demoHouses(sandbox)).find((h) => h.kind === 'house');
    if (!house || unbound.binding.status !== 'unbound' || !unbound.binding.qr) throw new Error('no house or no QR');
    await bindFromApp(sandbox, unbound.binding.qr.qrCode, house.houseSpaceId);
    await waitForState(host, (s) => s.binding.status === 'bound' && s.binding.channelReady);
    await host.close();
    host = null;

    const accounts = await consoleGet<{ sipNumber: string; sipPassword: string }[]>(sandbox, 'sip-accounts');
    const status = JSON.parse((await run(process.execPath, [LINTEL, 'status'], { env: { ...process.env, ...cloudEnv() } })).stdout) as {
      binding: { state: string; house: string };
      sip: { number: string; host: string; port: number; passwordStored: boolean };
      cloud: { appSecretStored: boolean };
    };
    expect(status.binding).toMatchObject({ state: 'bound', house: house.houseName });
    expect(status.sip.passwordStored).toBe(true);
    expect(status.cloud.appSecretStored).toBe(true);
    const account = accounts.find((a) => a.sipNumber === status.sip.number);
    if (!account) throw new Error(`sandbox has no SIP account ${status.sip.number}`);

    const statusText = JSON.stringify(status);
    const files = [DATABASE_FILE, `${DATABASE_FILE}-wal`].map((f) => join(dataDir, f)).filter(existsSync);
    for (const secret of [account.sipPassword, sandbox.app.appSecret]) {
      expect(statusText).not.toContain(secret);
      for (const f of files) expect(readFileSync(f).includes(Buffer.from(secret)), `${secret} in ${f}`).toBe(false);
    }

    // The sealed appSecret is what a restart uses: no secret in the environment any more.
    host = await createHost({ config: loadConfig(cloudEnv()), logger: silentLogger() });
    const again = await waitForState(host, (s) => s.binding.status === 'bound' && s.problem === null);
    expect(again.binding).toMatchObject({ status: 'bound', houseName: house.houseName, channelReady: true });
  });
});
