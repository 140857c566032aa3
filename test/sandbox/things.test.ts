// Contract: /cloud/thing/service/invoke 1.0.1 (remoteOpen, seed 001 lines 8731-8745; the elevator
// services CloudCallElevator, QueryElevatorStatus, QueryElevatorInfo, lines 26560-26700) and the
// remote elevator call /elevator/control/elevator/call 1.0.1 (lines 26443-26470). App signature
// only. The sandbox's cars move on its clock: 1 s per floor and 2 s at a stop here.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { harness, P, type Harness } from './fixture.js';

let h: Harness;
beforeEach(async () => { h = await harness({ elevator: { floorMs: 1000, dwellMs: 2000 } }); });
afterEach(async () => { await h.close(); });

const LIFT_A = 'iot-lift-1-1-a';
const LIFT_B = 'iot-lift-1-1-b';
const invoke = (iotId: string, identifier: string, args: Record<string, unknown> = {}) => h.call(P.invoke, '1.0.1', { iotId, identifier, args });
interface Status { ElevatorID: string; CurrentPosition: string; CarStatus: number; CarDirection: number }
const status = async (iotId: string): Promise<Status> => {
  const r = await invoke(iotId, 'QueryElevatorStatus');
  const data = r.body?.data as { code: number; ElevatorStatus: Status[] };
  expect(data.code).toBe(0);
  const [car] = data.ElevatorStatus;
  if (!car) throw new Error('no car');
  return car;
};

describe('remoteOpen', () => {
  it('opens a door: code 200, data empty, and the sandbox records the opening', async () => {
    const r = await invoke('iot-door-1-1', 'remoteOpen', {});
    expect(r.body).toMatchObject({ code: 200, data: null });
    expect(h.sandbox.console.doorEvents()[0]?.detail).toMatchObject({ source: 'cloud', api: 'remoteOpen', iotId: 'iot-door-1-1', doorName: '1幢1单元门口机' });
  });

  it('an offline door answers 460 "device offline" and does not open', async () => {
    h.sandbox.console.setDeviceState('iot-door-1-1', 'offline');
    expect((await invoke('iot-door-1-1', 'remoteOpen')).body).toMatchObject({ code: 460, message: 'device offline' });
    expect(h.sandbox.console.doorEvents()).toHaveLength(0);
  });

  it('refuses args other than {}, an unknown identifier, an unknown iotId (460), and a missing args (460)', async () => {
    expect((await invoke('iot-door-1-1', 'remoteOpen', { relay: 1 })).body).toMatchObject({ code: 460, message: expect.stringContaining('args') });
    expect((await invoke('iot-door-1-1', 'QueryElevatorStatus')).body).toMatchObject({ code: 460, message: expect.stringContaining('QueryElevatorStatus') });
    expect((await invoke('iot-nowhere', 'remoteOpen')).body).toMatchObject({ code: 460, message: 'iotId iot-nowhere does not exist' });
    expect((await h.call(P.invoke, '1.0.1', { iotId: 'iot-door-1-1', identifier: 'remoteOpen' })).body?.code).toBe(460);
  });
});

describe('QueryElevatorInfo', () => {
  it('answers ElevatorMode, ElevatorInfo and FloorRoomInfo with code 0 "success"', async () => {
    const d = (await invoke(LIFT_A, 'QueryElevatorInfo')).body?.data as Record<string, unknown>;
    expect(Object.keys(d).sort()).toEqual(['ElevatorInfo', 'ElevatorMode', 'FloorRoomInfo', 'code', 'message']);
    expect(d).toMatchObject({ code: 0, message: 'success', ElevatorMode: 'SINGLE', ElevatorInfo: [{ ElevatorID: '1', ElevatorName: '1号梯', IsDualCardDoor: false }] });
    expect(d['FloorRoomInfo']).toEqual(expect.arrayContaining([{ ElevatorID: '1', Floor: '12', RoomNumber: '1201' }, { ElevatorID: '1', Floor: '1', RoomNumber: '101' }]));
  });
});

