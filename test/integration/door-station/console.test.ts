// The sandbox with its door station simulators (opt-in): the console's ring API makes the unit
// door ring the house's bound panel (a test-side receiver registered as that panel's number),
// openings land in GET /console/api/door-events, and `lintel sandbox ring` reports what happened.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKamailio, type Kamailio } from '../../sandbox/kamailio.js';
import { harness, type Harness } from '../../sandbox/fixture.js';
import { DOOR_STATIONS } from '../../sandbox/index.js';
import { runRingCli } from '../../sandbox/cli.js';
import { launchChromium } from '../../support/chromium.js';
import { TestPanel } from './panel.js';

const HOUSE = 'sp-house-1-1-1201';
let kam: Kamailio;
let h: Harness;
let panel: TestPanel;
let panelNumber: string;

beforeAll(async () => {
  kam = await startKamailio({
    users: {
      [DOOR_STATIONS.unitDoor.sipNumber]: DOOR_STATIONS.unitDoor.sipPassword,
      [DOOR_STATIONS.wall.sipNumber]: DOOR_STATIONS.wall.sipPassword,
    },
  });
  const registrar = { host: kam.host, port: kam.port };
  h = await harness({ sip: registrar, doorStations: { registrar, ringSeconds: 10 } }, { t: Date.now() });
  await h.bindPanel('PANEL-RING', HOUSE);
  const binding = h.sandbox.console.bindings().find((b) => b.deviceId === 'PANEL-RING')!;
  const account = h.sandbox.console.sipAccounts().find((a) => a.sipNumber === binding.sipNumber)!;
  panelNumber = account.sipNumber;
  await kam.addUser(account.sipNumber, account.sipPassword);
  panel = await TestPanel.start(account.sipNumber, account.sipPassword, registrar);
});

afterAll(async () => {
  await h?.close();
  await panel?.close();
  await kam?.dispose();
});

async function post(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${h.sandbox.url}/console/api/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('sandbox console with door stations', () => {
  it('registers both demo doors with the registrar', async () => {
    expect([...h.sandbox.doorStations!.stations.keys()].sort()).toEqual(['iot-door-1-1', 'iot-wall-east']);
    expect(await kam.contactsOf(DOOR_STATIONS.unitDoor.sipNumber)).toHaveLength(1);
    expect(await kam.contactsOf(DOOR_STATIONS.wall.sipNumber)).toHaveLength(1);
  });

  it('POST /console/api/ring rings the bound panel from the unit door; openings show in door-events', async () => {
    const reply = post('ring', { houseSpaceId: HOUSE });
    const pc = await panel.nextCall();
    expect(pc.session.remoteIdentity.uri.user).toBe(DOOR_STATIONS.unitDoor.sipNumber);
    await pc.progress();
    const { status, json } = await reply;
    expect(status).toBe(200);
    expect(json).toMatchObject({
      houseSpaceId: HOUSE,
      houseName: '1幢1单元1201',
      door: { iotId: 'iot-door-1-1', nickName: '1幢1单元门口机', sipNumber: DOOR_STATIONS.unitDoor.sipNumber },
      via: 'panels',
      calls: [{ target: panelNumber, state: 'early' }],
    });

    await pc.accept();
    // Either copy may be the one answered (the other can be a 500 for an out-of-order CSeq).
    const answer = (await pc.unlock(5, panelNumber)).find((a) => a.statusCode === 200);
    expect(JSON.parse(answer!.body)).toEqual({ res: 'unlock', reqsn: 5, status: 200 });
    const door = h.sandbox.doorStations!.stations.get('iot-door-1-1')!;
    const opened = new Promise<void>((resolve) => door.once('door-opened', () => resolve()));
    await pc.media.sendDtmf('*');
    await opened;

    const res = await fetch(`${h.sandbox.url}/console/api/door-events`);
    const events = (await res.json()) as { kind: string; detail: Record<string, unknown> }[];
    expect(events.map((e) => e.detail)).toEqual([
      expect.objectContaining({ source: 'door-station', method: 'dtmf', iotId: 'iot-door-1-1', sipNumber: panelNumber, houseName: '1幢1单元1201' }),
      expect.objectContaining({ source: 'door-station', method: 'info', reqsn: 5, doorName: '1幢1单元门口机', deviceId: 'PANEL-RING' }),
    ]);
    expect(h.sandbox.console.events('door-open')).toHaveLength(2);
    await pc.bye();
    await pc.ended;
  });

  it('refuses an unknown house with 400', async () => {
    const { status, json } = await post('ring', { houseSpaceId: 'sp-house-9-9-999' });
    expect(status).toBe(400);
    expect(json['error']).toMatch(/unknown house/);
  });

  it('`lintel sandbox ring` prints the outcome: the panel in early media, or a house without panels via its group', async () => {
    let out = '';
    const cli = runRingCli([HOUSE, '--url', h.sandbox.url], (s) => (out += s));
    const pc = await panel.nextCall();
    await pc.progress();
    expect(await cli).toBe(0);
    expect(out).toContain(`1幢1单元门口机 (iot-door-1-1, SIP ${DOOR_STATIONS.unitDoor.sipNumber}) rings 1幢1单元1201`);
    expect(out).toContain(`${panelNumber}: early`);
    await pc.reject(486);
    await pc.ended;

    out = '';
    // 2幢1单元101 has no panel: its wall station rings the SIP group, which nobody registered.
    expect(await runRingCli(['sp-house-2-1-101', '--url', h.sandbox.url], (s) => (out += s))).toBe(1);
    expect(out).toContain('小区东门围墙机 (iot-wall-east');
    expect(out).toMatch(/grp-2-1-101: ended \(rejected 404/);
  });

  it('the console page: 呼叫 rings the house, 开门记录 lists the openings (real Chromium, under the CSP)', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(h.sandbox.consoleUrl);
      await expect.poll(() => page.locator('#door-events').textContent()).toContain('DTMF *');
      expect(await page.locator('#door-events').textContent()).toContain('SIP INFO 开锁（reqsn 5）');
      const incoming = panel.nextCall();
      await page.getByRole('button', { name: '呼叫 1幢1单元1201' }).click();
      const pc = await incoming;
      await pc.progress();
      await expect.poll(() => page.locator('#ring-result').textContent()).toContain(`1幢1单元门口机 呼叫 1幢1单元1201：${panelNumber}：振铃（预览视频）`);
      await pc.reject(486);
      await pc.ended;
      expect(problems, problems.join('\n')).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
