// 开门 at home on a bound panel, against the sandbox community: the house's doors, a choice when
// there are several, the opening through unitdoor/open (or remoteOpen where the platform does not
// route it) seen by the sandbox, every attempt in the panel's history, and clear Chinese reasons
// when a door is offline or the cloud fails.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/index.js';
import { screenRequest, startBoundPanel, type Req } from '../../support/community.js';
import type { TestPanel } from '../../support/panel.js';

const UNIT_DOOR = { iotId: 'iot-door-1-1', name: '1幢1单元门口机', online: true };
const GARAGE = { iotId: 'iot-door-1-1-b1', name: '1幢1单元地库门', online: true };
const WALL = { iotId: 'iot-wall-east', name: '小区东门围墙机', online: true };

/** A second 开门 of a door this soon after it opened is not sent (short here, 3 s in the panel). */
const GUARD_MS = 200;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let sandbox: Sandbox;
let panel: TestPanel;

beforeAll(async () => {
  sandbox = await startSandbox({ logger: false });
  panel = await startBoundPanel(sandbox, 'sp-house-1-1-1201', { communityTiming: { devicesTtlMs: 0, doorRepeatGuardMs: GUARD_MS } });
});
afterEach(() => {
  sandbox.console.clearFaults();
  sandbox.console.setDown(false);
  for (const d of [UNIT_DOOR, GARAGE, WALL]) sandbox.console.setDeviceState(d.iotId, 'online');
});
afterAll(async () => {
  await panel?.stop();
  await sandbox?.close();
});

const req: Req = (method, params) => screenRequest(panel, method, params);
const lastUnlock = async () => (await req('history.unlocks', { limit: 1 })).unlocks[0];

describe('doors on the panel', () => {
  it('lists the doors the house may open (not the elevators)', async () => {
    expect(await req('doors.list', {})).toEqual({ doors: [UNIT_DOOR, GARAGE, WALL] });
  });

  it('开门 with several doors asks which one, and opens nothing yet', async () => {
    const out = await req('doors.open', { via: 'voice' });
    expect(out).toEqual({ status: 'choose', choices: [UNIT_DOOR, GARAGE, WALL], message: '有3扇门，请问要打开哪一扇？' });
    expect(sandbox.console.doorEvents()).toHaveLength(0);
  });

  it('opens the chosen door through unitdoor/open; the sandbox sees it and the panel logs it', async () => {
    const out = await req('doors.open', { iotId: UNIT_DOOR.iotId, via: 'voice' });
    expect(out).toEqual({ status: 'opened', door: UNIT_DOOR, message: '1幢1单元门口机已打开' });
    expect(sandbox.console.doorEvents()[0]?.detail).toMatchObject({
      source: 'cloud', api: 'unitdoor/open', iotId: UNIT_DOOR.iotId, houseName: '1幢1单元1201', deviceId: panel.host.deviceId,
    });
    expect(await lastUnlock()).toMatchObject({ source: 'panel', door: '1幢1单元门口机', doorId: UNIT_DOOR.iotId, method: 'unitdoor/open', via: 'voice', ok: true, result: 'ok', reason: null });
  });

  it('a repeated 开门 right after the door opened does not open it twice', async () => {
    await req('doors.open', { iotId: GARAGE.iotId, via: 'touch' });
    const again = await req('doors.open', { iotId: GARAGE.iotId, via: 'voice' });
    expect(again).toMatchObject({ status: 'opened', message: '1幢1单元地库门刚刚已经打开' });
    expect(sandbox.console.doorEvents().filter((e) => e.detail['iotId'] === GARAGE.iotId)).toHaveLength(1);
    expect(await lastUnlock()).toMatchObject({ doorId: GARAGE.iotId, result: 'rate-limited', ok: false });
  });

  it('an offline door: "门禁设备离线", nothing opens, the failure is logged', async () => {
    sandbox.console.setDeviceState(WALL.iotId, 'offline');
    const before = sandbox.console.doorEvents().length;
    const out = await req('doors.open', { iotId: WALL.iotId, via: 'touch' });
    expect(out).toEqual({ status: 'failed', door: { ...WALL, online: false }, message: '小区东门围墙机开门失败：门禁设备离线，暂时无法开门，请联系物业' });
    expect(sandbox.console.doorEvents()).toHaveLength(before);
    expect(await lastUnlock()).toMatchObject({ doorId: WALL.iotId, method: 'unitdoor/open', via: 'touch', ok: false, result: 'failed', reason: expect.stringContaining('device offline') });
  });

  it('where the platform does not route unitdoor/open (20003), the door opens through remoteOpen', async () => {
    sandbox.console.injectFault({ path: '/solution/community/intercom/unitdoor/open', code: 20003 });
    const out = await req('doors.open', { iotId: WALL.iotId, via: 'voice' });
    expect(out).toMatchObject({ status: 'opened', door: WALL });
    expect(sandbox.console.doorEvents()[0]?.detail).toMatchObject({ source: 'cloud', api: 'remoteOpen', iotId: WALL.iotId });
    expect(await lastUnlock()).toMatchObject({ doorId: WALL.iotId, method: 'remoteOpen', ok: true });
  });

  it('a cloud that is down: a clear Chinese reason, no crash, and the door list still answers from the last one', async () => {
    await req('doors.list', {});
    await sleep(GUARD_MS);
    sandbox.console.setDown(true);
    const out = await req('doors.open', { iotId: UNIT_DOOR.iotId, via: 'touch' });
    expect(out).toMatchObject({ status: 'failed', message: '1幢1单元门口机开门失败：社区云平台暂时故障，请稍后再试' });
    expect((await req('doors.list', {})).doors).toHaveLength(3);
    sandbox.console.injectFault({ path: '/solution/community/intercom/unitdoor/open', code: 460, message: 'request parameter error.' });
    sandbox.console.setDown(false);
    expect(await req('doors.open', { iotId: UNIT_DOOR.iotId, via: 'touch' })).toMatchObject({ status: 'failed', message: expect.stringContaining('云平台拒绝了请求') });
  });

  it('a house with one door opens it without asking', async () => {
    const single = await startBoundPanel(sandbox, 'sp-house-2-2-1202');
    try {
      expect(await screenRequest(single, 'doors.open', { via: 'voice' })).toEqual({ status: 'opened', door: WALL, message: '小区东门围墙机已打开' });
      expect(sandbox.console.doorEvents()[0]?.detail).toMatchObject({ api: 'unitdoor/open', iotId: WALL.iotId, houseName: '2幢2单元1202' });
    } finally {
      await single.stop();
    }
  });
});
