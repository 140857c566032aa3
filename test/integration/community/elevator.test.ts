// 帮我呼叫电梯 on a bound panel, against the sandbox community's simulated cars (150 ms a floor):
// the first use asks the floor (suggesting it from the room number) and stores it; a unit with
// two elevators asks which; the call goes to the stored floor and the car's floor and direction
// show live in the panel's state until it stands at the floor; "send to device fail" (code 4) and
// an offline controller are told in Chinese, before the call and while the car comes.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ElevatorProgress, PanelState } from '../../../electron/contract/index.js';
import { startSandbox, type Sandbox } from '../../sandbox/index.js';
import { screenRequest, startBoundPanel, type Req } from '../../support/community.js';
import { waitForState, type TestPanel } from '../../support/panel.js';

const LIFT_1 = { iotId: 'iot-lift-1-1-a', name: '1幢1单元1号梯', online: true };
const LIFT_2 = { iotId: 'iot-lift-1-1-b', name: '1幢1单元2号梯', online: true };

let sandbox: Sandbox;
let panel: TestPanel;

beforeAll(async () => {
  sandbox = await startSandbox({ logger: false, elevator: { floorMs: 150, dwellMs: 1000 } });
  panel = await startBoundPanel(sandbox, 'sp-house-1-1-1201', { communityTiming: { devicesTtlMs: 0 } });
});
afterEach(async () => {
  await screenRequest(panel, 'elevator.dismiss', {});
  sandbox.console.clearFaults();
  for (const l of [LIFT_1, LIFT_2]) sandbox.console.setDeviceState(l.iotId, 'online');
});
afterAll(async () => {
  await panel?.stop();
  await sandbox?.close();
});

const req: Req = (method, params) => screenRequest(panel, method, params);

/** Every elevator progress the panel's state shows until `until` accepts one. */
async function follow(until: (p: ElevatorProgress) => boolean, timeoutMs = 10_000): Promise<ElevatorProgress[]> {
  const seen: ElevatorProgress[] = [];
  const off = panel.host.on('state', (s: PanelState) => { if (s.elevator) seen.push(s.elevator); });
  try {
    await waitForState(panel.host, (s) => s.elevator !== null && until(s.elevator), timeoutMs);
  } finally {
    off();
  }
  return seen;
}

