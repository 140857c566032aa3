// Shows the screen: in Electron when its binary is installed, else in the system Chromium as an
// app window (kiosk mode on request). Returns null when there is nothing to show it on.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { buildElectron } from '../../build/electron-build.js';
import { projectRoot } from '../host/version.js';

export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The Electron binary's path, if the `electron` package managed to install it. */
export function electronBinary(): string | null {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

export async function launchElectron(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const binary = electronBinary();
  if (!binary) throw new Error('the Electron binary is not installed');
  await buildElectron();
  return spawn(binary, [projectRoot()], { stdio: 'inherit', env });
}

export function launchChromium(url: string, profileDir: string, env: NodeJS.ProcessEnv): ChildProcess | null {
  const chromium = CHROMIUM_CANDIDATES.find((p) => existsSync(p));
  if (!chromium || (!env['DISPLAY'] && !env['WAYLAND_DISPLAY'])) return null;
  const args = [
    env['LINTEL_KIOSK'] === '1' ? `--kiosk` : '--window-size=1280,800',
    `--app=${url}`,
    `--user-data-dir=${profileDir}`,
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--autoplay-policy=no-user-gesture-required',
    // Chromium refuses to start as root without this; panels run as an ordinary user.
    ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
  ];
  return spawn(chromium, args, { stdio: 'ignore' });
}
