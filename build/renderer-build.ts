// Builds renderer/ with Vite into dist/renderer (what the host serves and Electron loads).
import { build } from 'vite';
import { fileURLToPath } from 'node:url';

export const RENDERER_ROOT = fileURLToPath(new URL('../renderer/', import.meta.url));
export const RENDERER_DIST = fileURLToPath(new URL('../dist/renderer/', import.meta.url));

export async function buildRenderer(): Promise<void> {
  await build({ root: RENDERER_ROOT, logLevel: 'warn', configFile: fileURLToPath(new URL('../renderer/vite.config.ts', import.meta.url)) });
}
