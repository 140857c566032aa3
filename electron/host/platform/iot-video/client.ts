// QueryVoiceIntercom (seed 003) for this panel: always Scheme=ws (the web-client protocol; rtmp is
// for the vendor's Android/iOS SDKs), RPC-signed, POSTed as a form so nothing but the request's
// own parameters is in the URL. Returns the talk URL and the AES key and IV, which stay in the
// host: what is spoken over that URL is not in the specification (see README), so nothing here
// pretends to talk.
import { z } from 'zod';
import { httpRequest, statusError, SystemError, SYSTEM_CALL_TIMEOUT_MS, type SystemErrorKind } from '../systems/http.js';
import { IOT_VIDEO_ACTION, IOT_VIDEO_API_VERSION, rpcReplySchema, voiceIntercomData, type CameraRef, type VoiceIntercomScheme } from './api.js';
import { signRpcParams } from './rpc-signing.js';

export interface IotVideoClientOptions {
  /** e.g. https://linkvisual.cn-shanghai.aliyuncs.com (no trailing path). */
  endpoint: string;
  regionId: string;
  accessKeyId: string;
  accessKeySecret: string;
  /** Required by the platform when the instance has an ID. */
  iotInstanceId?: string;
  timeoutMs?: number;
  now?: () => number;
}

export interface VoiceIntercomSession {
  /** The talk URL, token included: a credential for one session. */
  url: string;
  scheme: VoiceIntercomScheme;
  /** AES key and IV for the session's media, decoded from base64. */
  key: Buffer;
  iv: Buffer;
  requestId: string | null;
}

const REASONS: Record<string, string> = {
  'iot.device.NotExistedDevice': '物联网视频平台上没有这个摄像头，请联系安装人员',
  'iot.common.InvalidTenant': '阿里云账号无权访问这个摄像头（tenant auth error），请联系安装人员',
  'InvalidTimeStamp.Expired': '本机时间与物联网视频平台相差过大，请校准时间后重试',
  'iot.system.IllegalRequest': '物联网视频平台认为请求参数有误，请联系安装人员检查摄像头配置',
};

export class IotVideoClient {
  private readonly now: () => number;

  constructor(private readonly o: IotVideoClientOptions) {
    this.now = o.now ?? Date.now;
  }

  async queryVoiceIntercom(camera: CameraRef, scheme: VoiceIntercomScheme = 'ws'): Promise<VoiceIntercomSession> {
    const own: Record<string, string> = {
      Action: IOT_VIDEO_ACTION,
      Scheme: scheme,
      RegionId: this.o.regionId,
      ...(this.o.iotInstanceId ? { IotInstanceId: this.o.iotInstanceId } : {}),
      ...('iotId' in camera ? { IotId: camera.iotId } : { ProductKey: camera.productKey, DeviceName: camera.deviceName }),
    };
    const signed = signRpcParams({
      method: 'POST', accessKeyId: this.o.accessKeyId, accessKeySecret: this.o.accessKeySecret,
      version: IOT_VIDEO_API_VERSION, params: own, now: this.now(),
    });
    const answer = await httpRequest('iot-video', IOT_VIDEO_ACTION, `${this.o.endpoint.replace(/\/+$/, '')}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(signed).toString(),
    }, this.o.timeoutMs ?? SYSTEM_CALL_TIMEOUT_MS);

    const reply = rpcReplySchema.safeParse(answer.json);
    if (!reply.success || (reply.data.Code === undefined && reply.data.Success === undefined)) {
      if (answer.status >= 200 && answer.status < 300) throw new SystemError('iot-video', 'bad-reply', IOT_VIDEO_ACTION, `${IOT_VIDEO_ACTION}: reply is not an RPC answer`, answer.status);
      throw statusError('iot-video', IOT_VIDEO_ACTION, answer.status, 'without an RPC error body');
    }
    const r = reply.data;
    if (answer.status !== 200 || r.Success !== true || r.Code !== '200') {
      const code = r.Code ?? null;
      const text = r.ErrorMessage ?? r.Message ?? '';
      throw new SystemError('iot-video', failureKind(answer.status, code), IOT_VIDEO_ACTION,
        `${IOT_VIDEO_ACTION}: ${code ?? answer.status} ${text}`.trim(), answer.status, code, code ? REASONS[code] ?? null : null);
    }
    const data = voiceIntercomData.safeParse(r.Data);
    if (!data.success) {
      throw new SystemError('iot-video', 'bad-reply', IOT_VIDEO_ACTION, `${IOT_VIDEO_ACTION}: Data.${data.error.issues[0]?.path.join('.') ?? ''} ${data.error.issues[0]?.message ?? ''}`.trim(), answer.status);
    }
    return checkedSession(data.data, scheme, r.RequestId ?? null);
  }
}

/** A ws request must get a ws(s) URL, and AES wants a 16/24/32-byte key and a 16-byte IV. */
function checkedSession(data: z.infer<typeof voiceIntercomData>, scheme: VoiceIntercomScheme, requestId: string | null): VoiceIntercomSession {
  const bad = (why: string): SystemError => new SystemError('iot-video', 'bad-reply', IOT_VIDEO_ACTION, `${IOT_VIDEO_ACTION}: ${why}`);
  let protocol: string;
  try {
    protocol = new URL(data.Url).protocol;
  } catch {
    throw bad('Data.Url is not a URL');
  }
  const allowed = scheme === 'ws' ? ['ws:', 'wss:'] : ['rtmp:', 'rtmps:'];
  if (!allowed.includes(protocol)) throw bad(`Data.Url is ${protocol}, not the ${scheme} that was asked for`);
  const key = Buffer.from(data.CryptoKey.Key, 'base64');
  const iv = Buffer.from(data.CryptoKey.Iv, 'base64');
  if (![16, 24, 32].includes(key.length) || iv.length !== 16) throw bad(`CryptoKey is not an AES key and IV (${key.length}/${iv.length} bytes)`);
  return { url: data.Url, scheme, key, iv, requestId };
}

function failureKind(status: number, code: string | null): SystemErrorKind {
  if (code?.startsWith('Throttling') || code === 'ServiceUnavailable' || status === 429 || status === 503) return 'busy';
  if (code === 'iot.system.SystemException' || code === 'InternalError' || status >= 500) return 'server';
  if (status === 401 || status === 403 || code === 'iot.common.InvalidTenant' || /^(Signature|IncompleteSignature|InvalidAccessKeyId|InvalidTimeStamp)/.test(code ?? '')) {
    return 'auth';
  }
  return 'rejected';
}
