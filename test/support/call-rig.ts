// Everything a call needs, real: kamailio with digest auth, the sandbox community with its door
// station simulators registered there, and a panel (real host + screen server) bound to a house
// whose SIP account is online. Used by the host call tests and the call screen's end-to-end tests.
import { join } from 'node:path';
import { startSandbox, DOOR_STATIONS, type Sandbox } from '../sandbox/index.js';
import type { DoorStation } from '../sandbox/door-station/index.js';
import type { HostOptions } from '../../electron/host/index.js';
import { bindFromApp } from './bind.js';
import { consoleGet } from './console.js';
import { startKamailio, type Kamailio } from '../sandbox/kamailio.js';
import { startPanel, waitForState, type TestPanel } from './panel.js';
import { tempDir } from './temp.js';

/** A house the demo community's unit door (1幢1单元门口机) serves. */
export const RIG_HOUSE = 'sp-house-1-1-1201';

export interface CallRig {
  kamailio: Kamailio;
  sandbox: Sandbox;
  panel: TestPanel;
  panelNumber: string;
  /** The unit door station (1幢1单元门口机): ring the panel with it, watch it open. */
  door: DoorStation;
  close(): Promise<void>;
}

export interface CallRigOptions {
  calls?: HostOptions['calls'];
  endedCallLingerMs?: number;
  voice?: HostOptions['voice'];
  env?: Record<string, string>;
}

export async function startCallRig(o: CallRigOptions = {}): Promise<CallRig> {
  const kamailio = await startKamailio({
    users: {
      [DOOR_STATIONS.unitDoor.sipNumber]: DOOR_STATIONS.unitDoor.sipPassword,
      [DOOR_STATIONS.wall.sipNumber]: DOOR_STATIONS.wall.sipPassword,
    },
  });
  const registrar = { host: kamailio.host, port: kamailio.port };
  const sandbox = await startSandbox({
    dbFile: join(tempDir('rig-sandbox'), 'sandbox.sqlite'),
    logger: false,
    sip: registrar,
    doorStations: { registrar, ringSeconds: 60 },
  });
  const panel = await startPanel({
    sandbox,
    dataDir: tempDir('rig-panel'),
    sipAccount: { localAddress: '127.0.0.1', retryMinMs: 200, authRetryMs: 200 },
    ...(o.calls ? { calls: o.calls } : {}),
    ...(o.endedCallLingerMs !== undefined ? { endedCallLingerMs: o.endedCallLingerMs } : {}),
    ...(o.env ? { env: o.env } : {}),
    ...(o.voice ? { voice: o.voice } : {}),
  });
  const unbound = await waitForState(panel.host, (s) => s.binding.status === 'unbound' && s.binding.qr !== null);
  if (unbound.binding.status !== 'unbound' || !unbound.binding.qr) throw new Error('the panel shows no QR');
  await bindFromApp(sandbox, unbound.binding.qr.qrCode, RIG_HOUSE);
  const bound = await waitForState(panel.host, (s) => s.intercom.sipNumber !== null, 10_000);
  const panelNumber = bound.intercom.sipNumber!;
  // The platform provisions its own SIP server; here the rig plays that part for kamailio.
  const account = (await consoleGet<{ sipNumber: string; sipPassword: string }[]>(sandbox, 'sip-accounts')).find((a) => a.sipNumber === panelNumber);
  if (!account) throw new Error(`the sandbox has no SIP account ${panelNumber}`);
  await kamailio.addUser(account.sipNumber, account.sipPassword);
  await waitForState(panel.host, (s) => s.intercom.state === 'ONLINE', 10_000);
  const door = sandbox.doorStations?.stations.get('iot-door-1-1');
  if (!door) throw new Error('the sandbox runs no unit door station');
  return {
    kamailio,
    sandbox,
    panel,
    panelNumber,
    door,
    async close() {
      await panel.stop();
      await sandbox.close();
      await kamailio.dispose();
    },
  };
}
