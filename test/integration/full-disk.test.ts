// A full disk while the panel is being bound: a clear storage problem, no half-saved binding, no
// crash, and the binding completes by itself once there is room again. The data directory is a
// real 1 MiB tmpfs filled to the last byte (needs root to mount, as on the build machines).
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHost, type Host } from '../../electron/host/index.js';
import { loadConfig } from '../../electron/host/config/index.js';
import { silentLogger } from '../../electron/host/log/index.js';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { bindFromApp, demoHouses } from '../support/bind.js';
import { waitForState } from '../support/panel.js';
import { tempDir } from '../support/temp.js';

function tryMountTmpfs(dir: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Writes until the filesystem says ENOSPC. */
function fillUp(file: string): void {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(4096, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd);
  }
}

const dataDir = tempDir('full-disk');
const mounted = tryMountTmpfs(dataDir);

describe.skipIf(!mounted)('a full disk (tmpfs, needs root)', () => {
  let sandbox: Sandbox;
  let host: Host | null = null;

  beforeAll(async () => {
    sandbox = await startSandbox({ dbFile: join(tempDir('sandbox'), 'sandbox.sqlite'), logger: false });
  });
  afterAll(async () => {
    await host?.close();
    await sandbox?.close();
    execFileSync('umount', [dataDir]);
  });

  it('reports the storage problem, keeps no half state, and finishes binding once there is room', async () => {
    host = await createHost({
      config: loadConfig({ LINTEL_DATA_DIR: dataDir }),
      credentials: { endpoint: sandbox.url, ...sandbox.app },
      logger: silentLogger(),
      bindingTiming: { backoffBaseMs: 100, backoffMaxMs: 300, pollUnboundMs: 100 },
    });
    const unbound = await waitForState(host, (s) => s.binding.status === 'unbound' && s.binding.qr !== null);
    if (unbound.binding.status !== 'unbound' || !unbound.binding.qr) throw new Error('no QR');
    const house = (await demoHouses(sandbox)).find((h) => h.kind === 'house');
    if (!house) throw new Error('no house');

    const filler = join(dataDir, 'filler');
    fillUp(filler);
    await bindFromApp(sandbox, unbound.binding.qr.qrCode, house.houseSpaceId);
    const full = await waitForState(host, (s) => s.problem?.code === 'storage');
    expect(full.problem?.message).toContain('存储');
    expect(full.problem?.detail).toMatch(/SQLITE_FULL|SQLITE_IOERR/);
    // Either nothing about the house is kept, or all of it: never a house without its channel.
    expect(full.binding.status === 'unbound' || (full.binding.status === 'bound' && !full.binding.channelReady)).toBe(true);

    rmSync(filler);
    const done = await waitForState(host, (s) => s.binding.status === 'bound' && s.binding.channelReady && s.problem === null);
    expect(done.binding).toMatchObject({ houseName: house.houseName });
  });
});
