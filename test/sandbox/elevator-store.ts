// Elevator controllers (梯控设备) and their cars, the state the console can change (online,
// offline, "send to device fail"), and the thing-model answers built from them.
import type { SandboxContext } from './context.js';
import { DEMO_FLOORS } from './demo-community.js';
import { paramError } from './errors.js';
import type { CarSnapshot } from './elevator-sim.js';

export interface ElevatorCar { elevatorId: string; name: string; dualDoor: boolean; homeFloor: string }

export interface ElevatorDevice {
  iotId: string;
  communityId: number;
  unitSpaceId: string;
  deviceName: string;
  nickName: string;
  productKey: string;
  productName: string;
  /** QueryElevatorInfo's ElevatorMode: SINGLE, GROUP or ALL. */
  elevatorMode: string;
  /** 1 online, 3 offline (as entrance devices). */
  status: 1 | 3;
  /** 'send-fail': online, but the controller cannot reach the elevator (result code 4). */
  fault: 'send-fail' | null;
  floors: readonly string[];
  cars: ElevatorCar[];
}

interface DeviceRow {
  iot_id: string; community_id: number; unit_space_id: string; device_name: string; nick_name: string; product_key: string;
  product_name: string; elevator_mode: string; status: number; fault: string | null;
}

function toDevice(ctx: SandboxContext, r: DeviceRow): ElevatorDevice {
  const cars = ctx.db.prepare('SELECT * FROM elevator_cars WHERE iot_id = ? ORDER BY elevator_id').all(r.iot_id) as
    { elevator_id: string; name: string; dual_door: number; home_floor: string }[];
  return {
    iotId: r.iot_id, communityId: r.community_id, unitSpaceId: r.unit_space_id, deviceName: r.device_name, nickName: r.nick_name,
    productKey: r.product_key, productName: r.product_name, elevatorMode: r.elevator_mode, status: r.status === 1 ? 1 : 3,
    fault: r.fault === 'send-fail' ? 'send-fail' : null, floors: DEMO_FLOORS,
    cars: cars.map((c) => ({ elevatorId: c.elevator_id, name: c.name, dualDoor: c.dual_door === 1, homeFloor: c.home_floor })),
  };
}

export function listElevatorDevices(ctx: SandboxContext, filter: { communityId?: number; unitSpaceId?: string } = {}): ElevatorDevice[] {
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (filter.communityId !== undefined) { where.push('community_id = ?'); args.push(filter.communityId); }
  if (filter.unitSpaceId !== undefined) { where.push('unit_space_id = ?'); args.push(filter.unitSpaceId); }
  const rows = ctx.db.prepare(`SELECT * FROM elevator_devices ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY iot_id`)
    .all(...args) as DeviceRow[];
  return rows.map((r) => toDevice(ctx, r));
}

export function getElevatorDevice(ctx: SandboxContext, iotId: string): ElevatorDevice | undefined {
  const r = ctx.db.prepare('SELECT * FROM elevator_devices WHERE iot_id = ?').get(iotId) as DeviceRow | undefined;
  return r ? toDevice(ctx, r) : undefined;
}

export type DeviceState = 'online' | 'offline' | 'send-fail';

export function setElevatorState(ctx: SandboxContext, iotId: string, state: DeviceState): void {
  if (!getElevatorDevice(ctx, iotId)) throw paramError(`iotId ${iotId} is not an elevator controller`);
  ctx.db.prepare('UPDATE elevator_devices SET status = ?, fault = ? WHERE iot_id = ?')
    .run(state === 'offline' ? 3 : 1, state === 'send-fail' ? 'send-fail' : null, iotId);
}

/** Rooms by floor, from the houses of the controller's unit: room 1201 is on floor 12, 101 on floor 1. */
export function floorRoomInfo(ctx: SandboxContext, d: ElevatorDevice): { ElevatorID: string; Floor: string; RoomNumber: string }[] {
  const rooms = ctx.db.prepare("SELECT room_no FROM spaces WHERE parent_id = ? AND kind = 'house' ORDER BY CAST(room_no AS INTEGER)")
    .all(d.unitSpaceId) as { room_no: string | null }[];
  return d.cars.flatMap((c) => rooms.flatMap((r) => {
    const floor = r.room_no ? floorOfRoom(r.room_no) : null;
    return floor !== null && d.floors.includes(floor) ? [{ ElevatorID: c.elevatorId, Floor: floor, RoomNumber: r.room_no ?? '' }] : [];
  }));
}

export function floorOfRoom(room: string): string | null {
  return /^\d{3,4}$/.test(room) ? String(Number(room.slice(0, -2))) : null;
}

export function carKey(d: ElevatorDevice, c: ElevatorCar): { iotId: string; elevatorId: string; floors: readonly string[]; homeFloor: string } {
  return { iotId: d.iotId, elevatorId: c.elevatorId, floors: d.floors, homeFloor: c.homeFloor };
}

export function requireFloor(d: ElevatorDevice, floor: string, field: string): number {
  const i = d.floors.indexOf(floor);
  if (i < 0) throw paramError(`${field} ${floor} is not a floor of ${d.iotId} (${d.floors[0]}..${d.floors[d.floors.length - 1]})`);
  return i;
}

/** The car a group controller sends: the nearest one that is standing, else the nearest. */
export function chooseCar(ctx: SandboxContext, d: ElevatorDevice, floorIndex: number): ElevatorCar {
  const ranked = d.cars
    .map((c) => ({ c, s: ctx.elevators.snapshot(carKey(d, c)) }))
    .sort((a, b) => rank(a.s, floorIndex) - rank(b.s, floorIndex));
  const best = ranked[0]?.c;
  if (!best) throw paramError(`${d.iotId} has no elevator`);
  return best;
}

function rank(s: CarSnapshot, floorIndex: number): number {
  return Math.abs(s.index - floorIndex) + (s.carStatus === 1 ? 1000 : 0);
}
