// The sandbox's door stations as running simulators: one DoorStation per entrance device of the
// demo community (its SIP account from the sandbox's own tables), "ring this house" for the
// console, and every door opening recorded in the sandbox's event table (kind 'door-open').
import type { Logger } from 'pino';
import { listBindings } from '../binding-store.js';
import { doorStationsServingGroup, getSpace, listEntranceDevices, recordEvent, type EntranceDevice } from '../community-store.js';
import type { SandboxContext } from '../context.js';
import { ApiError } from '../errors.js';
import { getSipAccount, groupMembers } from '../sip-store.js';
import { DoorStation, type DoorCallState, type DoorOpenEvent } from './station.js';

export interface DoorStationsOptions {
  /** The SIP registrar/proxy the doors register with (the one the panels use). */
  registrar: { host: string; port: number };
  /** Send H.264 (default true). */
  video?: boolean;
  /** How long a ring lasts unanswered (default 30 s). */
  ringSeconds?: number;
  /** Monitor limit (default 60 s). */
  monitorMaxSeconds?: number;
  /** Wait this long for the doors to register before startSandbox returns (default 5 s; they keep trying after). */
  registerTimeoutMs?: number;
}

export interface RingHouseCall {
  target: string;
  state: DoorCallState | 'failed';
  endReason?: string;
  statusCode?: number;
  error?: string;
}

export interface RingHouseResult {
  houseSpaceId: string;
  houseName: string;
  door: { iotId: string; nickName: string; sipNumber: string };
  /** 'panels': the bound panels' SIP numbers (the registrar does not fork groups); 'group': the house's SIP group. */
  via: 'panels' | 'group';
  calls: RingHouseCall[];
}

export interface RingHouseOptions {
  /** Ring from this door (must serve the house); default: the unit's door station, else a wall station. */
  iotId?: string;
  /** How long to wait for each call's first answer (ringing/early/answered/ended) before reporting (default 2000 ms). */
  waitMs?: number;
}

export interface DoorStationHub {
  /** By iotId. */
  readonly stations: ReadonlyMap<string, DoorStation>;
  ring(houseSpaceId: string, opts?: RingHouseOptions): Promise<RingHouseResult>;
  close(): Promise<void>;
}

function badRequest(message: string, zh: string): ApiError {
  return new ApiError(400, message, zh);
}

function chooseDoor(ctx: SandboxContext, groupId: string, parentId: string | null, iotId: string | undefined): EntranceDevice {
  const serving = new Set(doorStationsServingGroup(ctx, groupId));
  const doors = listEntranceDevices(ctx).filter((d) => serving.has(d.iotId));
  if (iotId !== undefined) {
    const d = doors.find((x) => x.iotId === iotId);
    if (!d) throw badRequest(`door station ${iotId} does not serve this house`, `门口机 ${iotId} 不服务该房屋`);
    return d;
  }
  const door = doors.find((d) => d.mode === 0 && d.unitSpaceId === parentId) ?? doors.find((d) => d.mode === 1) ?? doors[0];
  if (!door) throw badRequest('no door station serves this house', '没有门口机服务该房屋');
  return door;
}

