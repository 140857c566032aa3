import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../electron/host/config/index.js';

function dir(): string {
  return mkdtempSync(join(tmpdir(), 'lintel-config-'));
}

describe('configuration', () => {
  it('runs against the sandbox when no cloud is configured', () => {
    const d = dir();
    const c = loadConfig({ LINTEL_DATA_DIR: d });
    expect(c.cloud).toBeNull();
    expect(c.dataDir).toBe(d);
    expect(c.deviceType).toBe('TMALL_GENIE');
  });

  it('takes the cloud from the file and lets the environment win', () => {
    const d = dir();
    writeFileSync(join(d, 'config.json'), JSON.stringify({ cloud: { endpoint: 'https://api.example.test/', appKey: 'file-key', communityId: 7 }, device: { deviceId: 'PANEL-1' } }));
    const c = loadConfig({ LINTEL_DATA_DIR: d, LINTEL_APP_KEY: 'env-key', LINTEL_APP_SECRET: 's' });
    expect(c.cloud).toEqual({ endpoint: 'https://api.example.test', appKey: 'env-key', appSecret: 's', communityId: 7 });
    expect(c.deviceId).toBe('PANEL-1');
  });

  it('refuses a secret written into the config file, and says where it belongs', () => {
    const d = dir();
    writeFileSync(join(d, 'config.json'), JSON.stringify({ cloud: { endpoint: 'https://a.test', appKey: 'k', appSecret: 'plain' } }));
    expect(() => loadConfig({ LINTEL_DATA_DIR: d })).toThrowError(/lintel configure/);
  });

  it('explains a broken file instead of starting half-configured', () => {
    const d = dir();
    writeFileSync(join(d, 'config.json'), '{ not json');
    expect(() => loadConfig({ LINTEL_DATA_DIR: d })).toThrowError(ConfigError);
    expect(() => loadConfig({ LINTEL_DATA_DIR: dir(), LINTEL_CLOUD_ENDPOINT: 'https://a.test' })).toThrowError(/both an endpoint and an appKey/);
    expect(() => loadConfig({ LINTEL_DATA_DIR: dir(), LINTEL_HTTP_PORT: 'eighty' })).toThrowError(/port/);
  });
});
