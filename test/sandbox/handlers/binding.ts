// Indoor-terminal binding service (seed 001 lines 4615-4989): the device side (no token) and
// the app side (cloudToken).
import {
  bindStatusGet, channelGet, deviceAppUnbind, deviceBind, deviceEndUnbind, deviceList, deviceRename, entranceDeviceList,
  qrcodeGet, unitDoorOpen,
} from '../../../electron/host/platform/community-api.js';
import { bindQrSign } from '../../../electron/host/platform/gateway-signing.js';
import {
  bindByQr, bindingOfDevice, issueQr, listBindings, renameBinding, requireBinding, requireBoundDevice, unbind, type Binding,
} from '../binding-store.js';
import {
  doorStationsServingGroup, getEntranceDevice, getSpace, listEntranceDevices, recordEvent, type EntranceDevice,
} from '../community-store.js';
import type { SandboxContext } from '../context.js';
import { DOOR_CATEGORY, ELEVATOR_CATEGORY } from '../demo-community.js';
import { listElevatorDevices, type ElevatorDevice } from '../elevator-store.js';
import { deviceOffline, paramError } from '../errors.js';
import { route, type Route } from '../route.js';
import { requireSipAccount } from '../sip-store.js';
import { maskDeviceId } from '../util.js';

/** Seed 001 §1.1: "服务端校验±1小时". */
const QR_TS_WINDOW_MS = 60 * 60 * 1000;

/** Door stations a bound panel may see and open: the property desk sees all of them, a
 * resident those that have a room mapped to the house's group. */
function doorsFor(ctx: SandboxContext, b: Binding): EntranceDevice[] {
  const all = listEntranceDevices(ctx, b.communityId);
  if (b.bindType === 1) return all;
  const group = getSpace(ctx, b.houseSpaceId)?.sipGroupId;
  const serving = new Set(group ? doorStationsServingGroup(ctx, group) : []);
  return all.filter((d) => serving.has(d.iotId));
}

/** The elevator controllers of the house's unit (every controller for the property desk): the
 * "available devices" of a terminal include the elevators it may call (帮我呼叫电梯). */
function elevatorsFor(ctx: SandboxContext, b: Binding): ElevatorDevice[] {
  if (b.bindType === 1) return listElevatorDevices(ctx, { communityId: b.communityId });
  const unit = getSpace(ctx, b.houseSpaceId)?.parentId;
  return unit ? listElevatorDevices(ctx, { communityId: b.communityId, unitSpaceId: unit }) : [];
}

function requireCommunity(communityId: number | undefined): number {
  // The server only calls token APIs with a verified token, which always names a community.
  if (communityId === undefined) throw new Error('token API called without a community');
  return communityId;
}