export async function startDoorStations(ctx: SandboxContext, opts: DoorStationsOptions, logger: Logger = ctx.log): Promise<DoorStationHub> {
  const log = logger.child({ mod: 'door-stations' });
  const stations = new Map<string, DoorStation>();
  const devices = listEntranceDevices(ctx);
  try {
    for (const d of devices) {
      const password = d.sipPassword ?? (d.sipNumber ? getSipAccount(ctx, d.sipNumber)?.sipPassword : undefined);
      if (!d.sipNumber || !password) {
        log.warn({ iotId: d.iotId }, 'door station has no SIP account; not simulated');
        continue;
      }
      const station = new DoorStation({
        sipNumber: d.sipNumber,
        password,
        registrar: opts.registrar,
        displayName: d.nickName,
        logger: log,
        video: opts.video ?? true,
        ...(opts.ringSeconds !== undefined ? { ringSeconds: opts.ringSeconds } : {}),
        ...(opts.monitorMaxSeconds !== undefined ? { monitorMaxSeconds: opts.monitorMaxSeconds } : {}),
      });
      station.on('door-opened', (e) => record(ctx, d, e, log));
      await station.start(false);
      stations.set(d.iotId, station);
    }
  } catch (err) {
    await Promise.all([...stations.values()].map((s) => s.close()));
    throw err;
  }
  const timeout = opts.registerTimeoutMs ?? 5000;
  const results = await Promise.allSettled([...stations.values()].map((s) => s.account.waitForState('ONLINE', timeout)));
  results.forEach((r, i) => {
    if (r.status === 'rejected') log.warn({ err: r.reason, door: [...stations.values()][i]?.sipNumber }, 'door station not registered yet; it keeps trying');
  });

  let closed = false;
  return {
    stations,
    async ring(houseSpaceId, ringOpts = {}) {
      if (closed) throw badRequest('door stations are stopped', '门口机模拟器已停止');
      const space = getSpace(ctx, houseSpaceId);
      if (!space || (space.kind !== 'house' && space.kind !== 'office') || !space.sipGroupId) {
        throw badRequest(`unknown house ${houseSpaceId}`, `房屋 ${houseSpaceId} 不存在`);
      }
      const door = chooseDoor(ctx, space.sipGroupId, space.parentId, ringOpts.iotId);
      const station = stations.get(door.iotId);
      if (!station) throw badRequest(`door station ${door.iotId} is not simulated (no SIP account)`, `门口机 ${door.nickName} 未运行`);
      const doorNumbers = new Set(devices.map((d) => d.sipNumber));
      const panels = new Set<string>();
      for (const b of listBindings(ctx)) if (b.houseSpaceId === houseSpaceId) panels.add(b.sipNumber);
      for (const m of groupMembers(ctx, space.sipGroupId)) if (!doorNumbers.has(m.sipNumber)) panels.add(m.sipNumber);
      const via: RingHouseResult['via'] = panels.size > 0 ? 'panels' : 'group';
      const targets = via === 'panels' ? [...panels] : [space.sipGroupId];
      log.info({ houseSpaceId, door: door.iotId, targets }, 'console: door rings house');
      const waitMs = ringOpts.waitMs ?? 2000;
      const calls = await Promise.all(targets.map(async (target): Promise<RingHouseCall> => {
        try {
          const call = await station.ring(target);
          // 'ringing' resolves on any later state too; an early end is reported, not thrown.
          await call.waitFor('ringing', waitMs).catch(() => undefined);
          return {
            target,
            state: call.state,
            ...(call.endReason !== undefined ? { endReason: call.endReason } : {}),
            ...(call.statusCode !== undefined ? { statusCode: call.statusCode } : {}),
          };
        } catch (err) {
          return { target, state: 'failed', error: (err as Error).message };
        }
      }));
      return {
        houseSpaceId,
        houseName: space.name,
        door: { iotId: door.iotId, nickName: door.nickName, sipNumber: station.sipNumber },
        via,
        calls,
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...stations.values()].map((s) => s.close()));
    },
  };
}

function record(ctx: SandboxContext, door: EntranceDevice, e: DoorOpenEvent, log: Logger): void {
  try {
    const binding = listBindings(ctx).find((b) => b.sipNumber === e.from);
    recordEvent(ctx, 'door-open', {
      source: 'door-station',
      iotId: door.iotId,
      doorName: door.nickName,
      method: e.method,
      ...(e.reqsn !== undefined ? { reqsn: e.reqsn } : {}),
      sipNumber: e.from,
      session: e.session,
      callId: e.callId,
      ...(binding ? { bindId: binding.bindId, deviceId: binding.deviceId, houseName: binding.houseName } : {}),
    });
  } catch (err) {
    log.error({ err }, 'cannot record door-open event');
  }
}
