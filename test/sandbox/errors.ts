// Business errors the handlers throw; the server turns them into the platform's envelope.
import { PLATFORM_ERRORS, type PlatformErrorCode } from '../../electron/host/platform/envelope.js';

export class ApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly localizedMsg: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** A 460 whose message says what is wrong (the platform does so too: "identityid is blank!"). */
export function paramError(message: string): ApiError {
  return new ApiError(460, message, PLATFORM_ERRORS[460].localizedMsg);
}

export function platformError(code: PlatformErrorCode, message?: string): ApiError {
  return new ApiError(code, message ?? PLATFORM_ERRORS[code].message, PLATFORM_ERRORS[code].localizedMsg);
}

/** Seed 000 sip/detail/get: "若返回错误为SYS_0002,表示SIP号无效或不存在". The envelope code is an
 * integer, so the sandbox sends 460 and puts SYS_0002 first in the message. */
export function sipNotFound(sipNumber: string): ApiError {
  return new ApiError(460, `SYS_0002: sip number ${sipNumber} is invalid or does not exist`, 'SIP号无效或不存在');
}

/** Seed 001 line 21289: a device that is not connected answers 460 "device offline". */
export function deviceOffline(iotId: string): ApiError {
  return new ApiError(460, 'device offline', `设备离线（${iotId}）`);
}

/** The elevator services' result code 4 (seed 001 lines 26575-26585), as the remote-call API's code. */
export function sendToDeviceFail(): ApiError {
  return new ApiError(4, 'send to device fail', '发送到设备失败');
}