export const deviceSideRoutes: Route[] = [
  route(qrcodeGet, ({ deviceId, deviceType, ts, sign }, { ctx, appKey }) => {
    if (Math.abs(ctx.now() - ts) > QR_TS_WINDOW_MS) throw paramError('ts out of range');
    if (sign.toLowerCase() !== bindQrSign(appKey, ts, deviceId, deviceType)) throw paramError('sign mismatch');
    const qr = issueQr(ctx, { deviceId, deviceType });
    return { qrCode: qr.qrCode, expireTime: qr.expireTime, qrCodeUrl: qr.qrCodeUrl };
  }),
  route(bindStatusGet, (key, { ctx }) => {
    const b = bindingOfDevice(ctx, key);
    if (!b) return { bindId: null, bindStatus: false, houseName: null, communityId: null, bindType: null };
    return { bindId: b.bindId, bindStatus: true, houseName: b.houseName, communityId: b.communityId, bindType: b.bindType };
  }),
  route(deviceEndUnbind, (key, { ctx }) => {
    // Idempotent: a panel that retries after a lost reply must not be told it failed.
    const b = bindingOfDevice(ctx, key);
    if (b) unbind(ctx, b, 'device');
    return null;
  }),
  route(unitDoorOpen, ({ iotId, ...key }, { ctx }) => {
    const b = requireBoundDevice(ctx, key);
    const doors = doorsFor(ctx, b);
    let door: EntranceDevice | undefined;
    if (iotId !== undefined) {
      door = doors.find((d) => d.iotId === iotId);
      if (!door) throw paramError(getEntranceDevice(ctx, iotId) ? `iotId ${iotId} does not serve ${b.houseName}` : `iotId ${iotId} does not exist`);
    } else {
      const unit = getSpace(ctx, b.houseSpaceId)?.parentId;
      door = doors.find((d) => d.mode === 0 && d.unitSpaceId === unit);
      if (!door) throw paramError(`${b.houseName} has no unit door station; pass iotId`);
    }
    if (door.status !== 1) throw deviceOffline(door.iotId);
    recordEvent(ctx, 'door-open', {
      source: 'cloud', api: 'unitdoor/open', bindId: b.bindId, deviceId: b.deviceId, deviceType: b.deviceType, houseName: b.houseName, iotId: door.iotId, doorName: door.nickName,
    });
    ctx.log.info({ iotId: door.iotId, bindId: b.bindId }, 'unit door opened');
    return null;
  }),
  route(channelGet, (key, { ctx }) => {
    const b = requireBoundDevice(ctx, key);
    const space = getSpace(ctx, b.houseSpaceId);
    if (!space?.sipGroupId) throw paramError('house has no SIP group');
    const account = requireSipAccount(ctx, b.sipNumber);
    return {
      communityId: b.communityId,
      houseName: b.houseName,
      // The property office hangs off the community, not a unit: its parent space stands in.
      unitSpaceId: space.parentId ?? '',
      houseSpaceId: space.spaceId,
      sipGroupId: space.sipGroupId,
      sipNumber: account.sipNumber,
      sipPassword: account.sipPassword,
      sipHost: account.sipHost,
      sipPort: String(account.sipPort),
    };
  }),
  route(entranceDeviceList, ({ pageSize, pageNo, ...key }, { ctx }) => {
    const b = requireBoundDevice(ctx, key);
    const devices = [
      ...doorsFor(ctx, b).map((d) => ({ ...d, ...DOOR_CATEGORY })),
      ...elevatorsFor(ctx, b).map((d) => ({ ...d, ...ELEVATOR_CATEGORY })),
    ];
    const page = devices.slice((pageNo - 1) * pageSize, pageNo * pageSize);
    return {
      pageSize,
      pageNo,
      total: devices.length,
      data: page.map((d) => ({
        communityId: d.communityId, iotId: d.iotId, deviceName: d.deviceName, nickName: d.nickName, productKey: d.productKey,
        productName: d.productName, thingType: 'DEVICE' as const, status: d.status, nodeType: 0 as const, netType: 'NET_LAN',
        categoryId: d.categoryId, categoryName: d.categoryName,
      })),
    };
  }),
];

export const appSideRoutes: Route[] = [
  route(deviceBind, ({ qrCode, houseSpaceId, deviceNickName, paasIdentityId }, { ctx, communityId }) => {
    const b = bindByQr(ctx, { qrCode, houseSpaceId, deviceNickName, paasIdentityId, communityId: requireCommunity(communityId) });
    ctx.log.info({ bindId: b.bindId, houseSpaceId }, 'device bound');
    return { bindId: b.bindId };
  }),
  route(deviceRename, ({ bindId, deviceNickName }, { ctx, communityId }) => {
    renameBinding(ctx, bindId, deviceNickName, requireCommunity(communityId));
    return null;
  }),
  route(deviceList, ({ paasIdentityId }, { ctx, communityId }) =>
    listBindings(ctx, { communityId: requireCommunity(communityId), ...(paasIdentityId ? { paasIdentityId } : {}) }).map((b) => ({
      bindId: b.bindId,
      intercomDeviceId: maskDeviceId(b.deviceId),
      intercomDeviceType: b.deviceType,
      houseSpaceId: b.houseSpaceId,
      houseName: b.houseName,
    }))),
  route(deviceAppUnbind, ({ bindId }, { ctx, communityId }) => {
    unbind(ctx, requireBinding(ctx, bindId, requireCommunity(communityId)), 'app');
    return null;
  }),
];
