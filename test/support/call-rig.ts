// Everything a call needs, real: kamailio with digest auth, the sandbox community with its door
// station simulators registered there, and a panel (real host + screen server) bound to a house
// whose SIP account is online. Used by the host call tests and the call screen's end-to-end tests.
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import type { DoorCall, DoorStation } from '../sandbox/door-station/index.js';
import type { HostOptions } from '../../electron/host/index.js';
import { bindFromApp } from './bind.js';
import { startKamailio, type Kamailio } from '../sandbox/kamailio.js';
import { startPanel, waitForState, type TestPanel } from './panel.js';
import { tempDir } from './temp.js';

/** A house the demo community's unit door (1幢1单元门口机) serves. */
export const RIG_HOUSE = 'sp-house-1-1-1201';

export interface RigPanel {
  panel: TestPanel;
  /** Its own SIP number (each panel of a house has one; the house is their group). */
  number: string;
}

export interface CallRig {
  kamailio: Kamailio;
  sandbox: Sandbox;
  /** The first panel of the house (most tests need one). */
  panel: TestPanel;
  panelNumber: string;
  /** Every panel bound to the house, in the order they were bound. */
  panels: RigPanel[];
  /** The unit door station (1幢1单元门口机): ring the panel with it, watch it open. */
  door: DoorStation;
  close(): Promise<void>;
}

export interface CallRigOptions {
  calls?: HostOptions['calls'];
  endedCallLingerMs?: number;
  voice?: HostOptions['voice'];
  env?: Record<string, string>;
  /** How many panels to bind to the house (default 1). */
  panels?: number;
}

export async function startCallRig(o: CallRigOptions = {}): Promise<CallRig> {
  // The sandbox keeps kamailio's users in step with its SIP accounts, as `npm start` does.
  const kamailio = await startKamailio({ users: {} });
  const sandbox = await startSandbox({
    dbFile: join(tempDir('rig-sandbox'), 'sandbox.sqlite'),
    logger: false,
    registrar: kamailio,
    doorStations: { registrar: { host: kamailio.host, port: kamailio.port }, ringSeconds: 60 },
  });
  const panels: RigPanel[] = [];
  for (let i = 0; i < (o.panels ?? 1); i++) panels.push(await bindPanel(sandbox, o));
  const door = sandbox.doorStations?.stations.get('iot-door-1-1');
  if (!door) throw new Error('the sandbox runs no unit door station');
  return {
    kamailio,
    sandbox,
    get panel() {
      return firstPanel(panels).panel;
    },
    get panelNumber() {
      return firstPanel(panels).number;
    },
    panels,
    door,
    async close() {
      for (const p of panels) await p.panel.stop();
      await sandbox.close();
      await kamailio.dispose();
    },
  };
}

/** Bind one more panel, to `house` (default the rig's), with its own settings; it joins rig.panels. */
export async function addRigPanel(rig: CallRig, house: string, o: CallRigOptions = {}): Promise<RigPanel> {
  const p = await bindPanel(rig.sandbox, o, house);
  rig.panels.push(p);
  return p;
}

async function bindPanel(sandbox: Sandbox, o: CallRigOptions, house = RIG_HOUSE): Promise<RigPanel> {
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
  await bindFromApp(sandbox, unbound.binding.qr.qrCode, house);
  const bound = await waitForState(panel.host, (s) => s.intercom.sipNumber !== null, 10_000);
  const number = bound.intercom.sipNumber!;
  await waitForState(panel.host, (s) => s.intercom.state === 'ONLINE', 10_000);
  return { panel, number };
}

function firstPanel(panels: RigPanel[]): RigPanel {
  const first = panels[0];
  if (!first) throw new Error('the rig has no panel yet');
  return first;
}

/** The door hangs up; once the panel shows the call ended, the resident dismisses it: back home. */
export async function hangUpAtDoor(rig: CallRig, doorCall: DoorCall, callId: string): Promise<void> {
  await doorCall.hangup();
  await doorCall.closed;
  await waitForState(rig.panel.host, (s) => s.call?.state === 'ended', 5000);
  await rig.panel.host.api['call.dismiss']({ callId });
}
