// Where the panel's settings come from: an optional JSON file, then LINTEL_* environment variables
// (which win). Secrets never live in the file: appSecret comes from the environment once, or from
// `lintel configure`, and is kept sealed in the store.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { resolveSystemsConfig, systemsFileShape, type SystemsConfig } from './systems.js';

export const DEFAULT_DEVICE_TYPE = 'TMALL_GENIE';
export const DEFAULT_HTTP_PORT = 8790;

const sipNumber = z.string().regex(/^[A-Za-z0-9_.+-]{1,50}$/, 'a SIP number (letters, digits, _ . + -)');

const fileSchema = z
  .object({
    cloud: z
      .object({
        endpoint: z.url(),
        appKey: z.string().min(1),
        communityId: z.number().int().optional(),
      })
      .strict()
      .optional(),
    device: z.object({ deviceId: z.string().min(1).max(64).optional(), deviceType: z.string().min(1).optional() }).strict().optional(),
    http: z.object({ port: z.number().int().min(0).max(65535).optional() }).strict().optional(),
    intercom: z
      .object({
        deskNumber: sipNumber.optional(),
        monitorDoor: sipNumber.optional(),
        monitorSeconds: z.number().int().min(5).max(600).optional(),
        ringTimeoutSec: z.number().int().min(5).max(300).optional(),
      })
      .strict()
      .optional(),
    // Akuvox residence, ISDP field devices, IoT-video cameras (issue 7): systems.ts.
    ...systemsFileShape,
  })
  .strict();
export type ConfigFile = z.infer<typeof fileSchema>;

export interface CloudConfig {
  endpoint: string;
  appKey: string;
  /** Present only when given in the environment; otherwise read from the sealed store. */
  appSecret?: string;
  communityId?: number;
}

export interface IntercomConfig {
  /** 呼叫物业 calls this number or group; null: not configured (the screen says so). */
  deskNumber: string | null;
  /** 查看视频 with no door named watches this one; null: the last door that called. */
  monitorDoor: string | null;
  /** 查看视频 ends after this long (the platform allows 60 s). */
  monitorSeconds: number;
  /** An unanswered door call stops ringing (480) after this long. */
  ringTimeoutSec: number;
}

export interface HostConfig {
  dataDir: string;
  configFile: string;
  /** null: no cloud configured, so the kiosk runs against the built-in sandbox community. */
  cloud: CloudConfig | null;
  deviceId?: string;
  deviceType: string;
  httpPort: number;
  intercom: IntercomConfig;
  /** The other intercom systems (Akuvox, ISDP, IoT video), each null when not configured. */
  systems: SystemsConfig;
}

export class ConfigError extends Error {}

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env['XDG_CONFIG_HOME'] || join(homedir(), '.config');
  return join(base, 'lintel');
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): HostConfig {
  const dataDir = env['LINTEL_DATA_DIR'] || defaultDataDir(env);
  const configFile = env['LINTEL_CONFIG'] || join(dataDir, 'config.json');
  let file: ConfigFile = {};
  if (existsSync(configFile)) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(configFile, 'utf8'));
    } catch (e) {
      throw new ConfigError(`${configFile} is not valid JSON: ${(e as Error).message}`);
    }
    const parsed = fileSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const hint = /ecret|token|assword/i.test(JSON.stringify(raw))
        ? ' (secrets do not belong in the config file: use `lintel configure --app-secret-stdin` or LINTEL_APP_SECRET, and `lintel seal` for the other systems)'
        : '';
      throw new ConfigError(`${configFile}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}${hint}`);
    }
    file = parsed.data;
  }

  const endpoint = env['LINTEL_CLOUD_ENDPOINT'] || file.cloud?.endpoint;
  const appKey = env['LINTEL_APP_KEY'] || file.cloud?.appKey;
  const communityIdText = env['LINTEL_COMMUNITY_ID'];
  const communityId = communityIdText ? Number(communityIdText) : file.cloud?.communityId;
  if (communityIdText && !Number.isInteger(communityId)) throw new ConfigError(`LINTEL_COMMUNITY_ID must be a whole number, got "${communityIdText}"`);
  if (Boolean(endpoint) !== Boolean(appKey)) throw new ConfigError('a cloud needs both an endpoint and an appKey (LINTEL_CLOUD_ENDPOINT, LINTEL_APP_KEY)');
  if (endpoint && !/^https?:\/\//.test(endpoint)) throw new ConfigError(`cloud endpoint must be an http(s) URL, got "${endpoint}"`);

  const portText = env['LINTEL_HTTP_PORT'];
  const httpPort = portText !== undefined && portText !== '' ? Number(portText) : file.http?.port ?? DEFAULT_HTTP_PORT;
  if (!Number.isInteger(httpPort) || httpPort < 0 || httpPort > 65535) throw new ConfigError(`LINTEL_HTTP_PORT must be a port number, got "${portText}"`);

  const cloud: CloudConfig | null =
    endpoint && appKey
      ? {
          endpoint: endpoint.replace(/\/+$/, ''),
          appKey,
          ...(env['LINTEL_APP_SECRET'] ? { appSecret: env['LINTEL_APP_SECRET'] } : {}),
          ...(communityId !== undefined ? { communityId } : {}),
        }
      : null;
  const deviceId = env['LINTEL_DEVICE_ID'] || file.device?.deviceId;
  const envNumber = (name: string): string | undefined => {
    const value = env[name];
    if (value === undefined || value === '') return undefined;
    const parsed = sipNumber.safeParse(value);
    if (!parsed.success) throw new ConfigError(`${name} must be a SIP number, got "${value}"`);
    return parsed.data;
  };
  const intercom: IntercomConfig = {
    deskNumber: envNumber('LINTEL_DESK_NUMBER') ?? file.intercom?.deskNumber ?? null,
    monitorDoor: envNumber('LINTEL_MONITOR_DOOR') ?? file.intercom?.monitorDoor ?? null,
    monitorSeconds: file.intercom?.monitorSeconds ?? 60,
    ringTimeoutSec: file.intercom?.ringTimeoutSec ?? 60,
  };
  return {
    dataDir,
    configFile,
    cloud,
    ...(deviceId ? { deviceId } : {}),
    deviceType: env['LINTEL_DEVICE_TYPE'] || file.device?.deviceType || DEFAULT_DEVICE_TYPE,
    httpPort,
    intercom,
    systems: resolveSystemsConfig(file, env),
  };
}
