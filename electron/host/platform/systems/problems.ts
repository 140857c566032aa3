// What a failed call to one of the other systems means to the person at the panel: a Chinese
// sentence for the screen, a technical detail for the installer (never a secret), and whether the
// host will try again by itself. The community platform's equivalent is ../problems.ts.
import type { ProblemCode } from '../../../contract/index.js';
import type { ProblemDescription } from '../problems.js';
import type { SystemError, SystemName } from './http.js';

export const SYSTEM_LABELS: Record<SystemName, string> = {
  akuvox: 'Akuvox 云平台',
  isdp: 'ISDP 平台',
  'iot-video': '物联网视频平台',
};

/** What the installer has to fix when the credentials are refused. */
const CREDENTIALS: Record<SystemName, string> = {
  akuvox: '访问令牌',
  isdp: '应用 ID 或应用令牌',
  'iot-video': '阿里云 AccessKey',
};

export function describeSystemError(e: SystemError): ProblemDescription {
  const label = SYSTEM_LABELS[e.system];
  const detail = [`${e.system}: ${e.message}`, e.code ? `code ${e.code}` : null].filter(Boolean).join(' | ');
  const d = (code: ProblemCode, message: string): ProblemDescription => ({ code, message, detail, retryable: e.retryable });
  switch (e.kind) {
    case 'unreachable':
      return d('cloud-unreachable', `无法连接${label}，请检查网络连接`);
    case 'auth':
      return d('rejected', e.reason ?? `${label}拒绝了本机的${CREDENTIALS[e.system]}，请联系安装人员重新配置`);
    case 'busy':
      return d('rate-limited', `${label}繁忙，请稍后再试`);
    case 'server':
      return d('server-error', `${label}暂时故障，请稍后再试`);
    case 'bad-reply':
      return d('bad-reply', `${label}返回了无法识别的数据，请稍后再试`);
    case 'rejected':
      return d('rejected', e.reason ?? `${label}拒绝了请求${e.code ? `（${e.code}）` : ''}`);
  }
}

/** The panel has the system's settings but not its secret: the installer must seal one. */
export function missingSecretMessage(system: SystemName): string {
  return `本机尚未保存${SYSTEM_LABELS[system]}的${CREDENTIALS[system]}，请联系安装人员配置`;
}
