// Community services (issue 6): notices, doors opened from home, the elevator and history, for
// the bound house. One entry for the host: create the services, tell them when the binding
// changes, read their part of PanelState, and serve their part of the contract.
import type { communityRequests, ElevatorProgress, HostApi, NoticesState } from '../../contract/index.js';
import { UserFacingError } from '../errors.js';
import type { Logger } from '../log/index.js';
import type { CommunityClient, PlatformCredentials } from '../platform/index.js';
import type { Store } from '../store/index.js';
import { ChangePush, type ChangePushTiming } from './change-push.js';
import { CommunityCloud } from './cloud.js';
import { DeviceDirectory } from './devices.js';
import { DoorService } from './doors.js';
import { ElevatorService, type ElevatorTiming } from './elevator.js';
import { HistoryService, type HistoryTiming } from './history.js';
import { NoticeService, type NoticeTiming } from './notices.js';
import { describeServiceFailure, type ServiceSubject } from './problems.js';

export interface CommunityTiming {
  notices: NoticeTiming;
  push: ChangePushTiming;
  elevator: ElevatorTiming;
  history: HistoryTiming;
  /** How long a fetched device list (doors, elevators) is reused. */
  devicesTtlMs: number;
  /** A second 开门 of the same door within this time does not open it again. */
  doorRepeatGuardMs: number;
}

export const DEFAULT_COMMUNITY_TIMING: CommunityTiming = {
  // 3 s polling while the push is down keeps "a new notice within 5 s" with a slow cloud answer.
  notices: { pollWithoutPushMs: 3000, pollWithPushMs: 60_000, backoffBaseMs: 3000, backoffMaxMs: 60_000 },
  push: { retryBaseMs: 1000, retryMaxMs: 30_000, idleMs: 45_000 },
  elevator: { statusPollMs: 1000, giveUpMs: 3 * 60_000, maxStatusFailures: 3, lingerMs: 15_000 },
  history: { retentionMs: 180 * 24 * 60 * 60_000, pruneEveryMs: 6 * 60 * 60_000 },
  devicesTtlMs: 30_000,
  doorRepeatGuardMs: 3000,
};

export type CommunityTimingOverrides = {
  [K in keyof CommunityTiming]?: CommunityTiming[K] extends number ? number : Partial<CommunityTiming[K]>;
};

function timingWith(o: CommunityTimingOverrides = {}): CommunityTiming {
  const d = DEFAULT_COMMUNITY_TIMING;
  return {
    notices: { ...d.notices, ...o.notices },
    push: { ...d.push, ...o.push },
    elevator: { ...d.elevator, ...o.elevator },
    history: { ...d.history, ...o.history },
    devicesTtlMs: o.devicesTtlMs ?? d.devicesTtlMs,
    doorRepeatGuardMs: o.doorRepeatGuardMs ?? d.doorRepeatGuardMs,
  };
}

export type CommunityRequestName = keyof typeof communityRequests;
export type CommunityApi = Pick<HostApi, CommunityRequestName>;

export interface CommunityServicesOptions {
  client: CommunityClient;
  /** For the change push's signed subscription (the client keeps its secret to itself). */
  credentials: PlatformCredentials;
  store: Store;
  deviceId: string;
  deviceType: string;
  now: () => number;
  logger: Logger;
  onChange: () => void;
  timing?: CommunityTimingOverrides;
}

export interface CommunityServices {
  readonly notices: NoticesState;
  readonly elevator: ElevatorProgress | null;
  readonly api: CommunityApi;
  /** The binding changed (and once at start, after the host is wired): follow the house (start, stop, forget). */
  sync(): void;
  close(): Promise<void>;
}

/** PanelState's notices when no cloud is configured. */
export const NOTICES_OFF: NoticesState = { unread: 0, alert: null, delivery: 'off', problem: null, syncedAt: null };

export function createCommunityServices(o: CommunityServicesOptions): CommunityServices {
  const timing = timingWith(o.timing);
  const cloud = new CommunityCloud(o.client, o.store, o.deviceId, o.deviceType, o.now);
  const devices = new DeviceDirectory(cloud, timing.devicesTtlMs);
  const push = new ChangePush(o.credentials, timing.push, o.logger.child({ part: 'change-push' }), o.now);
  const notices = new NoticeService({ cloud, store: o.store, push, logger: o.logger.child({ part: 'notices' }), timing: timing.notices, onChange: o.onChange });
  const doors = new DoorService({ cloud, devices, store: o.store, logger: o.logger.child({ part: 'doors' }), repeatGuardMs: timing.doorRepeatGuardMs });
  const elevator = new ElevatorService({ cloud, devices, store: o.store, logger: o.logger.child({ part: 'elevator' }), timing: timing.elevator, onChange: o.onChange });
  const history = new HistoryService(o.store, o.now, o.logger.child({ part: 'history' }), timing.history, (n) => notices.reads(n));
  history.start();

  let houseKey: string | null = null;
  const sync = (): void => {
    const house = cloud.house();
    const key = house ? `${house.communityId}/${house.houseSpaceId}` : null;
    if (key === houseKey) return;
    houseKey = key;
    devices.forget();
    notices.sync(house);
    elevator.sync(house);
  };

  const api: CommunityApi = {
    'notices.list': (p) => notices.list(p),
    'notices.get': ({ messageId }) => notices.get(messageId),
    'notices.markRead': async (p) => ({ unread: notices.markRead('all' in p ? null : [p.messageId]) }),
    'notices.dismissAlert': async () => {
      notices.dismissAlert();
      return { ok: true };
    },
    'doors.list': async () => ({ doors: await withWords(() => doors.list(), '无法获取门禁列表', 'door') }),
    'doors.open': (p) => doors.open(p),
    'elevator.list': async () => ({ elevators: await withWords(() => elevator.list(), '无法获取电梯列表', 'elevator') }),
    'elevator.floor.get': async () => elevator.floor(),
    'elevator.floor.set': async ({ floor }) => ({ floor: elevator.setFloor(floor) }),
    'elevator.call': (p) => elevator.call(p),
    'elevator.dismiss': async () => {
      elevator.dismiss();
      return { ok: true };
    },
    'history.unlocks': async ({ limit }) => ({ unlocks: history.unlocks(limit ?? 50) }),
    'history.notices': async ({ limit }) => ({ notices: history.notices(limit ?? 50) }),
  };

  return {
    get notices() {
      return notices.state;
    },
    get elevator() {
      return elevator.progress;
    },
    api,
    sync,
    async close() {
      history.close();
      elevator.close();
      notices.close();
      await notices.idle();
    },
  };
}

/** Every community request refuses with the same Chinese reason (no cloud configured). */
export function unavailableCommunityApi(code: string, message: string): CommunityApi {
  const refuse = async (): Promise<never> => {
    throw new UserFacingError(code, message);
  };
  return {
    'notices.list': refuse, 'notices.get': refuse, 'notices.markRead': refuse, 'notices.dismissAlert': refuse,
    'doors.list': refuse, 'doors.open': refuse, 'elevator.list': refuse, 'elevator.floor.get': refuse, 'elevator.floor.set': refuse,
    'elevator.call': refuse, 'elevator.dismiss': refuse, 'history.unlocks': refuse, 'history.notices': refuse,
  };
}

/** A cloud failure while listing becomes a Chinese message for the screen. */
async function withWords<T>(run: () => Promise<T>, what: string, subject: ServiceSubject): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof UserFacingError) throw e;
    throw new UserFacingError('cloud', `${what}：${describeServiceFailure(e, subject).message}`);
  }
}
