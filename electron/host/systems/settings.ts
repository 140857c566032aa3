// Each other system's settings with its secret: from config.json plus the sealed store (a secret
// given in the environment is sealed first, then the environment is no longer needed), or handed
// over whole by whoever started the host (the sandbox gives its demo residence, tenant and cameras).
import type { AkuvoxConfig, IotVideoConfig, IsdpConfig, SystemsConfig, SystemSecretName } from '../config/systems.js';
import type { SecretsRepo } from '../store/index.js';

export interface SystemsSettings {
  /** A secret of null: configured, but the installer has not sealed the secret yet. */
  akuvox: { config: AkuvoxConfig; token: string | null } | null;
  isdp: { config: IsdpConfig; password: string | null } | null;
  iotVideo: { config: IotVideoConfig; accessKeySecret: string | null } | null;
}

export function resolveSystemsSettings(systems: SystemsConfig, secrets: SecretsRepo): SystemsSettings {
  for (const [name, value] of Object.entries(systems.secretsFromEnv) as [SystemSecretName, string][]) secrets.set(name, value);
  const secret = (name: SystemSecretName): string | null => secrets.get(name) ?? null;
  return {
    akuvox: systems.akuvox ? { config: systems.akuvox, token: secret('akuvoxToken') } : null,
    isdp: systems.isdp ? { config: systems.isdp, password: secret('isdpPassword') } : null,
    iotVideo: systems.iotVideo ? { config: systems.iotVideo, accessKeySecret: secret('iotVideoAccessKeySecret') } : null,
  };
}

export function iotVideoEndpoint(config: IotVideoConfig): string {
  return config.endpoint ?? `https://linkvisual.${config.regionId}.aliyuncs.com`;
}
