// IP cameras with voice intercom (seed 003) for the monitor list. QueryVoiceIntercom gives a talk
// URL (Scheme ws) and an AES key and IV; the protocol spoken over that URL is not in the
// specification, so the panel obtains the session, says plainly that it cannot talk over it yet,
// and keeps the URL's token and the key in the host.
import type { HostRequestResult, SystemAction, SystemsState } from '../../contract/index.js';
import type { CameraConfig, IotVideoConfig } from '../config/systems.js';
import { IotVideoClient, type CameraRef, type VoiceIntercomSession } from '../platform/iot-video/index.js';
import { withRetries } from '../platform/systems/http.js';
import { missingSecretMessage } from '../platform/systems/problems.js';
import { UserFacingError } from '../errors.js';
import { describeFailure, recordAction, type SystemServiceDeps } from './common.js';
import { iotVideoEndpoint } from './settings.js';

type CamerasState = NonNullable<SystemsState['cameras']>;
type IntercomOutcome = HostRequestResult<'cameras.intercom'>;

export const TALK_NOT_SPECIFIED = '物联网视频平台可以给出这些摄像头的语音对讲地址和密钥，但规范没有定义该地址上的对讲协议，本机暂时不能与摄像头通话';

export interface CamerasOptions extends SystemServiceDeps {
  config: IotVideoConfig;
  /** null: configured, but no AccessKey secret sealed yet. */
  accessKeySecret: string | null;
}

export class Cameras {
  private readonly client: IotVideoClient | null;
  private lastQuery: SystemAction | null = null;

  constructor(private readonly o: CamerasOptions) {
    this.client = o.accessKeySecret
      ? new IotVideoClient({
          endpoint: iotVideoEndpoint(o.config), regionId: o.config.regionId, accessKeyId: o.config.accessKeyId,
          accessKeySecret: o.accessKeySecret, now: o.now, ...(o.config.iotInstanceId ? { iotInstanceId: o.config.iotInstanceId } : {}),
        })
      : null;
  }

  state(): CamerasState {
    return { cameras: this.o.config.cameras.map((c) => ({ id: cameraId(c), name: c.name })), note: TALK_NOT_SPECIFIED, lastQuery: this.lastQuery };
  }

  /** The session itself, for the host (a future talk implementation); throws what failed. */
  async session(id: string): Promise<{ camera: CameraConfig; session: VoiceIntercomSession }> {
    const camera = this.o.config.cameras.find((c) => cameraId(c) === id);
    if (!camera) throw new UserFacingError('not-found', '没有这个摄像头');
    const client = this.client;
    if (!client) throw new UserFacingError('not-configured', missingSecretMessage('iot-video'));
    const ref: CameraRef = 'iotId' in camera ? { iotId: camera.iotId } : { productKey: camera.productKey, deviceName: camera.deviceName };
    return { camera, session: await withRetries(() => client.queryVoiceIntercom(ref, 'ws'), { idempotent: true }) };
  }

  /** What the screen gets: whether the session was obtained, and the truth about talking over it. */
  async intercom(id: string): Promise<IntercomOutcome> {
    const known = this.o.config.cameras.find((c) => cameraId(c) === id);
    if (!known) throw new UserFacingError('not-found', '没有这个摄像头');
    const view = { id, name: known.name };
    const began = this.o.now();
    let outcome: IntercomOutcome;
    try {
      const { session } = await this.session(id);
      const url = new URL(session.url);
      outcome = {
        ok: true, camera: view, talkEndpoint: `${url.protocol}//${url.host}${url.pathname}`, talkSupported: false,
        message: `已从物联网视频平台取得“${known.name}”的语音对讲地址，但规范没有定义对讲协议，本机暂时不能通话`,
      };
    } catch (e) {
      const d = e instanceof UserFacingError ? { message: e.message, detail: e.message } : describeFailure(e);
      this.o.logger.warn({ camera: id, detail: d.detail }, 'iot-video: voice intercom query failed');
      outcome = { ok: false, camera: view, talkEndpoint: null, talkSupported: false, message: `无法取得“${known.name}”的语音对讲地址：${d.message}` };
    }
    recordAction(this.o, { at: began, system: 'iot-video', action: 'voice-intercom', target: id, targetName: known.name, result: outcome.ok ? 'ok' : 'failed', latencyMs: this.o.now() - began });
    this.lastQuery = { ok: outcome.ok, target: known.name, message: outcome.message, at: this.o.now() };
    this.o.onChange();
    return outcome;
  }
}

/** Stable across restarts: the camera's IotId, or ProductKey/DeviceName. */
export function cameraId(c: CameraConfig): string {
  return 'iotId' in c ? c.iotId : `${c.productKey}/${c.deviceName}`;
}
