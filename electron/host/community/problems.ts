// Why a community service failed, in words for the resident (Chinese) and for the log. A cloud
// failure during an action the resident is waiting for is told as "try again", not "retrying":
// these actions are not retried behind the resident's back.
import { UserFacingError } from '../errors.js';
import { PlatformError } from '../platform/index.js';
import { ELEVATOR_SEND_FAIL } from '../platform/community-api.js';
import { isDeviceOffline } from './cloud.js';

export type ServiceSubject = 'door' | 'elevator' | 'notice';

export interface ServiceFailure {
  /** Chinese, for the screen and for speaking. */
  message: string;
  /** Technical, for the log. Never a secret. */
  detail: string;
}

const OFFLINE: Record<ServiceSubject, string> = {
  door: '门禁设备离线，暂时无法开门，请联系物业',
  elevator: '电梯控制器离线，暂时无法呼叫电梯，请联系物业',
  notice: '设备离线',
};

/** The elevator services' result code 4, in words. */
export const SEND_TO_DEVICE_FAIL = '电梯控制器没有收到指令（发送到设备失败），请稍后再试';

export function describeServiceFailure(e: unknown, subject: ServiceSubject): ServiceFailure {
  if (e instanceof UserFacingError) return { message: e.message, detail: `${e.code}: ${e.message}` };
  if (e instanceof PlatformError) {
    const detail = [e.message, e.gatewayMessage ? `gateway: ${e.gatewayMessage}` : null, e.localizedMsg].filter(Boolean).join(' | ');
    return { message: platformMessage(e, subject), detail };
  }
  const detail = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  const sqlite = (e as { code?: unknown } | null)?.code;
  if (typeof sqlite === 'string' && sqlite.startsWith('SQLITE_')) return { message: '本机存储出错（可能磁盘已满）', detail: `${sqlite}: ${detail}` };
  return { message: '本机出现内部错误，请稍后再试', detail };
}

function platformMessage(e: PlatformError, subject: ServiceSubject): string {
  if (e.kind === 'unreachable') return '无法连接社区云平台，请检查网络连接';
  if (e.kind === 'bad-reply') return '社区云平台返回了无法识别的数据，请稍后再试';
  if (isDeviceOffline(e)) return OFFLINE[subject];
  switch (e.code) {
    case ELEVATOR_SEND_FAIL:
      return SEND_TO_DEVICE_FAIL;
    case 401:
      return '云平台授权已失效，请稍后再试';
    case 403:
      return '云平台拒绝了本机的签名：应用密钥不正确，请联系安装人员';
    case 429:
      return '社区云平台繁忙，请稍后再试';
    case 20003:
      return '社区云平台不提供这项服务，请联系物业';
    case 400:
    case 460:
      return `云平台拒绝了请求：${e.localizedMsg ?? '请求参数错误'}`;
    default:
      if (e.code !== null && e.code >= 500) return '社区云平台暂时故障，请稍后再试';
      return `云平台拒绝了请求：${e.localizedMsg ?? String(e.code)}`;
  }
}
