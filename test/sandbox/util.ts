// Small helpers shared by the handlers: random identifiers and the platform's time format.
import { randomBytes, randomInt } from 'node:crypto';

const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Lower-case alphanumerics, like the platform's SIP numbers and group ids ("obog97v34g"). */
export function randomAlnum(length: number, alphabet = ALNUM): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

export function randomPassword(): string {
  return randomAlnum(12, 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789');
}

/** China has had no daylight saving time since 1991, so Asia/Shanghai is a fixed UTC+8. */
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

/** "yyyy-MM-dd HH:mm:ss" in Asia/Shanghai local time, the format of qrcode/get's expireTime. */
export function shanghaiDateTime(ms: number): string {
  const d = new Date(ms + SHANGHAI_OFFSET_MS);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ` +
    `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/** The seed calls intercomDeviceId "脱敏的对讲设备ID": keep both ends, mask the middle. */
export function maskDeviceId(deviceId: string): string {
  if (deviceId.length <= 6) return '****';
  return `${deviceId.slice(0, 3)}****${deviceId.slice(-3)}`;
}
