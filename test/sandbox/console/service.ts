// What the installer's web console can do, as plain functions: the console's HTTP endpoints
// call these, and tests may call them directly through `sandbox.console`.
import { bindByQr, listBindings, pendingDevices, requireBinding, unbind, type Binding, type PendingDevice } from '../binding-store.js';
import { bindableSpaces, listEntranceDevices, listEvents, type EntranceDevice, type SandboxEvent } from '../community-store.js';
import type { SandboxContext } from '../context.js';
import type { RingHouseOptions, RingHouseResult } from '../door-station/sandbox-hub.js';
import { ApiError } from '../errors.js';
import type { FaultBoard, FaultInput } from '../faults.js';
import { listSipAccounts, type SipAccount } from '../sip-store.js';
import { noticeAdd, PUBLISH_TYPE_TERMINAL } from '../../../electron/host/platform/community-api.js';
import { DEMO_COMMUNITY_ID } from '../demo-community.js';
import { carKey, listElevatorDevices, setElevatorState, type DeviceState, type ElevatorDevice } from '../elevator-store.js';
import { getEntranceDevice } from '../community-store.js';
import { addNotice, deleteNotices, listNotices, type Notice } from '../notice-store.js';
import type { PushHub } from '../push.js';

export interface HouseView {
  houseSpaceId: string;
  houseName: string;
  kind: 'house' | 'office';
  communityId: number;
  unitSpaceId: string | null;
  sipGroupId: string | null;
  bindings: Binding[];
}

export interface ConsoleBindInput { qrCode: string; houseSpaceId: string; deviceNickName?: string }

export interface SandboxConsole {
  houses(): HouseView[];
  pending(): PendingDevice[];
  bind(input: ConsoleBindInput): Binding;
  unbind(bindId: string): void;
  bindings(): Binding[];
  events(kind?: string): SandboxEvent[];
  /** With passwords: what a test's SIP registrar needs to provision the same accounts. */
  sipAccounts(): SipAccount[];
  doorStations(): EntranceDevice[];
  /** Every entrance device (door stations and plain gates), with its status (1 online, 3 offline). */
  doors(): EntranceDevice[];
  injectFault(fault: FaultInput): void;
  clearFaults(): void;
  setDown(down: boolean): void;
  /** The house's door station rings its panels (needs `doorStations` in startSandbox). */
  ring(houseSpaceId: string, opts?: RingHouseOptions): Promise<RingHouseResult>;
  /** Door openings, newest first: by the cloud API (unitdoor/open) and by the simulated doors (INFO / DTMF). */
  doorEvents(): SandboxEvent[];
  /** Publishes a notice for the indoor terminals (publishType 4): to one house, or to the whole community. */
  publishNotice(input: ConsoleNoticeInput): Notice;
  notices(): Notice[];
  deleteNotice(messageId: number): void;
  /** A door or elevator controller goes online or offline; an elevator can also fail to reach its car (code 4). */
  setDeviceState(iotId: string, state: DeviceState): void;
  /** Elevator controllers with each car's live position. */
  elevators(): ElevatorView[];
  /** Elevator calls, newest first (remote call and CloudCallElevator). */
  elevatorEvents(): SandboxEvent[];
  /** Drops and refuses the change push's subscribers (the APIs keep answering): panels fall back to polling. */
  setPushDown(down: boolean): void;
  push(): { down: boolean; subscribers: number };
}

export interface ConsoleNoticeInput {
  title: string;
  text: string;
  /** 1..9 (default 1 社区公告). */
  type?: number | undefined;
  isTop?: boolean | undefined;
  /** A house (or any space); absent: the whole community. */
  houseSpaceId?: string | undefined;
  communityId?: number | undefined;
}

export interface ElevatorView extends Omit<ElevatorDevice, 'floors'> {
  state: DeviceState;
  carsNow: { elevatorId: string; name: string; floor: string; carStatus: 0 | 1; direction: 0 | 1 | 2 }[];
}

/** What the console needs from the running door-station simulators. */
export interface DoorRinger {
  ring(houseSpaceId: string, opts?: RingHouseOptions): Promise<RingHouseResult>;
}

export const CONSOLE_DEFAULT_NICKNAME = '室内对讲终端';