describe('the elevator from the panel', () => {
  it('first use asks for the floor, suggesting it from the room number; the answer is stored', async () => {
    expect(await req('elevator.floor.get', {})).toEqual({ floor: null, suggested: '12' });
    expect(await req('elevator.call', { via: 'voice' })).toEqual({ status: 'need-floor', suggested: '12', message: '请告诉我您住在几楼，是12层吗？' });
    await expect(req('elevator.floor.set', { floor: '十二' })).rejects.toThrow();
    expect(await req('elevator.floor.set', { floor: '12' })).toEqual({ floor: '12' });
    expect(await req('elevator.floor.get', {})).toEqual({ floor: '12', suggested: '12' });
    expect(panel.host.state().elevator).toBeNull();
  });

  it('with two elevators, asks which one', async () => {
    expect(await req('elevator.list', {})).toEqual({ elevators: [LIFT_1, LIFT_2] });
    expect(await req('elevator.call', { via: 'voice' })).toEqual({ status: 'choose', choices: [LIFT_1, LIFT_2], message: '有2部电梯，请问要呼叫哪一部？' });
    expect(sandbox.console.elevatorEvents()).toHaveLength(0);
  });

  it('calls the chosen car to the stored floor and shows it coming floor by floor until it arrives', async () => {
    const out = await req('elevator.call', { iotId: LIFT_1.iotId, via: 'touch' });
    expect(out).toMatchObject({ status: 'calling', progress: { iotId: LIFT_1.iotId, name: '1幢1单元1号梯', floor: '12', arrived: false } });
    expect(sandbox.console.elevatorEvents()[0]?.detail).toMatchObject({ api: 'elevator/call', iotId: LIFT_1.iotId, startFloor: '12', startRoomNo: '1201' });
    const seen = await follow((p) => p.arrived);
    const last = seen[seen.length - 1];
    expect(last).toMatchObject({ state: 'arrived', arrived: true, carFloor: '12', message: '1幢1单元1号梯已到达12层' });
    // The car came up from floor 1, and the panel saw it between floors, going up.
    const moving = seen.filter((p) => p.state === 'coming' && p.carFloor !== null);
    expect(moving.length).toBeGreaterThanOrEqual(3);
    expect(moving.every((p) => p.direction === 'up' && /^1幢1单元1号梯上行中，当前\d+层$/.test(p.message))).toBe(true);
    const floors = moving.map((p) => Number(p.carFloor));
    expect([...floors].sort((a, b) => a - b)).toEqual(floors);
    expect(floors[0]).toBeLessThan(12);
  });

  it('code 4 "send to device fail" is told clearly and nothing moves', async () => {
    sandbox.console.setDeviceState(LIFT_2.iotId, 'send-fail');
    const out = await req('elevator.call', { iotId: LIFT_2.iotId, via: 'voice' });
    expect(out).toEqual({ status: 'failed', elevator: LIFT_2, message: '呼叫1幢1单元2号梯失败：电梯控制器没有收到指令（发送到设备失败），请稍后再试' });
    expect(panel.host.state().elevator).toMatchObject({ state: 'failed', arrived: false, message: out.message });
  });

  it('an offline controller is told clearly', async () => {
    sandbox.console.setDeviceState(LIFT_2.iotId, 'offline');
    const out = await req('elevator.call', { iotId: LIFT_2.iotId, via: 'voice' });
    expect(out).toMatchObject({ status: 'failed', elevator: { ...LIFT_2, online: false }, message: '呼叫1幢1单元2号梯失败：电梯控制器离线，暂时无法呼叫电梯，请联系物业' });
  });

  it('a controller that goes offline while the car comes ends the wait with the reason', async () => {
    // Send car 1 away first so the call below has floors to travel.
    await req('elevator.floor.set', { floor: '-1' });
    await req('elevator.call', { iotId: LIFT_1.iotId, via: 'touch' });
    await follow((p) => p.carFloor !== null && p.state === 'coming');
    sandbox.console.setDeviceState(LIFT_1.iotId, 'offline');
    const seen = await follow((p) => p.state === 'failed');
    expect(seen[seen.length - 1]?.message).toBe('无法获取1幢1单元1号梯的状态：电梯控制器离线，暂时无法呼叫电梯，请联系物业');
    await req('elevator.floor.set', { floor: '12' });
  });

  it('where the remote-call API is not routed (20003), calls through the CloudCallElevator service', async () => {
    sandbox.console.injectFault({ path: '/elevator/control/elevator/call', code: 20003 });
    const out = await req('elevator.call', { iotId: LIFT_2.iotId, via: 'voice' });
    expect(out.status).toBe('calling');
    expect(sandbox.console.elevatorEvents()[0]?.detail).toMatchObject({ api: 'CloudCallElevator', iotId: LIFT_2.iotId, elevatorId: '2', startFloor: '12' });
    const seen = await follow((p) => p.arrived);
    expect(seen[seen.length - 1]).toMatchObject({ carFloor: '12', message: '1幢1单元2号梯已到达12层' });
  });

  it('a unit with one elevator calls it without asking; the floor is per house', async () => {
    const other = await startBoundPanel(sandbox, 'sp-house-2-1-101');
    try {
      expect(await screenRequest(other, 'elevator.call', { via: 'voice' })).toMatchObject({ status: 'need-floor', suggested: '1' });
      await screenRequest(other, 'elevator.floor.set', { floor: '1' });
      const out = await screenRequest(other, 'elevator.call', { via: 'voice' });
      expect(out).toMatchObject({ status: 'calling', progress: { iotId: 'iot-lift-2-1-a', name: '2幢1单元1号梯', floor: '1' } });
      // The car stands at floor 1 already: it arrives at once.
      await waitForState(other.host, (s) => s.elevator?.arrived === true, 5000);
    } finally {
      await other.stop();
    }
  });
});
