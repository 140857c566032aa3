// One pino logger for the host. Secrets are redacted by key wherever they appear in a logged object.
import { pino, type Logger } from 'pino';

export type { Logger };

export const REDACTED_KEYS = [
  'appSecret', 'sipPassword', 'password', 'cloudToken', 'iotToken', 'secret', 'authorization',
  // The other systems (issue 7): their credentials, a talk session's key, and anything that opens
  // a door or carries a camera's password. (Talk URLs are never logged at all.)
  'token', 'accessToken', 'access_token', 'akuvoxToken', 'isdpPassword', 'accessKeySecret', 'iotVideoAccessKeySecret',
  'CryptoKey', 'tempKey', 'temp_key', 'private_key', 'nfc_code', 'ble_code', 'rtsp', 'rtsp_url',
];

export function createLogger(options: { level?: string; destination?: string } = {}): Logger {
  const paths = REDACTED_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);
  return pino(
    { level: options.level ?? process.env['LINTEL_LOG_LEVEL'] ?? 'info', redact: { paths, censor: '[redacted]' }, base: { app: 'lintel' } },
    options.destination ? pino.destination({ dest: options.destination, mkdir: true, sync: false }) : pino.destination(2),
  );
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
