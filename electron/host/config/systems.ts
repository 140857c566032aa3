// How a panel is told about the other intercom systems it serves. Seed 002 says nothing about how a
// panel comes to belong to an Akuvox residence, nor seeds 003/004 about which cameras or field
// devices it may use, so the installer says so in config.json (README "Other intercom systems").
// As with the appSecret, secrets never live in the file: each comes once from the environment (or
// `lintel seal`) and is kept sealed in the store.
import { z } from 'zod';

const httpUrl = z.url().refine((u) => /^https?:\/\//.test(u), 'an http(s) URL');
const label = z.string().trim().min(1).max(32);
/** An XMPP bare JID (node@domain): the device's chatJid. */
const jid = z.string().regex(/^[^\s@<>&"'/]+@[A-Za-z0-9.-]+$/, 'a chatJid like 759646@saasgroupchat.example.com');
const hostname = z.string().regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, 'a host name');

export const akuvoxConfigSchema = z.object({
  /** The open-ability API's origin, e.g. https://open.akuvox.example. */
  endpoint: httpUrl,
  /** The residence this panel belongs to (residence_id). */
  residenceId: z.string().min(1).max(64),
  /** The relay (relay_id) 开门 opens when the resident names none; else the only relay, else a choice. */
  defaultRelayId: z.string().min(1).max(100).optional(),
}).strict();

export const isdpDeviceConfigSchema = z.object({
  /** What the desk calls it (巡逻岗): shown in the list and matched against a spoken name. */
  name: label,
  chatJid: jid,
  deviceId: z.string().min(1).max(64),
  isdpDeviceId: z.string().min(1).max(64),
}).strict();

export const isdpConfigSchema = z.object({
  /** https://isdp.<domain>. */
  endpoint: httpUrl,
  /** The OAuth2 client id (the client secret equals it, per ISDP). */
  clientId: z.string().min(1).max(64),
  /** The API application's id (the password grant's username). */
  username: z.string().min(1).max(128),
  /** The Openfire domain of the chatJids (the message properties' namespace). */
  xmppDomain: hostname,
  devices: z.array(isdpDeviceConfigSchema).min(1).max(50),
}).strict();

export const cameraConfigSchema = z.union([
  z.object({ name: label, iotId: z.string().min(1).max(64) }).strict(),
  z.object({ name: label, productKey: z.string().min(1).max(64), deviceName: z.string().min(1).max(64) }).strict(),
]);

export const iotVideoConfigSchema = z.object({
  /** Default: https://linkvisual.<regionId>.aliyuncs.com. */
  endpoint: httpUrl.optional(),
  regionId: z.string().regex(/^[a-z0-9-]+$/, 'a region id like cn-shanghai'),
  accessKeyId: z.string().min(1).max(128),
  /** Required by the platform when the IoT instance has an ID. */
  iotInstanceId: z.string().min(1).max(64).optional(),
  /** IP cameras with voice intercom, for the monitor list. */
  cameras: z.array(cameraConfigSchema).min(1).max(50),
}).strict();

/** The keys config.json may hold for these systems (merged into the file schema). */
export const systemsFileShape = {
  akuvox: akuvoxConfigSchema.optional(),
  isdp: isdpConfigSchema.optional(),
  iotVideo: iotVideoConfigSchema.optional(),
};

export type AkuvoxConfig = z.infer<typeof akuvoxConfigSchema>;
export type IsdpConfig = z.infer<typeof isdpConfigSchema>;
export type IsdpDeviceConfig = z.infer<typeof isdpDeviceConfigSchema>;
export type CameraConfig = z.infer<typeof cameraConfigSchema>;
export type IotVideoConfig = z.infer<typeof iotVideoConfigSchema>;

/** The sealed secrets, and the environment variable each may arrive in once. */
export const SYSTEM_SECRETS = {
  akuvoxToken: 'LINTEL_AKUVOX_TOKEN',
  isdpPassword: 'LINTEL_ISDP_PASSWORD',
  iotVideoAccessKeySecret: 'LINTEL_IOT_VIDEO_ACCESS_KEY_SECRET',
} as const;
export type SystemSecretName = keyof typeof SYSTEM_SECRETS;

export interface SystemsConfig {
  akuvox: AkuvoxConfig | null;
  isdp: IsdpConfig | null;
  iotVideo: IotVideoConfig | null;
  /** Secrets given in the environment this time (sealed into the store by the host). */
  secretsFromEnv: Partial<Record<SystemSecretName, string>>;
}

export function resolveSystemsConfig(file: { akuvox?: AkuvoxConfig | undefined; isdp?: IsdpConfig | undefined; iotVideo?: IotVideoConfig | undefined }, env: NodeJS.ProcessEnv): SystemsConfig {
  const secretsFromEnv: Partial<Record<SystemSecretName, string>> = {};
  for (const [name, variable] of Object.entries(SYSTEM_SECRETS) as [SystemSecretName, string][]) {
    const value = env[variable];
    if (value) secretsFromEnv[name] = value;
  }
  return { akuvox: file.akuvox ?? null, isdp: file.isdp ?? null, iotVideo: file.iotVideo ?? null, secretsFromEnv };
}
