// What a failed platform call means to the people in front of the panel: a Chinese sentence for
// the screen and a technical detail for the installer. Never includes a secret.
import type { ProblemCode } from '../../contract/index.js';
import type { PlatformError } from './client.js';

export interface ProblemDescription {
  code: ProblemCode;
  message: string;
  detail: string;
  retryable: boolean;
}

export function describePlatformError(e: PlatformError): ProblemDescription {
  const detail = [e.message, e.gatewayMessage ? `gateway: ${e.gatewayMessage}` : null, e.localizedMsg].filter(Boolean).join(' | ');
  const d = (code: ProblemCode, message: string): ProblemDescription => ({ code, message, detail, retryable: e.retryable });
  if (e.kind === 'unreachable') return d('cloud-unreachable', '无法连接社区云平台，请检查网络连接');
  if (e.kind === 'bad-reply') return d('bad-reply', '社区云平台返回了无法识别的数据，稍后将自动重试');
  const msg = `${e.message} ${e.gatewayMessage ?? ''}`.toLowerCase();
  switch (e.code) {
    case 403:
      return d('bad-app-secret', '云平台拒绝了本机的签名：应用密钥（appKey/appSecret）不正确，请联系安装人员');
    case 429:
      return d('rate-limited', '社区云平台繁忙，稍后将自动重试');
    case 400:
      if (msg.includes('timestamp')) return d('clock-skew', '本机时间与云平台相差过大，请校准时间后重试');
      return d('rejected', `云平台拒绝了请求：${e.localizedMsg ?? '请求错误'}`);
    case 460:
      if (msg.includes('ts out of range')) return d('clock-skew', '本机时间与云平台相差过大，请校准时间后重试');
      if (msg.includes('sign')) return d('bad-sign', '绑定二维码签名校验失败，请检查设备的 appKey 和设备标识配置');
      return d('rejected', `云平台拒绝了请求：${e.localizedMsg ?? '请求参数错误'}`);
    default:
      if (e.code !== null && e.code >= 500) return d('server-error', '社区云平台暂时故障，稍后将自动重试');
      return d('rejected', `云平台拒绝了请求：${e.localizedMsg ?? String(e.code)}`);
  }
}
