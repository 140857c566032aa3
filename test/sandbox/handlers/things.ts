// Thing-model services through /cloud/thing/service/invoke (seed 001 lines 8731-8745 remoteOpen;
// lines 26560-26700 CloudCallElevator, QueryElevatorStatus, QueryElevatorInfo) and the remote
// elevator call /elevator/control/elevator/call (lines 26443-26470). App signature only (是否需要登录: 否).
import type { z } from 'zod';
import {
  ELEVATOR_OK, ELEVATOR_SEND_FAIL, elevatorCall, thingServiceInvoke, thingServices, type ThingServiceName,
} from '../../../electron/host/platform/community-api.js';
import { getEntranceDevice, recordEvent, type EntranceDevice } from '../community-store.js';
import type { SandboxContext } from '../context.js';
import {
  carKey, chooseCar, floorRoomInfo, getElevatorDevice, requireFloor, type ElevatorDevice,
} from '../elevator-store.js';
import { deviceOffline, paramError, sendToDeviceFail } from '../errors.js';
import { route, type Route } from '../route.js';

const SEND_FAIL = { code: ELEVATOR_SEND_FAIL, message: 'send to device fail' } as const;
const SUCCESS = { code: ELEVATOR_OK, message: 'success' } as const;

function args<K extends ThingServiceName>(name: K, given: Record<string, unknown>): z.output<(typeof thingServices)[K]['args']> {
  const parsed = thingServices[name].args.safeParse(given);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = ['args', ...(issue?.path.map(String) ?? [])].join('.');
    throw paramError(`${field}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data as z.output<(typeof thingServices)[K]['args']>;
}

function openDoor(ctx: SandboxContext, door: EntranceDevice, identifier: string, given: Record<string, unknown>): null {
  if (identifier !== 'remoteOpen') throw paramError(`identifier ${identifier} is not a service of ${door.iotId}`);
  args('remoteOpen', given);
  if (door.status !== 1) throw deviceOffline(door.iotId);
  recordEvent(ctx, 'door-open', { source: 'cloud', api: 'remoteOpen', iotId: door.iotId, doorName: door.nickName });
  ctx.log.info({ iotId: door.iotId }, 'door opened by remoteOpen');
  return null;
}

function elevatorService(ctx: SandboxContext, d: ElevatorDevice, identifier: string, given: Record<string, unknown>): unknown {
  if (identifier !== 'CloudCallElevator' && identifier !== 'QueryElevatorStatus' && identifier !== 'QueryElevatorInfo') {
    throw paramError(`identifier ${identifier} is not a service of ${d.iotId}`);
  }
  const a = args(identifier, given);
  if (d.status !== 1) throw deviceOffline(d.iotId);
  if (d.fault === 'send-fail') return SEND_FAIL;
  switch (identifier) {
    case 'QueryElevatorStatus':
      return {
        ...SUCCESS,
        ElevatorStatus: d.cars.map((c) => {
          const s = ctx.elevators.snapshot(carKey(d, c));
          return { ElevatorID: c.elevatorId, CurrentPosition: s.floor, CarStatus: s.carStatus, CarDirection: s.direction };
        }),
      };
    case 'QueryElevatorInfo':
      return {
        ...SUCCESS,
        ElevatorMode: d.elevatorMode,
        ElevatorInfo: d.cars.map((c) => ({ ElevatorID: c.elevatorId, ElevatorName: c.name, IsDualCardDoor: c.dualDoor })),
        FloorRoomInfo: floorRoomInfo(ctx, d),
      };
    case 'CloudCallElevator': {
      const call = a as z.output<(typeof thingServices)['CloudCallElevator']['args']>;
      const car = d.cars.find((c) => c.elevatorId === call.ElevatorID);
      if (!car) throw paramError(`ElevatorID ${call.ElevatorID} is not an elevator of ${d.iotId}`);
      const stops = [requireFloor(d, call.StartFloor, 'StartFloor'), ...(call.TargetFloor ? [requireFloor(d, call.TargetFloor, 'TargetFloor')] : [])];
      ctx.elevators.call(carKey(d, car), stops);
      recordEvent(ctx, 'elevator-call', {
        source: 'cloud', api: 'CloudCallElevator', iotId: d.iotId, elevatorId: car.elevatorId, startFloor: call.StartFloor,
        ...(call.StartRoomNumber ? { startRoomNo: call.StartRoomNumber } : {}),
      });
      return SUCCESS;
    }
  }
}

export const thingRoutes: Route[] = [
  route(thingServiceInvoke, ({ iotId, identifier, args: given }, { ctx }) => {
    const door = getEntranceDevice(ctx, iotId);
    if (door) return openDoor(ctx, door, identifier, given);
    const elevator = getElevatorDevice(ctx, iotId);
    if (elevator) return elevatorService(ctx, elevator, identifier, given);
    throw paramError(`iotId ${iotId} does not exist`);
  }),
  route(elevatorCall, ({ iotId, startFloor, startRoomNo, targetFloor }, { ctx }) => {
    const d = getElevatorDevice(ctx, iotId);
    if (!d) throw paramError(`iotId ${iotId} is not an elevator controller`);
    const start = requireFloor(d, startFloor, 'startFloor');
    const target = targetFloor !== undefined ? requireFloor(d, targetFloor, 'targetFloor') : undefined;
    if (startRoomNo !== undefined && !floorRoomInfo(ctx, d).some((r) => r.Floor === startFloor && r.RoomNumber === startRoomNo)) {
      throw paramError(`startRoomNo ${startRoomNo} is not on floor ${startFloor}`);
    }
    if (d.status !== 1) throw deviceOffline(d.iotId);
    if (d.fault === 'send-fail') throw sendToDeviceFail();
    const car = chooseCar(ctx, d, start);
    ctx.elevators.call(carKey(d, car), [start, ...(target !== undefined ? [target] : [])]);
    recordEvent(ctx, 'elevator-call', {
      source: 'cloud', api: 'elevator/call', iotId, elevatorId: car.elevatorId, startFloor, ...(startRoomNo ? { startRoomNo } : {}), ...(targetFloor ? { targetFloor } : {}),
    });
    ctx.log.info({ iotId, elevatorId: car.elevatorId, startFloor }, 'elevator called');
    return null;
  }),
];
