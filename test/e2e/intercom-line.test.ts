// Binding gives the panel a line: the channel from channel/get registers with a real kamailio
// (digest auth), the screen says the intercom is online, `lintel status` reports it, and an
// unbind takes the registration away again.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { bindFromApp, demoHouses } from '../support/bind.js';
import { launchChromium } from '../support/chromium.js';
import { consoleGet } from '../support/console.js';
import { startKamailio, type Kamailio } from '../sandbox/kamailio.js';
import { startPanel, waitForState, type TestPanel } from '../support/panel.js';
import { waitForText } from '../support/screen.js';
import { tempDir } from '../support/temp.js';

const run = promisify(execFile);
const LINTEL = join(import.meta.dirname, '..', '..', 'build', 'bin', 'lintel.mjs');

describe('the intercom line of a bound panel', () => {
  let kamailio: Kamailio;
  let sandbox: Sandbox;
  let browser: Browser;
  let panel: TestPanel | null = null;

  beforeAll(async () => {
    kamailio = await startKamailio({ users: {}, minExpires: 1 });
    sandbox = await startSandbox({ dbFile: join(tempDir('sandbox'), 'sandbox.sqlite'), logger: false, sip: { host: kamailio.host, port: kamailio.port } });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await panel?.stop();
    await sandbox?.close();
    await kamailio?.dispose();
  });

  it('registers the bound channel, shows it online, and unregisters on unbind', async () => {
    const dataDir = tempDir('panel');
    panel = await startPanel({ sandbox, dataDir, sipAccount: { localAddress: '127.0.0.1', authRetryMs: 200, retryMinMs: 200 } });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(panel.url);
    const unbound = await waitForState(panel.host, (s) => s.binding.status === 'unbound' && s.binding.qr !== null);
    const house = (await demoHouses(sandbox)).find((h) => h.kind === 'house');
    if (!house || unbound.binding.status !== 'unbound' || !unbound.binding.qr) throw new Error('no house or no QR');
    expect(panel.host.state().intercom.state).toBe('NONE');

    await bindFromApp(sandbox, unbound.binding.qr.qrCode, house.houseSpaceId);
    // The platform provisions its SIP server; here the test plays that part for kamailio.
    const bound = await waitForState(panel.host, (s) => s.intercom.sipNumber !== null);
    const account = (await consoleGet<{ sipNumber: string; sipPassword: string }[]>(sandbox, 'sip-accounts')).find((a) => a.sipNumber === bound.intercom.sipNumber);
    if (!account) throw new Error('the sandbox has no account for the panel');
    await kamailio.addUser(account.sipNumber, account.sipPassword);

    await waitForState(panel.host, (s) => s.intercom.state === 'ONLINE', 10_000);
    expect(await kamailio.contactsOf(account.sipNumber)).toHaveLength(1);
    await waitForText(page, 'intercom-line', '对讲在线', 2000);

    const status = JSON.parse((await run(process.execPath, [LINTEL, 'status'], { env: { ...process.env, LINTEL_DATA_DIR: dataDir } })).stdout) as {
      sip: { number: string; state: string; host: string; port: number };
    };
    expect(status.sip).toMatchObject({ number: account.sipNumber, state: 'ONLINE', host: kamailio.host, port: kamailio.port });
    expect(JSON.stringify(status)).not.toContain(account.sipPassword);

    await panel.host.api['binding.unbind']({});
    await waitForState(panel.host, (s) => s.intercom.state === 'NONE' && s.binding.status === 'unbound');
    expect(await kamailio.contactsOf(account.sipNumber)).toHaveLength(0);
    await page.close();
  });
});
