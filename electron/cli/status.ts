// `lintel status`: what an installer needs to know about the panel, read straight from its data
// directory (the host may or may not be running). Reports no password, secret or token.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DATABASE_FILE } from '../host/index.js';
import type { HostConfig } from '../host/config/index.js';
import type { SystemSecretName } from '../host/config/systems.js';
import { iotVideoEndpoint } from '../host/systems/settings.js';
import { checkModelLayout, modelSearchPath, type ModelLayout } from '../host/speech/model-files.js';
import { VOICE_MODEL_SETTINGS_KEY } from '../host/voice/index.js';
import { BindingRepo, ProblemsRepo, SecretsRepo, SettingsRepo, openDatabaseReadOnly, schemaVersion, type SecretCipher } from '../host/store/index.js';
import { INTERCOM_LINE_SETTINGS_KEY, readStoredLineState } from '../host/sip/index.js';
import { LINTEL_VERSION } from '../host/version.js';

export interface StatusReport {
  dataDir: string;
  deviceId: string | null;
  deviceType: string;
  cloud: { mode: 'sandbox' | 'cloud'; endpoint: string | null; appKey: string | null; appSecretStored: boolean };
  binding: { state: 'bound' | 'unbound'; house: string | null; communityId: number | null; role: 'resident' | 'property' | null; boundAt: string | null };
  sip: {
    number: string; host: string; port: number; group: string; passwordStored: boolean;
    /** As the running host last reported it: NONE, LOGINPROCESS, ONLINE or OFFLINE. */
    state: string | null; reason: string | null; stateAt: string | null;
  } | null;
  /** The other intercom systems as configured (issue 7): where, and whether each secret is stored. */
  systems: {
    akuvox: { endpoint: string; residenceId: string; tokenStored: boolean } | null;
    isdp: { endpoint: string; devices: string[]; passwordStored: boolean } | null;
    iotVideo: { endpoint: string; cameras: string[]; accessKeySecretStored: boolean } | null;
  };
  model: ModelLayout & { screenReport: { status: string; detail: string; at: string } | null };
  versions: { lintel: string; node: string; electron: string | null; schema: number };
  lastError: { code: string; message: string; detail: string; at: string } | null;
}

/** A cipher that can only say a secret exists: status never opens one. */
const presenceOnly: SecretCipher = { kind: 'presence-only', seal: () => Buffer.alloc(0), open: () => '' };

export function readStatus(config: HostConfig, env: NodeJS.ProcessEnv = process.env): StatusReport {
  const file = join(config.dataDir, DATABASE_FILE);
  const db = existsSync(file) ? openDatabaseReadOnly(file) : null;
  try {
    const secrets = db ? new SecretsRepo(db, presenceOnly) : null;
    const bindingRepo = db && secrets ? new BindingRepo(db, secrets) : null;
    const binding = bindingRepo?.get();
    const channel = bindingRepo?.getChannel();
    const last = db ? new ProblemsRepo(db).last() : undefined;
    const line = db ? readStoredLineState(new SettingsRepo(db).get(INTERCOM_LINE_SETTINGS_KEY)) : null;
    return {
      dataDir: config.dataDir,
      deviceId: config.deviceId ?? (db ? new SettingsRepo(db).get('deviceId') ?? null : null),
      deviceType: config.deviceType,
      cloud: {
        mode: config.cloud ? 'cloud' : 'sandbox',
        endpoint: config.cloud?.endpoint ?? null,
        appKey: config.cloud?.appKey ?? null,
        appSecretStored: Boolean(config.cloud?.appSecret) || secrets?.get('appSecret') !== undefined,
      },
      binding: {
        state: binding ? 'bound' : 'unbound',
        house: binding?.houseName ?? null,
        communityId: binding?.communityId ?? null,
        role: binding ? (binding.bindType === 1 ? 'property' : 'resident') : null,
        boundAt: binding ? new Date(binding.boundAt).toISOString() : null,
      },
      sip: channel
        ? {
            number: channel.sipNumber, host: channel.sipHost, port: channel.sipPort, group: channel.sipGroupId,
            passwordStored: secrets?.get('sipPassword') !== undefined,
            state: line?.state ?? null, reason: line?.reason ?? null, stateAt: line ? new Date(line.at).toISOString() : null,
          }
        : null,
      systems: systemsStatus(config, (name) => Boolean(config.systems.secretsFromEnv[name]) || secrets?.get(name) !== undefined),
      model: { ...checkModelLayout(modelSearchPath(config.dataDir, env)), screenReport: db ? readScreenModelReport(new SettingsRepo(db).get(VOICE_MODEL_SETTINGS_KEY)) : null },
      versions: { lintel: LINTEL_VERSION, node: process.versions.node, electron: process.versions['electron'] ?? null, schema: db ? schemaVersion(db) : 0 },
      lastError: last ? { ...last, at: new Date(last.at).toISOString() } : null,
    };
  } finally {
    db?.close();
  }
}

/** What the screen's recognizer last said of the model (loaded, or why it failed). */
function readScreenModelReport(value: string | undefined): { status: string; detail: string; at: string } | null {
  if (!value) return null;
  try {
    const r = JSON.parse(value) as { status: string; detail: string; at: number };
    return { status: r.status, detail: r.detail, at: new Date(r.at).toISOString() };
  } catch {
    return null;
  }
}

function systemsStatus(config: HostConfig, stored: (name: SystemSecretName) => boolean): StatusReport['systems'] {
  const { akuvox, isdp, iotVideo } = config.systems;
  return {
    akuvox: akuvox ? { endpoint: akuvox.endpoint, residenceId: akuvox.residenceId, tokenStored: stored('akuvoxToken') } : null,
    isdp: isdp ? { endpoint: isdp.endpoint, devices: isdp.devices.map((d) => d.name), passwordStored: stored('isdpPassword') } : null,
    iotVideo: iotVideo ? { endpoint: iotVideoEndpoint(iotVideo), cameras: iotVideo.cameras.map((c) => c.name), accessKeySecretStored: stored('iotVideoAccessKeySecret') } : null,
  };
}