describe('QueryElevatorStatus and CloudCallElevator', () => {
  it('a car stands at its home floor, then runs floor by floor to the caller and stops there', async () => {
    expect(await status(LIFT_A)).toEqual({ ElevatorID: '1', CurrentPosition: '1', CarStatus: 0, CarDirection: 0 });
    const r = await invoke(LIFT_A, 'CloudCallElevator', { ElevatorID: '1', StartFloor: '4', StartRoomNumber: '401', TargetDirection: 2 });
    expect(r.body).toMatchObject({ code: 200, data: { code: 0, message: 'success' } });
    for (const floor of ['2', '3']) {
      h.clock.t += 1000;
      expect(await status(LIFT_A)).toEqual({ ElevatorID: '1', CurrentPosition: floor, CarStatus: 1, CarDirection: 1 });
    }
    h.clock.t += 1000;
    expect(await status(LIFT_A)).toEqual({ ElevatorID: '1', CurrentPosition: '4', CarStatus: 0, CarDirection: 0 });
  });

  it('runs down as well, and refuses an unknown ElevatorID or floor (460)', async () => {
    await invoke(LIFT_B, 'CloudCallElevator', { ElevatorID: '2', StartFloor: '-1' });
    h.clock.t += 1500;
    expect(await status(LIFT_B)).toMatchObject({ CurrentPosition: '8', CarStatus: 1, CarDirection: 2 });
    expect((await invoke(LIFT_B, 'CloudCallElevator', { ElevatorID: '9', StartFloor: '1' })).body).toMatchObject({ code: 460 });
    expect((await invoke(LIFT_B, 'CloudCallElevator', { ElevatorID: '2', StartFloor: '99' })).body).toMatchObject({ code: 460, message: expect.stringContaining('StartFloor') });
    expect((await invoke(LIFT_B, 'CloudCallElevator', { StartFloor: '3' })).body).toMatchObject({ code: 460, message: expect.stringContaining('ElevatorID') });
  });

  it('a controller that cannot reach its elevator answers code 4 "send to device fail" for every service', async () => {
    h.sandbox.console.setDeviceState(LIFT_A, 'send-fail');
    for (const [identifier, args] of [['CloudCallElevator', { ElevatorID: '1', StartFloor: '3' }], ['QueryElevatorStatus', {}], ['QueryElevatorInfo', {}]] as const) {
      expect((await invoke(LIFT_A, identifier, args)).body).toMatchObject({ code: 200, data: { code: 4, message: 'send to device fail' } });
    }
    h.clock.t += 5000;
    expect((await invoke(LIFT_A, 'QueryElevatorStatus')).body?.data).toMatchObject({ code: 4 });
    h.sandbox.console.setDeviceState(LIFT_A, 'online');
    expect(await status(LIFT_A)).toMatchObject({ CurrentPosition: '1', CarStatus: 0 });
  });

  it('an offline controller answers 460 "device offline"', async () => {
    h.sandbox.console.setDeviceState(LIFT_A, 'offline');
    expect((await invoke(LIFT_A, 'QueryElevatorStatus')).body).toMatchObject({ code: 460, message: 'device offline' });
  });
});

describe('/elevator/control/elevator/call 1.0.1', () => {
  it('calls the car to startFloor (then targetFloor): code 200, data empty, recorded for the console', async () => {
    const r = await h.call(P.elevatorCall, '1.0.1', { iotId: LIFT_A, startFloor: '3', targetFloor: '1' });
    expect(r.body).toMatchObject({ code: 200, data: null });
    h.clock.t += 2000;
    expect(await status(LIFT_A)).toMatchObject({ CurrentPosition: '3', CarStatus: 0 });
    h.clock.t += 2000 + 1000;
    expect(await status(LIFT_A)).toMatchObject({ CurrentPosition: '2', CarStatus: 1, CarDirection: 2 });
    expect(h.sandbox.console.elevatorEvents()[0]?.detail).toMatchObject({ api: 'elevator/call', iotId: LIFT_A, startFloor: '3', targetFloor: '1' });
  });

  it('startRoomNo must be a room on startFloor (460)', async () => {
    expect((await h.call(P.elevatorCall, '1.0.1', { iotId: LIFT_A, startFloor: '12', startRoomNo: '1201' })).body?.code).toBe(200);
    expect((await h.call(P.elevatorCall, '1.0.1', { iotId: LIFT_A, startFloor: '12', startRoomNo: '101' })).body)
      .toMatchObject({ code: 460, message: 'startRoomNo 101 is not on floor 12' });
  });

  it('refuses a missing startFloor, an unknown floor or a door\'s iotId (460)', async () => {
    expect((await h.call(P.elevatorCall, '1.0.1', { iotId: LIFT_A })).body).toMatchObject({ code: 460, message: expect.stringContaining('startFloor') });
    expect((await h.call(P.elevatorCall, '1.0.1', { iotId: LIFT_A, startFloor: '40' })).body?.code).toBe(460);
    expect((await h.call(P.elevatorCall, '1.0.1', { iotId: 'iot-door-1-1', startFloor: '3' })).body?.code).toBe(460);
  });

  it('answers code 4 "send to device fail" when the controller cannot reach the car, 460 "device offline" when offline', async () => {
    h.sandbox.console.setDeviceState(LIFT_B, 'send-fail');
    expect((await h.call(P.elevatorCall, '1.0.1', { iotId: LIFT_B, startFloor: '3' })).body)
      .toMatchObject({ code: 4, message: 'send to device fail', localizedMsg: '发送到设备失败', data: null });
    h.sandbox.console.setDeviceState(LIFT_B, 'offline');
    expect((await h.call(P.elevatorCall, '1.0.1', { iotId: LIFT_B, startFloor: '3' })).body).toMatchObject({ code: 460, message: 'device offline' });
    expect(h.sandbox.console.elevatorEvents()).toHaveLength(0);
  });
});