export function createConsole(
  ctx: SandboxContext,
  faults: FaultBoard,
  doors: () => DoorRinger | undefined = () => undefined,
  push: () => PushHub | undefined = () => undefined,
): SandboxConsole {
  return {
    houses() {
      const bindings = listBindings(ctx);
      return bindableSpaces(ctx).map((s) => ({
        houseSpaceId: s.spaceId,
        houseName: s.name,
        kind: s.kind === 'office' ? 'office' : 'house',
        communityId: s.communityId,
        unitSpaceId: s.kind === 'house' ? s.parentId : null,
        sipGroupId: s.sipGroupId,
        bindings: bindings.filter((b) => b.houseSpaceId === s.spaceId),
      }));
    },
    pending: () => pendingDevices(ctx),
    bind: (input) => {
      const b = bindByQr(ctx, { ...input, deviceNickName: input.deviceNickName || CONSOLE_DEFAULT_NICKNAME });
      ctx.log.info({ bindId: b.bindId, houseSpaceId: b.houseSpaceId }, 'device bound from console');
      return b;
    },
    unbind: (bindId) => unbind(ctx, requireBinding(ctx, bindId), 'console'),
    bindings: () => listBindings(ctx),
    events: (kind) => listEvents(ctx, kind),
    sipAccounts: () => listSipAccounts(ctx),
    // Door stations are the entrances with an intercom (a SIP account); a plain gate is not one.
    doorStations: () => listEntranceDevices(ctx).filter((d) => d.sipNumber !== null),
    doors: () => listEntranceDevices(ctx),
    injectFault: (f) => faults.add(f),
    clearFaults: () => faults.clear(),
    setDown: (down) => { faults.down = down; },
    ring: async (houseSpaceId, opts) => {
      const ringer = doors();
      if (!ringer) throw new ApiError(400, 'door station simulators are not running (start the sandbox with doorStations / --door-stations)', '门口机模拟器未启动');
      return ringer.ring(houseSpaceId, opts);
    },
    doorEvents: () => listEvents(ctx, 'door-open'),
    publishNotice: (input) => {
      // The same rules as notice/add, so the console cannot publish what the API would refuse.
      const parsed = noticeAdd.params.safeParse({
        title: input.title.trim(), publications: [{ text: input.text.trim() }], type: input.type ?? 1, isTop: input.isTop ? 1 : 0,
        publishType: PUBLISH_TYPE_TERMINAL, ...(input.houseSpaceId ? { spaceIds: [input.houseSpaceId] } : {}),
      });
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new ApiError(400, `${issue?.path.map(String).join('.') || 'notice'}: ${issue?.message ?? 'invalid'}`, '公告内容不符合要求');
      }
      const n = addNotice(ctx, input.communityId ?? DEMO_COMMUNITY_ID, parsed.data);
      ctx.log.info({ messageId: n.messageId, publishRange: n.publishRange }, 'notice published from console');
      return n;
    },
    notices: () => listNotices(ctx),
    deleteNotice: (messageId) => {
      const n = listNotices(ctx).find((x) => x.messageId === messageId);
      if (!n) throw new ApiError(400, `notice ${messageId} does not exist`, '公告不存在');
      deleteNotices(ctx, n.communityId, [messageId]);
    },
    setDeviceState: (iotId, state) => {
      if (getEntranceDevice(ctx, iotId)) {
        if (state === 'send-fail') throw new ApiError(400, 'only elevator controllers can fail to reach their car', '只有梯控设备支持该状态');
        ctx.db.prepare('UPDATE entrance_devices SET status = ? WHERE iot_id = ?').run(state === 'offline' ? 3 : 1, iotId);
      } else {
        setElevatorState(ctx, iotId, state);
      }
      ctx.log.info({ iotId, state }, 'device state set from console');
    },
    elevators: () => listElevatorDevices(ctx).map((d) => {
      const { floors: _floors, ...view } = d;
      return {
        ...view,
        state: d.status !== 1 ? 'offline' : d.fault === 'send-fail' ? 'send-fail' : 'online',
        carsNow: d.cars.map((c) => {
          const s = ctx.elevators.snapshot(carKey(d, c));
          return { elevatorId: c.elevatorId, name: c.name, floor: s.floor, carStatus: s.carStatus, direction: s.direction };
        }),
      };
    }),
    elevatorEvents: () => listEvents(ctx, 'elevator-call'),
    setPushDown: (down) => { faults.pushDown = down; },
    push: () => ({ down: faults.pushDown || faults.down, subscribers: push()?.subscribers() ?? 0 }),
  };
}
