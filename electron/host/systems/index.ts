// The other intercom systems a panel may serve besides the community platform (issue 7): an Akuvox
// residence, ISDP field devices for the property desk, IoT-video cameras. One entry for the host:
// their part of PanelState and of the HostApi.
import type { HostApi, systemsRequests, SystemsState } from '../../contract/index.js';
import { UserFacingError } from '../errors.js';
import type { Logger } from '../log/index.js';
import type { Store } from '../store/index.js';
import { SystemActionsRepo } from '../store/system-actions.js';
import { AkuvoxResidence, type AkuvoxTiming } from './akuvox.js';
import { Cameras } from './cameras.js';
import { FieldDevices } from './isdp.js';
import type { SystemsSettings } from './settings.js';

export { resolveSystemsSettings, type SystemsSettings } from './settings.js';
export { AkuvoxResidence, DEFAULT_AKUVOX_TIMING, type AkuvoxTiming } from './akuvox.js';
export { FieldDevices, DESK_ONLY } from './isdp.js';
export { Cameras, cameraId, TALK_NOT_SPECIFIED } from './cameras.js';

export type SystemsApi = Pick<HostApi, keyof typeof systemsRequests>;

export interface OtherSystemsOptions {
  settings: SystemsSettings;
  store: Store;
  logger: Logger;
  now: () => number;
  onChange: () => void;
  /** The panel's role on the community platform (null: not bound there). */
  bindType: () => 0 | 1 | null;
  akuvoxTiming?: Partial<AkuvoxTiming>;
}

export interface OtherSystems {
  readonly akuvox: AkuvoxResidence | null;
  readonly isdp: FieldDevices | null;
  readonly cameras: Cameras | null;
  readonly api: SystemsApi;
  state(): SystemsState;
  start(): void;
  stop(): void;
}

export function createOtherSystems(o: OtherSystemsOptions): OtherSystems {
  const deps = (service: string) => ({ actions: new SystemActionsRepo(o.store.db), logger: o.logger.child({ service }), now: o.now, onChange: o.onChange });
  const { akuvox: a, isdp: i, iotVideo: v } = o.settings;
  const akuvox = a
    ? new AkuvoxResidence({ ...deps('akuvox'), config: a.config, token: a.token, settings: o.store.settings, ...(o.akuvoxTiming ? { timing: o.akuvoxTiming } : {}) })
    : null;
  const isdp = i ? new FieldDevices({ ...deps('isdp'), config: i.config, password: i.password, bindType: o.bindType }) : null;
  const cameras = v ? new Cameras({ ...deps('iot-video'), config: v.config, accessKeySecret: v.accessKeySecret }) : null;

  const need = <T>(service: T | null, message: string): T => {
    if (!service) throw new UserFacingError('not-configured', message);
    return service;
  };
  const residence = (): AkuvoxResidence => need(akuvox, '本机没有绑定 Akuvox 住宅');
  const api: SystemsApi = {
    'akuvox.devices': async ({ refresh }) => ({ devices: await residence().listDevices(refresh ?? false) }),
    'akuvox.openRelay': (p) => residence().openRelay(p),
    'akuvox.callHistory': () => residence().callHistory(),
    'akuvox.openHistory': () => residence().openHistory(),
    'akuvox.snapshot': ({ id }) => residence().snapshot(id),
    'akuvox.tempKeys': () => residence().tempKeys(),
    'akuvox.createTempKey': (p) => residence().createTempKey(p),
    'akuvox.deleteTempKeys': ({ keys }) => residence().deleteTempKeys(keys),
    'isdp.call': async (p) => need(isdp, '本机没有配置可呼叫的现场设备').call(p),
    'cameras.intercom': async ({ cameraId: id }) => need(cameras, '本机没有配置摄像头').intercom(id),
  };

  return {
    akuvox,
    isdp,
    cameras,
    api,
    state: () => ({ akuvox: akuvox?.state() ?? null, isdp: isdp?.state() ?? null, cameras: cameras?.state() ?? null }),
    start: () => akuvox?.start(),
    stop: () => akuvox?.stop(),
  };
}
