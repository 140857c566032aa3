// Compiles the Electron main process (tsc, ESM) and bundles the preload (esbuild, CommonJS:
// a sandboxed preload cannot load modules of its own).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export async function buildElectron(): Promise<void> {
  const tsc = spawnSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', `${root}build/tsconfig.electron.json`], { stdio: 'inherit' });
  if (tsc.status !== 0) throw new Error('compiling the Electron main process failed');
  await build({
    entryPoints: [`${root}electron/preload.ts`],
    outfile: `${root}dist/electron/preload.cjs`,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    external: ['electron'],
    logLevel: 'warning',
  });
}
